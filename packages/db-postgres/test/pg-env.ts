import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, postgresStore } from '../src/index.js';

/**
 * Postgres tests run when PLACET_TEST_POSTGRES_URL is set. Without it they are skipped with one notice;
 * with PLACET_REQUIRE_POSTGRES=1 (as in CI) a missing URL fails the run instead of skipping.
 */
export const PG_URL = process.env.PLACET_TEST_POSTGRES_URL;
if (!PG_URL) {
  if (process.env.PLACET_REQUIRE_POSTGRES === '1') {
    throw new Error(
      'PLACET_REQUIRE_POSTGRES=1 but PLACET_TEST_POSTGRES_URL is not set: the Postgres tests must run',
    );
  }
  console.log(
    'Postgres tests skipped: set PLACET_TEST_POSTGRES_URL=postgres://user:pass@127.0.0.1:5432/db to run them',
  );
}

/** Use as `describe.skipIf(!pgEnabled)(…)`. */
export const pgEnabled = Boolean(PG_URL);

/** A fresh schema with its own pool (search_path set), so tests never see each other's rows. */
export async function freshSchema(): Promise<{ pool: pg.Pool; schema: string; drop: () => Promise<void> }> {
  const schema = `placet_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  // The `options` connection parameter sets the search_path for every connection of the pool.
  const url = new URL(PG_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = createPool(url.toString(), 10);
  return {
    pool,
    schema,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** A migrated store in a fresh schema (the pool is the test's, so the store never closes it). */
export async function freshStore() {
  const { pool, drop } = await freshSchema();
  const store = postgresStore({ pool });
  try {
    await store.migrate();
  } catch (error) {
    await drop();
    throw error;
  }
  return {
    store,
    pool,
    cleanup: async () => {
      await store.close();
      await drop();
    },
  };
}
