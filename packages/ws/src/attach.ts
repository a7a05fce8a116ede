import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Placet, Principal } from '@placet/core';
import { WebSocketServer } from 'ws';
import { serveNative } from './native.js';
import { type RealtimeOptions, resolveOptions } from './options.js';
import { LocalRelay } from './session.js';
import { serveSocketIo } from './socketio.js';

export interface Realtime {
  /** Open connections (both protocols). */
  connections(): number;
  /**
   * Closes every open connection (code 1012, "service restart") but keeps accepting new ones: clients
   * reconnect and `resume`. For a rolling restart, and for tests of reconnection.
   */
  disconnectAll(): number;
  /** Closes every connection and stops listening for upgrades (the host's server stays up). */
  close(): Promise<void>;
}

/**
 * Attaches Placet's realtime endpoints to the host's HTTP server: the native JSON protocol at `/ws`
 * and a Socket.IO-compatible endpoint at `/socket.io/`. Upgrade requests for other paths are left to
 * the host. The native endpoint authenticates before the handshake completes (API key header or
 * `?apiKey=`, `?ticket=`, or the host's cookie auth); Socket.IO authenticates in its CONNECT packet.
 */
export function attachRealtime(placet: Placet, server: Server, input: RealtimeOptions = {}): Realtime {
  const options = resolveOptions(input, placet.options.clock);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
  });
  const relay = new LocalRelay();

  async function byApiKey(key: unknown): Promise<Principal | null> {
    return typeof key === 'string' && key.startsWith('hp_') ? placet.authenticate({ apiKey: key }) : null;
  }
  async function byTicket(ticket: unknown): Promise<Principal | null> {
    if (typeof ticket !== 'string' || !options.redeemTicket) return null;
    return (await options.redeemTicket(ticket)) ?? null;
  }

  async function authenticateNative(req: IncomingMessage, url: URL): Promise<Principal | null> {
    const header = req.headers['x-api-key'];
    const bearer = /^Bearer\s+(hp_\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const key = (Array.isArray(header) ? header[0] : header) ?? bearer ?? url.searchParams.get('apiKey');
    if (key) return byApiKey(key);
    const ticket = url.searchParams.get('ticket');
    if (ticket) return byTicket(ticket);
    return options.authenticateUser ? ((await options.authenticateUser(req)) ?? null) : null;
  }

  function reject(socket: Duplex, status: number, message: string) {
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://placet.invalid');
    } catch {
      return;
    }
    const isNative = url.pathname === options.path;
    const isSocketIo = options.socketIoPath !== false && url.pathname === options.socketIoPath;
    if (!isNative && !isSocketIo) return; // Not ours: the host may have its own WebSocket endpoints.
    socket.on('error', () => socket.destroy());
    if (isSocketIo) {
      if (url.searchParams.get('EIO') !== '4' || url.searchParams.get('transport') !== 'websocket') {
        return reject(socket, 400, 'Bad Request: only Engine.IO v4 over the websocket transport is served');
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        serveSocketIo(placet, ws, relay, options, async (auth) => {
          const a = (auth ?? {}) as { apiKey?: unknown; token?: unknown };
          const checkedAt = await placet.events.committedSeq();
          const principal = await (a.apiKey !== undefined ? byApiKey(a.apiKey) : byTicket(a.token));
          return principal ? { principal, checkedAt } : null;
        });
      });
      return;
    }
    // `?fromSeq=N`: a reconnecting client's last seq. The session replays from there before going live,
    // so nothing committed between the old socket closing and this one opening is missed (a `resume`
    // frame sent after the handshake would race the live events of the new session).
    const fromSeqParam = url.searchParams.get('fromSeq');
    const fromSeq = fromSeqParam === null ? undefined : Number(fromSeqParam);
    if (fromSeq !== undefined && (!Number.isSafeInteger(fromSeq) || fromSeq < 0)) {
      return reject(socket, 400, 'Bad Request: fromSeq must be a non-negative integer');
    }
    // Read before the credential is checked: a revocation committed after it closes the socket.
    const checked = placet.events
      .committedSeq()
      .then(async (checkedAt) => ({ checkedAt, principal: await authenticateNative(req, url) }));
    checked.then(
      ({ principal, checkedAt }) => {
        if (!principal) return reject(socket, 401, 'Unauthorized');
        wss.handleUpgrade(req, socket, head, (ws) =>
          serveNative(placet, principal, ws, relay, options, fromSeq, checkedAt),
        );
      },
      () => reject(socket, 500, 'Internal Server Error'),
    );
  };

  server.on('upgrade', onUpgrade);
  return {
    connections: () => wss.clients.size,
    disconnectAll() {
      const count = wss.clients.size;
      for (const client of wss.clients) client.close(1012, 'service restart');
      return count;
    },
    async close() {
      server.off('upgrade', onUpgrade);
      relay.closeAll();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
