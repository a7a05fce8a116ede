import { defineConfig } from 'tsup';

// The server-side plugin only (no browser UI). `@placet/core` stays external (a peer), and so does
// `@slack/web-api` (a dependency). Declarations come from `tsc -b tsconfig.build.json` (one pass for the
// whole repository) into dist/ too.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: ['!**/*.d.ts', '!*.tsbuildinfo'],
  target: 'node20',
});
