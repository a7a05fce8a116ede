// Two builds: the Node entry with its declarations, and the browser module. A plugin of your own uses this
// file as it is (docs/guides/writing-a-plugin.md shows it whole): it bundles the installed
// `@placet/core/browser` (its published dist/), and needs nothing from the Placet repository.
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
  },
]);
