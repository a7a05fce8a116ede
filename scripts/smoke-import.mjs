#!/usr/bin/env node
// Imports the BUILT entry of every publishable workspace package with plain Node (no vitest, no
// `@placet/source` condition), so that `dist/` and the `exports` maps are proven to work. Run after
// `npm run build`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { listWorkspaces } from './workspace-list.mjs';

let failures = 0;
const packages = listWorkspaces().filter((pkg) => !pkg.manifest.private && pkg.manifest.exports);
for (const pkg of packages) {
  try {
    const entry = pkg.manifest.exports['.']?.import;
    if (!entry || !existsSync(join(pkg.dir, entry)))
      throw new Error(`built entry ${entry} is missing: run npm run build`);
    const mod = await import(pkg.name);
    const names = Object.keys(mod);
    if (names.length === 0) throw new Error('the entry exports nothing');
    console.log(`ok   ${pkg.name} (${names.length} exports)`);
  } catch (error) {
    failures++;
    console.log(`FAIL ${pkg.name}: ${error instanceof Error ? error.message : error}`);
  }
}

// The foundation issue's promise, from the built packages: a plugin validates a payload, then a response.
try {
  const { PluginRegistry } = await import('@placet/core/plugin');
  const { approval } = await import('@placet/plugin-approval');
  const registry = new PluginRegistry([approval()]);
  const payload = registry.parsePayload('approval', { options: [{ id: 'approve', label: 'Approve' }] });
  registry.parseResponse('approval', payload, { selectedOption: 'approve' });
  let rejected = false;
  try {
    registry.parseResponse('approval', payload, { selectedOption: 'nope' });
  } catch {
    rejected = true;
  }
  if (!rejected) throw new Error('an invalid approval response was accepted');
  console.log('ok   built @placet/plugin-approval validates a payload and its responses');
} catch (error) {
  failures++;
  console.log(`FAIL plugin check: ${error instanceof Error ? error.message : error}`);
}

if (failures > 0) {
  console.log(`smoke import: ${failures} failure(s)`);
  process.exit(1);
}
console.log(`smoke import: ${packages.length} package(s) load from dist/`);
