import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { figure } from './figures.js';

/**
 * Postgres cases run when PLACET_TEST_POSTGRES_URL is set. Without it they are skipped with a printed
 * reason; with PLACET_REQUIRE_POSTGRES=1 (as in `.ci/run`) a missing URL fails the run instead.
 */
export const PG_URL = process.env.PLACET_TEST_POSTGRES_URL;
export const pgEnabled = Boolean(PG_URL);

/** Call at the top of a suite with Postgres cases: throws when Postgres is required but not configured. */
export function postgresGate(suite: string): boolean {
  if (PG_URL) return true;
  if (process.env.PLACET_REQUIRE_POSTGRES === '1') {
    throw new Error(
      `${suite}: PLACET_REQUIRE_POSTGRES=1 but PLACET_TEST_POSTGRES_URL is not set: the Postgres cases must run`,
    );
  }
  figure(
    suite,
    'skipped: PLACET_TEST_POSTGRES_URL is not set (e.g. postgres://placet:placet@127.0.0.1:5432/placet_test)',
  );
  return false;
}

export interface PostgresSandbox {
  /** Connection string with `search_path` set to a fresh schema (through the `options` parameter). */
  url: string;
  schema: string;
  /** A pool of the test's own on the schema: an independent read path. */
  pool: pg.Pool;
  drop(): Promise<void>;
}

/** The URL with `search_path` (and `application_name`, to find its sessions) set to `schema`. */
export function withSearchPath(url: string, schema: string): string {
  const params = `options=${encodeURIComponent(`-c search_path=${schema}`)}&application_name=${schema}`;
  return `${url}${url.includes('?') ? '&' : '?'}${params}`;
}

async function run(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema for one case, in a database of its own when the role may create one (then dropped
 * with `force`, which also ends the sessions a killed child left), else in the given database.
 */
export async function postgresSandbox(baseUrl: string = PG_URL!): Promise<PostgresSandbox> {
  const suffix = randomBytes(5).toString('hex');
  const schema = `placet_rel_${suffix}`;
  let url: string;
  let dropIt: () => Promise<void>;
  try {
    await run(baseUrl, `create database ${schema}`);
    const dbUrl = new URL(baseUrl);
    dbUrl.pathname = `/${schema}`;
    await run(dbUrl.toString(), `create schema ${schema}`);
    url = withSearchPath(dbUrl.toString(), schema);
    dropIt = () => run(baseUrl, `drop database if exists ${schema} with (force)`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    await run(baseUrl, `create schema ${schema}`);
    url = withSearchPath(baseUrl, schema);
    dropIt = async () => {
      // Sessions of a SIGKILLed child may still hold locks on the schema's tables: end them first.
      await run(
        baseUrl,
        `select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and application_name = '${schema}'`,
      ).catch(() => {});
      await run(baseUrl, `drop schema if exists ${schema} cascade`);
    };
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {});
  return {
    url,
    schema,
    pool,
    async drop() {
      await pool.end().catch(() => {});
      await dropIt();
    },
  };
}
