import { inject, injectable } from 'tsyringe';
import type { StatusHistoryQueryInput, StatusPingInput } from '../contract/channel.js';
import {
  type Channel,
  type StatusHistoryEntry,
  StatusHistoryQuery,
  StatusPing,
} from '../contract/channel.js';
import { presentChannel } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import type { ChannelRecord } from '../domain/records.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { ChannelsService, channelNotFound } from './channels-service.js';
import type { Emit } from './unit-of-work.js';
import { UnitOfWork } from './unit-of-work.js';

/**
 * Agent heartbeats: `ping` records status and liveness; a status transition moves `statusSince` and
 * writes one history row; an agent silent for `offlineAfterMs` is turned `offline` by the sweeper.
 */
@injectable()
export class AgentStatusService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(ChannelsService) private readonly channels: ChannelsService,
  ) {}

  /** `POST /status/ping`. */
  async ping(principal: Principal, input: StatusPingInput): Promise<Channel> {
    const data = parseOrThrow(StatusPing, input);
    const channel = await this.channels.require(principal, data.agentId);
    const now = this.clock.now();
    const transition = data.status !== channel.status;
    return this.uow.run(async (tx, emit) => {
      const updated = await tx.channels.update(channel.id, {
        status: data.status,
        statusMessage: data.message ?? null,
        lastActiveAt: now,
        statusSince: transition || channel.statusSince === null ? now : channel.statusSince,
        updatedAt: now,
      });
      if (!updated) throw channelNotFound();
      await this.#record(tx, emit, updated, transition);
      return presentChannel(updated);
    });
  }

  /** Status transitions of a channel, newest first (`query`: `{ limit? }`, 1–500, default 100). */
  async history(
    principal: Principal,
    channelId: string,
    query: StatusHistoryQueryInput = {},
  ): Promise<StatusHistoryEntry[]> {
    const { limit } = parseOrThrow(StatusHistoryQuery, query ?? {});
    const channel = await this.channels.require(principal, channelId);
    const rows = await this.store.statusHistory.listByChannel(channel.id, limit);
    return rows.map((h) => ({ status: h.status, message: h.message, createdAt: h.createdAt.toISOString() }));
  }

  /** Turns agents silent for `offlineAfterMs` offline, each exactly once. Returns how many. */
  async markSilentOffline(): Promise<number> {
    const now = this.clock.now();
    const silent = await this.store.channels.listSilent(
      new Date(now.getTime() - this.options.offlineAfterMs),
      500,
    );
    let count = 0;
    for (const channel of silent) {
      const changed = await this.uow.run(async (tx, emit) => {
        const updated = await tx.channels.markOffline(channel.id, channel.lastActiveAt!, now);
        if (updated) await this.#record(tx, emit, updated, true);
        return updated !== undefined;
      });
      if (changed) count++;
    }
    return count;
  }

  async #record(tx: Repositories, emit: Emit, channel: ChannelRecord, transition: boolean): Promise<void> {
    if (transition) {
      await tx.statusHistory.insert({
        id: newId(),
        channelId: channel.id,
        status: channel.status,
        message: channel.statusMessage,
        createdAt: this.clock.now(),
      });
    }
    await emit({
      type: 'agent:status',
      ownerId: channel.ownerId,
      channelId: channel.id,
      subjectId: channel.id,
      payload: {
        agentId: channel.id,
        status: channel.status,
        statusMessage: channel.statusMessage,
        statusSince: channel.statusSince?.toISOString() ?? null,
        lastActiveAt: channel.lastActiveAt?.toISOString() ?? null,
      },
    });
  }
}
