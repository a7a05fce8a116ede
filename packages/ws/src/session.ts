import type { Placet, Principal } from '@placet/core';
import {
  type EventRecord,
  INTERNAL_EVENT_TYPES,
  isPlacetError,
  isRevokedBy,
  type Resync,
} from '@placet/core/adapter';
import type { LocalRelay } from './local-relay.js';
import type { ResolvedRealtimeOptions } from './options.js';
import { SeqRanges } from './seq-ranges.js';

/** Client events relayed to the channel's other sockets, ephemeral (never stored, this process only). */
export const RELAYED = new Set(['message:delta', 'message:progress', 'agent:commands']);

/** The close code of a connection whose credential was revoked (policy violation: do not reconnect with it). */
export const REVOKED_CLOSE_CODE = 1008;

/** What a closed session answers to the frames still arriving. */
const CLOSED_MESSAGE = 'the connection is closed';

/** What a subscription answers when the store cannot be reached: a retry will do, nothing was refused. */
export const UNAVAILABLE_MESSAGE = 'Service unavailable: retry later';

/** How one connection sends a named event; returns false when it had to close (slow consumer). */
export interface Outlet {
  /** `seq` is set for outbox events (and only for them). */
  send(event: string, data: unknown, seq?: number): boolean;
  close(code: number, reason: string): void;
}

/** Where a session starts, and how it keeps its subscriptions. */
export interface SessionStart {
  /** The client's resume point: replay committed events after this seq before going live. */
  fromSeq?: number;
  /**
   * Channels subscribed from the start (a recovered Socket.IO connection), each with the seq after which
   * its events are delivered.
   */
  channels?: ReadonlyMap<string, number>;
  /**
   * Whether the resume point also holds for channels subscribed after it (the native protocol: `resume`
   * then `subscribe:channel` replays that channel too). Socket.IO subscriptions are live, as the original's.
   */
  catchUpSubscriptions?: boolean;
  /**
   * Keeps the subscriptions (channel → the seq its events are delivered after) durable: awaited before a
   * subscription takes effect (a rejection refuses it) and after one ends.
   */
  persist?: (channels: ReadonlyMap<string, number>) => Promise<void>;
}

export type SubscribeResult = { ok: true; channelId: string } | { ok: false; error: string };

/** The scope of a user session: every channel of the owner. */
const ALL = '\u0000all';

/**
 * One authenticated connection, whatever its wire protocol: channel subscriptions (with ownership
 * checks), delivery of outbox events, resume from a seq, and the ephemeral relays.
 *
 * Delivery is exactly once per event, whatever the order of the client's `subscribe` and `resume` frames:
 * those run one at a time, in the order they arrived; a session reads the owner's events in *runs* (one
 * event-hub subscription each, from a seq), and a new run starts when a resume point or a subscription
 * needs older events than the current run has passed. Each run records, per scope (a channel, or
 * everything for a user), the range of seqs it delivered, and later runs skip those. Frames that arrive
 * together share one run, in seq order; events a later run adds (a channel subscribed after the replay
 * passed its events, a resume to an older seq) follow those already sent, in seq order per channel.
 */
export class Session {
  readonly #channels = new Set<string>();
  /** Visible scopes → the seq after which their events are delivered (in the current run). */
  readonly #from = new Map<string, number>();
  /** Per scope, the seqs earlier runs delivered. */
  readonly #delivered = new Map<string, SeqRanges>();
  /** Channels subscribed while a resume point was set: visible from that point once the next run starts. */
  readonly #pending = new Set<string>();
  readonly #catchUp: boolean;
  readonly #persist: SessionStart['persist'];
  /** The client's resume point (native `?fromSeq=` or `resume`); cleared by a resync. */
  #resumeFrom: number | undefined;
  #off: (() => void) | undefined;
  /** Identifies the current run: events and resyncs of an older one are ignored. */
  #run = 0;
  /** The highest seq of the owner the current run has processed. */
  #position = 0;
  /** The highest seq any run has processed (or started after). */
  #highest = 0;
  #resyncedInRun = false;
  #closed = false;
  #queue: Promise<void> = Promise.resolve();
  #queued = 0;
  #rerunWanted = false;
  /** The committed seq read before the credential was checked: older revocations were seen by the check. */
  readonly #credentialCheckedAt: number;
  /** Every event after this seq has been (or will be) checked for the revocation of this credential. */
  #checkedAfter: number;

