import type { Plugin } from 'esbuild';
import { defineConfig } from 'tsup';

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

export default defineConfig([
  {
    // The server side: the plugin factory and the schemas. `@placet/core` stays external (a peer).
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: true,
    sourcemap: true,
    // Both configs write to dist/ at the same time: keep the browser bundle of the second one.
    clean: ['!ui.js'],
    target: 'node20',
  },
  {
    // The browser UI (`ui.module` of the review type): one self-contained ES module with no bare
    // imports, zod and @placet/core/browser bundled in, so the dashboard can `import()` it by URL.
    entry: { ui: 'src/ui.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    noExternal: [/.*/],
    minify: true,
    dts: false,
    sourcemap: false,
    clean: false,
    esbuildPlugins: [withoutZodLocales],
    esbuildOptions(options) {
      // Inside the Placet repository: bundle @placet/core/browser from its sources (no core build
      // needed first). A plugin outside the repository leaves this out and bundles the published dist.
      options.conditions = ['source'];
    },
  },
]);
