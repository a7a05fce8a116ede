import { inject, injectable } from 'tsyringe';
import type { InboxCountQueryInput } from '../contract/inbox.js';
import {
  type InboxCount,
  InboxCountQuery,
  type InboxPage,
  type ReviewReadResult,
} from '../contract/inbox.js';
import type { Message } from '../contract/message.js';
import type { InboxQueryInput, RespondReviewInput } from '../contract/review.js';
import { InboxQuery, RespondReview } from '../contract/review.js';
import { MIN_WAIT_TIMEOUT_MS, type WaitResult } from '../contract/wait.js';
import type { Principal } from '../domain/principal.js';
import type { MessageRecord, ReviewRecord } from '../domain/records.js';
import { planDelivery, reviewPayload } from '../domain/webhook-plan.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { ChannelsService } from './channels-service.js';
import { MessageViews } from './message-views.js';
import { MessagesService } from './messages-service.js';
import { PluginRuntime } from './plugin-runtime.js';
import { ReceiptsService } from './receipts-service.js';
import { UnitOfWork } from './unit-of-work.js';
import { Waiters } from './waiters.js';

export interface WaitOptions {
  /** The channel the agent names (`?channel=`); a mismatch is 404. */
  channelId?: string;
  /** Raised to at least 1000 (`MIN_WAIT_TIMEOUT_MS`), then capped at `maxWaitMs` (30 s by default). */
  timeoutMs?: number;
  /** Aborting (client disconnected) releases the waiter at once. */
  signal?: AbortSignal;
}

const noReview = () => new PlacetError('NOT_FOUND', 'No review on this message');

