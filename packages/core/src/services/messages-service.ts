import { inject, injectable } from 'tsyringe';
import {
  type Message,
  MessageCreate,
  MessageListQuery,
  type MessagePage,
  UserMessageCreate,
} from '../contract/message.js';
import type { Principal } from '../domain/principal.js';
import type { AttachmentRecord, ChannelRecord, MessageRecord, ReviewRecord } from '../domain/records.js';
import { resolveReviewExpiry } from '../domain/review-expiry.js';
import { CONSTRAINTS, isUniqueViolation } from '../domain/unique-violation.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { ChannelsService } from './channels-service.js';
import { FilesService } from './files-service.js';
import { MessageViews } from './message-views.js';
import { UnitOfWork } from './unit-of-work.js';

export const messageNotFound = () => new PlacetError('NOT_FOUND', 'Message not found');

/** Messages: create (agent or user), list, get, delete, acknowledge. Owner-scoped; foreign ids are 404. */
@injectable()
export class MessagesService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(FilesService) private readonly files: FilesService,
    @inject(MessageViews) private readonly views: MessageViews,
  ) {}

  /** A message of `channelId` that the principal may see, else NOT_FOUND. */
  async require(
    principal: Principal,
    messageId: unknown,
    channelId?: unknown,
  ): Promise<{ message: MessageRecord; channel: ChannelRecord }> {
    if (typeof messageId !== 'string' || messageId.length === 0) throw messageNotFound();
    const message = await this.store.messages.findById(messageId);
    if (!message || message.ownerId !== principal.userId) throw messageNotFound();
    if (channelId !== undefined && channelId !== message.channelId) throw messageNotFound();
    const channel = await this.channels.require(principal, message.channelId).catch(() => {
      throw messageNotFound();
    });
    return { message, channel };
  }

  /** `POST /api/v1/messages`: an agent message (optionally with a review) or a user message. */
  async create(principal: Principal, input: unknown): Promise<Message> {
    if (principal.kind === 'user') return this.#createFromUser(principal, input);
    const data = parseOrThrow(MessageCreate, input);
    const channel = await this.channels.require(principal, data.channelId);
    if (data.clientId) {
      const existing = await this.store.messages.findByClientId(channel.id, data.clientId);
      if (existing) return this.views.presentOne(existing, { inlineText: true, agentName: channel.name });
    }
    if (data.streamId !== undefined || data.streamState !== undefined) {
      throw new PlacetError(
        'NOT_IMPLEMENTED',
        'Streamed replies are not supported by this server version yet',
      );
    }
    if (data.iterationOf !== undefined) {
      throw new PlacetError('NOT_IMPLEMENTED', 'Iterations are not supported by this server version yet');
    }
    const now = this.clock.now();
    const id = newId();
    const review = data.review ? this.#buildReview(id, channel, data.review, now) : undefined;
    const metadata: Record<string, unknown> | null =
      data.metadata || data.webhookUrl || review ? { ...(data.metadata ?? {}) } : null;
    if (metadata && data.webhookUrl) metadata.webhookUrl = data.webhookUrl;
    if (
      metadata &&
      review?.type === 'freeform' &&
      typeof review.payload.plugin === 'string' &&
      metadata.plugin === undefined
    ) {
      metadata.plugin = review.payload.plugin;
    }
    const message: MessageRecord = {
      id,
      channelId: channel.id,
      ownerId: channel.ownerId,
      senderType: 'agent',
      senderId: channel.id,
      text: data.text ?? null,
      status: data.status ?? null,
      metadata: metadata && Object.keys(metadata).length > 0 ? metadata : null,
      clientId: data.clientId ?? null,
      streamId: null,
      streamState: null,
      deliveryStatus: 'sent',
      iterationGroupId: null,
      iteration: null,
      attachmentCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    await this.#checkOrphans(channel, data.attachmentIds ?? []);
    const stored = await this.files.storeTexts(channel, data.textAttachments ?? []);
    try {
      return await this.#insert(message, review, data.attachmentIds ?? [], stored, channel);
    } catch (error) {
      await this.files.discard(stored);
      if (data.clientId && isUniqueViolation(error, CONSTRAINTS.messageClient)) {
        const winner = await this.store.messages.findByClientId(channel.id, data.clientId);
        if (winner) return this.views.presentOne(winner, { inlineText: true, agentName: channel.name });
      }
      throw error;
    }
  }

  async #createFromUser(principal: Principal, input: unknown): Promise<Message> {
    const data = parseOrThrow(UserMessageCreate, input);
    const channel = await this.channels.require(principal, data.channelId);
    if (data.clientId) {
      const existing = await this.store.messages.findByClientId(channel.id, data.clientId);
      if (existing) return this.views.presentOne(existing);
    }
    await this.#checkOrphans(channel, data.attachmentIds ?? []);
    const now = this.clock.now();
    const message: MessageRecord = {
      id: newId(),
      channelId: channel.id,
      ownerId: channel.ownerId,
      senderType: 'user',
      senderId: principal.userId,
      text: data.text ?? null,
      status: null,
      metadata: null,
      clientId: data.clientId ?? null,
      streamId: null,
      streamState: null,
      deliveryStatus: 'sent',
      iterationGroupId: null,
      iteration: null,
      attachmentCount: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      return await this.#insert(message, undefined, data.attachmentIds ?? [], [], channel);
    } catch (error) {
      if (data.clientId && isUniqueViolation(error, CONSTRAINTS.messageClient)) {
        const winner = await this.store.messages.findByClientId(channel.id, data.clientId);
        if (winner) return this.views.presentOne(winner);
      }
      throw error;
    }
  }

  async #insert(
    message: MessageRecord,
    review: ReviewRecord | undefined,
    attachmentIds: readonly string[],
    textAttachments: readonly AttachmentRecord[],
    channel: ChannelRecord,
  ): Promise<Message> {
    const agentName = message.senderType === 'agent' ? channel.name : undefined;
    return this.uow.run(async (tx, emit) => {
      await tx.messages.insert(message);
      if (review) await tx.reviews.insert(review);
      for (const attachment of textAttachments)
        await tx.attachments.insert({ ...attachment, messageId: message.id });
      if (attachmentIds.length > 0) {
        const linked = await tx.attachments.linkOrphans(attachmentIds, channel.id, message.id);
        const missing = attachmentIds.filter((id) => !linked.includes(id));
        if (missing.length > 0) throw unknownAttachments(attachmentIds, missing);
      }
      const stored = (await tx.messages.findById(message.id)) ?? message;
      const presented = await this.views.presentOne(stored, {
        inlineText: true,
        ...(agentName ? { agentName } : {}),
        repos: tx,
      });
      await emit({
        type: 'message:created',
        ownerId: message.ownerId,
        channelId: message.channelId,
        subjectId: message.id,
        payload: presented,
      });
      return presented;
    });
  }

  #buildReview(
    messageId: string,
    channel: ChannelRecord,
    input: NonNullable<MessageCreate['review']>,
    now: Date,
  ): ReviewRecord {
    const payload = this.registry.parsePayload(input.type, input.payload);
    const expiresAt = resolveReviewExpiry(
      { expiresInSeconds: input.expiresInSeconds, expiresAt: input.expiresAt ?? undefined },
      now,
    );
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
    };
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

  async list(principal: Principal, query: unknown): Promise<MessagePage> {
    const q = parseOrThrow(MessageListQuery, query);
    const channel = await this.channels.require(principal, q.channel);
    let before: { createdAt: Date; id: string } | undefined;
    if (q.cursor) {
      const cursor = await this.store.messages.findById(q.cursor);
      if (!cursor || cursor.channelId !== channel.id) {
        throw new PlacetError('VALIDATION_FAILED', 'cursor does not name a message of this channel', {
          issues: [{ path: 'cursor', message: 'unknown message id' }],
        });
      }
      before = { createdAt: cursor.createdAt, id: cursor.id };
    }
    const rows = await this.store.messages.list({
      channelId: channel.id,
      limit: q.limit + 1,
      ...(before ? { before } : {}),
      ...(q.search ? { search: q.search } : {}),
      ...(q.has_attachments ? { hasAttachments: true } : {}),
    });
    const page = rows.slice(0, q.limit);
    return {
      data: await this.views.present(page, { agentName: channel.name }),
      nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
    };
  }

  async get(principal: Principal, messageId: string, channelId?: string): Promise<Message> {
    const { message, channel } = await this.require(principal, messageId, channelId);
    return this.views.presentOne(message, { agentName: channel.name });
  }

  async delete(principal: Principal, messageId: string, channelId?: string): Promise<{ deleted: true }> {
    const { message } = await this.require(principal, messageId, channelId);
    const attachments =
      message.attachmentCount > 0 ? await this.store.attachments.listByMessageIds([message.id]) : [];
    await this.uow.run(async (tx, emit) => {
      if (!(await tx.messages.delete(message.id))) throw messageNotFound();
      await emit({
        type: 'message:deleted',
        ownerId: message.ownerId,
        channelId: message.channelId,
        subjectId: message.id,
        payload: { messageId: message.id, channelId: message.channelId },
      });
    });
    await this.files.discard(attachments);
    return { deleted: true };
  }

  /** The agent acknowledges receipt: `agent_received`, which later webhook outcomes never downgrade. */
  async ack(principal: Principal, messageId: string, channelId?: string): Promise<{ acknowledged: true }> {
    const { message } = await this.require(principal, messageId, channelId);
    await this.uow.run(async (tx, emit) => {
      const updated = await tx.messages.setDeliveryStatus(message.id, 'agent_received', this.clock.now());
      if (!updated) return; // Already acknowledged: nothing changes, no event.
      await emit({
        type: 'message:delivery',
        ownerId: message.ownerId,
        channelId: message.channelId,
        subjectId: message.id,
        payload: { messageId: message.id, deliveryStatus: 'agent_received' },
      });
    });
    return { acknowledged: true };
  }
}

function unknownAttachments(all: readonly string[], missing: readonly string[]): PlacetError {
  return new PlacetError('VALIDATION_FAILED', `Unknown attachmentIds: ${missing.join(', ')}`, {
    issues: missing.map((id) => ({
      path: `attachmentIds.${all.indexOf(id)}`,
      message: `no orphan file ${id} in this channel`,
    })),
  });
}
