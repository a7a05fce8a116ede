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

  /** Runs a statement without parameters and results (transaction control). */
  run(sql: string): void {
    this.#statement(sql).run();
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

/** The most transactions one `COMMIT` carries. */
const GROUP_MAX = 32;
/** The event loop's next turn, whatever a test does to the global timers. */
const nextTurn = setImmediate;
const SAVEPOINT = 'placet_group';

/** One holder's use of the connection, from `acquireConnection` to `releaseConnection`. */
class Lease implements DatabaseConnection {
  /** Inside a transaction of its own (a savepoint of the group, or the group's `BEGIN` itself). */
  inTransaction = false;
  /** Its transaction is a savepoint: it joined a group that others' work is in. */
  savepoint = false;
  /** Its transaction ended and it has handed the connection on: its release does nothing. */
  handedOver = false;

  constructor(
    readonly connection: CachingConnection,
    private readonly beforeQuery: (lease: Lease) => void,
  ) {}

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    this.beforeQuery(this);
    return this.connection.executeQuery(compiledQuery);
  }

  streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    this.beforeQuery(this);
    return this.connection.streamQuery(compiledQuery);
  }
}

/**
 * Kysely's SQLite driver with a first-come-first-served lock, a statement cache and group commit.
 *
 * Group commit: a transaction that ends while others wait for the connection does not `COMMIT`; it
 * hands the connection to the next waiter inside the same `BEGIN`. Each transaction that joins runs in a
 * savepoint of its own (its rollback undoes only its own work; the first one's undoes the group, which is
 * only its own), and each one's commit resolves only once the
 * `COMMIT` that carries it has succeeded — nothing is acknowledged before it is committed; when that
 * `COMMIT` fails, every transaction it carried fails with its error. The group commits when nobody
 * waits, when it carries {@link GROUP_MAX} transactions, or before anything outside a transaction runs
 * (a read never sees what is not committed yet). A transaction that ends with nobody waiting commits
 * on the event loop's next turn, so that requests arriving meanwhile join it: with better-sqlite3
 * running every statement synchronously, transactions never overlap, and without that pause no group
 * would form. Off (`groupMax` 1) for a host's own database handle, which the host may use between ours.
 */
class PlacetSqliteDriver extends SqliteDriver implements Driver {
  readonly #lock = new FifoLock();
  readonly #connection: CachingConnection;
  /** The open `BEGIN` shared by transactions: those that ended wait in `acks` for its `COMMIT`. */
  #group: { acks: { resolve: () => void; reject: (error: unknown) => void }[] } | undefined;
  #commitScheduled = false;
  // A failed COMMIT fails the transactions it carried, not the query that came after them.
  readonly #beforeQuery = (lease: Lease) => {
    if (!lease.inTransaction && this.#group) this.#commitGroup();
  };

  constructor(
    private readonly database: Database.Database,
    private readonly groupMax: number,
  ) {
    super({ database });
    this.#connection = new CachingConnection(database);
  }

  override async init(): Promise<void> {}

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#lock.lock();
    return new Lease(this.#connection, this.#beforeQuery);
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    // The group's first transaction needs no savepoint: nobody joins before it ends, so undoing it is
    // undoing the group.
    lease.savepoint = this.#group !== undefined;
    if (lease.savepoint) this.#run(`savepoint ${SAVEPOINT}`);
    else {
      this.#run('begin');
      this.#group = { acks: [] };
    }
    lease.inTransaction = true;
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (lease.savepoint) this.#run(`release ${SAVEPOINT}`);
    lease.inTransaction = false;
    const group = this.#group;
    if (group && group.acks.length + 1 < this.groupMax) {
      const committed = new Promise<void>((resolve, reject) => group.acks.push({ resolve, reject }));
      // Nobody waits: the transactions that arrive before the event loop's next turn join the group.
      if (this.#lock.waiting === 0) this.#scheduleCommit();
      this.#handOver(lease);
      return committed;
    }
    const failure = this.#commitGroup();
    if (failure !== undefined) throw failure;
  }

  /** Commits the open group on the event loop's next turn, in its place in the queue. */
  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    nextTurn(async () => {
      await this.#lock.lock();
      this.#commitScheduled = false;
      this.#commitGroup();
      this.#lock.unlock();
    });
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const lease = connection as Lease;
    if (!lease.inTransaction) return; // Its group's COMMIT failed: already rolled back.
    lease.inTransaction = false;
    if (!lease.savepoint) {
      this.#group = undefined;
      if (this.database.inTransaction) this.#run('rollback');
      return;
    }
    if (this.database.inTransaction) {
      this.#run(`rollback to ${SAVEPOINT}`);
      this.#run(`release ${SAVEPOINT}`);
      // What it undid needs no commit; what others did before it still does.
      if (this.#lock.waiting > 0) return this.#handOver(lease);
    }
    // Commits what others did before it (or fails them, if SQLite rolled everything back).
    this.#commitGroup();
  }

  // Kysely's SqliteDriver declares no parameter; kysely passes the connection it acquired.
  override async releaseConnection(connection?: DatabaseConnection): Promise<void> {
    if ((connection as Lease | undefined)?.handedOver) return;
    if (this.#group && this.#lock.waiting === 0) this.#commitGroup();
    this.#lock.unlock();
  }

  override async destroy(): Promise<void> {
    if (this.#group) this.#commitGroup();
    this.database.close();
  }

  #handOver(lease: Lease): void {
    lease.handedOver = true;
    this.#lock.unlock();
  }

  #run(sql: string): void {
    this.#connection.run(sql);
  }

  /**
   * Commits the open group and settles every transaction it carried: resolved, or rejected with the
   * error of the `COMMIT` (which is returned, and nothing of the group is written).
   */
  #commitGroup(): unknown {
    const group = this.#group;
    if (!group) return undefined;
    this.#group = undefined;
    let failure: unknown;
    try {
      // SQLite may have rolled the whole transaction back itself (a full disk, an I/O error).
      if (!this.database.inTransaction)
        throw new Error('SQLite ended the transaction: nothing of it was written');
      this.#run('commit');
    } catch (error) {
      failure = error;
      if (this.database.inTransaction) this.#run('rollback');
    }
    for (const ack of group.acks) {
      if (failure === undefined) ack.resolve();
      else ack.reject(failure);
    }
    return failure;
  }
}

/** Kysely's SQLite dialect over {@link PlacetSqliteDriver}. */
export class PlacetSqliteDialect extends SqliteDialect {
  constructor(
    private readonly database: Database.Database,
    private readonly options: { groupCommit: boolean } = { groupCommit: true },
  ) {
    super({ database });
  }

  override createDriver(): Driver {
    return new PlacetSqliteDriver(this.database, this.options.groupCommit ? GROUP_MAX : 1);
  }
}
