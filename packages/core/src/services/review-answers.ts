import { inject, injectable } from 'tsyringe';
import type { Message } from '../contract/message.js';
import type { RespondReviewInput } from '../contract/review.js';
import { RespondReview } from '../contract/review.js';
import type { Principal } from '../domain/principal.js';
import { applyEdits } from '../domain/proposal.js';
import { decide } from '../domain/quorum.js';
import type {
  ChannelRecord,
  MessageRecord,
  ProposalEditsRecord,
  ReviewRecord,
  ReviewVoteRecord,
} from '../domain/records.js';
import { shownHash } from '../domain/shown.js';
import { planDelivery, reviewPayload } from '../domain/webhook-plan.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { type AuditEvent, AuditService } from './audit-service.js';
import { MessageViews } from './message-views.js';
import { PluginRuntime } from './plugin-runtime.js';
import { type ReceiptSigner, ReceiptsService } from './receipts-service.js';
import { noReview, ReviewAccess } from './review-access.js';
import { type Emit, UnitOfWork } from './unit-of-work.js';

const SYSTEM: AuditEvent['actor'] = { kind: 'system', id: null };
/** The path of what the engine does on its own (expiry, default outcomes, escalation). */
const SWEEPER = 'sweeper';

/** What a completion needs in its transaction, and who completes it through which path (for the audit). */
interface Finish {
  tx: Repositories;
  emit: Emit;
  message: MessageRecord;
  channel: ChannelRecord;
  signer: ReceiptSigner;
  now: Date;
  actor: AuditEvent['actor'];
  via: string;
}

/** How a human's answer reached Placet, for the audit log: `api` unless the caller says. */
export interface RespondOptions {
  /** `dashboard`, `email`, `push`, a plugin's name…; `api` by default. */
  via?: string;
}

/**
 * How reviews end: a human's answer (or an assignee's vote, until the policy is met), the policy's
 * default outcome at expiry, or expiry — each exactly once, with its receipt, webhook, event and audit
 * entries in the same transaction.
 */
