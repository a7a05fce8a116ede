import { inject, injectable } from 'tsyringe';
import { type Channel, ChannelCreate } from '../contract/channel.js';
import { presentChannel } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import type { ChannelRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { UnitOfWork } from './unit-of-work.js';

/** The one answer for a channel that does not exist or belongs to someone else (never 403: that reveals the id). */
export const channelNotFound = () => new PlacetError('NOT_FOUND', 'Channel not found');

/** Channels (= agents). Every read and write is scoped to the principal's owner. */
@injectable()
export class ChannelsService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  /** The channel if the principal may act on it, else NOT_FOUND. */
  async require(principal: Principal, channelId: unknown): Promise<ChannelRecord> {
    if (typeof channelId !== 'string' || channelId.length === 0) throw channelNotFound();
    if (principal.kind === 'agent' && principal.channelId !== null && principal.channelId !== channelId) {
      throw channelNotFound();
    }
    const channel = await this.store.channels.findById(channelId);
    if (!channel || channel.ownerId !== principal.userId) throw channelNotFound();
    return channel;
  }

  async create(principal: Principal, input: unknown): Promise<Channel> {
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

  async get(principal: Principal, channelId: string): Promise<Channel> {
    return presentChannel(await this.require(principal, channelId));
  }
}
