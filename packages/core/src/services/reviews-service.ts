import { inject, injectable } from 'tsyringe';
import type { InboxCountQueryInput, InboxReadEvent, InboxReadFilterInput } from '../contract/inbox.js';
import {
  type InboxCount,
  InboxCountQuery,
  type InboxPage,
  InboxReadFilter,
  type InboxReadResult,
  type ReviewReadResult,
} from '../contract/inbox.js';
import type { Message } from '../contract/message.js';
import type { InboxQueryInput, RespondReviewInput } from '../contract/review.js';
import { InboxQuery } from '../contract/review.js';
import { MIN_WAIT_TIMEOUT_MS, type WaitResult } from '../contract/wait.js';
import type { Principal } from '../domain/principal.js';
import type { EventRecord, MessageRecord, ReviewRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { ReviewFilter, ReviewPageQuery, ReviewPosition, Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { AuditService } from './audit-service.js';
import { ChannelsService } from './channels-service.js';
import { MessageViews } from './message-views.js';
import { MessagesService } from './messages-service.js';
import { noReview, ReviewAccess } from './review-access.js';
import { type RespondOptions, ReviewAnswers } from './review-answers.js';
import { UnitOfWork } from './unit-of-work.js';
import { type Waiter, Waiters } from './waiters.js';

export interface WaitOptions {
  /** The channel the agent names (`?channel=`); a mismatch is 404. */
  channelId?: string;
  /** Raised to at least 1000 (`MIN_WAIT_TIMEOUT_MS`), then capped at `maxWaitMs` (30 s by default). */
  timeoutMs?: number;
  /** Aborting (client disconnected) releases the waiter at once. */
  signal?: AbortSignal;
}

/**
 * Reviews: the inbox, the long-poll wait (without polling) and read marks; answers and expiry are
 * `ReviewAnswers`' (delegated here), who may see a review `ReviewAccess`'.
 */
@injectable()
export class ReviewsService {
  #draining = false;

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(MessagesService) private readonly messages: MessagesService,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(Waiters) private readonly waiters: Waiters,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(ReviewAccess) private readonly access: ReviewAccess,
    @inject(ReviewAnswers) private readonly answers: ReviewAnswers,
  ) {}

  /** `GET /reviews/:id`: the message carrying the review. */
  async get(principal: Principal, messageId: string, channelId?: string): Promise<Message> {
    const { message, channel } = await this.access.require(principal, messageId, channelId);
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
   * The inbox: the principal's reviews across channels (or one), by status, type and a search of their
   * text, newest (or, `order=oldest`, oldest) first, keyset-paged by message id in either order, with the
   * ids of those on the page the principal has marked read.
   */
  async list(principal: Principal, query: InboxQueryInput = {}): Promise<InboxPage> {
    const q = parseOrThrow(InboxQuery, query);
    if (q.scope === 'assigned') return this.#listAssigned(principal, q);
    const channel = q.channel ? await this.channels.require(principal, q.channel) : undefined;
    const position = await this.#keysetOf(principal, q.cursor);
    const reviews = await this.store.reviews.list({
      ownerId: principal.userId,
      limit: q.limit + 1,
      ...inboxFilter(q),
      ...pageAfter(q.order, position),
      ...(channel ? { channelId: channel.id } : {}),
    });
    return this.#page(principal, reviews, q.limit, channel ? { agentName: channel.name } : {});
  }

  /** `scope=assigned`: the reviews of any owner that name the caller as an assignee. */
  async #listAssigned(principal: Principal, q: InboxQuery): Promise<InboxPage> {
    if (q.channel)
      throw new PlacetError('VALIDATION_FAILED', 'channel does not apply to scope=assigned', {
        issues: [{ path: 'channel', message: 'not allowed with scope=assigned' }],
      });
    let position: ReviewPosition | undefined;
    if (q.cursor) {
      const review = await this.store.reviews.findByMessageId(q.cursor);
      if (!review?.policy?.assigneeIds.includes(principal.userId))
        throw new PlacetError('VALIDATION_FAILED', 'cursor does not name a review assigned to you', {
          issues: [{ path: 'cursor', message: 'unknown review' }],
        });
      position = { createdAt: review.createdAt, messageId: review.messageId };
    }
    const reviews = await this.store.reviewAssignees.listReviews({
      userId: principal.userId,
      limit: q.limit + 1,
      ...inboxFilter(q),
      ...pageAfter(q.order, position),
    });
    // Other owners' channels: their agents' names, read once per channel of the page.
    const channelIds = [...new Set(reviews.map((r) => r.channelId))];
    const channels = await Promise.all(channelIds.map((id) => this.store.channels.findById(id)));
    const agentNames = new Map(channels.flatMap((c) => (c ? [[c.id, c.name] as const] : [])));
    return this.#page(principal, reviews, q.limit, { agentNames });
  }

  /** One inbox page: the messages of `limit` reviews (one read), the next cursor, the caller's read marks. */
  async #page(
    principal: Principal,
    reviews: readonly ReviewRecord[],
    limit: number,
    opts: { agentName?: string; agentNames?: ReadonlyMap<string, string> },
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
   * default, `channel`, `type`, `search`) and how many of those the principal has not marked read. `scope=assigned`
   * counts the reviews of any owner that name the principal (`excludeOwn`: not those of their own
   * channels). One indexed aggregate query, never a page walk.
   */
  async count(principal: Principal, query: InboxCountQueryInput = {}): Promise<InboxCount> {
    const q = parseOrThrow(InboxCountQuery, query);
    if (q.scope === 'assigned') {
      if (q.channel)
        throw new PlacetError('VALIDATION_FAILED', 'channel does not apply to scope=assigned', {
          issues: [{ path: 'channel', message: 'not allowed with scope=assigned' }],
        });
      const { total, unread } = await this.store.reviewAssignees.count({
        userId: principal.userId,
        readerId: principal.userId,
        ...inboxFilter(q),
        ...(q.excludeOwn ? { exceptOwnerId: principal.userId } : {}),
      });
      return { count: total, unread };
    }
    if (q.excludeOwn !== undefined)
      throw new PlacetError('VALIDATION_FAILED', 'excludeOwn only applies to scope=assigned', {
        issues: [{ path: 'excludeOwn', message: 'only allowed with scope=assigned' }],
      });
    const channel = q.channel ? await this.channels.require(principal, q.channel) : undefined;
    const { total, unread } = await this.store.reviews.count({
      ownerId: principal.userId,
      readerId: principal.userId,
      ...inboxFilter(q),
      ...(channel ? { channelId: channel.id } : {}),
    });
    return { count: total, unread };
  }

  /**
   * "Mark all read": marks every review matching the inbox filters (`status` pending by default, `channel`,
   * `type`, `search`) that the calling human has not marked yet, read now — first write wins, as
   * `markRead`. `scope` `mine` (the caller's channels), `assigned` (reviews of any owner that name the
   * caller) or, without one, both. One store statement per scope, never a walk over pages; one `inbox:read`
   * event in the caller's own stream when it marked any. Marking is not opening: no `review.shown` audit
   * entry is recorded (the inbox records that when a human opens a review).
   */
  async markAllRead(principal: Principal, input: InboxReadFilterInput = {}): Promise<InboxReadResult> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Only humans have read state');
    const q = parseOrThrow(InboxReadFilter, input);
    if (q.scope === 'assigned' && q.channel)
      throw new PlacetError('VALIDATION_FAILED', 'channel does not apply to scope=assigned', {
        issues: [{ path: 'channel', message: 'not allowed with scope=assigned' }],
      });
    const channel = q.channel ? await this.channels.require(principal, q.channel) : undefined;
    const userId = principal.userId;
    const filter = inboxFilter(q);
    const now = this.clock.now();
    return this.uow.run(async (tx, emit) => {
      let marked = 0;
      if (q.scope !== 'assigned')
        marked += await tx.reviewReads.markMatching(
          userId,
          { ownerId: userId, ...filter, ...(channel ? { channelId: channel.id } : {}) },
          now,
        );
      // A channel is one of the caller's own: the assigned reviews of other owners are never in it.
      if (q.scope !== 'mine' && !channel)
        marked += await tx.reviewReads.markMatching(
          userId,
          // Both scopes: the caller's own reviews were just marked.
          { assigneeId: userId, ...filter, ...(q.scope === undefined ? { exceptOwnerId: userId } : {}) },
          now,
        );
      if (marked > 0) {
        const payload: InboxReadEvent = {
          userId,
          filter: {
            scope: q.scope ?? null,
            status: q.status,
            channel: channel?.id ?? null,
            type: q.type ?? null,
            search: q.search ?? null,
          },
          marked,
          readAt: now.toISOString(),
        };
        await emit({ type: 'inbox:read', ownerId: userId, channelId: null, subjectId: null, payload });
      }
      return { marked };
    });
  }

  /**
   * Marks the review on `messageId` read for the calling human (per user, per review). Idempotent: a
   * second call keeps, and answers, the time of the first. 404 for a message that is not the caller's
   * or carries no review.
   */
  async markRead(
    principal: Principal,
    messageId: string,
    options: RespondOptions = {},
  ): Promise<ReviewReadResult> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Only humans have read state');
    const { message } = await this.access.require(principal, messageId);
    const now = this.clock.now();
    return this.uow.run(async (tx) => {
      const seen = (await tx.reviewReads.readIds(principal.userId, [message.id])).length > 0;
      const readAt = await tx.reviewReads.mark(principal.userId, message.id, now);
      if (!readAt) throw noReview();
      // The first time this human opened it: "shown", in the audit log (a second mark keeps the first).
      if (!seen)
        await this.audit.record(tx, [
          {
            ownerId: message.ownerId,
            messageId: message.id,
            type: 'review.shown',
            actor: { kind: 'user', id: principal.userId },
            via: options.via ?? 'api',
            at: now,
            data: {},
          },
        ]);
      return { read: true, readAt: readAt.toISOString() };
    });
  }

  /**
   * Long-poll. Terminal → at once. Otherwise: register a waiter, re-read once (an answer that landed in
   * between is never missed), then sleep until an event for this review, the timeout, or the abort
   * signal. Never polls the store on a timer.
   */
  async wait(principal: Principal, messageId: string, options: WaitOptions = {}): Promise<WaitResult> {
    // Two steps, so that a sleeping wait holds only what it needs to finish (ids, a name, a deadline,
    // its waiter), not the records it read to start: thousands of waits sleep at once.
    const ready = await this.#prepareWait(principal, messageId, options);
    if ('status' in ready) return ready;
    return this.#sleep(ready, options.signal);
  }

  /** Reads and checks the review; registers a waiter when it is still pending (the result otherwise). */
  async #prepareWait(
    principal: Principal,
    messageId: string,
    options: WaitOptions,
  ): Promise<WaitResult | PreparedWait> {
    const { message, channel } = await this.messages.require(principal, messageId, options.channelId);
    // At least MIN_WAIT_TIMEOUT_MS (a shorter wait is a busy poll), at most the instance's `maxWaitMs`.
    const timeoutMs = Math.min(
      Math.max(Math.floor(options.timeoutMs ?? this.options.maxWaitMs), MIN_WAIT_TIMEOUT_MS),
      this.options.maxWaitMs,
    );
    const at = { messageId: message.id, agentName: channel.name };
    const first = await this.#settled(at, await this.store.reviews.findByMessageId(at.messageId));
    if (first) return first;
    if (options.signal?.aborted || this.#draining) return { status: 'timeout' };
    const waiter = this.waiters.register(at.messageId);
    try {
      const review = await this.store.reviews.findByMessageId(at.messageId);
      const again = await this.#settled(at, review);
      if (again || !review) {
        waiter.release();
        return again ?? { status: 'timeout' };
      }
      return { ...at, waiter, timeoutMs, expiresAtMs: review.expiresAt.getTime() };
    } catch (error) {
      waiter.release();
      throw error;
    }
  }

  /** Sleeps until the review's event, its expiry, the timeout or the signal. */
  async #sleep(wait: PreparedWait, signal: AbortSignal | undefined): Promise<WaitResult> {
    const { waiter, messageId } = wait;
    try {
      const outcome = await waiter.sleep({
        clock: this.clock,
        timeoutMs: wait.timeoutMs,
        // Expiry during the wait: expire it then (emits review:expired, which wakes this waiter).
        expiresInMs: wait.expiresAtMs - this.clock.now().getTime(),
        onExpiryDue: () =>
          this.expire(messageId).catch((e: unknown) =>
            this.logger.error('expiry failed', { error: String(e) }),
          ),
        ...(signal ? { signal } : {}),
      });
      if (outcome !== 'woken') return { status: 'timeout' };
      // The answer's event carries the message as a wait shows it: no read (the common case).
      const answered = answeredMessage(waiter.event);
      if (answered) return { status: 'completed', message: answered };
      return (
        (await this.#settled(wait, await this.store.reviews.findByMessageId(messageId))) ?? {
          status: 'timeout',
        }
      );
    } finally {
      waiter.release();
    }
  }

  /** The wait's result when `review` is no longer pending (expiring it when it is due), else undefined. */
  async #settled(
    at: { messageId: string; agentName: string },
    review: ReviewRecord | undefined,
  ): Promise<WaitResult | undefined> {
    if (!review) throw noReview();
    const present = async () => {
      const message = await this.store.messages.findById(at.messageId);
      if (!message) throw noReview();
      return this.views.presentOne(message, { inlineText: true, agentName: at.agentName });
    };
    if (review.status === 'completed') return { status: 'completed', message: await present() };
    if (review.status === 'expired') return { status: 'expired', message: await present() };
    if (review.expiresAt.getTime() <= this.clock.now().getTime()) {
      await this.expire(review.messageId);
      // A policy's default outcome completes it instead of expiring it.
      const after = await this.store.reviews.findByMessageId(at.messageId);
      return { status: after?.status === 'completed' ? 'completed' : 'expired', message: await present() };
    }
    return undefined;
  }

  /** The keyset position of a cursor (a review's message id), which must be one of the principal's reviews. */
  /** The messages of a page of reviews, in the page's order: one store read for the whole page. */
  async #messagesOf(reviews: readonly ReviewRecord[]): Promise<MessageRecord[]> {
    const found = new Map(
      (await this.store.messages.findByIds(reviews.map((r) => r.messageId))).map((m) => [m.id, m]),
    );
    return reviews.map((r) => found.get(r.messageId)).filter((m): m is MessageRecord => m !== undefined);
  }

  async #keysetOf(principal: Principal, cursor: string | undefined): Promise<ReviewPosition | undefined> {
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
   * A human answers (or votes): see `ReviewAnswers.respond`. Exactly once; with assignees only they may,
   * each once; a changed `reviewHash` is refused.
   */
  respond(
    principal: Principal,
    messageId: string,
    input: RespondReviewInput,
    options: RespondOptions = {},
  ): Promise<Message> {
    return this.answers.respond(principal, messageId, input, options);
  }

  /** Ends one due review exactly once: its policy's default outcome, or expired. */
  expire(messageId: string): Promise<boolean> {
    return this.answers.expire(messageId);
  }

  /** Expires every due review (the sweeper calls this); returns how many it expired. */
  async expireDue(batch = 100): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.store.reviews.listDue(this.clock.now(), batch);
      let expired = 0;
      for (const review of due) if (await this.answers.expire(review.messageId, review)) expired++;
      total += expired;
      if (due.length < batch || expired === 0) return total;
    }
  }
}

