import { inject, injectable } from 'tsyringe';
import { isUniqueViolation } from '../domain/unique-violation.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { DeliveriesService } from './deliveries-service.js';
import { Notifications } from './notifications.js';

/** Where the reminders' sweep remembers how far it got: reviews created before this were looked at. */
const CURSOR = { namespace: 'placet:reminders', key: 'created-until' } as const;
/** A first sweep (no cursor yet) looks back this far past the delay, not at every old review. */
const FIRST_LOOKBACK_MS = 24 * 60 * 60_000;
const PAGE = 100;

/**
 * Reminders, a job of the sweeper (no timer per review): each sweep plans one `review.reminder` per
 * recipient and notifier for the reviews that became `notifications.reminderAfterMs` old since the last
 * sweep and still wait. A review is reminded about at most once (the notification's id is derived from
 * it), also when several processes sweep at once.
 */
@injectable()
export class Reminders {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(Notifications) private readonly notifications: Notifications,
    @inject(DeliveriesService) private readonly deliveries: DeliveriesService,
  ) {}

  /** One pass; how many reminders it planned. */
  async run(): Promise<number> {
    const delay = this.options.notifications.reminderAfterMs;
    if (delay === null || this.notifications.size === 0) return 0;
    const now = this.clock.now();
    const until = new Date(now.getTime() - delay);
    const cursor = await this.store.kv.get(CURSOR.namespace, CURSOR.key, now);
    const from =
      typeof cursor?.value === 'string'
        ? new Date(cursor.value)
        : new Date(until.getTime() - FIRST_LOOKBACK_MS);
    if (from >= until) return 0;
    let planned = 0;
    let after: { createdAt: Date; messageId: string } | undefined;
    for (;;) {
      const page = await this.store.reviews.listPendingCreated({
        from,
        until,
        limit: PAGE,
        ...(after ? { after } : {}),
      });
      for (const review of page) {
        try {
          planned += await this.store.transaction((tx) => this.notifications.planReminder(tx, review, now));
        } catch (error) {
          // Another process planned the same reminder at the same moment (the id is derived from the
          // review): it is planned, once.
          if (!isUniqueViolation(error)) throw error;
        }
      }
      const last = page.at(-1);
      if (page.length < PAGE || !last) break;
      after = { createdAt: last.createdAt, messageId: last.messageId };
    }
    // Moved on only after every review up to `until` was planned: a failed pass is taken again.
    await this.store.kv.set({ ...CURSOR, value: until.toISOString(), expiresAt: null });
    if (planned > 0) void this.deliveries.kick();
    return planned;
  }
}
