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
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DEV_CONDITION } from './pack-manifest.mjs';
import { listWorkspaces, root } from './workspace-list.mjs';

const BIN = join(root, 'node_modules/.bin');

function run(command, args, options = {}) {
  return new Promise((done) => {
    const child = spawn(command, args, {
      ...options,
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) => done({ code: 1, stdout, stderr: `${stderr}${error.message}\n` }));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

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
  const result = await run('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: pkg.dir,
    env: { PLACET_PACK_SKIP_BUILD: '1' },
  });
  if (readFileSync(join(pkg.dir, 'package.json'), 'utf8') !== manifestText)
    fail(pkg, 'npm pack left package.json changed (postpack did not restore it)');
  if (result.code !== 0) {
    fail(pkg, `npm pack failed:\n${result.stderr}`);
    continue;
  }
  const [info] = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
  const files = info.files.map((f) => f.path);
  for (const required of ['package.json', 'LICENSE', 'README.md'])
    if (!files.includes(required)) fail(pkg, `the tarball has no ${required}`);
  if (!files.some((f) => f.startsWith('dist/')))
    fail(pkg, 'the tarball has no dist/ (run npm run build first)');
  const unwanted = files.filter(
    (f) => f.startsWith('src/') || f.startsWith('test/') || /\.test\.|\.tsbuildinfo$/.test(f),
  );
  if (unwanted.length > 0) fail(pkg, `the tarball has files it should not: ${unwanted.join(', ')}`);
  packed.push({ pkg, tarball: join(out, info.filename), files, size: info.size });
}

// 2. The published manifest (read back from each tarball), publint and attw, a few tarballs at a time.
/** Every file path an `exports` map names (its string leaves), with `*` patterns as regular expressions. */
function exportTargets(value, found = []) {
  if (typeof value === 'string') found.push(value);
  else if (value !== null && typeof value === 'object')
    for (const inner of Object.values(value)) exportTargets(inner, found);
  return found;
}

/** An `exports` path, where `*` stands for any non-empty string, as a regular expression. */
function globToRegExp(path) {
  const escaped = path.split('*').map((part) => part.replace(/[.+?^$()|[\]\\{}]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.+')}$`);
}

async function check({ pkg, tarball, files, size }) {
  const manifestText = (await run('tar', ['-xOzf', tarball, 'package/package.json'])).stdout;
  if (manifestText.includes(`"${DEV_CONDITION}"`))
    fail(pkg, `the published package.json still has the ${DEV_CONDITION} condition`);
  // Every file the published exports name is in the tarball (publint does not look at every condition).
  const manifest = JSON.parse(manifestText);
  for (const target of exportTargets(manifest.exports ?? {})) {
    const pattern = globToRegExp(target.replace(/^\.\//, ''));
    if (!files.some((file) => pattern.test(file)))
      fail(pkg, `its exports name ${target}, which is not in the tarball`);
  }
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
