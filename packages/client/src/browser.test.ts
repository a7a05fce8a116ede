import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('./index.ts', import.meta.url));

/** The client bundled as a browser app would bundle it (the core from its sources, as in this repository). */
async function bundle(packages: 'bundle' | 'external') {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['@placet/source'],
    packages,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  return {
    inputs: Object.keys(result.metafile.inputs),
    imports: [...new Set((output?.imports ?? []).map((i) => i.path))].sort(),
    bytes: output?.bytes ?? 0,
  };
}

describe('@placet/client in a browser', () => {
  it('imports only the browser-safe receipts entry of the core at run time (the contract is types only)', async () => {
    const { imports } = await bundle('external');
    expect(imports).toEqual(['@placet/core/receipts']);
  });

  it('bundles for the browser without anything Node-only', async () => {
    const { inputs } = await bundle('bundle');
    expect(inputs.filter((path) => /^node:|reflect-metadata|tsyringe/.test(path))).toEqual([]);
    // From the core: the receipt verifier and the wire schemas it checks claims with, never the engine.
    const fromCore = inputs
      .filter((path) => path.includes('core/src/'))
      .map((path) => path.replace(/^.*core\/src\//, ''));
    expect(fromCore.filter((path) => !/^(receipts|contract)(\.ts$|\/)/.test(path))).toEqual([]);
    // Third-party code: zod (the claims schema) and jose (Web Crypto) only.
    const packages = new Set(
      inputs
        .filter((path) => path.includes('node_modules/'))
        .map((path) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(path)?.[1]),
    );
    expect([...packages].sort()).toEqual(['jose', 'zod']);
  });
});
