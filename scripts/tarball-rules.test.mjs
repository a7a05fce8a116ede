// The tarball rules of `npm run check:packages` and `npm run test:packages`, over a real `npm pack` of the
// fixture package in scripts/fixtures/exports-package/: complete, it passes; with one file its exports
// name deleted, the rules name that file.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { globToRegExp, missingExportTargets, packPackage, tarballProblems } from './tarball-rules.mjs';

const FIXTURE = fileURLToPath(new URL('./fixtures/exports-package/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'placet-tarball-rules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the tarball rules over a packed fixture package', () => {
  it('a complete package: no problem', async () => {
    const packed = await packPackage(FIXTURE, work);
    expect(packed.error).toBeUndefined();
    expect(packed.files).toEqual(
      expect.arrayContaining(['package.json', 'LICENSE', 'README.md', 'dist/index.js', 'dist/extra.js']),
    );
    expect(tarballProblems(packed)).toEqual([]);
  });

  it('a file its exports name deleted: the tarball fails, naming the file', async () => {
    const copy = join(work, 'deleted');
    cpSync(FIXTURE, copy, { recursive: true });
    rmSync(join(copy, 'dist/extra.js'));
    const packed = await packPackage(copy, work);
    expect(packed.error).toBeUndefined();
    expect(packed.files).not.toContain('dist/extra.js');
    expect(tarballProblems(packed)).toEqual([
      'its exports name ./dist/extra.js, which is not in the tarball',
    ]);
  });
});

describe('exports patterns', () => {
  it('a * in an exports target matches one or more characters', () => {
    const manifest = { exports: { './*': { types: './dist/*.d.ts', import: './dist/*.js' } } };
    expect(missingExportTargets(manifest, ['dist/a.js', 'dist/a.d.ts'])).toEqual([]);
    expect(missingExportTargets(manifest, ['dist/a.js'])).toEqual(['./dist/*.d.ts']);
    expect(globToRegExp('dist/*.js').test('dist/.js')).toBe(false);
  });
});
