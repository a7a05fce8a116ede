import type Database from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SelectQueryNode,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';

/** Prepared statements kept per connection, by SQL text (the least recently used go first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * One lock, handed to waiters first come, first served: a release wakes only the next caller. (Kysely's
 * own wakes every waiter on each release, and all but one go back to waiting: with N callers queued,
 * N² wake-ups.)
 */
export class FifoLock {
  #held = false;
  readonly #queue: (() => void)[] = [];

  /** Callers waiting for the lock (not counting the holder). */
  get waiting(): number {
    return this.#queue.length;
  }

  lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#queue.push(resolve));
  }

  unlock(): void {
    const next = this.#queue.shift();
    if (next) next();
    else this.#held = false;
  }
}

/** better-sqlite3's one connection, with its statements prepared once per SQL text. */
class CachingConnection implements DatabaseConnection {
  readonly #statements = new Map<string, Database.Statement>();

  constructor(private readonly database: Database.Database) {}

  /** Statements prepared so far (for tests). */
  get prepared(): number {
    return this.#statements.size;
  }

  #statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement) {
      // Most recently used last: the first entry is the one to drop.
      this.#statements.delete(sql);
    } else {
      statement = this.database.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#statements.keys().next().value;
        if (oldest !== undefined) this.#statements.delete(oldest);
      }
    }
    this.#statements.set(sql, statement);
    return statement;
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    const statement = this.#statement(sql);
    if (statement.reader) return Promise.resolve({ rows: statement.all(parameters) as R[] });
    const { changes, lastInsertRowid } = statement.run(parameters);
    return Promise.resolve({
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
      rows: [],
    });
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(compiledQuery.query)) throw new Error('SQLite streams select queries only');
    // Not from the cache: an iterating statement cannot run again until the iteration ends.
    for (const row of this.database.prepare(compiledQuery.sql).iterate(compiledQuery.parameters))
      yield { rows: [row as R] };
  }
}

/** Kysely's SQLite driver with a first-come-first-served lock and a statement cache. */
class PlacetSqliteDriver extends SqliteDriver implements Driver {
  readonly #lock = new FifoLock();
  readonly #connection: CachingConnection;

  constructor(private readonly database: Database.Database) {
    super({ database });
    this.#connection = new CachingConnection(database);
  }

  override async init(): Promise<void> {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.lock();
    return this.#connection;
  }

  override async releaseConnection(): Promise<void> {
    this.#lock.unlock();
  }

  override async destroy(): Promise<void> {
    this.database.close();
  }
}

/** Kysely's SQLite dialect over {@link PlacetSqliteDriver}. */
export class PlacetSqliteDialect extends SqliteDialect {
  constructor(private readonly database: Database.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    return new PlacetSqliteDriver(this.database);
  }
}
