import { inject, injectable } from 'tsyringe';
import type { EventRecord, NewEvent } from '../domain/records.js';
import { isServiceUnavailable } from '../errors/unavailable.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Repositories, Store } from '../ports/store.js';
import type { Transport } from '../ports/transport.js';
import { TOKENS } from '../tokens.js';
import { EventHub } from './event-hub.js';
import { Notifications } from './notifications.js';

export type Emit = (event: Omit<NewEvent, 'createdAt'>) => Promise<EventRecord>;

/** See `UnitOfWork.onEmit`. */
export type EmitListener = (event: Omit<NewEvent, 'createdAt'>) => ((committed: boolean) => void) | undefined;

/** The events about a review that its assignees (who do not own its channel) see live too. */
const SHARED_EVENTS = new Set(['message:created', 'message:updated', 'review:responded', 'review:expired']);

/**
 * `review:assigned` copies of an event about a review with assignees, one per assignee other than the
 * owner, in the assignee's own event stream (`ownerId`): `{ event, payload }` of the original. Their
 * sockets show the review live; nothing else acts on them (notifications, hooks and webhooks follow the
 * original event only).
 */
async function sharedWithAssignees(
  tx: Repositories,
  event: EventRecord,
): Promise<Omit<NewEvent, 'createdAt'>[]> {
  if (!SHARED_EVENTS.has(event.type) || event.subjectId === null) return [];
  const subjectId = event.subjectId;
  const review = (event.payload as { review?: { policy?: { assigneeIds?: unknown } } | null } | null)?.review;
  let assignees: readonly string[] | undefined;
  if (event.type === 'review:expired')
    assignees = (await tx.reviews.findByMessageId(subjectId))?.policy?.assigneeIds;
  else if (Array.isArray(review?.policy?.assigneeIds)) assignees = review.policy.assigneeIds as string[];
  return (assignees ?? [])
    .filter((userId) => userId !== event.ownerId)
    .map((userId) => ({
      type: 'review:assigned' as const,
      ownerId: userId,
      channelId: event.channelId,
      subjectId,
      payload: { event: event.type, payload: event.payload },
    }));
}

/**
 * Runs a state change and its outbox events (with the notifications they call for) in one store
 * transaction, then — after commit — tells the transport that events up to the highest new seq exist.
 * Every engine write goes through here.
 */
@injectable()
export class UnitOfWork {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Transport) private readonly transport: Transport,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(Notifications) private readonly notifications: Notifications,
    @inject(EventHub) private readonly hub: EventHub,
  ) {}

  readonly #emitted = new Set<EmitListener>();

  /**
   * Called when an event is emitted inside a transaction (before the commit), with what it returns called
   * once that transaction has ended — committed or not — before `run()` returns: what must change at once
   * in this process (a cache the event invalidates: forgotten and bypassed while the change is in flight).
   */
  onEmit(listener: EmitListener): () => void {
    this.#emitted.add(listener);
    return () => this.#emitted.delete(listener);
  }

  #safely(what: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.logger.error(`unit of work: an ${what} listener failed`, { error: String(error) });
    }
  }

  async run<T>(fn: (tx: Repositories, emit: Emit) => Promise<T>): Promise<T> {
    let appended: EventRecord[] = [];
    // What `onEmit` listeners asked to be told when the transaction ends (every attempt's).
    const endings: ((committed: boolean) => void)[] = [];
    const end = (committed: boolean) => {
      for (const ending of endings) this.#safely('emit', () => ending(committed));
    };
    let result: T;
    try {
      result = await this.store.transaction(async (tx) => {
        appended = [];
        const emit: Emit = async (event) => {
          for (const listener of this.#emitted) {
            this.#safely('emit', () => {
              const ending = listener(event);
              if (ending) endings.push(ending);
            });
          }
          const record = await tx.events.append({ ...event, createdAt: this.clock.now() });
          appended.push(record);
          // Notifications are planned with the event: committed together, or not at all.
          await this.notifications.plan(tx, record);
          for (const copy of await sharedWithAssignees(tx, record)) {
            appended.push(await tx.events.append({ ...copy, createdAt: record.createdAt }));
          }
          return record;
        };
        return fn(tx, emit);
      });
    } catch (error) {
      end(false);
      throw error;
    }
    end(true);
    if (appended.length > 0) {
      // This process has the committed events at hand: its hub need not read them back.
      this.hub.offer(appended);
      await this.signal(Math.max(...appended.map((event) => event.seq)));
    }
    return result;
  }

  /** Publishes "events up to seq"; a transport failure is logged, never lost silently (readers catch up on the next signal). */
  async signal(seq: number): Promise<void> {
    try {
      await this.transport.publish({ seq });
    } catch (error) {
      // An unreachable database is logged once, by the availability tracker (the next read reports it).
      if (isServiceUnavailable(error))
        this.logger.debug('transport publish failed', { seq, error: String(error) });
      else this.logger.error('transport publish failed', { seq, error: String(error) });
    }
  }
}
