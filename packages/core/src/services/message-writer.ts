import { inject, injectable } from 'tsyringe';
import type { MessageCreateInput, UserMessageCreateInput } from '../contract/message.js';
import { type Message, MessageCreate, UserMessageCreate } from '../contract/message.js';
import type { AgentPrincipal, UserPrincipal } from '../domain/principal.js';
import type { AttachmentRecord, ChannelRecord, MessageRecord, ReviewRecord } from '../domain/records.js';
import { resolveReviewExpiry } from '../domain/review-expiry.js';
import { CONSTRAINTS, isUniqueViolation } from '../domain/unique-violation.js';
import { planDelivery } from '../domain/webhook-plan.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { AuditService } from './audit-service.js';
import { ChannelsService } from './channels-service.js';
import { FilesService } from './files-service.js';
import { MessageViews } from './message-views.js';
import { ReviewPolicies } from './review-policies.js';
import { UnitOfWork } from './unit-of-work.js';

/** A UTF-16 code unit of a surrogate pair without its other half (text that is not well-formed). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

type AgentInput = MessageCreate;
const ITERATION_RETRIES = 5;

/**
 * Creates messages: an agent's (text, review, files, a streamed draft, an iteration) or a user's.
 * Idempotent by `clientId` and by `streamId`; nothing is half-written when a rule fails.
 */
