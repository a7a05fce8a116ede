import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Placet, Principal } from '@placet/core';
import { apiKeyFromHeaders, hostUserPrincipal, isPlacetError } from '@placet/core/adapter';
import { type WebSocket, WebSocketServer } from 'ws';
import { EngineServer } from './engine-server.js';
import { LocalRelay } from './local-relay.js';
import { serveNative } from './native.js';
import { type RealtimeOptions, resolveOptions } from './options.js';
import { OutageLog, retryAfterSeconds } from './outage.js';
import { ConnectionRecovery } from './recovery.js';
import { serveSocketIo } from './socketio.js';

export interface Realtime {
  /** Open connections (both protocols, every Socket.IO transport). */
  connections(): number;
  /**
   * Closes every open connection (native: code 1012, "service restart") but keeps accepting new ones:
   * clients reconnect and resume (native `?fromSeq=`, Socket.IO connection state recovery). For a rolling
   * restart, and for tests of reconnection.
   */
  disconnectAll(): number;
  /** Closes every connection and stops serving its paths (the host's server stays up). */
  close(): Promise<void>;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Attaches Placet's realtime endpoints to the host's HTTP server: the native JSON protocol at `/ws` and a
 * Socket.IO-compatible endpoint at `/socket.io/` (WebSocket and HTTP long-polling). Upgrade requests for
 * other paths are left to the host. For long-polling it takes over the server's `request` listeners
 * registered so far (as engine.io's `attach` does) and passes them every request that is not its own:
 * attach after the server was created with the host's app.
 *
 * The native endpoint authenticates before the handshake completes (API key header or `?apiKey=`,
 * `?ticket=`, or the host's cookie auth): a refused credential is `401`; a store that cannot answer is
 * `503` with `Retry-After`, which clients retry. Socket.IO authenticates in its CONNECT packet.
 */
export function attachRealtime(placet: Placet, server: Server, input: RealtimeOptions = {}): Realtime {
  const options = resolveOptions(input, placet.options.clock);
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    maxPayload: options.maxPayloadBytes,
    perMessageDeflate: false,
  });
  const relay = new LocalRelay();
  const native = new Set<WebSocket>();
  const outage = new OutageLog(placet.options.logger);
  const recovery = options.connectionStateRecovery
    ? new ConnectionRecovery(
        placet.options.store.kv,
        options.clock,
        options.connectionStateRecovery.maxDisconnectionDurationMs,
      )
    : undefined;

  async function byApiKey(key: unknown): Promise<Principal | null> {
    return typeof key === 'string' && key.startsWith('hp_') ? placet.authenticate({ apiKey: key }) : null;
  }
  async function byTicket(ticket: unknown): Promise<Principal | null> {
    if (typeof ticket !== 'string' || !options.redeemTicket) return null;
    return (await options.redeemTicket(ticket)) ?? null;
  }

  /**
   * Checks a credential; `principal` is null only when it was checked and refused. Rejects when the store
   * could not answer. `checkedAt` is read first: a revocation committed after it closes the connection.
   */
  async function check(
    authenticate: () => Promise<Principal | null>,
  ): Promise<{ principal: Principal | null; checkedAt: number }> {
    const checkedAt = await placet.events.committedSeq();
    const principal = await authenticate();
    outage.succeeded();
    return { principal, checkedAt };
  }

  async function authenticateNative(req: IncomingMessage, url: URL): Promise<Principal | null> {
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const key = apiKeyFromHeaders(header) ?? url.searchParams.get('apiKey');
    if (key) return byApiKey(key);
    const ticket = url.searchParams.get('ticket');
    if (ticket) return byTicket(ticket);
    return byHost(req);
  }

  /**
   * The host's `authenticateUser`. A `PlacetError` it throws with a 4xx status (`UNAUTHORIZED` for an
   * expired session, `FORBIDDEN`, or `CONFLICT` from making the person a user) refuses the socket (401):
   * a refusal, as on the router, never the retriable 503 of an outage. Anything else it throws (its
   * session store is down) stays retriable.
   */
  async function byHost(req: IncomingMessage): Promise<Principal | null> {
    try {
      return await hostUserPrincipal(placet, await options.authenticateUser?.(req));
    } catch (error) {
      if (isPlacetError(error) && error.status >= 400 && error.status < 500) return null;
      throw error;
    }
  }

  const engine =
    options.socketIoPath === false
      ? undefined
      : new EngineServer(
          {
            pingIntervalMs: options.pingIntervalMs,
            pingTimeoutMs: options.pingTimeoutMs,
            maxPayloadBytes: options.maxPayloadBytes,
            maxBufferedBytes: options.maxBufferedBytes,
            clock: options.clock,
          },
          wss,
          (session) =>
            serveSocketIo(session, {
              placet,
              relay,
              options,
              recovery,
              async authenticate(auth) {
                const a = (auth ?? {}) as { apiKey?: unknown; token?: unknown };
                const { principal, checkedAt } = await check(() =>
                  a.apiKey !== undefined ? byApiKey(a.apiKey) : byTicket(a.token),
                );
                return principal ? { principal, checkedAt } : null;
              },
              unavailable: (error) => outage.failed(error),
            }),
        );

  function reject(socket: Duplex, status: number, message: string, headers = '') {
    socket.end(
      `HTTP/1.1 ${status} ${message}\r\nConnection: close\r\n${headers}Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
    );
  }

  function parse(req: IncomingMessage): URL | undefined {
    try {
      return new URL(req.url ?? '/', 'http://placet.invalid');
    } catch {
      return undefined;
    }
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = parse(req);
    if (!url) return;
    const isNative = url.pathname === options.path;
    const isSocketIo = engine !== undefined && url.pathname === options.socketIoPath;
    if (!isNative && !isSocketIo) return; // Not ours: the host may have its own WebSocket endpoints.
    socket.on('error', () => socket.destroy());
    if (isSocketIo) return engine.handleUpgrade(req, socket, head, url);
    // `?fromSeq=N`: a reconnecting client's last seq. The session replays from there before going live,
    // so nothing committed between the old socket closing and this one opening is missed.
    const fromSeqParam = url.searchParams.get('fromSeq');
    const fromSeq = fromSeqParam === null ? undefined : Number(fromSeqParam);
    if (fromSeq !== undefined && (!Number.isSafeInteger(fromSeq) || fromSeq < 0)) {
      return reject(socket, 400, 'Bad Request: fromSeq must be a non-negative integer');
    }
    // `?epoch=E`: the outbox epoch the client kept with its seq (empty: it has none yet). A client that
    // sends it gets a `welcome { epoch }` frame first; a resume from another epoch, or from beyond every
    // committed event (a restored database), gets a `resync` instead of a replay.
    const epoch = url.searchParams.get('epoch') ?? undefined;
    check(() => authenticateNative(req, url))
      .then(async ({ principal, checkedAt }) => ({
        principal,
        checkedAt,
        resume:
          principal && (fromSeq !== undefined || epoch !== undefined)
            ? await placet.events.checkResume({ fromSeq, epoch })
            : undefined,
      }))
      .then(
        ({ principal, checkedAt, resume }) => {
          if (!principal) return reject(socket, 401, 'Unauthorized');
          wss.handleUpgrade(req, socket, head, (ws) => {
            native.add(ws);
            ws.once('close', () => native.delete(ws));
            serveNative(placet, principal, ws, relay, options, checkedAt, {
              fromSeq: resume?.resync ? undefined : fromSeq,
              ...(epoch !== undefined && resume ? { welcome: { epoch: resume.epoch } } : {}),
              ...(resume?.resync ? { resync: resume.resync } : {}),
            });
          });
        },
        (error: unknown) => {
          // The store could not answer: retriable. The `ws` client sees 503 and `Retry-After`; a browser
          // sees the same close (1006) as for a network failure, and retries it like one.
          outage.failed(error);
          const seconds = retryAfterSeconds(error);
          reject(socket, 503, 'Service Unavailable', `Retry-After: ${seconds}\r\n`);
        },
      );
  };

  // Long-polling requests of the Socket.IO path are ours; every other request goes to the host's
  // listeners, which are taken over so that they never answer ours too.
  const hostListeners: RequestListener[] = [];
  const socketIoPath = options.socketIoPath;
  const onRequest: RequestListener = (req, res) => {
    // A prefix test first: the host's requests pay for no URL parsing.
    const url = socketIoPath && req.url?.startsWith(socketIoPath) ? parse(req) : undefined;
    if (engine && url?.pathname === socketIoPath) return engine.handleRequest(req, res, url);
    for (const listener of hostListeners) listener.call(server, req, res);
  };
  if (engine) {
    hostListeners.push(...(server.listeners('request') as RequestListener[]));
    server.removeAllListeners('request');
    server.on('request', onRequest);
  }

  server.on('upgrade', onUpgrade);
  return {
    connections: () => native.size + (engine?.size ?? 0),
    disconnectAll() {
      const count = native.size;
      for (const client of native) client.close(1012, 'service restart');
      return count + (engine?.closeAll('service restart', 1012) ?? 0);
    },
    async close() {
      server.off('upgrade', onUpgrade);
      if (engine && server.listeners('request').includes(onRequest)) {
        server.off('request', onRequest);
        for (const listener of hostListeners) server.on('request', listener);
      }
      relay.closeAll();
      engine?.terminateAll('server shutting down');
      for (const client of native) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
