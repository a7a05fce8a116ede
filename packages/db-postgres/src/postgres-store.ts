import { PlacetError } from '@placet/core/adapter';
import { createSqlStore, type PlacetDatabase, type SqlStore } from '@placet/db-sql';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { kyselyPool } from './kysely-pool.js';
import { postgresDialect } from './postgres-dialect.js';

export type PostgresStoreOptions = (
  | {
      connectionString: string;
      max?: number;
      /** How long to wait for a new connection before the call fails with 503 (default 5000). */
      connectionTimeoutMs?: number;
      onPoolError?: (error: Error) => void;
    }
  | { pool: pg.Pool }
) & {
  /**
   * Run Placet's queries as named prepared statements, parsed and planned once per connection (default
   * true). Turn off behind a connection pooler in transaction mode that cannot keep them (PgBouncer
   * before 1.21).
   */
  preparedStatements?: boolean;
};

/** Default wait for a new connection: a database that does not answer is an outage, not a hang. */
export const DEFAULT_CONNECTION_TIMEOUT_MS = 5_000;

/**
 * Placet on Postgres: many processes may share one database (pair it with `postgresTransport`).
 * A pool the host passes in is never closed; a pool made here gets an `error` listener and is closed
 * by `close()`.
 */
export function postgresStore(options: PostgresStoreOptions): SqlStore {
  if (!options || (!('connectionString' in options) && !('pool' in options))) {
    throw new PlacetError('INVALID_OPTIONS', 'postgresStore() needs { connectionString } or { pool }', {
      issues: [{ path: 'connectionString', message: 'required (or pool)' }],
    });
  }
  const owned = 'connectionString' in options;
  const pool = owned
    ? createPool(
        options.connectionString,
        options.max ?? 10,
        options.onPoolError,
        options.connectionTimeoutMs,
      )
    : options.pool;
  const preparedStatements = options.preparedStatements ?? true;
  const db = new Kysely<PlacetDatabase>({
    dialect: new PostgresDialect({ pool: kyselyPool(pool, { preparedStatements }) }),
  });
  return createSqlStore({
    db,
    dialect: postgresDialect,
    capabilities: { dialect: 'postgres', multiProcess: true },
    close: async () => {
      // kysely's destroy() ends the pool: only do that for a pool made here.
      if (owned) await db.destroy();
    },
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      max: pool.options.max ?? 10,
    }),
  });
}

/**
 * A pool with an `error` listener (an idle client's error would otherwise crash the process) and a
 * connection timeout (a database that does not answer fails calls instead of hanging them).
 */
export function createPool(
  connectionString: string,
  max: number,
  onError?: (error: Error) => void,
  connectionTimeoutMs = DEFAULT_CONNECTION_TIMEOUT_MS,
): pg.Pool {
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: connectionTimeoutMs });
  pool.on('error', (error) => {
    if (onError) onError(error);
    else process.stderr.write(`placet: idle Postgres client error: ${error.message}\n`);
  });
  return pool;
}
