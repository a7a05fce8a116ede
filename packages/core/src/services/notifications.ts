import { inject, injectable } from 'tsyringe';
import type { DeliveryRecord, EventRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { NotificationKind, Notifier } from '../ports/notifier.js';
import type { Repositories } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';

/** A notification's delivery row has this URL scheme: `notifier:email`. */
export const NOTIFIER_SCHEME = 'notifier:';

/** The body of a notification's delivery row: what to send, read again at send time. */
export interface NotificationPlan {
  kind: NotificationKind;
  recipientId: string;
  messageId: string;
}

/** The review event an outbox event is, for notifiers (none for every other event). */
function kindOf(event: EventRecord): NotificationKind | undefined {
  if (event.type === 'review:responded') return 'review.responded';
  if (event.type === 'review:expired') return 'review.expired';
  if (event.type === 'message:created' && (event.payload as { review?: unknown } | null)?.review)
    return 'review.created';
  return undefined;
}

/**
 * The notifiers of an instance (the host's `notifiers` and those of its plugins) and the planning of
 * their notifications: one durable delivery row per (review event, recipient, notifier), written by the
 * transaction that emits the event (`UnitOfWork`), so that a committed review always has them. The
 * webhook dispatcher sends them (`DeliveriesService`), with retries and the attempt log.
 */
@injectable()
export class Notifications {
  readonly #byName = new Map<string, Notifier>();

  constructor(
    @inject(TOKENS.Options) options: ResolvedPlacetOptions,
    @inject(TOKENS.Registry) registry: PluginRegistry,
  ) {
    const all = [...options.notifiers, ...registry.plugins().flatMap((plugin) => plugin.notifiers ?? [])];
    for (const notifier of all) {
      if (this.#byName.has(notifier.name))
        throw new PlacetError('INVALID_OPTIONS', `Two notifiers are named "${notifier.name}"`);
      this.#byName.set(notifier.name, notifier);
    }
  }

  get size(): number {
    return this.#byName.size;
  }

  /** The notifier of a delivery row (`notifier:<name>`), if it is a notification's. */
  of(delivery: Pick<DeliveryRecord, 'url'>): { name: string; notifier: Notifier | undefined } | undefined {
    if (!delivery.url.startsWith(NOTIFIER_SCHEME)) return undefined;
    const name = delivery.url.slice(NOTIFIER_SCHEME.length);
    return { name, notifier: this.#byName.get(name) };
  }

  all(): Notifier[] {
    return [...this.#byName.values()];
  }

  /** Inside the event's transaction: the notifications it calls for. The recipient is the channel's owner. */
  async plan(tx: Repositories, event: EventRecord): Promise<void> {
    if (this.#byName.size === 0 || event.channelId === null || event.subjectId === null) return;
    const kind = kindOf(event);
    if (!kind) return;
    for (const [name, notifier] of this.#byName) {
      if (!(notifier.kinds ?? ['review.created']).includes(kind)) continue;
      const plan: NotificationPlan = { kind, recipientId: event.ownerId, messageId: event.subjectId };
      await tx.deliveries.insert({
        id: `ntf_${newId()}`,
        ownerId: event.ownerId,
        channelId: event.channelId,
        messageId: event.subjectId,
        event: kind,
        url: `${NOTIFIER_SCHEME}${name}`,
        method: 'NOTIFY',
        headers: {},
        body: JSON.stringify(plan),
        signed: false,
        state: 'pending',
        attempts: 0,
        nextAttemptAt: event.createdAt,
        lockedUntil: null,
        lastStatus: null,
        lastError: null,
        createdAt: event.createdAt,
        updatedAt: event.createdAt,
      });
    }
  }
}