  constructor(
    readonly placet: Placet,
    readonly principal: Principal,
    readonly outlet: Outlet,
    readonly relay: LocalRelay,
    readonly options: ResolvedRealtimeOptions,
    start: SessionStart,
    /**
     * The committed seq read before the credential was checked (`placet.events.committedSeq()`): an
     * `access:revoked` after it closes the connection, even one dispatched before this session existed.
     */
    credentialCheckedAt: number,
  ) {
    this.#credentialCheckedAt = credentialCheckedAt;
    this.#checkedAfter = credentialCheckedAt;
    this.#catchUp = start.catchUpSubscriptions ?? false;
    this.#persist = start.persist;
    this.#resumeFrom = start.fromSeq;
    const from = start.fromSeq ?? placet.events.lastSeq();
    if (principal.kind === 'user') this.#from.set(ALL, from);
    for (const [channelId, after] of start.channels ?? []) {
      this.#channels.add(channelId);
      if (principal.kind === 'agent') this.#from.set(channelId, after);
    }
    relay.add(this);
    this.#listen(from);
  }

  /**
   * Every outbox event this session owes the client up to this seq has been sent (Socket.IO's offset).
   * Never decreases.
   */
  get position(): number {
    return this.#highest;
  }

  /** The channels subscribed (with the seq each is delivered after). */
  subscriptions(): Map<string, number> {
    const now = this.#now();
    return new Map([...this.#channels].map((id) => [id, this.#from.get(id) ?? this.#resumeFrom ?? now]));
  }

  /** Users see every channel they own; agents only the ones they subscribed to (relayed events). */
  sees(ownerId: string, channelId: string | null): boolean {
    if (ownerId !== this.principal.userId) return false;
    if (this.principal.kind === 'user') return true;
    return channelId !== null && this.#channels.has(channelId);
  }

  /** Subscribes to a channel the principal owns, after the frames that came before (in order). */
  subscribe(channelId: unknown): Promise<SubscribeResult> {
    return this.#enqueue(async (): Promise<SubscribeResult> => {
      if (this.#closed) return { ok: false, error: CLOSED_MESSAGE };
      // Only a string names a channel: String() of a hostile object (`{ "toString": 1 }`) would throw.
      if (typeof channelId !== 'string') return { ok: false, error: 'Channel not found' };
      let id: string;
      try {
        id = (await this.placet.channels.get(this.principal, channelId)).id;
      } catch (error) {
        return { ok: false, error: isRefusal(error) ? 'Channel not found' : UNAVAILABLE_MESSAGE };
      }
      if (this.#closed || this.#channels.has(id)) return { ok: true, channelId: id };
      // With a resume point (native), the channel's events after it are owed; otherwise from now on.
      const floor = this.#catchUp ? this.#resumeFrom : undefined;
      const after = floor ?? this.#now();
      if (this.#persist) {
        try {
          await this.#persist(new Map([...this.subscriptions(), [id, after]]));
        } catch {
          return { ok: false, error: UNAVAILABLE_MESSAGE };
        }
        if (this.#closed || this.#channels.has(id)) return { ok: true, channelId: id };
      }
      this.#channels.add(id);
      if (this.principal.kind === 'agent') {
        if (floor !== undefined && floor < this.#position) {
          // Events the current run has passed: the next run replays them for this channel.
          this.#pending.add(id);
          this.#rerunWanted = true;
        } else this.#from.set(id, floor ?? Math.max(after, this.#now()));
      }
      return { ok: true, channelId: id };
    });
  }

  /** Ends a subscription, after the frames that came before. */
  unsubscribe(channelId: unknown): Promise<void> {
    return this.#enqueue(async () => {
      if (typeof channelId !== 'string' || !this.#channels.has(channelId)) return;
      this.#endVisibility(channelId);
      this.#channels.delete(channelId);
      await this.#persist?.(this.subscriptions()).catch(() => {
        // The durable list keeps a channel too many: a recovered connection gets its events (never fewer).
      });
    });
  }

