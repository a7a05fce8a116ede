import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: the reliability suite of `packages/reliability` (issue #13), kept out of
 * `npm test`. Its files are `test/*.rel.ts`, run one at a time (each starts servers, child processes and
 * load of its own), against the packages' sources like `npm test`. Each suite prints its figure; the
 * global teardown prints them all again at the end.
 */
const conditions = ['@placet/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    name: '@placet/reliability',
    root: fileURLToPath(new URL('./packages/reliability', import.meta.url)),
    include: ['test/**/*.rel.ts'],
    globalSetup: ['./test/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
