import type { Plugin } from 'esbuild';
import type { Options } from 'tsup';

/**
 * The tsup build shared by the built-in review-type plugins (plugins/approval, form, freeform, selection,
 * text-input): each `tsup.config.ts` is `export default reviewTypeBuild();`. Their declarations come from
 * the repository's one `tsc -b` pass (tsconfig.build.json), and their browser module is bundled from the
 * core's sources through the repository's `@placet/source` condition. plugins/rating spells the two
 * builds out in its own config, exactly as a plugin outside this repository does: copy that one, not this.
 */
export interface ReviewTypeBuildOptions {
  /** The Node entries (the plugin factory and its schemas). Default `['src/index.ts']`. */
  entry?: string[];
  /** The browser UI module, built to `dist/ui.js`. Default `'src/ui.ts'`. */
  ui?: string;
}

/**
 * Leaves zod's `locales` namespace (every translation, ~250 KB minified) out of the browser bundle: a
 * re-exported `z` namespace keeps all of it otherwise. The UI never switches locale, so its messages stay
 * the English ones the server sends (zod imports `en` directly, not through this module).
 */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]zod[\\/]/.test(importer) ? { path: 'zod-locales', namespace: 'empty-module' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'empty-module' }, () => ({ contents: 'export {};' }));
  },
};

/** The two builds of a review-type plugin: the Node entry and the self-contained browser module. */
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
      // The browser UI (`ui.module` of the review type): one self-contained ES module with no bare
      // imports, zod and @placet/core/browser bundled in, so the dashboard can `import()` it by URL.
      entry: { ui },
      format: ['esm'],
      platform: 'browser',
      target: 'es2022',
      noExternal: [/.*/],
      minify: true,
      dts: false,
      sourcemap: false,
      clean: false,
      esbuildPlugins: [withoutZodLocales],
      esbuildOptions(esbuild) {
        // Bundle @placet/core/browser from the workspace sources, like the tests: no core build first.
        // `@placet/source` is this repository's development condition; published manifests have none.
        esbuild.conditions = ['@placet/source'];
      },
    },
  ];
}
