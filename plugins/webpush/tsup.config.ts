import { defineConfig } from 'tsup';

// The server-side plugin only (no browser UI): the factory, its options and the SSRF guard.
// `@placet/core` stays external (a peer), and so do the runtime dependencies (web-push, ipaddr.js).
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
