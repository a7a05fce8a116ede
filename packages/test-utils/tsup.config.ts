import { defineConfig } from 'tsup';

export default defineConfig({
  // `browser-element` is the `./browser` subpath: the main entry never imports it (esbuild, playwright-core).
  entry: ['src/index.ts', 'src/browser-element.ts'],
  external: ['vitest', 'esbuild', 'playwright-core'],
  format: ['esm'],
  // Declarations come from `tsc -b tsconfig.build.json` (one pass for the whole repository) into dist/ too.
  dts: false,
  sourcemap: true,
  clean: ['!**/*.d.ts', '!*.tsbuildinfo'],
  target: 'node20',
});
