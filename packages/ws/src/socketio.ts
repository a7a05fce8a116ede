import { randomBytes } from 'node:crypto';
import type { Placet, Principal } from '@placet/core';
import type { TimerHandle } from '@placet/core/adapter';
import { EIO } from './engine-io.js';
import type { EngineSession } from './engine-session.js';
import type { LocalRelay } from './local-relay.js';
import type { ResolvedRealtimeOptions } from './options.js';
import type { ConnectionRecovery, Restored } from './recovery.js';
import { RELAYED, REVOKED_CLOSE_CODE, Session } from './session.js';

// Socket.IO v5 packet types (the character after the Engine.IO `4`).
const SIO = { connect: '0', disconnect: '1', event: '2', ack: '3', connectError: '4' } as const;

/** A transport that has not connected to the namespace by then is closed (Socket.IO's `connectTimeout`). */
const CONNECT_TIMEOUT_MS = 45_000;

interface SocketIoPacket {
  type: string;
  namespace: string;
  ackId: number | undefined;
  data: unknown;
}

/** Parses the Socket.IO part of an Engine.IO message: `<type>[/nsp,][ackId][json]`. */
export function parseSocketIo(text: string): SocketIoPacket | undefined {
  const type = text[0];
  if (type === undefined || !/^[0-6]$/.test(type)) return undefined;
  let i = 1;
  let namespace = '/';
  if (text[i] === '/') {
    const comma = text.indexOf(',', i);
    namespace = comma === -1 ? text.slice(i) : text.slice(i, comma);
    i = comma === -1 ? text.length : comma + 1;
  }
  let ack = '';
  while (i < text.length && /\d/.test(text[i]!)) ack += text[i++];
  let data: unknown;
  if (i < text.length) {
    try {
      data = JSON.parse(text.slice(i));
    } catch {
      return undefined;
    }
  }
  return { type, namespace, ackId: ack === '' ? undefined : Number(ack), data };
}

/** Encodes a Socket.IO packet inside an Engine.IO message. */
export function encodeSocketIo(type: string, namespace: string, data?: unknown, ackId?: number): string {
  const nsp = namespace === '/' ? '' : `${namespace},`;
  return `${EIO.message}${type}${nsp}${ackId ?? ''}${data === undefined ? '' : JSON.stringify(data)}`;
}

/** What the Socket.IO layer needs from `attachRealtime`. */
export interface SocketIoContext {
  placet: Placet;
  relay: LocalRelay;
  options: ResolvedRealtimeOptions;
  /**
   * The principal of a CONNECT packet's `auth` (`null`: the credential was checked and refused) and the
   * committed seq read before it was checked. Rejects when the store could not answer.
   */
  authenticate(auth: unknown): Promise<{ principal: Principal; checkedAt: number } | null>;
  /** Connection state recovery, when enabled. */
  recovery: ConnectionRecovery | undefined;
  /** The store failed while a connection was set up (logged once per outage). */
  unavailable(error: unknown): void;
}

/**
 * A Socket.IO-compatible endpoint for agents written against the original (`socket.io-client` with its
 * default options, or `transports: ['websocket']`): Socket.IO v5 packets over an Engine.IO session,
 * namespace `/ws`, `auth: { apiKey }` or `{ token }` (a ticket).
 *
 * - A bad credential → `connect_error` "unauthorized" (socket.io-client then stays disconnected).
 * - A store that cannot answer → the transport closes: socket.io-client reconnects with backoff.
 * - Connection state recovery: the CONNECT answer carries `{ sid, pid }`; every event carries an offset
 *   (the outbox seq) as its last argument; a client that reconnects with `{ pid, offset }` gets the
 *   events it missed, exactly once, and its subscriptions back (`socket.recovered === true`) — also from
 *   another process or after a restart, since both live in the store.
 */
