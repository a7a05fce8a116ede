import {
  type EventRecord,
  INTERNAL_EVENT_TYPES,
  isPlacetError,
  isRevokedBy,
  type Placet,
  type Principal,
} from '@placet/core';
import type { ResolvedRealtimeOptions } from './options.js';

/** Client events relayed to the channel's other sockets, ephemeral (never stored, this process only). */
export const RELAYED = new Set(['message:delta', 'message:progress', 'agent:commands']);

/** The close code of a connection whose credential was revoked (policy violation: do not reconnect with it). */
export const REVOKED_CLOSE_CODE = 1008;

/** How one connection sends a named event; returns false when it had to close (slow consumer). */
export interface Outlet {
  send(event: string, data: unknown, seq?: number): boolean;
  close(code: number, reason: string): void;
}

/** The relay between the sockets of this process (ephemeral events are not outbox events). */
export class LocalRelay {
  readonly #sessions = new Set<Session>();

  add(session: Session): void {
    this.#sessions.add(session);
  }

  remove(session: Session): void {
    this.#sessions.delete(session);
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** Sends to every session of the owner that sees `channelId` (users always; agents when subscribed). */
  publish(ownerId: string, channelId: string, event: string, data: unknown, except?: Session): void {
    for (const session of this.#sessions)
      if (session !== except && session.sees(ownerId, channelId)) session.outlet.send(event, data);
  }

  closeAll(): void {
    for (const session of [...this.#sessions]) session.close(1001, 'server shutting down');
  }
}

/**
 * One authenticated connection, whatever its wire protocol: channel subscriptions (with ownership
 * checks), delivery of outbox events in seq order, resume from a seq, and the ephemeral relays.
 */
export class Session {
  readonly #channels = new Set<string>();
  #off: (() => void) | undefined;
  #closed = false;
  /** Every event after this seq has been (or will be) checked for the revocation of this credential. */
  #checkedAfter: number;

  constructor(
    readonly placet: Placet,
    readonly principal: Principal,
    readonly outlet: Outlet,
    readonly relay: LocalRelay,
    readonly options: ResolvedRealtimeOptions,
    /** Replay committed events after this seq before going live (a reconnecting client's last seq). */
    fromSeq: number | undefined,
    /**
     * The committed seq read before the credential was checked (`placet.events.committedSeq()`): an
     * `access:revoked` after it closes the connection, even one dispatched before this session existed.
     */
    credentialCheckedAt: number,
  ) {
    this.#checkedAfter = credentialCheckedAt;
    relay.add(this);
    this.#listen(fromSeq);
  }

  /** Users see every channel they own; agents only the ones they subscribed to. */
  sees(ownerId: string, channelId: string | null): boolean {
    if (ownerId !== this.principal.userId) return false;
    if (this.principal.kind === 'user') return true;
    return channelId !== null && this.#channels.has(channelId);
  }

  async subscribe(
    channelId: unknown,
  ): Promise<{ ok: true; channelId: string } | { ok: false; error: string }> {
    // Only a string names a channel: String() of a hostile object (`{ "toString": 1 }`) would throw.
    if (typeof channelId !== 'string') return { ok: false, error: 'Channel not found' };
    const channel = await this.placet.channels.get(this.principal, channelId).catch(() => undefined);
    if (!channel) return { ok: false, error: 'Channel not found' };
    this.#channels.add(channel.id);
    return { ok: true, channelId: channel.id };
  }

  unsubscribe(channelId: unknown): void {
    if (typeof channelId === 'string') this.#channels.delete(channelId);
  }

  /** Replays committed events after `fromSeq` (of the channels this session sees), then continues live. */
  resume(fromSeq: unknown): boolean {
    const seq = Number(fromSeq);
    if (!Number.isSafeInteger(seq) || seq < 0) return false;
    this.#listen(seq);
    return true;
  }

  /** Relays an ephemeral event into a channel the principal owns; refused otherwise. */
  async relayEvent(event: string, data: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    const channelId = (data as { channelId?: unknown } | null)?.channelId;
    if (typeof channelId !== 'string') return { ok: false, error: 'channelId is required' };
    if (!(serializedLength(data) <= this.options.maxRelayBytes))
      return { ok: false, error: 'payload too large' };
    const channel = await this.placet.channels.get(this.principal, channelId).catch(() => undefined);
    if (!channel) return { ok: false, error: 'Channel not found' };
    this.relay.publish(this.principal.userId, channel.id, event, data);
    return { ok: true };
  }

  async markRead(channelId: unknown): Promise<{ ok: boolean; error?: string }> {
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

  /**
   * Subscribes to the owner's events. The client sees those after `fromSeq` (or from now); the session
   * itself reads from the older of that and its revocation checkpoint, so that a credential revoked
   * while it was being checked still closes the connection. Internal events never reach the client.
   */
  #listen(fromSeq: number | undefined): void {
    this.#off?.();
    const visibleAfter = fromSeq ?? this.placet.events.lastSeq();
    this.#off = this.placet.events.subscribe(
      {
        ownerId: this.principal.userId,
        fromSeq: Math.min(visibleAfter, this.#checkedAfter),
        onResync: (resync) => this.outlet.send('resync', resync),
      },
      (event: EventRecord) => {
        if (event.seq > this.#checkedAfter) this.#checkedAfter = event.seq;
        if (isRevokedBy(this.principal, event)) {
          this.close(REVOKED_CLOSE_CODE, 'credential revoked');
          return;
        }
        if (INTERNAL_EVENT_TYPES.has(event.type) || event.seq <= visibleAfter) return;
        if (this.sees(event.ownerId, event.channelId)) this.outlet.send(event.type, event.payload, event.seq);
      },
    );
  }
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