@injectable()
export class ReviewAnswers {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(PluginRuntime) private readonly plugins: PluginRuntime,
    @inject(ReceiptsService) private readonly receipts: ReceiptsService,
    @inject(AuditService) private readonly audit: AuditService,
    @inject(ReviewAccess) private readonly access: ReviewAccess,
  ) {}

  /**
   * A human answers. Exactly once: a conditional update on `pending` and not past `expiresAt`; every
   * other caller gets 409. The response is validated by the review type's plugin against the payload.
   * A review with assignees takes answers from them only (`NOT_ASSIGNED`); with a quorum, each answer is
   * a vote and the review completes when the policy is met. An answer that names the `reviewHash` it was
   * shown is refused (`REVIEW_CHANGED`) when the review changed since.
   */
  async respond(
    principal: Principal,
    messageId: string,
    input: RespondReviewInput,
    options: RespondOptions = {},
  ): Promise<Message> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Agents cannot answer reviews');
    const body = parseOrThrow(RespondReview, input);
    const { message, channel, review } = await this.access.require(principal, messageId);
    const assignees = review.policy?.assigneeIds ?? [];
    if (assignees.length > 0 && !assignees.includes(principal.userId))
      throw new PlacetError(
        'NOT_ASSIGNED',
        'Only the assignees of this review may answer it (review.policy.assigneeIds names them)',
      );
    if (review.status !== 'pending') throw notPending(review);
    const response = this.registry.parseResponse(review.type, review.payload, body.response);
    const edits = body.edits === undefined ? null : this.#edits(review, response, body.edits);
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
      const finish: Finish = {
        tx,
        emit,
        message,
        channel,
        signer,
        now,
        actor: { kind: 'user', id: principal.userId },
        via: options.via ?? 'api',
      };
      if (review.policy && assignees.length > 0)
        return this.#vote(finish, { userId: principal.userId, response, feedback, modifiedFileIds, edits });
      const completed = await tx.reviews.complete(message.id, {
        response,
        respondedBy: principal.userId,
        completedAt: now,
        feedback,
        modifiedFileIds,
        ...(review.policy ? { policy: { ...review.policy, edits, outcome: 'answered' as const } } : {}),
      });
      if (!completed) {
        const current = await tx.reviews.findByMessageId(message.id);
        throw notPending(current ?? review, now);
      }
      return this.#finish(finish, completed);
    });
  }

  /**
   * The edits of an answer to a review with a proposal: allowed when this answer decides alone (no quorum)
   * and is not a dismissal; the edited value must keep to the proposal's schema.
   */
  #edits(review: ReviewRecord, response: Record<string, unknown>, edits: Record<string, unknown>) {
    const proposal = review.policy?.proposal;
    const refuse = (message: string) =>
      new PlacetError('INVALID_REVIEW_RESPONSE', message, { issues: [{ path: 'edits', message }] });
    if (!proposal) throw refuse('this review has no proposal to edit');
    if ((review.policy?.required ?? 1) > 1)
      throw refuse('a proposal is edited by an answer that decides alone, not by one vote of a quorum');
    if (response._dismissed === true) throw refuse('a dismissal cannot edit the proposal');
    return applyEdits(proposal, edits);
  }

  /** `REVIEW_CHANGED` when what a human would be shown now is not what they were shown. */
  async #checkShown(tx: Repositories, review: ReviewRecord, shown: string): Promise<void> {
    const message = await tx.messages.findById(review.messageId);
    const attachments =
      message && message.attachmentCount > 0 ? await tx.attachments.listByMessageIds([message.id]) : [];
    const current = await shownHash(review, message?.text ?? null, attachments);
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
      edits: ProposalEditsRecord | null;
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
    await this.audit.record(tx, [
      {
        ownerId: message.ownerId,
        messageId: message.id,
        type: 'review.voted',
        actor: finish.actor,
        via: finish.via,
        at: now,
        data: { choice: cast.choice, rejects: cast.rejects, response: cast.response },
      },
    ]);
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
      // Edits come with an answer that decides alone (`#edits`): the deciding vote's.
      policy: { ...review.policy, edits: vote.edits, outcome: decision.outcome },
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
    const issued = await this.receipts.issue(tx, { review: completed, message: updated, signer, now, votes });
    const about = { ownerId: message.ownerId, messageId: message.id, at: now };
    const outcome = completed.policy?.outcome ?? 'answered';
    await this.audit.record(tx, [
      ...(outcome === 'default'
        ? [{ ...about, type: 'review.defaulted' as const, actor: finish.actor, via: finish.via, data: {} }]
        : []),
      // The deciding answer changed the agent's proposal: what it changed, before the completion.
      ...(completed.policy?.edits
        ? [
            {
              ...about,
              type: 'review.edited' as const,
              actor: finish.actor,
              via: finish.via,
              data: { diff: completed.policy.edits.diff },
            },
          ]
        : []),
      {
        ...about,
        type: 'review.completed',
        actor: finish.actor,
        via: finish.via,
        data: { outcome, response: completed.response, respondedBy: completed.respondedBy },
      },
      {
        ...about,
        type: 'receipt.issued',
        actor: SYSTEM,
        via: finish.via,
        data: { kid: issued.kid, reviewHash: issued.reviewHash },
      },
    ]);
    const presented = await this.views.presentOne(updated, {
      agentName: channel.name,
      repos: tx,
      review: completed,
    });
    await planDelivery(tx, now, {
      channel,
      message: updated,
      review: completed,
      event: 'review:responded',
      payload: reviewPayload('review:responded', updated, completed, { receipt: issued.receipt, votes }),
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
   * Ends one due review exactly once: its policy's default response when it has one (completed, by
   * nobody, `outcome: default`, with a receipt and `review:responded`), else expired (`review:expired`).
   */
  async expire(messageId: string, known?: ReviewRecord): Promise<boolean> {
    // The sweeper hands over the row it listed; a wait that saw the expiry reads it.
    const due = known ?? (await this.store.reviews.findByMessageId(messageId));
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
        await this.#finish(
          { tx, emit, message, channel, signer, now, actor: SYSTEM, via: SWEEPER },
          completed,
        );
        return true;
      });
    }
    return this.uow.run(async (tx, emit) => {
      const now = this.clock.now();
      const expired = await tx.reviews.expire(messageId, now);
      if (!expired) return false;
      await this.audit.record(tx, [
        {
          ownerId: expired.ownerId,
          messageId,
          type: 'review.expired',
          actor: SYSTEM,
          via: SWEEPER,
          at: now,
          data: {},
        },
      ]);
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
}

function notPending(review: ReviewRecord, now?: Date): PlacetError {
  const expired =
    review.status === 'expired' || (review.status === 'pending' && now && review.expiresAt <= now);
  return new PlacetError('REVIEW_NOT_PENDING', expired ? 'Review has expired' : 'Review already responded');
}
