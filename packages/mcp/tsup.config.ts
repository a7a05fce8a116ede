import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  // Declarations come from `tsc -b tsconfig.build.json` (one pass for the whole repository) into dist/ too.
  dts: false,
  sourcemap: true,
  clean: ['!**/*.d.ts', '!*.tsbuildinfo'],
  target: 'node20',
  platform: 'node',
});
