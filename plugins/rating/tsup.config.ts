// Two builds: the Node entry with its declarations, and the browser module. A plugin of your own uses this
// file as it is (docs/guides/writing-a-plugin.md shows it whole), and needs nothing from the Placet
// repository.
import { defineConfig } from 'tsup';

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
    // The browser UI (`ui.module` of the review type): one ES module that the dashboard `import()`s by
    // URL. `@placet/core/browser` (and zod with it) stays a bare import: the dashboard's import map
    // resolves it to the copy every widget shares. Everything else the element uses is bundled.
    entry: { ui: 'src/ui.ts' },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    external: ['@placet/core/browser'],
    noExternal: [/^(?!@placet\/core\/browser$)/],
    minify: true,
    dts: false,
    sourcemap: false,
    clean: false,
  },
]);
