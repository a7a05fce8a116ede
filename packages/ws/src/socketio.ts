import { randomBytes } from 'node:crypto';
import type { Placet, Principal } from '@placet/core';
import type { WebSocket } from 'ws';
import { Heartbeat } from './heartbeat.js';
import type { ResolvedRealtimeOptions } from './options.js';
import { type LocalRelay, RELAYED, REVOKED_CLOSE_CODE, Session } from './session.js';

// Engine.IO v4 packet types (one character) and Socket.IO v5 packet types (the next character).
const EIO = { open: '0', close: '1', ping: '2', pong: '3', message: '4' } as const;
const SIO = { connect: '0', disconnect: '1', event: '2', ack: '3', connectError: '4' } as const;

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

/**
 * A Socket.IO-compatible endpoint for agents written against the original (`socket.io-client` with
 * `transports: ['websocket']`): Engine.IO v4 over WebSocket, Socket.IO v5 packets, namespace `/ws`,
 * `auth: { apiKey }` or `{ token }` (a ticket); a bad credential → `connect_error` "unauthorized".
 */
export function serveSocketIo(
  placet: Placet,
  socket: WebSocket,
  relay: LocalRelay,
  options: ResolvedRealtimeOptions,
  /** The principal of a CONNECT packet's `auth`, and the committed seq read before it was checked. */
  authenticate: (auth: unknown) => Promise<{ principal: Principal; checkedAt: number } | null>,
): void {
  const sid = randomBytes(15).toString('base64url');
  let session: Session | undefined;
  let connecting = false;

  const raw = (text: string) => {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      shutdown(1013, 'send buffer limit exceeded: reading too slowly');
      return false;
    }
    socket.send(text);
    return true;
  };
  const emit = (event: string, data: unknown) =>
    raw(encodeSocketIo(SIO.event, options.namespace, data === undefined ? [event] : [event, data]));
  const ack = (ackId: number | undefined, ...args: unknown[]) => {
    if (ackId !== undefined) raw(encodeSocketIo(SIO.ack, options.namespace, args, ackId));
  };

  const heartbeat = new Heartbeat(
    options.clock,
    options.pingIntervalMs,
    () => raw(EIO.ping),
    () => shutdown(1000, 'ping timeout'),
  );

  function shutdown(code: number, reason: string) {
    heartbeat.stop();
    session?.dispose();
    session = undefined;
    socket.close(code, reason);
    options.clock.setTimer(() => socket.terminate(), 5_000);
  }

  socket.on('close', () => {
    heartbeat.stop();
    session?.dispose();
  });
  socket.on('error', () => socket.terminate());
  socket.on('message', (data, isBinary) => {
    heartbeat.alive();
    if (isBinary) return;
    const text = data.toString();
    if (text === EIO.pong) return;
    if (text === EIO.ping) return void raw(EIO.pong);
    if (text === EIO.close) return shutdown(1000, 'client closed');
    if (text[0] !== EIO.message) return;
    const packet = parseSocketIo(text.slice(1));
    if (!packet) return shutdown(1003, 'malformed packet');
    handle(packet).catch((error: unknown) => {
      // A packet must never take the process down (an unhandled rejection would): refuse it instead.
      placet.options.logger.error('realtime: a packet could not be handled', { error: String(error) });
      emit('error', { message: 'the packet could not be handled' });
    });
  });

  // The Engine.IO handshake: the client then connects to a namespace.
  raw(
    EIO.open +
      JSON.stringify({
        sid,
        upgrades: [],
        pingInterval: options.pingIntervalMs,
        pingTimeout: options.pingTimeoutMs,
        maxPayload: options.maxPayloadBytes,
      }),
  );

  async function handle(packet: SocketIoPacket): Promise<void> {
    if (packet.namespace !== options.namespace) {
      if (packet.type === SIO.connect)
        raw(encodeSocketIo(SIO.connectError, packet.namespace, { message: 'Invalid namespace' }));
      return;
    }
    switch (packet.type) {
      case SIO.connect: {
        if (session || connecting) return;
        connecting = true;
        const authenticated = await authenticate(packet.data).catch(() => null);
        connecting = false;
        // The socket may have closed while the credentials were checked: then nothing is created.
        if (socket.readyState !== socket.OPEN) return;
        if (!authenticated) {
          raw(encodeSocketIo(SIO.connectError, options.namespace, { message: 'unauthorized' }));
          return;
        }
        session = new Session(
          placet,
          authenticated.principal,
          {
            send: (event, data) => emit(event, data),
            close: (code, reason) => {
              // A revoked credential: a server-side DISCONNECT, which socket.io-client does not retry
              // ("io server disconnect"); a plain close would make it reconnect with the dead key.
              if (code === REVOKED_CLOSE_CODE) raw(encodeSocketIo(SIO.disconnect, options.namespace));
              shutdown(code, reason);
            },
          },
          relay,
          options,
          undefined,
          authenticated.checkedAt,
        );
        raw(encodeSocketIo(SIO.connect, options.namespace, { sid: randomBytes(15).toString('base64url') }));
        return;
      }
      case SIO.disconnect:
        session?.dispose();
        session = undefined;
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
        s.unsubscribe(data);
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