@injectable()
export class MessageWriter {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(FilesService) private readonly files: FilesService,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(ReviewPolicies) private readonly policies: ReviewPolicies,
    @inject(AuditService) private readonly audit: AuditService,
  ) {}

  async createFromAgent(principal: AgentPrincipal, input: MessageCreateInput): Promise<Message> {
    const data = parseOrThrow(MessageCreate, input);
    const channel = await this.channels.require(principal, data.channelId);
    const existing = await this.#existing(channel, data);
    if (existing) return this.#reuse(existing, data, channel);

    const now = this.clock.now();
    const id = newId();
    const review = data.review ? await this.#buildReview(id, channel, data.review, now) : undefined;
    const iterationRoot =
      data.iterationOf !== undefined ? await this.#iterationTarget(channel, data.iterationOf) : undefined;
    const message: MessageRecord = {
      ...this.#base(id, channel, now),
      senderType: 'agent',
      senderId: channel.id,
      text: data.text ?? null,
      status: data.status ?? null,
      metadata: buildMetadata(data, review),
      clientId: data.clientId ?? null,
      streamId: data.streamId ?? null,
      streamState: data.streamId !== undefined ? (data.streamState ?? 'streaming') : null,
    };
    await this.#checkOrphans(channel, data.attachmentIds ?? []);
    const stored = await this.files.storeTexts(channel, data.textAttachments ?? []);
    try {
      return await this.#insert(message, {
        review,
        attachmentIds: data.attachmentIds ?? [],
        textAttachments: stored,
        channel,
        iterationRoot,
      });
    } catch (error) {
      await this.files.discard(stored);
      if (
        isUniqueViolation(error, CONSTRAINTS.messageClient) ||
        isUniqueViolation(error, CONSTRAINTS.messageStream)
      ) {
        const winner = await this.#existing(channel, data);
        if (winner) return this.#reuse(winner, data, channel);
      }
      throw error;
    }
  }

  async createFromUser(principal: UserPrincipal, input: UserMessageCreateInput): Promise<Message> {
    const data = parseOrThrow(UserMessageCreate, input);
    const channel = await this.channels.require(principal, data.channelId);
    const existing = data.clientId
      ? await this.store.messages.findByClientId(channel.id, data.clientId)
      : undefined;
    if (existing) return this.views.presentOne(existing);
    await this.#checkOrphans(channel, data.attachmentIds ?? []);
    const message: MessageRecord = {
      ...this.#base(newId(), channel, this.clock.now()),
      senderType: 'user',
      senderId: principal.userId,
      text: data.text ?? null,
      clientId: data.clientId ?? null,
    };
    try {
      return await this.#insert(message, {
        attachmentIds: data.attachmentIds ?? [],
        textAttachments: [],
        channel,
      });
    } catch (error) {
      if (data.clientId && isUniqueViolation(error, CONSTRAINTS.messageClient)) {
        const winner = await this.store.messages.findByClientId(channel.id, data.clientId);
        if (winner) return this.views.presentOne(winner);
      }
      throw error;
    }
  }

  /** Inserts one file-carrying agent message (the upload endpoint) in one transaction with its attachment. */
  async createWithAttachment(
    channel: ChannelRecord,
    attachment: AttachmentRecord,
    text?: string,
  ): Promise<Message> {
    const message: MessageRecord = {
      ...this.#base(newId(), channel, this.clock.now()),
      senderType: 'agent',
      senderId: channel.id,
      text: text ?? null,
    };
    return this.#insert(message, { attachmentIds: [], textAttachments: [attachment], channel });
  }

  #base(id: string, channel: ChannelRecord, now: Date): MessageRecord {
    return {
      id,
      channelId: channel.id,
      ownerId: channel.ownerId,
      senderType: 'agent',
      senderId: channel.id,
      text: null,
      status: null,
      metadata: null,
      clientId: null,
      streamId: null,
      streamState: null,
      deliveryStatus: 'sent',
      iterationGroupId: null,
      iteration: null,
      attachmentCount: 0,
      createdAt: now,
      updatedAt: now,
    };
  }

  /** The row a retried POST refers to: same clientId first, then same streamId. */
  async #existing(channel: ChannelRecord, data: AgentInput): Promise<MessageRecord | undefined> {
    if (data.clientId) {
      const byClient = await this.store.messages.findByClientId(channel.id, data.clientId);
      if (byClient) return byClient;
    }
    return data.streamId ? this.store.messages.findByStreamId(channel.id, data.streamId) : undefined;
  }

  /** A retried POST returns the existing row unchanged, except that `streamState: 'aborted'` aborts a live draft. */
  async #reuse(existing: MessageRecord, data: AgentInput, channel: ChannelRecord): Promise<Message> {
    if (data.streamState === 'aborted' && existing.streamState === 'streaming') {
      const aborted = await this.uow.run(async (tx, emit) => {
        const updated = await tx.messages.updateStream(existing.id, {
          text: data.text ?? existing.text,
          streamState: 'aborted',
          updatedAt: this.clock.now(),
        });
        if (!updated) return undefined;
        const presented = await this.views.presentOne(updated, { agentName: channel.name, repos: tx });
        await emit({
          type: 'message:updated',
          ownerId: updated.ownerId,
          channelId: updated.channelId,
          subjectId: updated.id,
          payload: presented,
        });
        return presented;
      });
      if (aborted) return aborted;
    }
    const current = (await this.store.messages.findById(existing.id)) ?? existing;
    return this.views.presentOne(current, { inlineText: true, agentName: channel.name });
  }

  async #insert(
    message: MessageRecord,
    parts: {
      review?: ReviewRecord | undefined;
      attachmentIds: readonly string[];
      textAttachments: readonly AttachmentRecord[];
      channel: ChannelRecord;
      iterationRoot?: MessageRecord | undefined;
    },
  ): Promise<Message> {
    const agentName = message.senderType === 'agent' ? parts.channel.name : undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.uow.run(async (tx, emit) => {
          const row = { ...message };
          if (parts.iterationRoot) {
            // Re-read inside the transaction: a retry after a lost race must see the chain the winner made.
            const root = (await tx.messages.findById(parts.iterationRoot.id)) ?? parts.iterationRoot;
            const groupId = root.iterationGroupId ?? root.id;
            row.iterationGroupId = groupId;
            row.iteration = ((await tx.messages.maxIteration(groupId)) ?? 1) + 1;
            if (root.iterationGroupId === null) {
              // The target becomes "Rev 1": open dashboards learn it from one message:updated (no webhook).
              const updated = await tx.messages.update(root.id, { iterationGroupId: groupId, iteration: 1 });
              if (updated) {
                await emit({
                  type: 'message:updated',
                  ownerId: updated.ownerId,
                  channelId: updated.channelId,
                  subjectId: updated.id,
                  payload: await this.views.presentOne(updated, {
                    ...(agentName ? { agentName } : {}),
                    repos: tx,
                  }),
                });
              }
            }
          }
          await tx.messages.insert(row);
          if (parts.review) {
            await tx.reviews.insert(parts.review);
            // The assignees' inboxes: who may answer, indexed by user.
            const { messageId, ownerId, createdAt } = parts.review;
            const assigneeIds = parts.review.policy?.assigneeIds ?? [];
            if (assigneeIds.length > 0)
              await tx.reviewAssignees.insert(
                assigneeIds.map((userId) => ({ messageId, userId, ownerId, createdAt })),
              );
            await this.audit.record(tx, [
              {
                ownerId,
                messageId,
                type: 'review.created',
                actor: { kind: 'agent', id: parts.channel.id },
                via: 'api',
                at: createdAt,
                data: {
                  type: parts.review.type,
                  expiresAt: parts.review.expiresAt.toISOString(),
                  policy: parts.review.policy,
                },
              },
            ]);
          }
          for (const attachment of parts.textAttachments)
            await tx.attachments.insert({ ...attachment, messageId: row.id });
          if (parts.attachmentIds.length > 0) {
            const linked = await tx.attachments.linkOrphans(parts.attachmentIds, parts.channel.id, row.id);
            const missing = parts.attachmentIds.filter((id) => !linked.includes(id));
            if (missing.length > 0) throw unknownAttachments(parts.attachmentIds, missing);
          }
          // The row as written, unless linking attachments changed it (its attachment count): no read-back.
          // (Or when the text is not well-formed UTF-16: the database stores a lone surrogate as U+FFFD.)
          const touched =
            parts.textAttachments.length > 0 ||
            parts.attachmentIds.length > 0 ||
            (row.text !== null && LONE_SURROGATE.test(row.text));
          const stored = touched ? ((await tx.messages.findById(row.id)) ?? row) : row;
          const presented = await this.views.presentOne(stored, {
            inlineText: true,
            ...(agentName ? { agentName } : {}),
            repos: tx,
            review: parts.review ?? null,
          });
          await emit({
            type: 'message:created',
            ownerId: row.ownerId,
            channelId: row.channelId,
            subjectId: row.id,
            payload: presented,
          });
          // A human's message reaches the agent by its channel webhook too (reference §5).
          if (row.senderType === 'user' && parts.channel.webhookUrl) {
            await planDelivery(tx, row.createdAt, {
              channel: parts.channel,
              message: { ...row, metadata: null },
              event: 'message:created',
              payload: { event: 'message:created', channelId: row.channelId, message: presented },
            });
          }
          return presented;
        });
      } catch (error) {
        // Two iterations of one chain raced for the same number: take the next one.
        if (
          parts.iterationRoot &&
          isUniqueViolation(error, CONSTRAINTS.messageIteration) &&
          attempt < ITERATION_RETRIES
        )
          continue;
        throw error;
      }
    }
  }

  async #buildReview(
    messageId: string,
    channel: ChannelRecord,
    input: NonNullable<AgentInput['review']>,
    now: Date,
  ): Promise<ReviewRecord> {
    const payload = this.registry.parsePayload(input.type, input.payload);
    const expiresAt = resolveReviewExpiry(
      { expiresInSeconds: input.expiresInSeconds, expiresAt: input.expiresAt ?? undefined },
      now,
    );
    const policy = await this.policies.resolve(input, {
      type: input.type,
      payload,
      createdAt: now,
      expiresAt,
    });
    const firstStep = policy?.escalation[0];
    return {
      messageId,
      channelId: channel.id,
      ownerId: channel.ownerId,
      type: input.type,
      payload,
      status: 'pending',
      response: null,
      respondedBy: null,
      callback: input.callback ?? null,
      expiresAt,
      completedAt: null,
      expiredAt: null,
      feedback: input.feedback ?? null,
      modifiedFileIds: input.modifiedFileIds ?? null,
      createdAt: now,
      policy,
      escalationStep: 0,
      nextEscalationAt: firstStep ? new Date(now.getTime() + firstStep.afterMs) : null,
    };
  }

  /** The message an iteration follows: in this channel, with a completed or expired review. */
  async #iterationTarget(channel: ChannelRecord, targetId: string): Promise<MessageRecord> {
    const target = await this.store.messages.findById(targetId);
    if (!target || target.channelId !== channel.id) {
      throw new PlacetError('VALIDATION_FAILED', 'iterationOf target does not exist in this channel', {
        issues: [{ path: 'iterationOf', message: 'unknown message in this channel' }],
      });
    }
    const review = await this.store.reviews.findByMessageId(target.id);
    if (!review || review.status === 'pending') {
      throw new PlacetError(
        'VALIDATION_FAILED',
        'iterationOf target must have a completed or expired review',
        {
          issues: [{ path: 'iterationOf', message: 'the target review is not completed or expired' }],
        },
      );
    }
    return target;
  }

  /** Only the channel's own orphan files may be linked; unknown ids are a 400 naming them. */
  async #checkOrphans(channel: ChannelRecord, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    const found = await this.store.attachments.findByIds(ids);
    const usable = new Set(
      found.filter((a) => a.channelId === channel.id && a.messageId === null).map((a) => a.id),
    );
    const missing = ids.filter((id) => !usable.has(id));
    if (missing.length > 0) throw unknownAttachments(ids, missing);
  }
}

function buildMetadata(data: AgentInput, review: ReviewRecord | undefined): Record<string, unknown> | null {
  const metadata: Record<string, unknown> = { ...(data.metadata ?? {}) };
  if (data.webhookUrl) metadata.webhookUrl = data.webhookUrl;
  // The original's freeform rule: the dashboard renders `metadata.plugin` as a plugin view.
  if (
    review?.type === 'freeform' &&
    typeof review.payload.plugin === 'string' &&
    metadata.plugin === undefined
  ) {
    metadata.plugin = review.payload.plugin;
  }
  return Object.keys(metadata).length > 0 ? metadata : null;
}

function unknownAttachments(all: readonly string[], missing: readonly string[]): PlacetError {
  return new PlacetError('VALIDATION_FAILED', `Unknown attachmentIds: ${missing.join(', ')}`, {
    issues: missing.map((id) => ({
      path: `attachmentIds.${all.indexOf(id)}`,
      message: `no orphan file ${id} in this channel`,
    })),
  });
}
