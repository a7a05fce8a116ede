import { defineConfig } from 'tsup';

export default defineConfig({
  // `browser-element` is the `./browser` subpath: the main entry never imports it (esbuild, playwright-core).
  entry: ['src/index.ts', 'src/browser-element.ts'],
  external: ['vitest', 'esbuild', 'playwright-core'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
