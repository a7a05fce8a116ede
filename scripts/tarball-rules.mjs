// What a packed tarball of a publishable package must hold, as data and pure functions, shared by
// `npm run check:packages` (scripts/check-packages.mjs), `npm run test:packages` (scripts/test-packages.mjs)
// and their unit test (scripts/tarball-rules.test.ts, over the fixture package in scripts/fixtures/).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEV_CONDITION } from './pack-manifest.mjs';

/** Every file path an `exports` map names (its string leaves). */
export function exportTargets(value, found = []) {
  if (typeof value === 'string') found.push(value);
  else if (value !== null && typeof value === 'object')
    for (const inner of Object.values(value)) exportTargets(inner, found);
  return found;
}

/** An `exports` path, where `*` stands for any non-empty string, as a regular expression. */
export function globToRegExp(path) {
  const escaped = path.split('*').map((part) => part.replace(/[.+?^$()|[\]\\{}]/g, '\\$&'));
  return new RegExp(`^${escaped.join('.+')}$`);
}

/** The `exports` targets of `manifest` that no file of the tarball (`files`, paths inside `package/`) matches. */
export function missingExportTargets(manifest, files) {
  return exportTargets(manifest.exports ?? {}).filter((target) => {
    const pattern = globToRegExp(target.replace(/^\.\//, ''));
    return !files.some((file) => pattern.test(file));
  });
}

/**
 * The problems of one tarball: `files` as `npm pack --json` lists them, `manifest` the package.json
 * inside the tarball (the published one), `manifestText` its text. An empty list: the tarball is fine.
 */
export function tarballProblems({ files, manifest, manifestText = JSON.stringify(manifest) }) {
  const problems = [];
  for (const required of ['package.json', 'LICENSE', 'README.md'])
    if (!files.includes(required)) problems.push(`the tarball has no ${required}`);
  if (!files.some((f) => f.startsWith('dist/')))
    problems.push('the tarball has no dist/ (run npm run build first)');
  const unwanted = files.filter(
    (f) => f.startsWith('src/') || f.startsWith('test/') || /\.test\.|\.tsbuildinfo$/.test(f),
  );
  if (unwanted.length > 0) problems.push(`the tarball has files it should not: ${unwanted.join(', ')}`);
  if (manifestText.includes(`"${DEV_CONDITION}"`))
    problems.push(`the published package.json still has the ${DEV_CONDITION} condition`);
  for (const target of missingExportTargets(manifest, files))
    problems.push(`its exports name ${target}, which is not in the tarball`);
  return problems;
}

/** Runs a command, collecting its output; never throws (`code` is 1 when it could not start). */
export function run(command, args, options = {}) {
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

/**
 * Packs the package in `dir` into `destination` with `npm pack` (its prepack/postpack included) and reads
 * the tarball back: `{ tarball, filename, files, size, manifest, manifestText }`, or `{ error }`.
 * `env` is added to the pack's environment (`PLACET_PACK_SKIP_BUILD: '1'` reuses dist/).
 */
export async function packPackage(dir, destination, env = {}) {
  const packed = await run('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, env });
  if (packed.code !== 0) return { error: `npm pack failed:\n${packed.stderr}` };
  const [info] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('[')));
  const tarball = join(destination, info.filename);
  const manifestText = (await run('tar', ['-xOzf', tarball, 'package/package.json'])).stdout;
  return {
    tarball,
    filename: info.filename,
    name: info.name,
    files: info.files.map((f) => f.path),
    size: info.size,
    manifest: JSON.parse(manifestText),
    manifestText,
  };
}
