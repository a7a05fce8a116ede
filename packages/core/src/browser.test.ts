import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { formatDuration, isDismissible, PlacetReviewElement, RESPOND_EVENT, z } from './browser.js';

describe('@placet/core/browser', () => {
  it('imports in Node without a DOM (the element base class is only defined, never constructed)', () => {
    expect(typeof PlacetReviewElement).toBe('function');
    expect(RESPOND_EVENT).toBe('placet-respond');
    expect(z.string().safeParse('x').success).toBe(true);
  });

  it('bundles for the browser without anything Node-only', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./browser.ts', import.meta.url))],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'browser',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => /reflect-metadata|tsyringe|^node:/.test(path))).toEqual([]);
    // Only the browser entry and the pure modules it shares with the server (defineReviewSchemas and its
    // errors): never the engine.
    const fromCore = inputs
      .filter((path) => path.startsWith('src/') || path.includes('core/src/'))
      .map((path) => path.replace(/^.*src\//, ''))
      .sort();
    expect(fromCore).toEqual([
      'browser-messages.ts',
      'browser.ts',
      'errors/codes.ts',
      'errors/placet-error.ts',
      'plugins/define.ts',
    ]);
  });

  it('dismissible: the type’s own rule, else a non-blank dismissLabel (as the registry decides)', () => {
    expect(isDismissible({}, { dismissLabel: 'Skip' })).toBe(true);
    expect(isDismissible({}, { dismissLabel: '  ' })).toBe(false);
    expect(isDismissible({}, {})).toBe(false);
    expect(isDismissible({ dismissible: () => true }, {})).toBe(true);
  });

  it('formats a countdown', () => {
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(12_001)).toBe('13s');
    expect(formatDuration(3 * 3600_000 + 4 * 60_000)).toBe('3h 04m');
    expect(formatDuration(2 * 86400_000 + 5 * 3600_000)).toBe('2d 5h');
    expect(formatDuration(-5)).toBe('0s');
  });
});
