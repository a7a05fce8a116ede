import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

/**
 * One config for the whole repository, with one project per workspace package. Tests run against
 * sources through the `@placet/source` export condition (this repository's development condition: the
 * published manifests do not have it, see docs/contributing.md), so `npm test` needs no build first.
 * Unit tests sit next to the code (`src/**\/*.test.ts`); integration tests live in `test/`.
 */
// Only `@placet/source` is added: Node's own `import`/`require` conditions must stay as they are, or CJS
// packages (pg) would `require()` their ESM builds.
const conditions = ['@placet/source', 'module', 'node', 'development|production'];
// Tests run in the server environment, whose conditions vitest also hands to Node (`--conditions`) for the
// packages it leaves to Node: vitest's own default there has no `module` (it makes Node load bundler-only
// builds, such as the AWS SDK's extensionless dist-es), so neither does ours.
const serverConditions = conditions.filter((c) => c !== 'module');

function workspacePackages(): { name: string; dir: string }[] {
  const found: { name: string; dir: string }[] = [];
  for (const group of ['packages', 'plugins', 'examples']) {
    if (!existsSync(group)) continue;
    for (const entry of readdirSync(group, { withFileTypes: true })) {
      const manifest = join(group, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string };
      found.push({ name, dir: join(group, entry.name) });
    }
  }
  return found;
}

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions: serverConditions } },
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // `expect.poll` waits for a condition (a browser or a socket catching up), never for a duration:
    // a generous ceiling keeps loaded CI machines from failing a test that would pass a moment later.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    projects: [
      ...workspacePackages().map(({ name, dir }) => ({
        extends: true as const,
        test: {
          name,
          root: dir,
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // Postgres test files share one database: kysely's Migrator introspects every schema, which
          // races with another file dropping its test schema. One file at a time there.
          ...(name === '@placet/db-postgres' ? { fileParallelism: false } : {}),
        },
      })),
      // The repository's own scripts (the tarball rules of check:packages and test:packages).
      { extends: true as const, test: { name: 'scripts', root: 'scripts', include: ['*.test.mjs'] } },
    ],
  },
});
