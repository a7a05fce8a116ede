import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlacetError } from '@placet/core';
import { createSqlStore, type PlacetDatabase, type SqlStore } from '@placet/db-sql';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { sqliteDialect } from './sqlite-dialect.js';

export type SqliteStoreOptions =
  | { filename: string; busyTimeoutMs?: number }
  | { database: Database.Database; busyTimeoutMs?: number };

/** Owner-only: the database holds webhook secrets and Basic passwords, key and password hashes. */
const FILE_MODE = 0o600;

/** A database on disk by path (not `:memory:`, a temporary `''` or a `file:` URI). */
const isPath = (filename: string) =>
  filename !== ':memory:' && filename !== '' && !filename.startsWith('file:');

/**
 * Creates the database file empty (SQLite accepts an empty file as a new database) and owner-only, with
 * its directory 0700. Returns whether it was created here: a file that exists keeps its mode.
 */
function createPrivately(filename: string): boolean {
  mkdirSync(dirname(filename), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(filename, 'wx', FILE_MODE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  chmodSync(filename, FILE_MODE); // exact, whatever the umask
  return true;
}

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
  const created = owned && isPath(options.filename) && createPrivately(options.filename);
  const database = owned ? new Database(options.filename) : options.database;
  if (owned && options.filename !== ':memory:') database.pragma('journal_mode = WAL');
  if (created) {
    // SQLite gives its -wal and -shm files the database's mode; made sure of, as they hold its data too.
    for (const suffix of ['-wal', '-shm', '-journal']) {
      const companion = `${options.filename}${suffix}`;
      if (existsSync(companion)) chmodSync(companion, FILE_MODE);
    }
  }
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
