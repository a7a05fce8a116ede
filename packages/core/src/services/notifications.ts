import { createHash } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { NotificationEvent } from '../contract/notifications.js';
import type { DeliveryRecord, EventRecord, ReviewRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { PlacetPlugin, PluginNotifier } from '../plugins/types.js';
import type { NotificationKind, Notifier } from '../ports/notifier.js';
import type { Repositories } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import {
  canDigest,
  digestPeriod,
  PREFERENCES_NAMESPACE,
  quietUntil,
  resolvePreferences,
  type StoredPreferences,
} from './notification-policy.js';

/** A digest is sent this long after its period ends (reviews of the period's last moment have committed). */
export const DIGEST_GRACE_MS = 30_000;

/** A notification's delivery row has this URL scheme: `notifier:email`. */
export const NOTIFIER_SCHEME = 'notifier:';

/** The body of a notification's delivery row: what to send, read again at send time. */
export type NotificationPlan =
  | { kind: NotificationEvent; recipientId: string; messageId: string }
  | { kind: 'digest'; recipientId: string; since: string; until: string };

/** The review event an outbox event is, for notifiers (none for every other event). */
function kindOf(event: EventRecord): NotificationEvent | undefined {
  if (event.type === 'review:responded') return 'review.responded';
  if (event.type === 'review:expired') return 'review.expired';
  if (event.type === 'message:created' && (event.payload as { review?: unknown } | null)?.review)
    return 'review.created';
  return undefined;
}

/**
 * The id of the one notification of `subject` (a review, or a digest period) for a recipient through a
 * notifier: planning the same notification twice — two processes sweeping for reminders, a replayed
 * event — finds the row already there.
 */
export function notificationId(subject: string, recipientId: string, notifier: string, kind: string): string {
  const digest = createHash('sha256').update(`${subject}\u0000${recipientId}\u0000${notifier}\u0000${kind}`);
  return `ntf_${digest.digest('base64url').slice(0, 32)}`;
}

/** What one planned notification is: its row's id, subject, time and body. */
interface Planned {
  id: string;
  ownerId: string;
  channelId: string;
  messageId: string | null;
  kind: NotificationKind;
  notifier: string;
  /** When it is planned, and when it is sent (later in quiet hours, at the end of a digest period). */
  createdAt: Date;
  at: Date;
  plan: NotificationPlan;
}

/**
 * The notifiers of an instance (the host's `notifiers` and those of its plugins) and the planning of
 * their notifications: at most one durable delivery row per (review, recipient, notifier, kind), written
 * by the transaction that emits the event (`UnitOfWork`), so that a committed review always has them.
 * Each recipient's preferences decide: the notifier on or off, the events it reports, quiet hours (the
 * row waits until they end), a digest (new reviews wait for the end of the period, one row per period).
 * The webhook dispatcher sends them (`DeliveriesService`), with retries and the attempt log.
 */
@injectable()
export class Notifications {
  readonly #byName = new Map<string, Notifier | PluginNotifier>();
  /** The plugin that declared a notifier (its `send` gets that plugin's context). */
  readonly #pluginOf = new Map<string, PlacetPlugin>();

  constructor(
    @inject(TOKENS.Options) options: ResolvedPlacetOptions,
    @inject(TOKENS.Registry) registry: PluginRegistry,
  ) {
    const all: (readonly [Notifier | PluginNotifier, PlacetPlugin | undefined])[] = [
      ...options.notifiers.map((notifier) => [notifier, undefined] as const),
      ...registry
        .plugins()
        .flatMap((plugin) => (plugin.notifiers ?? []).map((notifier) => [notifier, plugin] as const)),
    ];
    for (const [notifier, plugin] of all) {
      if (this.#byName.has(notifier.name))
        throw new PlacetError('INVALID_OPTIONS', `Two notifiers are named "${notifier.name}"`);
      this.#byName.set(notifier.name, notifier);
      if (plugin) this.#pluginOf.set(notifier.name, plugin);
    }
  }

  /** The plugin that declared notifier `name`, if a plugin did (not the host). */
  pluginOf(name: string): PlacetPlugin | undefined {
    return this.#pluginOf.get(name);
  }

  get size(): number {
    return this.#byName.size;
  }

  /** The notifier of a delivery row (`notifier:<name>`), if it is a notification's. */
  of(
    delivery: Pick<DeliveryRecord, 'url'>,
  ): { name: string; notifier: Notifier | PluginNotifier | undefined } | undefined {
    if (!delivery.url.startsWith(NOTIFIER_SCHEME)) return undefined;
    const name = delivery.url.slice(NOTIFIER_SCHEME.length);
    return { name, notifier: this.#byName.get(name) };
  }

  all(): (Notifier | PluginNotifier)[] {
    return [...this.#byName.values()];
  }

  /** Who is told about a review: its assignees when it names some, else its channel's owner. */
  recipientsOf(review: Pick<ReviewRecord, 'ownerId' | 'policy'>): string[] {
    const assignees = review.policy?.assigneeIds ?? [];
    return assignees.length > 0 ? [...assignees] : [review.ownerId];
  }

  /** Inside the event's transaction: the notifications it calls for. */
  async plan(tx: Repositories, event: EventRecord): Promise<void> {
    if (this.#byName.size === 0 || event.channelId === null || event.subjectId === null) return;
    const kind = kindOf(event);
    if (!kind) return;
    // Events carry the owner; the review's policy (its assignees) is read with the event's transaction.
    const policy = (await tx.reviews.findByMessageId(event.subjectId))?.policy ?? null;
    const review = {
      ownerId: event.ownerId,
      channelId: event.channelId,
      messageId: event.subjectId,
      policy,
    };
    // A new review's digest period is that of the review's own time (what the digest is read by).
    const createdAt = Date.parse(String((event.payload as { createdAt?: unknown } | null)?.createdAt));
    await this.#planFor(
      tx,
      review,
      kind,
      event.createdAt,
      Number.isNaN(createdAt) ? event.createdAt : new Date(createdAt),
    );
  }

  /** Inside a transaction: the reminders of a review still pending (`Reminders`, on the sweeper). */
  async planReminder(
    tx: Repositories,
    review: Pick<ReviewRecord, 'ownerId' | 'channelId' | 'messageId' | 'policy'>,
    now: Date,
  ) {
    if (this.#byName.size === 0) return 0;
    return this.#planFor(tx, review, 'review.reminder', now);
  }

  /**
   * Inside the escalation's transaction: "new review" to assignees it added (those notified before
   * are skipped: a notification is planned at most once), and — when the step reminds — one reminder
   * per recipient for this step (`step` keeps it apart from the sweeper's reminder and other steps').
   */
  async planEscalation(
    tx: Repositories,
    review: Pick<ReviewRecord, 'ownerId' | 'channelId' | 'messageId' | 'policy' | 'createdAt'>,
    now: Date,
    step: { index: number; remind: boolean },
  ): Promise<number> {
    if (this.#byName.size === 0) return 0;
    let planned = await this.#planFor(tx, review, 'review.created', now, review.createdAt);
    if (step.remind)
      planned += await this.#planFor(tx, review, 'review.reminder', now, now, `escalation-${step.index}`);
    return planned;
  }

  /** Plans `kind` about a review for each recipient and notifier their preferences allow; how many. */
  async #planFor(
    tx: Repositories,
    review: Pick<ReviewRecord, 'ownerId' | 'channelId' | 'messageId' | 'policy'>,
    kind: NotificationEvent,
    now: Date,
    reviewCreatedAt: Date = now,
    /** Tells apart notifications of one kind about one review (an escalation step's reminder). */
    occasion?: string,
  ): Promise<number> {
    let planned = 0;
    for (const recipientId of this.recipientsOf(review)) {
      const stored = (await tx.kv.get(PREFERENCES_NAMESPACE, recipientId, now))?.value as
        | StoredPreferences
        | undefined;
      const preferences = resolvePreferences(stored, this.all());
      const quiet = (at: Date) => quietUntil(at, preferences.quietHours, preferences.timeZone) ?? at;
      for (const [name, notifier] of this.#byName) {
        const chosen = preferences.notifiers[name];
        if (!chosen?.enabled || !chosen.events.includes(kind)) continue;
        if (kind === 'review.reminder') {
          // Not for a digest reader (the digest is their reminder), nor while the first notification is
          // still held (quiet hours) or retried: the two would arrive together.
          if (chosen.digestMinutes !== null && canDigest(notifier)) continue;
          const first = await tx.deliveries.findById(
            notificationId(review.messageId, recipientId, name, 'review.created'),
          );
          if (first?.state === 'pending') continue;
        }
        const base = { ownerId: review.ownerId, channelId: review.channelId, notifier: name, createdAt: now };
        if (kind === 'review.created' && chosen.digestMinutes !== null && canDigest(notifier)) {
          // One digest row per period: the first review of the period plans it, the others find it.
          const { since, until } = digestPeriod(reviewCreatedAt, chosen.digestMinutes, preferences.timeZone);
          const id = notificationId(`digest:${since.toISOString()}`, recipientId, name, 'digest');
          planned += await this.#insert(tx, {
            ...base,
            id,
            messageId: null,
            kind: 'digest',
            // A little after the period, so that a review committed at its very end is in it.
            at: quiet(new Date(until.getTime() + DIGEST_GRACE_MS)),
            plan: { kind: 'digest', recipientId, since: since.toISOString(), until: until.toISOString() },
          });
          continue;
        }
        planned += await this.#insert(tx, {
          ...base,
          id: notificationId(
            occasion ? `${review.messageId}#${occasion}` : review.messageId,
            recipientId,
            name,
            kind,
          ),
          messageId: review.messageId,
          kind,
          at: quiet(now),
          plan: { kind, recipientId, messageId: review.messageId },
        });
      }
    }
    return planned;
  }

  /** Writes a planned notification unless it exists (it is planned at most once); 1 when written. */
  async #insert(tx: Repositories, planned: Planned): Promise<number> {
    if (await tx.deliveries.findById(planned.id)) return 0;
    await tx.deliveries.insert({
      id: planned.id,
      ownerId: planned.ownerId,
      channelId: planned.channelId,
      messageId: planned.messageId,
      event: planned.kind,
      url: `${NOTIFIER_SCHEME}${planned.notifier}`,
      method: 'NOTIFY',
      headers: {},
      body: JSON.stringify(planned.plan),
      signed: false,
      state: 'pending',
      attempts: 0,
      nextAttemptAt: planned.at,
      lockedUntil: null,
      lastStatus: null,
      lastError: null,
      createdAt: planned.createdAt,
      updatedAt: planned.createdAt,
    });
    return 1;
  }
}
