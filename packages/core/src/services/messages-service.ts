import { inject, injectable } from 'tsyringe';
import type {
  MessageCreateInput,
  MessageListQueryInput,
  UserMessageCreateInput,
} from '../contract/message.js';
import {
  type IterationChain,
  type Message,
  MessageListQuery,
  type MessagePage,
} from '../contract/message.js';
import type { AgentPrincipal, Principal, UserPrincipal } from '../domain/principal.js';
import { RECEIPTS_NAMESPACE } from '../domain/receipts.js';
import type { ChannelRecord, MessageRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { ChannelsService } from './channels-service.js';
import { FilesService } from './files-service.js';
import { MessageViews } from './message-views.js';
import { MessageWriter } from './message-writer.js';
import { UnitOfWork } from './unit-of-work.js';

export const messageNotFound = () => new PlacetError('NOT_FOUND', 'Message not found');

/** Messages: create (agent or user), list, get, delete, acknowledge. Owner-scoped; foreign ids are 404. */
@injectable()
export class MessagesService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(FilesService) private readonly files: FilesService,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(MessageWriter) private readonly writer: MessageWriter,
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

  /** `POST /api/v1/messages`: an agent message (optionally with a review, a draft, an iteration) or a user message. */
  create(principal: AgentPrincipal, input: MessageCreateInput): Promise<Message>;
  create(principal: UserPrincipal, input: UserMessageCreateInput): Promise<Message>;
  create(principal: Principal, input: MessageCreateInput | UserMessageCreateInput): Promise<Message>;
  create(principal: Principal, input: MessageCreateInput | UserMessageCreateInput): Promise<Message> {
    // Each writer parses its own schema: the input is checked whatever its static type.
    return principal.kind === 'user'
      ? this.writer.createFromUser(principal, input as UserMessageCreateInput)
      : this.writer.createFromAgent(principal, input as MessageCreateInput);
  }

  async list(principal: Principal, query: MessageListQueryInput): Promise<MessagePage> {
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
    if (message.iterationGroupId !== null) {
      const chain = await this.store.messages.listByIterationGroup(message.iterationGroupId);
      if (chain.some((m) => m.id !== message.id)) {
        throw new PlacetError(
          'VALIDATION_FAILED',
          'Cannot delete a message that is part of an iteration chain with other messages',
        );
      }
    }
    const attachments =
      message.attachmentCount > 0 ? await this.store.attachments.listByMessageIds([message.id]) : [];
    await this.uow.run(async (tx, emit) => {
      if (!(await tx.messages.delete(message.id))) throw messageNotFound();
      // The review's receipt (if a human answered it) goes with the message.
      await tx.kv.delete(RECEIPTS_NAMESPACE, message.id);
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

  /** `GET /messages/iterations/:id`: the chain of any of its members, root first. */
  async iterations(principal: Principal, messageId: string, channelId?: string): Promise<IterationChain> {
    const { message, channel } = await this.require(principal, messageId, channelId);
    const groupId = message.iterationGroupId ?? message.id;
    const chain =
      message.iterationGroupId === null ? [message] : await this.store.messages.listByIterationGroup(groupId);
    return { groupId, iterations: await this.views.present(chain, { agentName: channel.name }) };
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
