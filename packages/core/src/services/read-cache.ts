import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import type { UnitOfWork } from './unit-of-work.js';

export interface ReadCacheOptions {
  /** Records remembered (the most recently used; the least recently used is forgotten first). */
  size: number;
  /**
   * How long a record is trusted without a read: the bound for a change this engine does not see (a host
   * writing the store directly). Changes made through the engine take effect at once.
   */
  ttlMs: number;
  /** Event types after which no remembered record may be trusted. */
  invalidatedBy: ReadonlySet<string>;
}

/**
 * Records read lately, by key, for a store that one process has to itself (SQLite, memory): a hit is no
 * store call. Every engine change to such a record emits one of `invalidatedBy` in its transaction; from
 * that moment until the transaction has ended (committed or not) the cache is forgotten and bypassed, and
 * a read that raced it is not remembered — the change is seen at once, as without a cache. With a store
 * shared by processes (whose changes this process does not see) every lookup reads.
 */
export class ReadCache<T> {
  readonly #entries: Map<string, { value: T; readAt: number }> | undefined;
  /** Transactions with an invalidating event in flight: while there are any, the cache is not used. */
  #holds = 0;
  /** Bumped by every invalidation: a read that started before one is not remembered. */
  #generation = 0;

  constructor(
    store: Store,
    uow: UnitOfWork,
    private readonly clock: Clock,
    private readonly options: ReadCacheOptions,
  ) {
    if (store.capabilities.multiProcess) return;
    const entries = new Map<string, { value: T; readAt: number }>();
    this.#entries = entries;
    const forget = () => {
      this.#generation++;
      entries.clear();
    };
    uow.onEmit((event) => {
      if (!options.invalidatedBy.has(event.type)) return undefined;
      this.#holds++;
      forget();
      return () => {
        this.#holds--;
        forget();
      };
    });
  }

  /** The remembered record for `key`, or what `read` finds (remembered when it is found). */
  async get(key: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
    const entries = this.#holds === 0 ? this.#entries : undefined;
    if (!entries) return read();
    const now = this.clock.now().getTime();
    const cached = entries.get(key);
    // Most recently used last: the first entry is the one to forget.
    entries.delete(key);
    if (cached && now - cached.readAt < this.options.ttlMs) {
      entries.set(key, cached);
      return cached.value;
    }
    const generation = this.#generation;
    const value = await read();
    // Not remembered when an invalidation came while it was read (it may be the changed record).
    if (value !== undefined && this.#holds === 0 && generation === this.#generation) {
      if (entries.size >= this.options.size) entries.delete(entries.keys().next().value as string);
      entries.set(key, { value, readAt: now });
    }
    return value;
  }
}
