import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The core's modules an entry loads, and the packages it imports, as esbuild bundles it. */
async function graph(entry: string, platform: 'node' | 'browser') {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform,
    packages: 'external',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return {
    modules: Object.keys(result.metafile.inputs).map((path) => path.replace(/^.*src\//, '')),
    packages: [...new Set((output?.imports ?? []).map((i) => i.path))],
  };
}

describe('entries by audience', () => {
  // A plugin or an adapter imports its entry without the engine: no dependency-injection container,
  // no reflect-metadata, no service (the host's `@placet/core` loads those).
  for (const entry of ['./plugin.ts', './adapter.ts']) {
    it(`${entry} loads without the engine`, async () => {
      const { modules, packages } = await graph(entry, 'node');
      expect(packages.filter((path) => /tsyringe|reflect-metadata/.test(path))).toEqual([]);
      expect(modules.filter((path) => /^services\/|^placet\.ts$|^tokens\.ts$/.test(path))).toEqual([]);
    });
  }

  it('./contract.ts is the wire schemas only, and bundles for the browser', async () => {
    const { modules, packages } = await graph('./contract.ts', 'browser');
    expect(modules.filter((path) => !/^contract(\.ts$|\/)/.test(path))).toEqual([]);
    expect(packages).toEqual(['zod']);
  });

  it('./receipts.ts is the verifier and the wire schemas only, and bundles for the browser', async () => {
    const { modules, packages } = await graph('./receipts.ts', 'browser');
    expect(modules.filter((path) => !/^(receipts|contract)(\.ts$|\/)/.test(path))).toEqual([]);
    expect(packages.sort()).toEqual(['jose', 'zod']);
  });
});
