import { inject, injectable } from 'tsyringe';
import type { ChannelWithActivity } from '../contract/account.js';
import type {
  ChannelCommandsInput,
  ChannelCreateInput,
  ChannelUpdateInput,
  SetSubagentInput,
  SetTagInput,
} from '../contract/channel.js';
import {
  type Channel,
  ChannelCommands,
  ChannelCreate,
  ChannelUpdate,
  SetSubagent,
  SetTag,
} from '../contract/channel.js';
import { uploadedAvatar } from '../domain/avatar.js';
import { presentChannel } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import { RECEIPTS_NAMESPACE } from '../domain/receipts.js';
import type { AttachmentRecord, ChannelRecord } from '../domain/records.js';
import { cancelWebhookDeliveries, WEBHOOK_CHANGED, WEBHOOK_REMOVED } from '../domain/webhook-plan.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { FilesService } from './files-service.js';
import { ReadCache } from './read-cache.js';
import { UnitOfWork } from './unit-of-work.js';

/** Every engine change to a channel row emits one of these (a user's deletion removes their channels). */
const CHANGES_CHANNELS = new Set(['channel:updated', 'agent:status', 'access:revoked']);

/** The one answer for a channel that does not exist or belongs to someone else (never 403: that reveals the id). */
export const channelNotFound = () => new PlacetError('NOT_FOUND', 'Channel not found');