/** Reviews: answer exactly once, expire exactly once, wait without polling. */
@injectable()
export class ReviewsService {
  #draining = false;

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(MessagesService) private readonly messages: MessagesService,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(Waiters) private readonly waiters: Waiters,
    @inject(PluginRuntime) private readonly plugins: PluginRuntime,
    @inject(ReceiptsService) private readonly receipts: ReceiptsService,
  ) {}

  /** `GET /reviews/:id`: the message carrying the review. */
  async get(principal: Principal, messageId: string, channelId?: string): Promise<Message> {
    const { message, channel } = await this.messages.require(principal, messageId, channelId);
    if (!(await this.store.reviews.findByMessageId(message.id))) throw noReview();
    return this.views.presentOne(message, { agentName: channel.name });
  }

  /** Pending reviews of the principal (one channel or all), newest first, from the index. */
  async listPending(
    principal: Principal,
    options: { channelId?: string; limit?: number; cursor?: string } = {},
  ): Promise<Message[]> {
    const channelId =
      options.channelId ?? (principal.kind === 'agent' ? principal.channelId : null) ?? undefined;
    const channel = channelId === undefined ? undefined : await this.channels.require(principal, channelId);
    const before = await this.#keysetOf(principal, options.cursor);
    // The partial index on pending reviews serves this query (status = 'pending', owner, created_at).
    const reviews = await this.store.reviews.list({
      ownerId: principal.userId,
      status: 'pending',
      limit: Math.min(Math.max(options.limit ?? 100, 1), 500),
      ...(channel ? { channelId: channel.id } : {}),
      ...(before ? { before } : {}),
    });
    const rows = await this.#messagesOf(reviews);
    return this.views.present(rows, channel ? { agentName: channel.name } : {});
  }

  /**
   * The inbox: the principal's reviews across channels (or one), by status and type, newest first,
   * keyset-paged by message id, with the ids of those on the page the principal has marked read.
   */
  async list(principal: Principal, query: InboxQueryInput = {}): Promise<InboxPage> {
    const q = parseOrThrow(InboxQuery, query);
    const channel = q.channel ? await this.channels.require(principal, q.channel) : undefined;
    const before = await this.#keysetOf(principal, q.cursor);
    const reviews = await this.store.reviews.list({
      ownerId: principal.userId,
      limit: q.limit + 1,
      ...(q.status !== 'all' ? { status: q.status } : {}),
      ...(channel ? { channelId: channel.id } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(before ? { before } : {}),
    });
    const page = reviews.slice(0, q.limit);
    const rows = await this.#messagesOf(page);
    const [data, readIds] = await Promise.all([
      this.views.present(rows, channel ? { agentName: channel.name } : {}),
      rows.length === 0
        ? []
        : this.store.reviewReads.readIds(
            principal.userId,
            rows.map((m) => m.id),
          ),
    ]);
    return {
      data,
      nextCursor: reviews.length > q.limit ? (page.at(-1)?.messageId ?? null) : null,
      readIds,
    };
  }

  /**
   * The inbox badge: how many of the principal's reviews match the inbox filters (`status` pending by
   * default, `channel`, `type`) and how many of those the principal has not marked read. One indexed
   * aggregate query, never a page walk.
   */
  async count(principal: Principal, query: InboxCountQueryInput = {}): Promise<InboxCount> {
    const q = parseOrThrow(InboxCountQuery, query);
    const channel = q.channel ? await this.channels.require(principal, q.channel) : undefined;
    const { total, unread } = await this.store.reviews.count({
      ownerId: principal.userId,
      readerId: principal.userId,
      ...(q.status !== 'all' ? { status: q.status } : {}),
      ...(channel ? { channelId: channel.id } : {}),
      ...(q.type ? { type: q.type } : {}),
    });
    return { count: total, unread };
  }

  /**
   * Marks the review on `messageId` read for the calling human (per user, per review). Idempotent: a
   * second call keeps, and answers, the time of the first. 404 for a message that is not the caller's
   * or carries no review.
   */
  async markRead(principal: Principal, messageId: string): Promise<ReviewReadResult> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Only humans have read state');
    const { message } = await this.messages.require(principal, messageId);
    const readAt = await this.store.reviewReads.mark(principal.userId, message.id, this.clock.now());
    if (!readAt) throw noReview();
    return { read: true, readAt: readAt.toISOString() };
  }

  /**
   * A human answers. Exactly once: a conditional update on `pending` and not past `expiresAt`; every
   * other caller gets 409. The response is validated by the review type's plugin against the payload.
   */
  async respond(principal: Principal, messageId: string, input: RespondReviewInput): Promise<Message> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Agents cannot answer reviews');
    const body = parseOrThrow(RespondReview, input);
    const { message, channel } = await this.messages.require(principal, messageId);
    const review = await this.store.reviews.findByMessageId(message.id);
    if (!review) throw noReview();
    if (review.status !== 'pending') throw notPending(review);
    const response = this.registry.parseResponse(review.type, review.payload, body.response);
    // Plugins' policies: a `review.beforeRespond` hook may refuse the answer with its own error code.
    await this.plugins.beforeRespond({
      user: principal,
      messageId: message.id,
      channelId: message.channelId,
      ownerId: message.ownerId,
      review: {
        type: review.type,
        payload: review.payload,
        createdAt: review.createdAt,
        expiresAt: review.expiresAt,
      },
      response,
      feedback: body.feedback ?? review.feedback,
    });
    const now = this.clock.now();
    // The receipt's signing key is read before the transaction; the receipt commits with the answer.
    const signer = await this.receipts.signer();
    return this.uow.run(async (tx, emit) => {
      const completed = await tx.reviews.complete(message.id, {
        response,
        respondedBy: principal.userId,
        completedAt: now,
        feedback: body.feedback ?? review.feedback,
        modifiedFileIds: body.modifiedFileIds ?? review.modifiedFileIds,
      });
      if (!completed) {
        const current = await tx.reviews.findByMessageId(message.id);
        throw notPending(current ?? review, now);
      }
      const updated = (await tx.messages.update(message.id, { updatedAt: now })) ?? message;
      // A signed receipt of exactly what the human saw and answered (`GET /reviews/:id/receipt`).
      await this.receipts.issue(tx, { review: completed, message: updated, signer, now });
      const presented = await this.views.presentOne(updated, { agentName: channel.name, repos: tx });
      // The webhook delivery commits with the answer: durable and planned exactly once.
      await planDelivery(tx, now, {
        channel,
        message: updated,
        review: completed,
        event: 'review:responded',
        payload: reviewPayload('review:responded', updated, completed),
      });
      await emit({
        type: 'review:responded',
        ownerId: message.ownerId,
        channelId: message.channelId,
        subjectId: message.id,
        payload: presented,
      });
      return presented;
    });
  }

  /**
   * Long-poll. Terminal → at once. Otherwise: register a waiter, re-read once (an answer that landed in
   * between is never missed), then sleep until an event for this review, the timeout, or the abort
   * signal. Never polls the store on a timer.
   */
  async wait(principal: Principal, messageId: string, options: WaitOptions = {}): Promise<WaitResult> {
    const { message, channel } = await this.messages.require(principal, messageId, options.channelId);
    // At least MIN_WAIT_TIMEOUT_MS (a shorter wait is a busy poll), at most the instance's `maxWaitMs`.
    const timeoutMs = Math.min(
      Math.max(Math.floor(options.timeoutMs ?? this.options.maxWaitMs), MIN_WAIT_TIMEOUT_MS),
      this.options.maxWaitMs,
    );
    const present = async () =>
      this.views.presentOne((await this.store.messages.findById(message.id)) ?? message, {
        inlineText: true,
        agentName: channel.name,
      });

    const settled = async (review: ReviewRecord | undefined): Promise<WaitResult | undefined> => {
      if (!review) throw noReview();
      if (review.status === 'completed') return { status: 'completed', message: await present() };
      if (review.status === 'expired') return { status: 'expired', message: await present() };
      if (review.expiresAt.getTime() <= this.clock.now().getTime()) {
        await this.expire(review.messageId);
        return { status: 'expired', message: await present() };
      }
      return undefined;
    };

    const load = () => this.store.reviews.findByMessageId(message.id);
    const first = await settled(await load());
    if (first) return first;
    if (options.signal?.aborted || this.#draining) return { status: 'timeout' };

    const waiter = this.waiters.register(message.id);
    try {
      const review = await load();
      const again = await settled(review);
      if (again || !review) return again ?? { status: 'timeout' };
      const outcome = await waiter.sleep({
        clock: this.clock,
        timeoutMs,
        // Expiry during the wait: expire it then (emits review:expired, which wakes this waiter).
        expiresInMs: review.expiresAt.getTime() - this.clock.now().getTime(),
        onExpiryDue: () =>
          this.expire(message.id).catch((e: unknown) =>
            this.logger.error('expiry failed', { error: String(e) }),
          ),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (outcome !== 'woken') return { status: 'timeout' };
      return (await settled(await load())) ?? { status: 'timeout' };
    } finally {
      waiter.release();
    }
  }

  /** The keyset position of a cursor (a review's message id), which must be one of the principal's reviews. */
  /** The messages of a page of reviews, in the page's order: one store read for the whole page. */
  async #messagesOf(reviews: readonly ReviewRecord[]): Promise<MessageRecord[]> {
    const found = new Map(
      (await this.store.messages.findByIds(reviews.map((r) => r.messageId))).map((m) => [m.id, m]),
    );
    return reviews.map((r) => found.get(r.messageId)).filter((m): m is MessageRecord => m !== undefined);
  }

  async #keysetOf(principal: Principal, cursor: string | undefined) {
    if (!cursor) return undefined;
    const review = await this.store.reviews.findByMessageId(cursor);
    if (!review || review.ownerId !== principal.userId) {
      throw new PlacetError('VALIDATION_FAILED', 'cursor does not name one of your reviews', {
        issues: [{ path: 'cursor', message: 'unknown review' }],
      });
    }
    return { createdAt: review.createdAt, messageId: review.messageId };
  }

  /** Open waiters (for tests and metrics). */
  waiterCount(): number {
    return this.waiters.count();
  }

  /**
   * Answers every open wait `timeout` at once, and every later wait too (graceful shutdown: agents poll
   * again and reach another process, or this one once it is back).
   */
  releaseWaiters(): void {
    this.#draining = true;
    this.waiters.releaseAll();
  }

  /** Expires one due review exactly once: conditional update plus `review:expired`. */
  async expire(messageId: string): Promise<boolean> {
    return this.uow.run(async (tx, emit) => {
      const now = this.clock.now();
      const expired = await tx.reviews.expire(messageId, now);
      if (!expired) return false;
      const [message, channel] = await Promise.all([
        tx.messages.findById(messageId),
        tx.channels.findById(expired.channelId),
      ]);
      if (message && channel) {
        await planDelivery(tx, now, {
          channel,
          message,
          review: expired,
          event: 'review:expired',
          payload: reviewPayload('review:expired', message, expired),
        });
      }
      await emit({
        type: 'review:expired',
        ownerId: expired.ownerId,
        channelId: expired.channelId,
        subjectId: messageId,
        payload: { messageId, channelId: expired.channelId },
      });
      return true;
    });
  }

  /** Expires every due review (the sweeper calls this); returns how many it expired. */
  async expireDue(batch = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.store.reviews.listDue(this.clock.now(), batch);
      let expired = 0;
      for (const review of due) if (await this.expire(review.messageId)) expired++;
      total += expired;
      if (due.length < batch || expired === 0) return total;
    }
  }
}

function notPending(review: ReviewRecord, now?: Date): PlacetError {
  const expired =
    review.status === 'expired' || (review.status === 'pending' && now && review.expiresAt <= now);
  return new PlacetError('REVIEW_NOT_PENDING', expired ? 'Review has expired' : 'Review already responded');
}
