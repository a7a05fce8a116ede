import { inject, injectable } from 'tsyringe';
import type { DeliveryPage, DeliveryView } from '../contract/account.js';
import type { DeliveryListQueryInput, WebhookCheck } from '../contract/delivery.js';
import { DeliveryListQuery, WebhookCheckBody } from '../contract/delivery.js';
import type { Message } from '../contract/message.js';
import { presentChannel, presentUser } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import type {
  ChannelRecord,
  DeliveryAttemptRecord,
  DeliveryRecord,
  ReviewRecord,
} from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { PluginNotifier } from '../plugins/types.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type {
  DigestNotification,
  Notification,
  NotifiedReview,
  Notifier,
  ReviewNotification,
} from '../ports/notifier.js';
import type { DeliveryDueFilter, Store } from '../ports/store.js';
import type { WebhookSender } from '../ports/webhook-sender.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { signWebhook } from '../util/standard-webhooks.js';
import { Availability } from './availability.js';
import { ChannelsService } from './channels-service.js';
import { EventHub } from './event-hub.js';
import { MessageViews } from './message-views.js';
import { NOTIFIER_SCHEME, type NotificationPlan, Notifications } from './notifications.js';
import { PluginRuntime } from './plugin-runtime.js';
import { UnitOfWork } from './unit-of-work.js';

export type { DeliveryPage, DeliveryView } from '../contract/account.js';

/** Webhook attempts recorded by this process since it started (for metrics). */
export interface DeliveryCounters {
  /** Attempts answered 2xx: the delivery is done. */
  delivered: number;
  /** Failed attempts that will be retried. */
  retried: number;
  /** Failed attempts after which the delivery was given up (410, a refused target, or out of attempts). */
  failed: number;
  /** Notifications with nothing left to send when they were due (`skipped`). */
  skipped: number;
}

/** The most reviews one digest lists (the oldest of the period first), and the most it counts. */
const MAX_DIGEST_REVIEWS = 50;
const MAX_DIGEST_SCAN = 1000;

const WAKE = new Set(['review:responded', 'review:expired', 'message:created']);

/** One attempt's outcome, webhook or notification. */
interface AttemptResult {
  ok: boolean;
  /** Stop retrying (410 Gone, a refused target, a notifier's `retry: false`). */
  giveUp: boolean;
  /** The notifier's `retryAfterMs`: when the next attempt is due, instead of the backoff. */
  retryAfterMs?: number;
  /** Deliberately not sent (a notification with nothing left to say): done, not failed. */
  skipped?: boolean;
  status: number | null;
  error: string | null;
  durationMs: number;
}
const BATCH = 20;

/**
 * The webhook dispatcher: claims due deliveries (several processes may share the store: a lease keeps
 * each attempt with one of them), signs them per Standard Webhooks, sends them through the
 * `WebhookSender`, records every attempt, retries with exponential backoff and jitter, and turns the
 * outcome into the message's `deliveryStatus` and a `message:delivery` event.
 */