export function serveSocketIo(engine: EngineSession, ctx: SocketIoContext): void {
  const { placet, options } = ctx;
  const namespace = options.namespace;
  let session: Session | undefined;
  let pid: string | undefined;
  let connecting = false;
  let refresh: TimerHandle | undefined;

  const raw = (packet: string) => engine.send(packet);
  const emit = (event: string, data: unknown, seq?: number) => {
    const args: unknown[] = data === undefined ? [event] : [event, data];
    // The offset socket.io-client keeps (`_lastOffset`) and sends back on reconnection: every event sent
    // up to here, in seq order, covers every outbox event owed up to this seq.
    if (ctx.recovery && session) args.push(String(seq ?? session.position));
    return raw(encodeSocketIo(SIO.event, namespace, args));
  };
  const ack = (ackId: number | undefined, ...args: unknown[]) => {
    if (ackId !== undefined) raw(encodeSocketIo(SIO.ack, namespace, args, ackId));
  };

  // An Engine.IO session that never connects to the namespace holds nothing for long.
  let connectTimer: TimerHandle | undefined = options.clock.setTimer(() => {
    connectTimer = undefined;
    if (!session) engine.close('connect timeout');
  }, CONNECT_TIMEOUT_MS);

  const end = () => {
    if (connectTimer) options.clock.clearTimer(connectTimer);
    connectTimer = undefined;
    if (refresh) options.clock.clearTimer(refresh);
    refresh = undefined;
    session?.dispose();
    session = undefined;
  };
  const forget = () => {
    if (pid && ctx.recovery)
      ctx.recovery.forget(pid).catch((error: unknown) => {
        placet.options.logger.warn('realtime: a Socket.IO session could not be forgotten', {
          error: String(error),
        });
      });
  };

  engine.onClose = end;
  engine.onMessage = (message) => {
    const packet = parseSocketIo(message);
    if (!packet) return engine.close('malformed packet', 1003);
    handle(packet).catch((error: unknown) => {
      // A packet must never take the process down (an unhandled rejection would): refuse it instead.
      placet.options.logger.error('realtime: a packet could not be handled', { error: String(error) });
      emit('error', { message: 'the packet could not be handled' });
    });
  };

  async function handle(packet: SocketIoPacket): Promise<void> {
    if (packet.namespace !== namespace) {
      if (packet.type === SIO.connect)
        raw(encodeSocketIo(SIO.connectError, packet.namespace, { message: 'Invalid namespace' }));
      return;
    }
    switch (packet.type) {
      case SIO.connect: {
        if (session || connecting) return;
        connecting = true;
        try {
          await connect(packet.data);
        } catch (error) {
          // The store could not answer: not a refusal. A CONNECT_ERROR would leave socket.io-client
          // disconnected for good; a closed transport makes it reconnect with backoff.
          ctx.unavailable(error);
          engine.close('store unavailable', 1013);
        } finally {
          connecting = false;
        }
        return;
      }
      case SIO.disconnect:
        // `socket.disconnect()`: the client is done with this session (nothing to recover).
        end();
        forget();
        return;
      case SIO.event:
        if (session && Array.isArray(packet.data) && typeof packet.data[0] === 'string') {
          await onEvent(session, packet.data[0], packet.data[1], packet.ackId);
        }
        return;
      default:
        return;
    }
  }

  async function connect(auth: unknown): Promise<void> {
    const authenticated = await ctx.authenticate(auth);
    // The transport may have closed while the credential was checked: then nothing is created.
    if (!engine.open) return;
    if (!authenticated) {
      raw(encodeSocketIo(SIO.connectError, namespace, { message: 'unauthorized' }));
      return;
    }
    const { principal, checkedAt } = authenticated;
    const recovery = ctx.recovery;
    const a = (typeof auth === 'object' && auth !== null ? auth : {}) as { pid?: unknown; offset?: unknown };
    let restored: Restored | undefined;
    // The outbox epoch the connection's seqs belong to (a restored database starts another).
    const epoch = recovery ? await placet.events.epoch() : '';
    if (recovery && a.pid !== undefined)
      restored = await recovery.restore(a.pid, a.offset, principal, checkedAt, epoch);
    const id = restored?.pid ?? recovery?.newPid();
    const since = restored?.since ?? placet.events.lastSeq();
    const channels = principal.kind === 'agent' && restored ? restored.channels : new Map<string, number>();
    // Durable before the client learns its pid: a restart right after CONNECT can still restore it.
    if (recovery && id) await recovery.save(id, principal, since, channels, epoch);
    if (!engine.open) return;
    pid = id;
    session = new Session(
      placet,
      principal,
      {
        send: (event, data, seq) => emit(event, data, seq),
        close: (code, reason) => {
          // A revoked credential: a server-side DISCONNECT, which socket.io-client does not retry
          // ("io server disconnect"); a plain close would make it reconnect with the dead key.
          if (code === REVOKED_CLOSE_CODE) {
            raw(encodeSocketIo(SIO.disconnect, namespace));
            forget();
          }
          engine.close(reason, code);
        },
      },
      ctx.relay,
      options,
      {
        fromSeq: principal.kind === 'user' ? since : undefined,
        channels,
        persist: recovery && id ? (subs) => recovery.save(id, principal, since, subs, epoch) : undefined,
      },
      checkedAt,
    );
    const sid = randomBytes(15).toString('base64url');
    raw(encodeSocketIo(SIO.connect, namespace, id ? { sid, pid: id } : { sid }));
    if (connectTimer) options.clock.clearTimer(connectTimer);
    connectTimer = undefined;
    if (recovery) scheduleRefresh(recovery.maxDisconnectionMs);
  }

  /** Keeps the durable state alive while connected (one write per `maxDisconnectionMs`). */
  function scheduleRefresh(everyMs: number): void {
    refresh = options.clock.setTimer(() => {
      if (!session) return;
      session.keep().catch(() => {
        // The store is away: the entry still lives for another `maxDisconnectionMs`; next time, then.
      });
      scheduleRefresh(everyMs);
    }, everyMs);
  }

  async function onEvent(s: Session, event: string, data: unknown, ackId: number | undefined): Promise<void> {
    switch (event) {
      case 'subscribe:channel': {
        const result = await s.subscribe(data);
        ack(ackId, result);
        if (!result.ok)
          emit('error', { event, message: result.error, channelId: typeof data === 'string' ? data : null });
        return;
      }
      case 'unsubscribe:channel':
        await s.unsubscribe(data);
        ack(ackId, { ok: true });
        return;
      case 'channel:read':
        ack(ackId, await s.markRead(data));
        return;
      case 'ping':
        emit('pong', undefined);
        ack(ackId, { ok: true });
        return;
      default:
        if (RELAYED.has(event)) {
          const result = await s.relayEvent(event, data);
          ack(ackId, result);
          if (!result.ok) emit('error', { event, message: result.error });
          return;
        }
        ack(ackId, { ok: false, error: `unknown event "${event}"` });
    }
  }
}
