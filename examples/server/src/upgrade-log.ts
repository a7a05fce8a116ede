import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '@placet/core';

/** Which kind of credential an upgrade request carried (never its value). */
function credentialOf(req: IncomingMessage, url: URL): string {
  if (req.headers['x-api-key'] !== undefined) return 'x-api-key header';
  if (/^Bearer\s/i.test(req.headers.authorization ?? '')) return 'bearer header';
  if (url.searchParams.has('apiKey')) return 'apiKey query parameter';
  if (url.searchParams.has('ticket')) return 'ticket';
  if (req.headers.cookie !== undefined) return 'cookie';
  return 'none';
}

/**
 * Logs every WebSocket upgrade on `paths` that is refused before the handshake (wrong credentials, a bad
 * `fromSeq`, an Engine.IO version not served, a malformed handshake): one line with the path (never the
 * query: it may hold `?apiKey=`), the HTTP status and reason sent, which kind of credential was offered,
 * and the client address. 4xx at info, 5xx at warn, 503 at debug (an outage is logged once, by the engine).
 *
 * `attachRealtime` answers a refusal by writing an HTTP response on the raw socket; this listener, added
 * before it, watches for that response (anything but `101`) instead of reaching into the realtime code.
 * Socket.IO refusals after the handshake (`connect_error` "unauthorized") are not upgrades and are not
 * seen here.
 */
export function logRefusedUpgrades(server: Server, logger: Logger, paths: readonly string[]): void {
  server.prependListener('upgrade', (req: IncomingMessage, socket: Duplex) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://placet.invalid');
    } catch {
      return;
    }
    if (!paths.includes(url.pathname)) return;
    const end = socket.end.bind(socket) as (...args: unknown[]) => Duplex;
    (socket as { end: (...args: unknown[]) => Duplex }).end = (...args: unknown[]) => {
      const [chunk] = args;
      if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
        const head = (typeof chunk === 'string' ? chunk : chunk.toString('latin1')).slice(0, 200);
        const status = /^HTTP\/1\.[01] (\d{3}) ?([^\r\n]*)/.exec(head);
        if (status && status[1] !== '101') {
          const code = Number(status[1]);
          // 503: the store is away (logged once by the engine); other 5xx: a fault; 4xx: the client's.
          const level = code === 503 ? 'debug' : code >= 500 ? 'warn' : 'info';
          logger[level]('websocket upgrade refused', {
            path: url.pathname,
            status: code,
            reason: status[2]!.slice(0, 120),
            credential: credentialOf(req, url),
            remoteAddress: req.socket.remoteAddress,
          });
        }
      }
      return end(...args);
    };
  });
}
