import { readFileSync } from 'node:fs';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Plugin } from 'esbuild';
import type { Options } from 'tsup';

/**
 * The tsup build shared by the built-in review-type plugins (plugins/approval, form, freeform, selection,
 * text-input): each `tsup.config.ts` is `export default reviewTypeBuild();`. Their declarations come from
 * the repository's one `tsc -b` pass (tsconfig.build.json). plugins/rating spells the two builds out in its
 * own config, exactly as a plugin outside this repository does: copy that one, not this.
 */
export interface ReviewTypeBuildOptions {
  /** The Node entries (the plugin factory and its schemas). Default `['src/index.ts']`. */
  entry?: string[];
  /** The browser UI module, built to `dist/ui.js`. Default `'src/ui.ts'`. */
  ui?: string;
}

/**
 * What the dashboard's page gives every review widget through its import map: one shared copy, so a
 * widget's bundle leaves it out (a bare import). Everything else the widget uses is bundled.
 */
export const SHARED_MODULES = ['@placet/core/browser'] as const;

/**
 * Leaves zod's `locales` namespace (every translation, ~250 KB minified) out of a browser bundle of
 * `@placet/core/browser` (the dashboard's shared widget module): a re-exported `z` namespace keeps all of
 * it otherwise. The UI never switches locale, so its messages stay the English ones the server sends (zod
 * imports `en` directly, not through this module).
 */
export const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]zod[\\/]/.test(importer) ? { path: 'zod-locales', namespace: 'empty-module' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'export {};' }));
  },
};

/** Prints what a built widget weighs in bytes: raw, gzip, brotli (a `[size] ` line, see scripts/build.mjs). */
export function printWidgetSize(file: string): void {
  const bytes = readFileSync(file);
  console.log(
    `[size] ${(JSON.parse(readFileSync('package.json', 'utf8')) as { name: string }).name}: ${file} ${bytes.length} bytes, ` +
      `${gzipSync(bytes).length} gzip, ${brotliCompressSync(bytes).length} brotli`,
  );
}

/** The two builds of a review-type plugin: the Node entry and the browser module. */
export function reviewTypeBuild(options: ReviewTypeBuildOptions = {}): Options[] {
  const { entry = ['src/index.ts'], ui = 'src/ui.ts' } = options;
  return [
    {
      // The server side: the plugin factory and the schemas. `@placet/core` stays external (a peer).
      entry,
      format: ['esm'],
      // Declarations: `tsc -b tsconfig.build.json`, into dist/ as well.
      dts: false,
      sourcemap: true,
      // Both configs write to dist/ at the same time: keep the browser bundle of the second one, and the
      // declarations tsc writes there.
      clean: ['!ui.js', '!**/*.d.ts', '!*.tsbuildinfo'],
      target: 'node20',
    },
    {
      // The browser UI (`ui.module` of the review type): one ES module that the dashboard `import()`s by
      // URL. `@placet/core/browser` (and zod with it) stays a bare import, which the dashboard's import map
      // resolves to its one shared copy; everything else is bundled.
      entry: { ui },
      format: ['esm'],
      platform: 'browser',
      target: 'es2022',
      external: [...SHARED_MODULES],
      noExternal: [/^(?!@placet\/core\/browser$)/],
      minify: true,
      dts: false,
      sourcemap: false,
      clean: false,
      onSuccess: async () => printWidgetSize('dist/ui.js'),
    },
  ];
}
