#!/usr/bin/env node
// `npm run check:packages`: packs every publishable workspace package the way `npm publish` does (its
// prepack/postpack included, so the tarball has the published manifest) and checks each tarball with
//   - publint (--strict: warnings fail too),
//   - @arethetypeswrong/cli with the `esm-only` profile (the packages are ESM only: CommonJS and node10
//     resolution are out of scope by design),
//   - our own rules: LICENSE, README.md and dist/ are in, src/ and tests are not, the manifest names no
//     `@placet/source` condition, and packing left the committed package.json as it was.
// Run it after `npm run build`: the packs reuse dist/ (PLACET_PACK_SKIP_BUILD=1) instead of rebuilding.
// Usage: node scripts/check-packages.mjs [package name or directory ...]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packPackage, run, tarballProblems } from './tarball-rules.mjs';
import { listWorkspaces, root } from './workspace-list.mjs';

const BIN = join(root, 'node_modules/.bin');

const wanted = process.argv.slice(2);
const packages = listWorkspaces().filter(
  (pkg) =>
    !pkg.manifest.private &&
    (wanted.length === 0 ||
      wanted.includes(pkg.name) ||
      wanted.some((w) => relative(root, pkg.dir) === w.replace(/\/$/, ''))),
);
if (packages.length === 0) {
  console.error(`check:packages: no publishable package matches ${wanted.join(' ')}`);
  process.exit(2);
}

const out = mkdtempSync(join(tmpdir(), 'placet-packages-'));
const failures = [];
const fail = (pkg, message) => failures.push(`${pkg.name}: ${message}`);

// 1. Pack, one package at a time (each pack rewrites its own package.json for a moment).
const packed = [];
for (const pkg of packages) {
  const manifestText = readFileSync(join(pkg.dir, 'package.json'), 'utf8');
  const result = await packPackage(pkg.dir, out, { PLACET_PACK_SKIP_BUILD: '1' });
  if (readFileSync(join(pkg.dir, 'package.json'), 'utf8') !== manifestText)
    fail(pkg, 'npm pack left package.json changed (postpack did not restore it)');
  if (result.error) {
    fail(pkg, result.error);
    continue;
  }
  packed.push({ pkg, ...result });
}

// 2. The tarball rules (scripts/tarball-rules.mjs: LICENSE, README.md and dist/ in, src/ and tests out, no
// development condition, every file the published exports name present), publint and attw, a few at a time.
async function check({ pkg, tarball, files, size, manifest, manifestText }) {
  for (const problem of tarballProblems({ files, manifest, manifestText })) fail(pkg, problem);
  const publint = await run(join(BIN, 'publint'), ['run', tarball, '--strict']);
  if (publint.code !== 0) fail(pkg, `publint:\n${publint.stdout}${publint.stderr}`);
  const attw = await run(join(BIN, 'attw'), [
    tarball,
    '--profile',
    'esm-only',
    '--no-definitely-typed',
    '--format',
    'ascii',
  ]);
  if (attw.code !== 0) fail(pkg, `attw:\n${attw.stdout}${attw.stderr}`);
  const ok = !failures.some((f) => f.startsWith(`${pkg.name}: `));
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${pkg.name} (${files.length} files, ${(size / 1024).toFixed(1)} KiB packed)`,
  );
}
const queue = [...packed];
await Promise.all(
  Array.from({ length: Math.max(1, availableParallelism()) }, async () => {
    for (let item = queue.shift(); item; item = queue.shift()) await check(item);
  }),
);

rmSync(out, { recursive: true, force: true });
if (failures.length > 0) {
  console.error(`\ncheck:packages: ${failures.length} problem(s)\n\n${failures.join('\n\n')}`);
  process.exit(1);
}
console.log(
  `check:packages: ${packed.length} package(s) pass publint, attw (esm-only) and the tarball rules`,
);
