import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // Declarations come from `tsc -b tsconfig.build.json` (one pass for the whole repository) into dist/ too.
  dts: false,
  sourcemap: true,
  clean: ['!**/*.d.ts', '!*.tsbuildinfo'],
  // Node >= 20 and browsers: nothing here is Node-only (fetch, AbortSignal, FormData, Blob).
  target: ['node20', 'es2022'],
  platform: 'neutral',
});
