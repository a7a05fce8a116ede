import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/** How long a connection with no request running may stay open once the drain has begun. */
export const DRAIN_QUIET_MS = 1_000;
const SWEEP_MS = 50;

export interface Drain {
  /** True once `drain()` was called. */
  readonly draining: boolean;
  /**
   * Stops accepting connections and resolves when every connection has ended. From this call on, every
   * response (also of a request already running, unless its headers are out) says `Connection: close`.
   */
  drain(): Promise<void>;
}

interface Tracked {
  /** Requests running on the connection. */
  running: number;
  /** When it was accepted or its last response ended. */
  quietSince: number;
  upgraded: boolean;
}

/**
 * Graceful shutdown of an HTTP server without resets (`createServer().close()` uses it):
 *
 * - every response written from the start of the drain says `Connection: close` — also the response of
 *   a request that was already running — so neither a client nor a proxy is invited to send another
 *   request on a connection that is about to close;
 * - the listening socket closes once the current I/O phase of the event loop is over (connections the
 *   kernel has queued by then are accepted and answered first): a new connection is refused, which a
 *   proxy may safely send to another process, since nothing was sent;
 * - a connection with no request running is closed once it has been quiet for `quietMs`: at once if it
 *   already was, a moment after its last response otherwise. Node's `closeIdleConnections()` (which
 *   `http.Server#close()` calls) closes it at the very instant its keep-alive response went out — just
 *   when a pooling client or proxy is most likely to be writing its next request on it, which then fails
 *   with a reset and may not be retried (a POST).
 *
 * What no process can prevent alone: a connection the kernel queues in the instant between the last
 * accept and the close of the listening socket is reset by the kernel. A proxy that keeps connections to
 * the process alive (nginx `keepalive`) hardly ever opens a new one at that instant; one that checks
 * readiness stops sending first (`SHUTDOWN_DELAY`). See "Behind a reverse proxy" in the self-hosting guide.
 *
 * WebSocket connections are left to their owner (`attachRealtime(...).close()`).
 */
export function trackConnections(server: Server, options: { quietMs?: number } = {}): Drain {
  const quietMs = options.quietMs ?? DRAIN_QUIET_MS;
  const connections = new Map<Socket, Tracked>();
  const responses = new Set<ServerResponse>();
  let draining = false;
  let drained: Promise<void> | undefined;

  server.on('connection', (socket: Socket) => {
    connections.set(socket, { running: 0, quietSince: Date.now(), upgraded: false });
    socket.once('close', () => connections.delete(socket));
  });
  server.prependListener('upgrade', (req: IncomingMessage) => {
    const tracked = connections.get(req.socket);
    if (tracked) tracked.upgraded = true;
  });
  // First of the request listeners, so that the header is set before the application writes anything.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const tracked = connections.get(req.socket);
    if (tracked) tracked.running++;
    responses.add(res);
    if (draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      if (!tracked) return;
      tracked.running--;
      tracked.quietSince = Date.now();
    });
  });

  const sweep = () => {
    const now = Date.now();
    for (const [socket, tracked] of connections) {
      if (tracked.upgraded || tracked.running > 0 || now - tracked.quietSince < quietMs) continue;
      socket.destroy();
    }
  };

  return {
    get draining() {
      return draining;
    },
    drain() {
      if (drained) return drained;
      draining = true;
      for (const res of responses) if (!res.headersSent) res.setHeader('Connection', 'close');
      drained = new Promise<void>((resolve) => {
        const timer = setInterval(sweep, SWEEP_MS);
        // After this turn of the event loop's I/O phase: connections the kernel has already queued are
        // accepted (and answered) first; closing the listener resets whatever is still in its queue.
        // net.Server#close, not http.Server#close, which also runs closeIdleConnections() (see above).
        // The callback runs once the last connection has ended.
        setImmediate(() => {
          NetServer.prototype.close.call(server, () => {
            clearInterval(timer);
            resolve();
          });
        });
        sweep();
      });
      return drained;
    },
  };
}
