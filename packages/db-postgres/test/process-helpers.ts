import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freshSchema, PG_URL } from './pg-env.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Child processes run plain Node, so `@placet/*` resolves to the built `dist/` of each package. Fails
 * with a clear message when one of them was not built.
 */
export function requireBuild(
  packages: readonly string[] = ['packages/core', 'packages/db-sql', 'packages/db-postgres'],
): void {
  const missing = packages.map((dir) => `${dir}/dist/index.js`).filter((file) => !existsSync(ROOT + file));
  if (missing.length > 0) {
    throw new Error(
      `These tests run child processes on the built packages and ${missing.join(', ')} is missing: ` +
        'run `npm run build` at the repository root first.',
    );
  }
}

/** The connection string with `search_path` set by the server at connect (node-postgres `options`). */
export function withSearchPath(url: string, schema: string, applicationName?: string): string {
  let params = `options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  if (applicationName) params += `&application_name=${encodeURIComponent(applicationName)}`;
  return `${url}${url.includes('?') ? '&' : '?'}${params}`;
}

/** Polls `check` every `intervalMs` until it returns true; throws `what` after `timeoutMs`. */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  { timeoutMs = 5_000, intervalMs = 25 } = {},
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface IsolatedSchema {
  /** Connection string of the schema (database, and `search_path` through `options`) for child processes. */
  url: string;
  schema: string;
  /** The test's own pool on the schema, for reading back through an independent path. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/**
 * A fresh schema in a database of its own, for tests that keep Placet tables alive for seconds.
 *
 * Why not `freshSchema()` in the shared database: the SQL migrations ask kysely whether the migration
 * tables exist without naming a schema, so a table of that name in ANY schema of the database counts.
 * While one test's schema is migrated, every other fresh schema of that database then fails to migrate
 * (`relation "placet_migrations_lock" does not exist`). A database per test file keeps these tests and the
 * conformance suite from breaking each other. Falls back to `freshSchema()` when the role may not
 * create databases.
 */
export async function isolatedSchema(): Promise<IsolatedSchema> {
  const base = new URL(PG_URL!);
  const database = `placet_t_${randomBytes(6).toString('hex')}`;
  const schema = `placet_s_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${database}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    console.warn('isolatedSchema: the role may not create databases; using a schema of the shared database');
    const shared = await freshSchema();
    return { url: withSearchPath(PG_URL!, shared.schema), ...shared };
  } finally {
    await admin.end();
  }
  base.pathname = `/${database}`;
  const dbUrl = base.toString();
  const setup = new pg.Client({ connectionString: dbUrl });
  await setup.connect();
  await setup.query(`create schema ${schema}`);
  await setup.end();
  const url = withSearchPath(dbUrl, schema);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  return {
    url,
    schema,
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        // FORCE (Postgres 13+) ends sessions still open on it, such as those of a killed child.
        await c.query(`drop database if exists ${database} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
