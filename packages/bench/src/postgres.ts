import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PostgresSandbox {
  /** Connection string of a fresh schema (`search_path` set through the `options` parameter). */
  url: string;
  drop(): Promise<void>;
}

/** The connection string with `-c search_path=<schema>` in its `options` parameter. */
export function withSearchPath(url: string, schema: string): string {
  const params = `options=${encodeURIComponent(`-c search_path=${schema}`)}`;
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
 * A fresh schema for one bench run. It lives in a database of its own when the role may create one:
 * the SQL migrations check for their tables without naming a schema, so Placet tables in another
 * schema of the same database (a dev server's, say) would confuse them. Otherwise a schema of the
 * given database.
 */
export async function postgresSandbox(baseUrl: string): Promise<PostgresSandbox> {
  const suffix = randomBytes(5).toString('hex');
  const schema = `placet_bench_${suffix}`;
  const database = `placet_bench_${suffix}`;
  try {
    await run(baseUrl, `create database ${database}`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42501') throw error;
    await run(baseUrl, `create schema ${schema}`);
    return {
      url: withSearchPath(baseUrl, schema),
      drop: () => run(baseUrl, `drop schema if exists ${schema} cascade`),
    };
  }
  const dbUrl = new URL(baseUrl);
  dbUrl.pathname = `/${database}`;
  await run(dbUrl.toString(), `create schema ${schema}`);
  return {
    url: withSearchPath(dbUrl.toString(), schema),
    drop: () => run(baseUrl, `drop database if exists ${database} with (force)`),
  };
}
