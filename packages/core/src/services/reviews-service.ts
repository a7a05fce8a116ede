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
import { decide } from '../domain/quorum.js';
import type { ChannelRecord, MessageRecord, ReviewRecord, ReviewVoteRecord } from '../domain/records.js';
import { planDelivery, reviewPayload } from '../domain/webhook-plan.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Repositories, Store } from '../ports/store.js';
import { reviewHash } from '../receipts/review-hash.js';
import { TOKENS } from '../tokens.js';
import { ChannelsService } from './channels-service.js';
import { MessageViews } from './message-views.js';
import { MessagesService } from './messages-service.js';
import { PluginRuntime } from './plugin-runtime.js';
import { type ReceiptSigner, ReceiptsService } from './receipts-service.js';
import { type Emit, UnitOfWork } from './unit-of-work.js';
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

/** What a completion needs in its transaction. */
interface Finish {
  tx: Repositories;
  emit: Emit;
  message: MessageRecord;
  channel: ChannelRecord;
  signer: ReceiptSigner;
  now: Date;
}

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
    const { message, channel } = await this.#requireReview(principal, messageId, channelId);
    return this.views.presentOne(message, { agentName: channel.name });
  }

  /**
   * A review the principal may see: one of their own channels', or — for a human — one that names them
   * as an assignee (read-only unless they may answer). Anything else is the same 404 as a stranger's.
   */
  async #requireReview(
    principal: Principal,
    messageId: string,
    channelId?: string,
  ): Promise<{ message: MessageRecord; channel: ChannelRecord; review: ReviewRecord }> {
    const found = messageId ? await this.store.messages.findById(messageId) : undefined;
    if (found && found.ownerId !== principal.userId && principal.kind === 'user') {
      const review = await this.store.reviews.findByMessageId(found.id);
      const assigned = review?.policy?.assigneeIds.includes(principal.userId) === true;
      if (review && assigned && (channelId === undefined || channelId === found.channelId)) {
        const channel = await this.store.channels.findById(found.channelId);
        if (channel) return { message: found, channel, review };
      }
    }
    const { message, channel } = await this.messages.require(principal, messageId, channelId);
    const review = await this.store.reviews.findByMessageId(message.id);
    if (!review) throw noReview();
    return { message, channel, review };
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
    if (q.scope === 'assigned') return this.#listAssigned(principal, q);
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
    return this.#page(principal, reviews, q.limit, channel ? { agentName: channel.name } : {});
  }

  /** `scope=assigned`: the reviews of any owner that name the caller as an assignee. */
  async #listAssigned(principal: Principal, q: InboxQuery): Promise<InboxPage> {
    if (q.channel)
      throw new PlacetError('VALIDATION_FAILED', 'channel does not apply to scope=assigned', {
        issues: [{ path: 'channel', message: 'not allowed with scope=assigned' }],
      });
    let before: { createdAt: Date; messageId: string } | undefined;
    if (q.cursor) {
      const review = await this.store.reviews.findByMessageId(q.cursor);
      if (!review?.policy?.assigneeIds.includes(principal.userId))
        throw new PlacetError('VALIDATION_FAILED', 'cursor does not name a review assigned to you', {
          issues: [{ path: 'cursor', message: 'unknown review' }],
        });
      before = { createdAt: review.createdAt, messageId: review.messageId };
    }
    const reviews = await this.store.reviewAssignees.listReviews({
      userId: principal.userId,
      limit: q.limit + 1,
      ...(q.status !== 'all' ? { status: q.status } : {}),
      ...(q.type ? { type: q.type } : {}),
      ...(before ? { before } : {}),
    });
    return this.#page(principal, reviews, q.limit, {});
  }

  /** One inbox page: the messages of `limit` reviews (one read), the next cursor, the caller's read marks. */
  async #page(
    principal: Principal,
    reviews: readonly ReviewRecord[],
    limit: number,
    opts: { agentName?: string },
  ): Promise<InboxPage> {
    const page = reviews.slice(0, limit);
    const rows = await this.#messagesOf(page);
    const [data, readIds] = await Promise.all([
      this.views.present(rows, opts),
      rows.length === 0
        ? []
        : this.store.reviewReads.readIds(
            principal.userId,
            rows.map((m) => m.id),
          ),
    ]);
    return {
      data,
      nextCursor: reviews.length > limit ? (page.at(-1)?.messageId ?? null) : null,
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
    const { message } = await this.#requireReview(principal, messageId);
    const readAt = await this.store.reviewReads.mark(principal.userId, message.id, this.clock.now());
    if (!readAt) throw noReview();
    return { read: true, readAt: readAt.toISOString() };
  }

  /**
   * A human answers. Exactly once: a conditional update on `pending` and not past `expiresAt`; every
   * other caller gets 409. The response is validated by the review type's plugin against the payload.
   * A review with assignees takes answers from them only (`NOT_ASSIGNED`); with a quorum, each answer is
   * a vote and the review completes when the policy is met. An answer that names the `reviewHash` it was
   * shown is refused (`REVIEW_CHANGED`) when the review changed since.
   */
  async respond(principal: Principal, messageId: string, input: RespondReviewInput): Promise<Message> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Agents cannot answer reviews');
    const body = parseOrThrow(RespondReview, input);
    const { message, channel, review } = await this.#requireReview(principal, messageId);
    const assignees = review.policy?.assigneeIds ?? [];
    if (assignees.length > 0 && !assignees.includes(principal.userId))
      throw new PlacetError(
        'NOT_ASSIGNED',
        'Only the assignees of this review may answer it (review.policy.assigneeIds names them)',
      );
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
    const feedback = body.feedback ?? review.feedback;
    const modifiedFileIds = body.modifiedFileIds ?? review.modifiedFileIds;
    return this.uow.run(async (tx, emit) => {
      if (body.reviewHash !== undefined) await this.#checkShown(tx, review, body.reviewHash);
      const finish: Finish = { tx, emit, message, channel, signer, now };
      if (review.policy && assignees.length > 0)
        return this.#vote(finish, { userId: principal.userId, response, feedback, modifiedFileIds });
      const completed = await tx.reviews.complete(message.id, {
        response,
        respondedBy: principal.userId,
        completedAt: now,
        feedback,
        modifiedFileIds,
        ...(review.policy ? { policy: { ...review.policy, outcome: 'answered' as const } } : {}),
      });
      if (!completed) {
        const current = await tx.reviews.findByMessageId(message.id);
        throw notPending(current ?? review, now);
      }
      return this.#finish(finish, completed);
    });
  }

  /** `REVIEW_CHANGED` when what a human would be shown now is not what they were shown. */
  async #checkShown(tx: Repositories, review: ReviewRecord, shown: string): Promise<void> {
    const message = await tx.messages.findById(review.messageId);
    const attachments =
      message && message.attachmentCount > 0 ? await tx.attachments.listByMessageIds([message.id]) : [];
    const current = await reviewHash({
      type: review.type,
      payload: review.payload,
      text: message?.text ?? null,
      attachments,
    });
    if (current !== shown)
      throw new PlacetError(
        'REVIEW_CHANGED',
        'The review changed after it was shown (the agent edited the message): reload it and answer again',
      );
  }

  /**
   * One assignee's vote, in the answer's transaction. `lockForVote` serialises the voters of one review
   * (so the votes read next include every vote committed before), one vote per assignee, and the vote that
   * meets the policy completes the review. Short of that, the vote is recorded and shown to watchers.
   */
  async #vote(
    finish: Finish,
    vote: {
      userId: string;
      response: Record<string, unknown>;
      feedback: string | null;
      modifiedFileIds: Record<string, string> | null;
    },
  ): Promise<Message> {
    const { tx, emit, message, channel, now } = finish;
    const review = await tx.reviews.lockForVote(message.id, now);
    if (!review?.policy) {
      const current = await tx.reviews.findByMessageId(message.id);
      throw current ? notPending(current, now) : noReview();
    }
    const earlier = await tx.reviewVotes.listByMessageIds([message.id]);
    if (earlier.some((v) => v.userId === vote.userId))
      throw new PlacetError('ALREADY_VOTED', 'You have already voted on this review');
    const cast: ReviewVoteRecord = {
      messageId: message.id,
      userId: vote.userId,
      response: vote.response,
      ...this.registry.verdict(review.type, review.payload, vote.response),
      votedAt: now,
    };
    await tx.reviewVotes.insert(cast);
    const decision = decide(review.policy, [...earlier, cast], cast);
    if (!decision.decided) {
      const updated = (await tx.messages.update(message.id, { updatedAt: now })) ?? message;
      const presented = await this.views.presentOne(updated, { agentName: channel.name, repos: tx });
      await emit({
        type: 'message:updated',
        ownerId: message.ownerId,
        channelId: message.channelId,
        subjectId: message.id,
        payload: presented,
      });
      return presented;
    }
    const completed = await tx.reviews.complete(message.id, {
      response: decision.deciding.response,
      respondedBy: decision.deciding.userId,
      completedAt: now,
      feedback: vote.feedback,
      modifiedFileIds: vote.modifiedFileIds,
      policy: { ...review.policy, outcome: decision.outcome },
    });
    if (!completed) throw notPending(review, now);
    return this.#finish(finish, completed);
  }

  /**
   * What every completion shares, in its transaction: the message touched, the signed receipt, the
   * webhook delivery (durable, planned exactly once) and `review:responded`.
   */
  async #finish(finish: Finish, completed: ReviewRecord): Promise<Message> {
    const { tx, emit, message, channel, signer, now } = finish;
    const updated = (await tx.messages.update(message.id, { updatedAt: now })) ?? message;
    const votes = completed.policy ? await tx.reviewVotes.listByMessageIds([message.id]) : [];
    // A signed receipt of exactly what the human saw and answered (`GET /reviews/:id/receipt`).
    const { receipt } = await this.receipts.issue(tx, {
      review: completed,
      message: updated,
      signer,
      now,
      votes,
    });
    const presented = await this.views.presentOne(updated, { agentName: channel.name, repos: tx });
    await planDelivery(tx, now, {
      channel,
      message: updated,
      review: completed,
      event: 'review:responded',
      payload: reviewPayload('review:responded', updated, completed, { receipt, votes }),
    });
    await emit({
      type: 'review:responded',
      ownerId: message.ownerId,
      channelId: message.channelId,
      subjectId: message.id,
      payload: presented,
    });
    return presented;
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
        // A policy's default outcome completes it instead of expiring it.
        const after = await load();
        return { status: after?.status === 'completed' ? 'completed' : 'expired', message: await present() };
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

  /**
   * Ends one due review exactly once: its policy's default response when it has one (completed, by
   * nobody, `outcome: default`, with a receipt and `review:responded`), else expired (`review:expired`).
   */
  async expire(messageId: string): Promise<boolean> {
    const due = await this.store.reviews.findByMessageId(messageId);
    const onTimeout = due?.policy?.onTimeout;
    if (due?.policy && onTimeout && onTimeout !== 'expire') {
      const policy = due.policy;
      const signer = await this.receipts.signer();
      return this.uow.run(async (tx, emit) => {
        const now = this.clock.now();
        const completed = await tx.reviews.completeDue(messageId, {
          response: onTimeout.response,
          respondedBy: null,
          completedAt: now,
          feedback: due.feedback,
          modifiedFileIds: due.modifiedFileIds,
          policy: { ...policy, outcome: 'default' },
        });
        if (!completed) return false;
        const [message, channel] = await Promise.all([
          tx.messages.findById(messageId),
          tx.channels.findById(completed.channelId),
        ]);
        if (!message || !channel) return true;
        await this.#finish({ tx, emit, message, channel, signer, now }, completed);
        return true;
      });
    }
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