  /** Writes the subscriptions again (a refresh of their durable copy), in turn with the other operations. */
  keep(): Promise<void> {
    return this.#enqueue(async () => {
      if (!this.#closed) await this.#persist?.(this.subscriptions());
    });
  }

  /**
   * Replays committed events after `fromSeq` for every channel this session sees — now or subscribed
   * later — each exactly once, then continues live. Returns false (and does nothing) for an invalid seq.
   */
  resume(fromSeq: unknown, epoch?: unknown): boolean {
    const seq = Number(fromSeq);
    if (!Number.isSafeInteger(seq) || seq < 0) return false;
    if (epoch !== undefined && typeof epoch !== 'string') return false;
    void this.#enqueue(async () => {
      // A resume point from another epoch, or beyond every committed event (a restored database), is
      // answered with a resync, never with a replay that would skip numbers the client thinks it saw.
      const checked = await this.placet.events.checkResume({ fromSeq: seq, epoch }).catch(() => undefined);
      if (checked?.resync) {
        this.outlet.send('resync', checked.resync);
        return;
      }
      this.#resumeFrom = seq;
      this.#rerunWanted = true;
    });
    return true;
  }

  /** Relays an ephemeral event into a channel the principal owns; refused otherwise. */
  async relayEvent(event: string, data: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    // A closed session (its credential revoked) does nothing more, whatever frames are still in flight.
    if (this.#closed) return { ok: false, error: CLOSED_MESSAGE };
    const channelId = (data as { channelId?: unknown } | null)?.channelId;
    if (typeof channelId !== 'string') return { ok: false, error: 'channelId is required' };
    if (!(serializedLength(data) <= this.options.maxRelayBytes))
      return { ok: false, error: 'payload too large' };
    let channel: { id: string };
    try {
      channel = await this.placet.channels.get(this.principal, channelId);
    } catch (error) {
      return { ok: false, error: isRefusal(error) ? 'Channel not found' : UNAVAILABLE_MESSAGE };
    }
    this.relay.publish(this.principal.userId, channel.id, event, data);
    return { ok: true };
  }

  async markRead(channelId: unknown): Promise<{ ok: boolean; error?: string }> {
    if (this.#closed) return { ok: false, error: CLOSED_MESSAGE };
    try {
      await this.placet.channels.markRead(this.principal, String(channelId ?? ''));
      return { ok: true };
    } catch (error) {
      // Only Placet's own messages reach the client (never a database error's text).
      return {
        ok: false,
        error: isPlacetError(error) && error.expose ? error.message : 'could not mark the channel read',
      };
    }
  }

  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    this.dispose();
    this.outlet.close(code, reason);
  }

  /** Releases the event subscription (the socket is gone). */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#off?.();
    this.relay.remove(this);
  }

  /** Runs control operations one at a time, in arrival order; a new run starts once none is waiting. */
  #enqueue<T>(op: () => T | Promise<T>): Promise<T> {
    this.#queued++;
    const result = this.#queue.then(op);
    const settled = () => {
      this.#queued--;
      if (this.#queued === 0 && this.#rerunWanted && !this.#closed) this.#rerun();
    };
    this.#queue = result.then(settled, settled);
    return result;
  }

  /** "Now" for a live subscription: nothing committed before it is owed. */
  #now(): number {
    return Math.max(this.#position, this.placet.events.lastSeq());
  }

  /** Records what the current run delivered to a scope, and stops delivering to it. */
  #endVisibility(scope: string): void {
    const from = this.#from.get(scope);
    if (from !== undefined && this.#position > from) this.#ranges(scope).add(from, this.#position);
    this.#from.delete(scope);
    this.#pending.delete(scope);
  }

  #ranges(scope: string): SeqRanges {
    let ranges = this.#delivered.get(scope);
    if (!ranges) {
      ranges = new SeqRanges();
      this.#delivered.set(scope, ranges);
    }
    return ranges;
  }

  /** Ends the current run and starts one from the resume point (or from now, without one). */
  #rerun(): void {
    this.#rerunWanted = false;
    const floor = this.#resumeFrom ?? this.#now();
    for (const scope of [...this.#from.keys()]) this.#endVisibility(scope);
    if (this.principal.kind === 'user') this.#from.set(ALL, floor);
    else for (const channelId of this.#channels) this.#from.set(channelId, floor);
    this.#pending.clear();
    this.#listen(floor);
  }

  /**
   * Starts a run: subscribes to the owner's events from the oldest seq a visible scope needs — or the
   * revocation checkpoint, when older: a credential revoked while it was being checked still closes the
   * connection. Internal events never reach the client.
   */
  #listen(floor: number): void {
    this.#off?.();
    const run = ++this.#run;
    let start = Math.min(floor, this.#checkedAfter);
    for (const from of this.#from.values()) start = Math.min(start, from);
    this.#position = start;
    if (start > this.#highest) this.#highest = start;
    this.#resyncedInRun = false;
    this.#off = this.placet.events.subscribe(
      {
        ownerId: this.principal.userId,
        fromSeq: start,
        onResync: (resync) => {
          if (run === this.#run) this.#onResync(resync);
        },
      },
      (event: EventRecord) => {
        if (run === this.#run) this.#onEvent(event);
      },
    );
  }

  #onEvent(event: EventRecord): void {
    if (this.#closed) return;
    if (event.seq > this.#position) this.#position = event.seq;
    if (event.seq > this.#highest) this.#highest = event.seq;
    if (event.seq > this.#checkedAfter) this.#checkedAfter = event.seq;
    if (event.seq > this.#credentialCheckedAt && isRevokedBy(this.principal, event)) {
      this.close(REVOKED_CLOSE_CODE, 'credential revoked');
      return;
    }
    if (INTERNAL_EVENT_TYPES.has(event.type) || event.ownerId !== this.principal.userId) return;
    const scope = this.principal.kind === 'user' ? ALL : event.channelId;
    if (scope === null) return;
    const from = this.#from.get(scope);
    if (from === undefined || event.seq <= from || this.#delivered.get(scope)?.has(event.seq)) return;
    this.outlet.send(event.type, event.payload, event.seq);
  }

  /**
   * The resume point is older than the outbox keeps: the client is told to reload and continues live.
   * The hub skipped to its cursor; a new run from now re-reads from the revocation checkpoint, so no
   * `access:revoked` is skipped with the deleted events.
   */
  #onResync(resync: Resync): void {
    if (this.#closed) return;
    this.outlet.send('resync', resync);
    this.#resumeFrom = undefined;
    if (this.#resyncedInRun) return;
    const floor = this.placet.events.lastSeq();
    for (const scope of [...this.#from.keys()]) this.#from.set(scope, floor);
    for (const channelId of this.#pending) this.#from.set(channelId, floor);
    this.#pending.clear();
    this.#listen(floor);
    this.#resyncedInRun = true;
  }
}

/** A refusal that says "no such channel of yours" (as opposed to a store that could not answer). */
function isRefusal(error: unknown): boolean {
  return isPlacetError(error) && error.status >= 400 && error.status < 500;
}

/**
 * The length of `data` as JSON, or Infinity when it cannot be serialised (a frame nested so deeply that
 * `JSON.stringify` overflows the stack): such a payload is refused, never thrown out of a frame handler.
 */
function serializedLength(data: unknown): number {
  try {
    return JSON.stringify(data)?.length ?? 0;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
