import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from './http-call.js';
import { assertBuilt, type RunningServer, startServer } from './server-process.js';
import { freshSchema, testPostgresUrl, withAdmin } from './test-postgres.js';

/**
 * Several `node dist/main.js` started at the same moment on a fresh Postgres database (a fresh schema):
 * each migrates (under the migrator's lock) and seeds the owner and the key — exactly one of them
 * creates them, the others find them; none exits with "Email already in use".
 *
 * Runs when PLACET_TEST_POSTGRES_URL is set; skipped with a notice otherwise, and a failure instead when
 * PLACET_REQUIRE_POSTGRES=1 (as in CI).
 */
const PG_URL = testPostgresUrl('start-together Postgres test');

const PROCESSES = 4;

const admin = <T>(run: (client: pg.Client) => Promise<T>) => withAdmin(PG_URL!, run);

describe.skipIf(!PG_URL)('several servers starting at once on a fresh Postgres', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  }, 60_000);

  /** A fresh schema, and `PROCESSES` servers on it started together; every start must succeed. */
  async function startTogether(
    env: Record<string, string>,
  ): Promise<{ servers: RunningServer[]; schema: string }> {
    assertBuilt();
    const { schema, databaseUrl, drop } = await freshSchema(PG_URL!);
    cleanups.push(drop);
    const sessionSecret = randomBytes(32).toString('base64url');
    const started = await Promise.allSettled(
      Array.from({ length: PROCESSES }, () => {
        const dataDir = mkdtempSync(join(tmpdir(), 'placet-start-together-'));
        cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
        return startServer({
          dataDir,
          startTimeoutMs: 30_000,
          env: { DATABASE_URL: databaseUrl, PLACET_SESSION_SECRET: sessionSecret, ...env },
        });
      }),
    );
    const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    for (const server of servers) cleanups.push(async () => void (await server.stop('SIGTERM', 10_000)));
    const failures = started.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    expect(failures, failures.join('\n\n')).toEqual([]);
    return { servers, schema };
  }

  const said = (servers: RunningServer[], pattern: RegExp) =>
    servers.flatMap((s) => s.lines.map((l) => String(l.msg ?? ''))).filter((m) => pattern.test(m));

  it('with INITIAL_USER_PASSWORD and PLACET_API_KEY: all start, one owner, one key, which works everywhere', async () => {
    const key = `hp_${randomBytes(24).toString('hex')}`;
    const { servers, schema } = await startTogether({
      INITIAL_USER_EMAIL: 'owner@together.test',
      INITIAL_USER_PASSWORD: `pw-${randomBytes(8).toString('hex')}`,
      PLACET_API_KEY: key,
    });
    expect(said(servers, /^Created the owner/)).toHaveLength(1);
    expect(said(servers, /^Registered PLACET_API_KEY/).length).toBeGreaterThanOrEqual(1);
    const users = await admin((c) => c.query(`select role from ${schema}.placet_users`));
    expect(users.rows).toEqual([{ role: 'owner' }]);
    const keys = await admin((c) => c.query(`select count(*)::int as n from ${schema}.placet_api_keys`));
    expect(keys.rows[0].n).toBe(1);
    for (const server of servers) {
      expect((await call(server.url, '/api/v1/agents', { headers: { 'x-api-key': key } })).status).toBe(200);
    }
  }, 90_000);

  it('with generated credentials: one owner and one default key, printed once in all', async () => {
    const { servers, schema } = await startTogether({});
    expect(said(servers, /generated password/)).toHaveLength(1);
    const printed = said(servers, /^Created an API key for your agents: /);
    expect(printed).toHaveLength(1);
    const key = /(hp_[0-9a-f]{48})/.exec(printed[0]!)![1]!;
    const keys = await admin((c) => c.query(`select count(*)::int as n from ${schema}.placet_api_keys`));
    expect(keys.rows[0].n).toBe(1);
    for (const server of servers) {
      expect((await call(server.url, '/api/v1/agents', { headers: { 'x-api-key': key } })).status).toBe(200);
    }
  }, 90_000);
});
