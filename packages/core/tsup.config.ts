import { defineConfig } from 'tsup';

export default defineConfig({
  entry: [
    'src/index.ts',
    'src/plugin.ts',
    'src/adapter.ts',
    'src/contract.ts',
    'src/browser.ts',
    'src/receipts.ts',
  ],
  format: ['esm'],
  // Declarations come from `tsc -b tsconfig.build.json` (one pass for the whole repository) into dist/ too.
  dts: false,
  sourcemap: true,
  clean: ['!**/*.d.ts', '!*.tsbuildinfo'],
  target: 'node20',
});
