import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlacetError } from '@placet/core/adapter';
import { createSqlStore, type PlacetDatabase, type SqlStore } from '@placet/db-sql';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { sqliteDialect } from './sqlite-dialect.js';
import { PlacetSqliteDialect } from './sqlite-driver.js';

export type SqliteStoreOptions =
  | {
      filename: string;
      busyTimeoutMs?: number;
      /**
       * One process per database file: `migrate()` (that is, `placet.start()`) takes an OS lock on
       * `<filename>.lock` and refuses with `CONFLICT` while another process holds it; `close()` (or the
       * process ending, however it ends) releases it. Off by default; the example server turns it on.
       */
      exclusive?: boolean;
    }
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

  // Group commit only on a handle of its own: a host's statements on its handle would run inside ours.
  const db = new Kysely<PlacetDatabase>({
    dialect: new PlacetSqliteDialect(database, { groupCommit: owned }),
  });
  const lockTarget =
    'filename' in options && options.exclusive === true && isPath(options.filename)
      ? options.filename
      : undefined;
  let lock: Database.Database | undefined;
  const store = createSqlStore({
    db,
    dialect: sqliteDialect,
    capabilities: { dialect: 'sqlite', multiProcess: false },
    close: async () => {
      if (owned) await db.destroy();
      lock?.close();
      lock = undefined;
    },
  });
  if (lockTarget === undefined) return store;
  return {
    ...store,
    async migrate() {
      lock ??= lockFile(lockTarget);
      await store.migrate();
    },
  };
}

/**
 * Holds an exclusive lock on `<filename>.lock` for as long as the returned connection is open: a tiny
 * SQLite database in `locking_mode=EXCLUSIVE` keeps its OS lock after its first write transaction, and
 * the OS drops it when the process ends, however it ends (no stale lock file to clean up).
 */
function lockFile(filename: string): Database.Database {
  const path = `${filename}.lock`;
  createPrivately(path);
  const lock = new Database(path, { timeout: 0 });
  try {
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.pragma('journal_mode = MEMORY');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
    return lock;
  } catch (error) {
    lock.close();
    if ((error as { code?: unknown }).code !== 'SQLITE_BUSY') throw error;
    throw new PlacetError(
      'CONFLICT',
      `Another process is using the SQLite database ${filename} (${path} is locked). SQLite serves one Placet process: stop the other one, or use Postgres to run several.`,
    );
  }
}
