#!/usr/bin/env node
// Runs an npm script in every workspace package that defines it, in dependency order (a package
// builds after the workspace packages it depends on), stopping at the first failure.
// Usage: node scripts/workspaces.mjs <script>
import { spawnSync } from 'node:child_process';
import { listWorkspaces } from './workspace-list.mjs';

const script = process.argv[2];
if (!script) {
  console.error('usage: node scripts/workspaces.mjs <script>');
  process.exit(2);
}

const ordered = listWorkspaces().filter((pkg) => pkg.manifest.scripts?.[script]);
const started = Date.now();
for (const [i, pkg] of ordered.entries()) {
  const t0 = Date.now();
  process.stdout.write(`[${i + 1}/${ordered.length}] ${script} ${pkg.name} … `);
  const result = spawnSync('npm', ['run', script, '--silent'], { cwd: pkg.dir, encoding: 'utf8' });
  if (result.status !== 0) {
    console.log('FAILED');
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    process.exit(result.status ?? 1);
  }
  console.log(`ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
console.log(`${script}: ${ordered.length} package(s) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