/** Channels (= agents). Every read and write is scoped to the principal's owner. */
@injectable()
export class ChannelsService {
  /** The channels looked up lately (a single-process store only), forgotten by every change to one. */
  readonly #channels: ReadCache<ChannelRecord>;

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(FilesService) private readonly files: FilesService,
  ) {
    this.#channels = new ReadCache(store, uow, clock, {
      size: 1_000,
      ttlMs: 30_000,
      invalidatedBy: CHANGES_CHANNELS,
    });
  }

  /** The channel if the principal may act on it, else NOT_FOUND. */
  async require(principal: Principal, channelId: unknown): Promise<ChannelRecord> {
    if (typeof channelId !== 'string' || channelId.length === 0) throw channelNotFound();
    if (principal.kind === 'agent' && principal.channelId !== null && principal.channelId !== channelId) {
      throw channelNotFound();
    }
    const channel = await this.#channels.get(channelId, () => this.store.channels.findById(channelId));
    if (!channel || channel.ownerId !== principal.userId) throw channelNotFound();
    return channel;
  }

  async create(principal: Principal, input: ChannelCreateInput): Promise<Channel> {
    if (principal.kind === 'agent' && principal.channelId !== null) {
      throw new PlacetError('FORBIDDEN', 'A channel-scoped API key cannot create channels');
    }
    const data = parseOrThrow(ChannelCreate, input);
    const now = this.clock.now();
    const channel: ChannelRecord = {
      id: newId(),
      ownerId: principal.userId,
      name: data.name,
      description: data.description ?? null,
      avatarUrl: data.avatarUrl ?? null,
      webhookUrl: data.webhookUrl ?? null,
      webhookHeaders: null,
      webhookAuth: null,
      webhookSecret: null,
      status: 'offline',
      statusMessage: null,
      statusSince: null,
      lastActiveAt: null,
      commands: null,
      tag: data.tag ?? null,
      isSubagent: false,
      parentAgentId: null,
      createdAt: now,
      updatedAt: now,
    };
    const presented = presentChannel(channel);
    await this.uow.run(async (tx, emit) => {
      await tx.channels.insert(channel);
      await emit({
        type: 'channel:updated',
        ownerId: channel.ownerId,
        channelId: channel.id,
        subjectId: channel.id,
        payload: presented,
      });
    });
    return presented;
  }

  async list(principal: Principal): Promise<Channel[]> {
    const channels = await this.store.channels.listByOwner(principal.userId);
    const visible =
      principal.kind === 'agent' && principal.channelId !== null
        ? channels.filter((c) => c.id === principal.channelId)
        : channels;
    return visible.map(presentChannel);
  }

  /**
   * A human's channel list: each channel with `unreadCount` (agent messages since the user's read mark,
   * kept on the server, except reviews the user has read in the inbox), `lastMessage` and
   * `lastMessageAt`.
   */
  async listWithActivity(principal: Principal): Promise<ChannelWithActivity[]> {
    const channels = await this.store.channels.listByOwner(principal.userId);
    const reads = await this.store.channelReads.lastReadAt(
      principal.userId,
      channels.map((c) => c.id),
    );
    return Promise.all(
      channels.map(async (channel) => {
        const [last] = await this.store.messages.list({ channelId: channel.id, limit: 1 });
        // A review read in the inbox is read here too: one unread state, wherever it was opened.
        const unreadCount = await this.store.messages.countFromAgentSince(
          channel.id,
          reads.get(channel.id) ?? null,
          principal.userId,
        );
        return {
          ...presentChannel(channel),
          unreadCount,
          lastMessage: last
            ? {
                id: last.id,
                text: last.text,
                senderType: last.senderType,
                createdAt: last.createdAt.toISOString(),
              }
            : null,
          lastMessageAt: last ? last.createdAt.toISOString() : null,
        };
      }),
    );
  }

  /** `POST /agents/:id/read`: the user has read the channel up to now. */
  async markRead(principal: Principal, channelId: string): Promise<{ read: true; lastReadAt: string }> {
    if (principal.kind !== 'user') throw new PlacetError('FORBIDDEN', 'Only humans have read state');
    const channel = await this.require(principal, channelId);
    const [newest] = await this.store.messages.list({ channelId: channel.id, limit: 1 });
    const mark = newest
      ? { at: newest.createdAt, messageId: newest.id }
      : { at: this.clock.now(), messageId: null };
    await this.store.channelReads.markRead(principal.userId, channel.id, mark);
    return { read: true, lastReadAt: mark.at.toISOString() };
  }

  async get(principal: Principal, channelId: string): Promise<Channel> {
    return presentChannel(await this.require(principal, channelId));
  }

  /** `PATCH /agents/:id`. `null` clears a field; absent leaves it. */
  async update(principal: Principal, channelId: string, input: ChannelUpdateInput): Promise<Channel> {
    const data = parseOrThrow(ChannelUpdate, input);
    const channel = await this.require(principal, channelId);
    const patch: Partial<ChannelRecord> = {};
    for (const key of [
      'name',
      'description',
      'avatarUrl',
      'webhookUrl',
      'webhookHeaders',
      'webhookAuth',
      'tag',
    ] as const) {
      if (data[key] !== undefined) (patch as Record<string, unknown>)[key] = data[key];
    }
    return this.apply(channel, patch);
  }

  /** `POST /agents/setTag`. */
  async setTag(principal: Principal, input: SetTagInput): Promise<Channel> {
    const data = parseOrThrow(SetTag, input);
    return this.apply(await this.require(principal, data.channelId), { tag: data.tag });
  }

  /** `PUT /agents/:id/commands`: replaces the slash commands the agent accepts. */
  async setCommands(principal: Principal, channelId: string, input: ChannelCommandsInput): Promise<Channel> {
    const data = parseOrThrow(ChannelCommands, input);
    return this.apply(await this.require(principal, channelId), { commands: data.commands });
  }

  /** `POST /agents/setSubagent`: the parent must be the owner's channel; no cycles; depth at most 16. */
  async setSubagent(principal: Principal, input: SetSubagentInput): Promise<Channel> {
    const data = parseOrThrow(SetSubagent, input);
    const channel = await this.require(principal, data.channelId);
    const parentId = data.isSubagent
      ? await this.checkParent(principal, channel.id, data.parentChannelId ?? null)
      : null;
    return this.apply(channel, { isSubagent: data.isSubagent, parentAgentId: parentId });
  }

  /** Validates a sub-agent link and returns the parent id. */
  async checkParent(principal: Principal, channelId: string, parentId: string | null): Promise<string> {
    if (!parentId)
      throw new PlacetError('VALIDATION_FAILED', 'parentChannelId is required when isSubagent is true');
    const parent = await this.require(principal, parentId).catch(() => {
      throw new PlacetError('VALIDATION_FAILED', 'parentChannelId does not name one of your channels', {
        issues: [{ path: 'parentChannelId', message: 'unknown channel' }],
      });
    });
    let depth = 1;
    for (let cursor: ChannelRecord | undefined = parent; cursor; depth++) {
      if (cursor.id === channelId) {
        throw new PlacetError('VALIDATION_FAILED', 'This parent would create a cycle of sub-agents', {
          issues: [{ path: 'parentChannelId', message: 'cycle' }],
        });
      }
      if (depth > MAX_SUBAGENT_DEPTH) {
        throw new PlacetError(
          'VALIDATION_FAILED',
          `Sub-agents nest at most ${MAX_SUBAGENT_DEPTH} levels deep`,
          {
            issues: [{ path: 'parentChannelId', message: 'too deep' }],
          },
        );
      }
      cursor = cursor.parentAgentId ? await this.store.channels.findById(cursor.parentAgentId) : undefined;
    }
    return parent.id;
  }

  /** Every attachment row of a channel, page by page (their files are deleted with the channel). */
  async #allAttachments(channelId: string): Promise<AttachmentRecord[]> {
    const all: AttachmentRecord[] = [];
    const limit = 1000;
    for (let before: { createdAt: Date; id: string } | undefined; ; ) {
      const page = await this.store.attachments.listByChannel(channelId, {
        limit,
        ...(before ? { before } : {}),
      });
      all.push(...page);
      const last = page.at(-1);
      if (page.length < limit || !last) return all;
      before = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** The message ids of a channel's completed reviews, page by page (their receipts go with the channel). */
  async #completedReviewIds(channel: ChannelRecord): Promise<string[]> {
    const ids: string[] = [];
    const limit = 1000;
    for (let before: { createdAt: Date; messageId: string } | undefined; ; ) {
      const page = await this.store.reviews.list({
        ownerId: channel.ownerId,
        channelId: channel.id,
        status: 'completed',
        limit,
        ...(before ? { before } : {}),
      });
      ids.push(...page.map((r) => r.messageId));
      const last = page.at(-1);
      if (page.length < limit || !last) return ids;
      before = { createdAt: last.createdAt, messageId: last.messageId };
    }
  }

  /** Deletes a channel with its messages, reviews (and their receipts), steps and files. */
  async delete(principal: Principal, channelId: string): Promise<{ deleted: true }> {
    const channel = await this.require(principal, channelId);
    const attachments = await this.#allAttachments(channel.id);
    const answered = await this.#completedReviewIds(channel);
    await this.uow.run(async (tx, emit) => {
      if (!(await tx.channels.delete(channel.id))) throw channelNotFound();
      for (const messageId of answered) await tx.kv.delete(RECEIPTS_NAMESPACE, messageId);
      await emit({
        type: 'channel:updated',
        ownerId: channel.ownerId,
        channelId: channel.id,
        subjectId: channel.id,
        payload: { id: channel.id, deleted: true },
      });
    });
    const avatar = uploadedAvatar(channel.id, channel.avatarUrl);
    await this.files.discard(
      avatar ? [...attachments, { id: channel.id, storageKey: avatar.key }] : attachments,
    );
    return { deleted: true };
  }

  /**
   * Writes a patch and emits `channel:updated` with the masked channel. When the patch removes or
   * changes the webhook URL, the deliveries still pending to the old URL are cancelled in the same
   * transaction (they would otherwise keep retrying an endpoint the owner has let go, with its old
   * headers and credentials).
   */
  async apply(channel: ChannelRecord, patch: Partial<ChannelRecord>): Promise<Channel> {
    let replacedAvatar: string | undefined;
    const presented = await this.uow.run(async (tx, emit) => {
      const now = this.clock.now();
      const before =
        patch.webhookUrl !== undefined || patch.avatarUrl !== undefined
          ? await tx.channels.findById(channel.id)
          : undefined;
      const updated = await tx.channels.update(channel.id, { ...patch, updatedAt: now });
      if (!updated) throw channelNotFound();
      if (before?.webhookUrl && before.webhookUrl !== updated.webhookUrl) {
        await cancelWebhookDeliveries(tx, emit, {
          channelId: updated.id,
          url: before.webhookUrl,
          reason: updated.webhookUrl ? WEBHOOK_CHANGED : WEBHOOK_REMOVED,
          now,
        });
      }
      // An uploaded avatar that the patch replaced or removed: its bytes go once the change is committed.
      const oldAvatar = uploadedAvatar(channel.id, before?.avatarUrl);
      if (oldAvatar && oldAvatar.key !== uploadedAvatar(channel.id, updated.avatarUrl)?.key)
        replacedAvatar = oldAvatar.key;
      const presented = presentChannel(updated);
      await emit({
        type: 'channel:updated',
        ownerId: updated.ownerId,
        channelId: updated.id,
        subjectId: updated.id,
        payload: presented,
      });
      return presented;
    });
    if (replacedAvatar) await this.files.discard([{ id: channel.id, storageKey: replacedAvatar }]);
    return presented;
  }
}

export const MAX_SUBAGENT_DEPTH = 16;

export type { ChannelWithActivity } from '../contract/account.js';
