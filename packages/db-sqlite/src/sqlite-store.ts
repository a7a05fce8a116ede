import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlacetError } from '@placet/core';
import { createSqlStore, type PlacetDatabase, type SqlStore } from '@placet/db-sql';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { sqliteDialect } from './sqlite-dialect.js';

export type SqliteStoreOptions =
  | { filename: string; busyTimeoutMs?: number }
  | { database: Database.Database; busyTimeoutMs?: number };

/**
 * The embedded default store: SQLite through better-sqlite3 — WAL, `synchronous=NORMAL`, foreign keys
 * on, a busy timeout. `{ filename: ':memory:' }` for tests. A host-owned `database` is never closed.
 */
export function sqliteStore(options: SqliteStoreOptions): SqlStore {
  if (!options || (!('filename' in options) && !('database' in options))) {
    throw new PlacetError('INVALID_OPTIONS', 'sqliteStore() needs { filename } or { database }', {
      issues: [{ path: 'filename', message: 'required (or database)' }],
    });
  }
  const owned = 'filename' in options;
  if (owned && options.filename !== ':memory:' && !options.filename.startsWith('file:')) {
    mkdirSync(dirname(options.filename), { recursive: true });
  }
  const database = owned ? new Database(options.filename) : options.database;
  if (owned && options.filename !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);

  const db = new Kysely<PlacetDatabase>({ dialect: new SqliteDialect({ database }) });
  return createSqlStore({
    db,
    dialect: sqliteDialect,
    capabilities: { dialect: 'sqlite', multiProcess: false },
    close: async () => {
      if (owned) await db.destroy();
    },
  });
}
