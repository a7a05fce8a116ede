#!/usr/bin/env node
// The `prepack` and `postpack` of every publishable package (`npm pack` and `npm publish` run them in the
// package's directory):
//   prepack:  builds the package from clean (`rm -rf dist && npm run build`; skipped when
//             PLACET_PACK_SKIP_BUILD=1, which `npm run check:packages` sets right after a full build), then
//             writes the PUBLISHED manifest: package.json without the repository's development condition
//             `@placet/source` (it points at src/, which no tarball has) and without src/ side-effect entries.
//             The manifest as committed is kept in node_modules/.cache/placet-pack/.
//   postpack: puts the committed manifest back.
// The tarball gets the published manifest; the working tree keeps the committed one. A pack that dies
// between the two leaves the published one in place: the next prepack (or `postpack` run by hand) restores it.
// Usage, from a package directory: node ../../scripts/pack-manifest.mjs prepack|postpack
// As a module: `publishedManifest(manifest)` is the transformation, for checks and tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root } from './workspace-list.mjs';

/** The export condition that resolves a workspace package to its TypeScript sources, in this repository only. */
export const DEV_CONDITION = '@placet/source';

const stripCondition = (value) => {
  if (Array.isArray(value)) return value.map(stripCondition);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== DEV_CONDITION)
      .map(([key, inner]) => [key, stripCondition(inner)]),
  );
};

/** The manifest as published: the committed one without the development condition and src/ paths. */
export function publishedManifest(manifest) {
  const published = { ...manifest };
  if (published.exports !== undefined) published.exports = stripCondition(published.exports);
  if (Array.isArray(published.sideEffects))
    published.sideEffects = published.sideEffects.filter((path) => !/^(\.\/)?src\//.test(path));
  return published;
}

const backupPath = (name) => join(root, 'node_modules/.cache/placet-pack', `${name.replace('/', '__')}.json`);

/**
 * Replaces a package.json whole (a temp file renamed over it): the packs run in parallel, and npm reads
 * the manifests of the other workspace packages while it packs one, so a reader must never find one
 * truncated halfway through a write (`EJSONPARSE: Unexpected end of JSON input`).
 */
function replaceManifest(file, text) {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

function restore(dir, name) {
  const backup = backupPath(name);
  if (!existsSync(backup)) return false;
  replaceManifest(join(dir, 'package.json'), readFileSync(backup));
  rmSync(backup);
  return true;
}

function prepack(dir) {
  const file = join(dir, 'package.json');
  const { name } = JSON.parse(readFileSync(file, 'utf8'));
  if (restore(dir, name)) console.error(`${name}: restored package.json left by an unfinished pack`);
  const text = readFileSync(file, 'utf8');
  const manifest = JSON.parse(text);
  if (process.env.PLACET_PACK_SKIP_BUILD !== '1' && manifest.scripts?.build) {
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    const built = spawnSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
    if (built.status !== 0) process.exit(built.status ?? 1);
  }
  const backup = backupPath(name);
  mkdirSync(join(backup, '..'), { recursive: true });
  writeFileSync(backup, text);
  replaceManifest(file, `${JSON.stringify(publishedManifest(manifest), null, 2)}\n`);
}

function postpack(dir) {
  const { name } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  restore(dir, name);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const step = process.argv[2];
  const dir = process.cwd();
  if (step === 'prepack') prepack(dir);
  else if (step === 'postpack') postpack(dir);
  else {
    console.error('usage: node scripts/pack-manifest.mjs prepack|postpack (from a package directory)');
    process.exit(2);
  }
}