@injectable()
export class DeliveriesService {
  #timer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #off: (() => void) | undefined;
  #offAvailability: (() => void) | undefined;
  #stopped = true;
  readonly #counters: DeliveryCounters = { delivered: 0, retried: 0, failed: 0, skipped: 0 };

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(TOKENS.WebhookSender) slot: { sender: WebhookSender | null },
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(EventHub) private readonly hub: EventHub,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(Availability) private readonly availability: Availability,
    @inject(Notifications) private readonly notifications: Notifications,
    @inject(PluginRuntime) private readonly plugins: PluginRuntime,
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(MessageViews) private readonly views: MessageViews,
  ) {
    this.sender = slot.sender;
  }

  /** Attempts recorded by this process since it started. */
  counters(): DeliveryCounters {
    return { ...this.#counters };
  }

  private readonly sender: WebhookSender | null;
  /** Cuts short the notifier calls under way (stop()). */
  readonly #inflight = new Set<() => void>();

  start(): void {
    if (!this.sender) {
      this.logger.info('webhooks: no webhookSender configured; deliveries are recorded but not sent');
      // Notifications are still sent, through their notifiers.
      if (this.notifications.size === 0) return;
    }
    this.#stopped = false;
    this.#off = this.hub.onEvent((event) => {
      if (WAKE.has(event.type)) this.kick();
    });
    // Deliveries that fell due while the store was away are sent as soon as it is back.
    this.#offAvailability = this.availability.onChange((available) => {
      if (available) void this.kick();
    });
    this.kick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const cut of this.#inflight) cut();
    this.#off?.();
    this.#offAvailability?.();
    if (this.#timer) this.clock.clearTimer(this.#timer);
    await this.#running;
  }

  /** Runs a dispatch round now (coalesced with one already running). */
  kick(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = this.#round()
      .catch((error: unknown) => {
        // An unreachable store is logged once, by the availability tracker.
        if (!this.availability.reportFailure(error))
          this.logger.error('webhooks: dispatch round failed', { error: String(error) });
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          void this.kick();
        } else void this.#schedule();
      });
    return this.#running;
  }

  /** The deliveries of a message with every attempt: the owner's delivery log. */
  async listForMessage(principal: Principal, messageId: string): Promise<DeliveryView[]> {
    const message = await this.store.messages.findById(messageId);
    if (!message || message.ownerId !== principal.userId)
      throw new PlacetError('NOT_FOUND', 'Message not found');
    await this.channels.require(principal, message.channelId).catch(() => {
      throw new PlacetError('NOT_FOUND', 'Message not found');
    });
    return this.#views(await this.store.deliveries.listByMessage(message.id));
  }

  /**
   * A channel's delivery log (every webhook delivery with its attempts), newest first, keyset-paged by
   * delivery id: `?limit=` (25 by default, at most 100) and `?cursor=` (the previous page's `nextCursor`).
   */
  async listForChannel(
    principal: Principal,
    channelId: string,
    query: DeliveryListQueryInput = {},
  ): Promise<DeliveryPage> {
    const q = parseOrThrow(DeliveryListQuery, query);
    const channel = await this.channels.require(principal, channelId);
    let before: { createdAt: Date; id: string } | undefined;
    if (q.cursor) {
      const cursor = await this.store.deliveries.findById(q.cursor);
      if (!cursor || cursor.channelId !== channel.id) {
        throw new PlacetError('VALIDATION_FAILED', 'cursor does not name a delivery of this channel', {
          issues: [{ path: 'cursor', message: 'unknown delivery id' }],
        });
      }
      before = { createdAt: cursor.createdAt, id: cursor.id };
    }
    const rows = await this.store.deliveries.listByChannel(channel.id, {
      limit: q.limit + 1,
      ...(before ? { before } : {}),
    });
    const page = rows.slice(0, q.limit);
    return {
      data: await this.#views(page),
      nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  /** Queues a finished delivery again (same `webhook-id`), due now. */
  async redrive(principal: Principal, deliveryId: string): Promise<DeliveryView> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Only humans redrive deliveries');
    const delivery = await this.store.deliveries.findById(deliveryId);
    if (!delivery || delivery.ownerId !== principal.userId)
      throw new PlacetError('NOT_FOUND', 'Delivery not found');
    const channel = await this.channels.require(principal, delivery.channelId).catch(() => {
      throw new PlacetError('NOT_FOUND', 'Delivery not found');
    });
    // A notification goes to its notifier again, whatever became of the channel's webhook.
    if (
      delivery.state !== 'pending' &&
      delivery.url !== channel.webhookUrl &&
      !this.notifications.of(delivery)
    ) {
      // A delivery planned for the channel's webhook is only sent again while the channel still has that
      // URL: once the owner removed or changed it (which cancelled what was pending), the old endpoint
      // and its baked-in headers are not to be used again. Message-level and legacy callback URLs keep
      // the ordinary redrive rules.
      if (await this.#wentToChannelWebhook(delivery)) {
        throw new PlacetError(
          'CONFLICT',
          channel.webhookUrl
            ? "The channel's webhook URL has changed since this delivery was planned; it is not sent to the old URL again"
            : "The channel's webhook has been removed since this delivery was planned; it is not sent again",
        );
      }
    }
    const queued = await this.store.deliveries.redrive(delivery.id, this.clock.now());
    if (!queued) throw new PlacetError('CONFLICT', 'The delivery is still pending');
    // The view first, so that it shows the queued state, not a send already under way.
    const [view] = await this.#views([queued]);
    void this.kick();
    return view!;
  }

  /**
   * Whether the sender's outbound rules would refuse `url`, asked of its `check` (which sends nothing).
   * Humans only, like the rest of the delivery routes. A sender without `check`, one that fails, or no
   * sender at all: `{ ok: true, checked: false }` (nothing is known against the URL).
   */
  async checkTarget(principal: Principal, url: string): Promise<WebhookCheck> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Only humans check webhook targets');
    const body = parseOrThrow(WebhookCheckBody, { url });
    const check = this.sender?.check;
    if (!check) return { ok: true, checked: false };
    try {
      const verdict = await check.call(this.sender, body.url);
      if (verdict.ok) return { ok: true, checked: true };
      // The port promises a short, secret-free reason; it is still capped to what the contract allows.
      const reason =
        typeof verdict.reason === 'string' && verdict.reason ? verdict.reason.slice(0, 200) : 'refused';
      return { ok: false, checked: true, reason };
    } catch (error) {
      // The port says `check` never throws; one that does is reported (without the URL), not trusted.
      this.logger.warn('webhooks: the webhook sender failed to check a target', {
        error: error instanceof Error ? error.name : typeof error,
      });
      return { ok: true, checked: false };
    }
  }

  /**
   * Whether a delivery's URL came from the channel's webhook rather than the message's own `webhookUrl`
   * or the review's legacy `callback` (the delivery row does not record it: the planning rules are
   * replayed against the message and review, see `webhookTarget`).
   */
  async #wentToChannelWebhook(delivery: DeliveryRecord): Promise<boolean> {
    if (!delivery.messageId) return true;
    const message = await this.store.messages.findById(delivery.messageId);
    if (message?.metadata?.webhookUrl === delivery.url) return false;
    const review = await this.store.reviews.findByMessageId(delivery.messageId);
    return review?.callback?.url !== delivery.url;
  }

  async #round(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      // Claim only what can be attempted within the lease (each attempt may take up to timeoutMs), so
      // that no lease runs out mid-batch and hands a delivery to a second process.
      const { leaseMs, timeoutMs } = this.options.webhooks;
      const batch = Math.max(1, Math.min(BATCH, Math.floor(leaseMs / timeoutMs) - 1));
      const claimed = await this.store.deliveries.claimDue(
        now,
        new Date(now.getTime() + leaseMs),
        batch,
        this.#dueFilter(),
      );
      for (const delivery of claimed) await this.#attempt(delivery);
      if (claimed.length < batch || this.#stopped) return;
    }
  }

  async #attempt(claimed: DeliveryRecord): Promise<void> {
    // Re-read under the claim: a delivery cancelled since it was claimed (the channel's webhook was
    // removed or changed while earlier ones in the batch were being sent) is not sent.
    const delivery = await this.store.deliveries.findById(claimed.id);
    if (delivery?.state !== 'pending') return;
    const notification = this.notifications.of(delivery);
    if (!notification && !this.sender) return; // Not claimed without a sender (#dueFilter); a guard.
    const result = notification
      ? await this.#notify(delivery, notification.name)
      : await this.#sendWebhook(delivery);
    await this.#record(delivery, result, notification !== undefined);
  }

  /** One webhook attempt: signed per Standard Webhooks when the channel has a secret. */
  async #sendWebhook(delivery: DeliveryRecord): Promise<AttemptResult> {
    const config = this.options.webhooks;
    const channel = await this.store.channels.findById(delivery.channelId);
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const headers: Record<string, string> = {
      ...delivery.headers,
      'content-type': 'application/json',
      'webhook-id': delivery.id,
      'webhook-timestamp': String(timestamp),
    };
    if (delivery.signed && channel?.webhookSecret) {
      headers['webhook-signature'] = signWebhook(
        channel.webhookSecret,
        delivery.id,
        timestamp,
        delivery.body,
      );
    }
    const result = await this.sender!.send({
      url: delivery.url,
      method: delivery.method,
      headers,
      body: delivery.body,
      timeoutMs: config.timeoutMs,
    });
    const ok = result.status !== null && result.status >= 200 && result.status < 300;
    // Gone (410), or a target the outbound rules refuse (it would be refused at every retry).
    return { ...result, ok, giveUp: result.status === 410 || result.refused === true };
  }

  /**
   * One attempt of a notification: the message, channel and recipient are read now (the delivery row
   * holds only what to send), then handed to the notifier. A notifier that throws, or is no longer
   * registered, fails the attempt (retried: it may be back after a restart).
   */
  async #notify(delivery: DeliveryRecord, name: string): Promise<AttemptResult> {
    const started = Date.now();
    const failed = (error: string, giveUp = false): AttemptResult => ({
      ok: false,
      giveUp,
      status: null,
      error,
      durationMs: Date.now() - started,
    });
    const notifier = this.notifications.of(delivery)?.notifier;
    if (!notifier) return failed(`no notifier named "${name}" is registered`);
    const skipped = (reason: string): AttemptResult => ({
      ok: true,
      giveUp: false,
      skipped: true,
      status: null,
      error: reason.slice(0, 200),
      durationMs: Date.now() - started,
    });
    const content = await this.#contentOf(JSON.parse(delivery.body) as NotificationPlan);
    if ('skip' in content) return skipped(content.skip);
    // One attempt lasts at most `webhooks.timeoutMs` (on the instance's clock): a notifier that never
    // answers fails the attempt (retried) instead of holding up every delivery behind it and `stop()`.
    const controller = new AbortController();
    let timer: TimerHandle | undefined;
    let cut: () => void = () => {};
    const timedOut = new Promise<'timeout' | 'stopped'>((resolve) => {
      timer = this.clock.setTimer(() => {
        controller.abort();
        resolve('timeout');
      }, this.options.webhooks.timeoutMs);
      // stop() does not wait for a notifier: the attempt is cut short (and retried after a restart).
      cut = () => {
        controller.abort();
        resolve('stopped');
      };
    });
    this.#inflight.add(cut);
    try {
      const notification = {
        ...content,
        id: delivery.id,
        attempt: delivery.attempts + 1,
        signal: controller.signal,
      } as Notification;
      const plugin = this.notifications.pluginOf(name);
      const sent = plugin
        ? (notifier as PluginNotifier).send(notification, this.plugins.context(plugin))
        : (notifier as Notifier).send(notification);
      const outcome = await Promise.race([sent, timedOut]);
      if (outcome === 'timeout' || outcome === 'stopped') return failed(outcome);
      if (outcome?.ok === true) {
        if (outcome.skipped !== undefined) return skipped(`${name}: ${String(outcome.skipped)}`);
        return { ok: true, giveUp: false, status: null, error: null, durationMs: Date.now() - started };
      }
      if (outcome?.ok === false) {
        const result = failed(String(outcome.error).slice(0, 200), outcome.retry === false);
        const after = outcome.retryAfterMs;
        return typeof after === 'number' && Number.isFinite(after) && after >= 0
          ? { ...result, retryAfterMs: after }
          : result;
      }
      return failed(`${name}: send() resolved no outcome`);
    } catch (error) {
      // The error's text may carry what the notifier was given (a URL with a token): its name only.
      this.logger.warn('notifier threw', {
        notifier: name,
        deliveryId: delivery.id,
        error: error instanceof Error ? error.name : typeof error,
      });
      return failed(`${name}: the notifier threw`);
    } finally {
      if (timer) this.clock.clearTimer(timer);
      this.#inflight.delete(cut);
    }
  }

  /**
   * What a notification says, read at send time: the review (skipped once it no longer waits, unless the
   * notification is about its answer or expiry), or a digest's reviews that still wait (skipped if none).
   */
  async #contentOf(
    plan: NotificationPlan,
  ): Promise<
    | Omit<ReviewNotification, 'id' | 'attempt' | 'signal'>
    | Omit<DigestNotification, 'id' | 'attempt' | 'signal'>
    | { skip: string }
  > {
    const recipient = await this.store.users.findById(plan.recipientId);
    if (!recipient) return { skip: 'the recipient is gone' };
    if (plan.kind === 'digest') {
      const since = new Date(plan.since);
      const until = new Date(plan.until);
      const waiting: ReviewRecord[] = [];
      // The recipient's pending reviews, newest first, back to the start of the period.
      let before: { createdAt: Date; messageId: string } | undefined;
      for (;;) {
        const page = await this.store.reviews.list({
          ownerId: recipient.id,
          status: 'pending',
          limit: 100,
          ...(before ? { before } : {}),
        });
        for (const review of page)
          if (review.createdAt >= since && review.createdAt < until) waiting.push(review);
        const last = page.at(-1);
        if (page.length < 100 || !last || last.createdAt < since || waiting.length >= MAX_DIGEST_SCAN) break;
        before = { createdAt: last.createdAt, messageId: last.messageId };
      }
      if (waiting.length === 0) return { skip: 'no review of the digest is still waiting' };
      // The oldest of the period first (they have waited longest); `total` counts them all.
      const chosen = waiting.slice(-MAX_DIGEST_REVIEWS).reverse();
      const [messages, channels] = await Promise.all([
        this.store.messages.findByIds(chosen.map((review) => review.messageId)),
        Promise.all(
          [...new Set(chosen.map((review) => review.channelId))].map((id) =>
            this.store.channels.findById(id),
          ),
        ),
      ]);
      const channelOf = new Map(channels.filter((c) => c !== undefined).map((c) => [c.id, c]));
      const reviews: NotifiedReview[] = [];
      for (const message of messages.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())) {
        const channel = channelOf.get(message.channelId);
        if (!channel) continue;
        reviews.push(
          this.#notified(await this.views.presentOne(message, { agentName: channel.name }), channel),
        );
      }
      if (reviews.length === 0) return { skip: 'no review of the digest is still waiting' };
      return {
        kind: 'digest',
        recipient: presentUser(recipient),
        reviews,
        total: waiting.length,
        since,
        until,
      };
    }
    const [message, review] = await Promise.all([
      this.store.messages.findById(plan.messageId),
      this.store.reviews.findByMessageId(plan.messageId),
    ]);
    const channel = message ? await this.store.channels.findById(message.channelId) : undefined;
    if (!message || !review || !channel) return { skip: 'the review is gone' };
    // "It waits for you" is not sent about a review answered (or expired) while it was held back.
    if ((plan.kind === 'review.created' || plan.kind === 'review.reminder') && review.status !== 'pending')
      return { skip: `the review was ${review.status} before it was due` };
    return {
      kind: plan.kind,
      recipient: presentUser(recipient),
      ...this.#notified(await this.views.presentOne(message, { agentName: channel.name }), channel),
    };
  }

  /** A review as notifiers get it: with its one-click answers while it waits, its summary once answered. */
  #notified(message: Message, channel: ChannelRecord): NotifiedReview {
    const review = message.review;
    const pending = review?.status === 'pending';
    return {
      message,
      channel: presentChannel(channel),
      quickAnswers: review && pending ? this.registry.quickAnswers(review.type, review.payload) : [],
      summary:
        review?.status === 'completed' && review.response
          ? this.registry.summarize(review.type, review.payload, review.response)
          : null,
    };
  }

  /** Records an attempt and its outcome; a webhook's outcome also becomes the message's deliveryStatus. */
  async #record(delivery: DeliveryRecord, result: AttemptResult, isNotification: boolean): Promise<void> {
    const config = this.options.webhooks;
    const now = this.clock.now();
    const attempts = delivery.attempts + 1;
    const { ok } = result;
    const gone = result.giveUp;
    const exhausted = attempts >= config.maxAttempts;
    const state = result.skipped ? 'skipped' : ok ? 'delivered' : gone || exhausted ? 'failed' : 'pending';
    const delay =
      result.retryAfterMs !== undefined
        ? Math.min(result.retryAfterMs, config.maxDelayMs)
        : this.#backoff(attempts);
    const nextAttemptAt = state === 'pending' ? new Date(now.getTime() + delay) : null;
    let recordedAttempt = false;
    await this.uow.run(async (tx, emit) => {
      const recorded = await tx.deliveries.recordAttempt(
        {
          id: newId(),
          deliveryId: delivery.id,
          attempt: attempts,
          at: now,
          status: result.status,
          error: result.error,
          durationMs: result.durationMs,
        },
        {
          state,
          attempts,
          nextAttemptAt,
          lastStatus: result.status,
          lastError: result.error,
          updatedAt: now,
        },
      );
      recordedAttempt = recorded !== undefined;
      // Not recorded as an outcome: cancelled while in flight (the cancellation stands). A notification's
      // outcome is its own: the message's deliveryStatus is about the agent's webhook.
      if (!recorded || state === 'pending' || !delivery.messageId || isNotification) return;
      const updated = await tx.messages.setDeliveryStatus(
        delivery.messageId,
        ok ? 'webhook_delivered' : 'webhook_failed',
        now,
      );
      if (updated) {
        await emit({
          type: 'message:delivery',
          ownerId: updated.ownerId,
          channelId: updated.channelId,
          subjectId: updated.id,
          payload: { messageId: updated.id, deliveryStatus: updated.deliveryStatus },
        });
      }
    });
    // Counted once committed (a retried transaction runs its function again).
    if (recordedAttempt) this.#counters[state === 'pending' ? 'retried' : state]++;
    if (!ok)
      this.logger.info(isNotification ? 'notification attempt failed' : 'webhook attempt failed', {
        deliveryId: delivery.id,
        attempt: attempts,
        status: result.status,
        error: result.error,
        state,
      });
  }

  /** Without a webhook sender only notifications are claimed: webhook deliveries stay pending, untouched. */
  #dueFilter(): DeliveryDueFilter {
    return this.sender ? {} : { urlPrefix: NOTIFIER_SCHEME };
  }

  /** Exponential backoff with ±20 % jitter, capped. */
  #backoff(attempts: number): number {
    const { initialDelayMs, maxDelayMs } = this.options.webhooks;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** (attempts - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  async #schedule(): Promise<void> {
    if (this.#stopped) return;
    if (this.#timer) this.clock.clearTimer(this.#timer);
    const next = await this.store.deliveries.nextDue(this.#dueFilter()).catch(() => undefined);
    if (!next || this.#stopped) return;
    const wait = Math.max(0, next.getTime() - this.clock.now().getTime());
    // Re-check at least every lease period, for deliveries another (crashed) process had claimed.
    this.#timer = this.clock.setTimer(() => void this.kick(), Math.min(wait, this.options.webhooks.leaseMs));
  }

  /** Views of a page of deliveries, their attempts loaded in one query (not one per delivery). */
  async #views(deliveries: readonly DeliveryRecord[]): Promise<DeliveryView[]> {
    if (deliveries.length === 0) return [];
    const byDelivery = new Map<string, DeliveryAttemptRecord[]>();
    for (const a of await this.store.deliveries.listAttemptsFor(deliveries.map((d) => d.id))) {
      const list = byDelivery.get(a.deliveryId);
      if (list) list.push(a);
      else byDelivery.set(a.deliveryId, [a]);
    }
    return deliveries.map((d) => this.#view(d, byDelivery.get(d.id) ?? []));
  }

  #view(delivery: DeliveryRecord, attempts: readonly DeliveryAttemptRecord[]): DeliveryView {
    return {
      id: delivery.id,
      messageId: delivery.messageId,
      event: delivery.event,
      url: delivery.url,
      method: delivery.method,
      state: delivery.state,
      attempts: attempts.map((a) => ({
        attempt: a.attempt,
        at: a.at.toISOString(),
        status: a.status,
        error: a.error,
        durationMs: a.durationMs,
      })),
      nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
      lastStatus: delivery.lastStatus,
      lastError: delivery.lastError,
      createdAt: delivery.createdAt.toISOString(),
    };
  }
}
