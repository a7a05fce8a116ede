import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The example server's Postgres tests run when PLACET_TEST_POSTGRES_URL is set. Without it a file is
 * skipped with one printed notice naming `what`; with PLACET_REQUIRE_POSTGRES=1 (as in CI) a missing URL
 * fails the run instead of skipping.
 */
export function testPostgresUrl(what: string): string | undefined {
  const url = process.env.PLACET_TEST_POSTGRES_URL;
  if (url) return url;
  if (process.env.PLACET_REQUIRE_POSTGRES === '1') {
    throw new Error(
      'PLACET_REQUIRE_POSTGRES=1 but PLACET_TEST_POSTGRES_URL is not set: the Postgres tests must run',
    );
  }
  console.log(
    `[${what} skipped] set PLACET_TEST_POSTGRES_URL=postgres://user:pass@127.0.0.1:5432/db to run it`,
  );
  return undefined;
}

/** Runs `fn` with a short-lived admin connection to the test database. */
export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema of the test database: `databaseUrl` makes every connection of a server process use it
 * (node-postgres passes `options` to the server); `drop()` removes it with everything in it.
 */
export async function freshSchema(url: string): Promise<{
  schema: string;
  databaseUrl: string;
  drop(): Promise<void>;
}> {
  const schema = `placet_t_${randomBytes(6).toString('hex')}`;
  await withAdmin(url, (c) => c.query(`create schema ${schema}`));
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return {
    schema,
    databaseUrl: scoped.toString(),
    drop: () =>
      withAdmin(url, (c) => c.query(`drop schema if exists ${schema} cascade`)).then(() => undefined),
  };
}
