import { inject, injectable } from 'tsyringe';
import type { StatusStepCreateInput, StreamPatchInput } from '../contract/message.js';
import { type Message, type StatusEvent, StatusStepCreate, StreamPatch } from '../contract/message.js';
import { presentStatusStep } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import type { MessageRecord, StreamState } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { ChannelsService } from './channels-service.js';
import { MessageViews } from './message-views.js';
import { UnitOfWork } from './unit-of-work.js';

/** Drafts untouched this long become `aborted` (the original: 5 minutes). */
export const STALE_STREAM_MS = 5 * 60_000;
/** At start, drafts idle this long are aborted at once (their writer is gone with the old process). */
export const STALE_STREAM_AT_START_MS = 60_000;

const noDraft = () => new PlacetError('NOT_FOUND', 'No streaming draft for this (channelId, streamId)');

/** Streamed replies: PATCHes of the full text, status steps, and the abort of stale drafts. */
@injectable()
export class StreamsService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
    @inject(ChannelsService) private readonly channels: ChannelsService,
    @inject(MessageViews) private readonly views: MessageViews,
  ) {}

  /**
   * `PATCH /messages/streams/:streamId`: replaces the text with the full accumulated text; `complete: true`
   * finalises, `streamState: 'aborted'` aborts. On a finished stream, a PATCH equal to its final state is a
   * harmless retry (200); any other change is a 409.
   */
  async patch(principal: Principal, streamId: string, input: StreamPatchInput): Promise<Message> {
    const data = parseOrThrow(StreamPatch, input);
    const channel = await this.channels.require(principal, data.channelId);
    const target: StreamState =
      data.complete === true ? 'complete' : data.streamState === 'aborted' ? 'aborted' : 'streaming';

    // The draft is found by the update itself; only a PATCH that changed nothing reads it, to say why.
    const { current, updated } = await this.uow.run(async (tx, emit) => {
      const patch = { text: data.text, streamState: target, updatedAt: this.clock.now() };
      const row = await tx.messages.updateStreamOf(channel.id, streamId, patch);
      if (!row) {
        const finished = await tx.messages.findByStreamId(channel.id, streamId);
        if (!finished) throw noDraft();
        return { current: finished, updated: undefined };
      }
      const presented = await this.views.presentOne(row, { agentName: channel.name, repos: tx });
      await emit({
        type: 'message:updated',
        ownerId: row.ownerId,
        channelId: row.channelId,
        subjectId: row.id,
        payload: presented,
      });
      return { current: row, updated: presented };
    });
    if (updated) return updated;

    // The draft was already finished (or finished concurrently): accept an identical retry only.
    if (current.text === data.text && (target === 'streaming' || current.streamState === target)) {
      return this.views.presentOne(current, { agentName: channel.name });
    }
    throw new PlacetError(
      'CONFLICT',
      `The stream is already ${current.streamState}; only a repeat of its final PATCH is accepted`,
    );
  }

  /** `POST /messages/streams/:streamId/status`: a progress step, allowed before the draft exists. */
  async addStep(principal: Principal, streamId: string, input: StatusStepCreateInput): Promise<StatusEvent> {
    const data = parseOrThrow(StatusStepCreate, input);
    if (streamId.length === 0 || streamId.length > 200) throw noDraft();
    const channel = await this.channels.require(principal, data.channelId);
    return this.uow.run(async (tx, emit) => {
      const step = await tx.statusSteps.append({
        id: newId(),
        channelId: channel.id,
        ownerId: channel.ownerId,
        streamId,
        text: data.text,
        toolHint: data.toolHint,
        createdAt: this.clock.now(),
      });
      const presented = presentStatusStep(step);
      await emit({
        type: 'message:status',
        ownerId: channel.ownerId,
        channelId: channel.id,
        subjectId: streamId,
        payload: presented,
      });
      return presented;
    });
  }

  /** Aborts drafts idle for `idleMs`; each gets one `message:updated`. Returns how many. */
  async abortStale(idleMs = STALE_STREAM_MS): Promise<number> {
    let aborted = 0;
    for (;;) {
      const stale = await this.store.messages.listStaleStreams(
        new Date(this.clock.now().getTime() - idleMs),
        100,
      );
      let round = 0;
      const cutoff = new Date(this.clock.now().getTime() - idleMs);
      for (const draft of stale) if (await this.#abort(draft, cutoff)) round++;
      aborted += round;
      if (stale.length < 100 || round === 0) return aborted;
    }
  }

  async #abort(draft: MessageRecord, idleBefore: Date): Promise<boolean> {
    return this.uow.run(async (tx, emit) => {
      // Only if still idle: a PATCH that landed after the list keeps the draft alive, and its text.
      const row = await tx.messages.updateStream(
        draft.id,
        { streamState: 'aborted', updatedAt: this.clock.now() },
        { idleBefore },
      );
      if (!row) return false;
      const channel = await tx.channels.findById(row.channelId);
      const presented = await this.views.presentOne(row, {
        repos: tx,
        ...(channel ? { agentName: channel.name } : {}),
      });
      await emit({
        type: 'message:updated',
        ownerId: row.ownerId,
        channelId: row.channelId,
        subjectId: row.id,
        payload: presented,
      });
      return true;
    });
  }
}
