import { inject, injectable } from 'tsyringe';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newSecretId } from '../util/secrets.js';
import type { Resync } from './event-hub.js';

/** Where the outbox's epoch is kept: `{ id, identity }`. */
export const OUTBOX_EPOCH = { namespace: 'placet:outbox', key: 'epoch' } as const;

interface EpochRecord {
  id: string;
  /** The store's `outboxIdentity()` when the epoch was made (null where the store has none). */
  identity: string | null;
}

/**
 * The outbox's epoch: a name for "this sequence of events". Clients keep it with the last seq they saw
 * and present both when they resume. A new epoch starts when the event table is not the one the epoch
 * was made for (restoring a Postgres dump recreates it: the store reports another `outboxIdentity()`);
 * a client with an old epoch then resyncs even after the sequence has caught up with numbers it saw. A
 * client that resumes from beyond every committed event resyncs too — that client only: what a client
 * sends never changes the epoch of everyone else.
 */
@injectable()
export class OutboxEpoch {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** At start: keeps the epoch while the event table is the same one, else starts a new epoch. */
  async ensure(): Promise<string> {
    const identity = (await this.store.outboxIdentity?.()) ?? null;
    const current = await this.#read();
    if (current && (identity === null || current.identity === identity)) return current.id;
    if (current) {
      this.logger.warn('the event table was replaced (a restored backup?): a new epoch; clients resync', {
        previousEpoch: current.id,
      });
    }
    return this.#write({ id: newSecretId(), identity });
  }

  /** The current epoch (read from the store: another process may have started a new one). */
  async current(): Promise<string> {
    return (await this.#read())?.id ?? this.ensure();
  }

  /**
   * Whether a client may resume from `fromSeq` (with the `epoch` it kept, if it sent one): a resync
   * when its epoch is not the current one, or when `fromSeq` is beyond every committed event (the
   * database was restored to an older state, or the client is confused).
   */
  async checkResume(input: {
    fromSeq: number | undefined;
    epoch?: string | undefined;
  }): Promise<{ epoch: string; resync?: Resync }> {
    const epoch = await this.current();
    const fromSeq = input.fromSeq ?? 0;
    if (input.epoch !== undefined && input.epoch !== '' && input.epoch !== epoch)
      return { epoch, resync: { reason: 'epoch', fromSeq } };
    if (input.fromSeq === undefined) return { epoch };
    const lastSeq = await this.store.events.lastSeq();
    if (fromSeq <= lastSeq) return { epoch };
    return { epoch, resync: { reason: 'ahead', fromSeq, lastSeq } };
  }

  async #read(): Promise<EpochRecord | undefined> {
    const entry = await this.store.kv.get(OUTBOX_EPOCH.namespace, OUTBOX_EPOCH.key, this.clock.now());
    const value = entry?.value as Partial<EpochRecord> | undefined;
    return typeof value?.id === 'string'
      ? { id: value.id, identity: typeof value.identity === 'string' ? value.identity : null }
      : undefined;
  }

  async #write(record: EpochRecord): Promise<string> {
    await this.store.kv.set({ ...OUTBOX_EPOCH, value: record, expiresAt: null });
    return record.id;
  }
}
