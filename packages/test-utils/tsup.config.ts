import { defineConfig } from 'tsup';

export default defineConfig({
  // `browser-element` is the `./browser` subpath and `push-service` the `./push-service` one: the main entry
  // never imports them (esbuild, playwright-core; http_ece, jose).
  entry: ['src/index.ts', 'src/browser-element.ts', 'src/push-service.ts'],
  external: ['vitest', 'esbuild', 'playwright-core', 'http_ece', 'jose'],
  format: ['esm'],
  // Declarations come from `tsc -b tsconfig.build.json` (one pass for the whole repository) into dist/ too.
  dts: false,
  sourcemap: true,
  clean: ['!**/*.d.ts', '!*.tsbuildinfo'],
  target: 'node20',
});