/** The store filter of the inbox's `status` (`all`: none), `type` and `search`. */
function inboxFilter(q: { status: InboxQuery['status']; type?: string; search?: string }): ReviewFilter {
  return {
    ...(q.status !== 'all' ? { status: q.status } : {}),
    ...(q.type ? { type: q.type } : {}),
    ...(q.search ? { search: q.search } : {}),
  };
}

/** The order of an inbox page, and the keyset bound past the previous page's last review (`cursor`). */
function pageAfter(
  order: InboxQuery['order'],
  position: ReviewPosition | undefined,
): Pick<ReviewPageQuery, 'order' | 'before' | 'after'> {
  if (order === 'oldest') return { order, ...(position ? { after: position } : {}) };
  return { order, ...(position ? { before: position } : {}) };
}

/**
 * The message a `review:responded` event carries, when it is exactly what a wait returns: the presented
 * message with its completed review and no attachments (a wait inlines small text attachments, which the
 * event leaves out). Undefined otherwise: the wait reads the message.
 */
function answeredMessage(event: EventRecord | undefined): Message | undefined {
  if (event?.type !== 'review:responded') return undefined;
  const message = event.payload as Message | null;
  if (message?.review?.status !== 'completed') return undefined;
  return Array.isArray(message.attachments) && message.attachments.length === 0 ? message : undefined;
}

/** A wait about to sleep: what it needs to finish, and nothing it read to get there. */
interface PreparedWait {
  messageId: string;
  agentName: string;
  waiter: Waiter;
  timeoutMs: number;
  expiresAtMs: number;
}
