import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Clock } from '@placet/core/adapter';

/** Engine.IO v4 packet types: the first character of every packet. */
export const EIO = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
} as const;

/** Packets of one long-polling payload are separated by the ASCII record separator. */
export const SEPARATOR = '\x1e';

/** Engine.IO's error codes (the JSON body of a refused request), as the reference server answers them. */
export const ERRORS = {
  unknownTransport: { code: 0, message: 'Transport unknown' },
  unknownSid: { code: 1, message: 'Session ID unknown' },
  badHandshakeMethod: { code: 2, message: 'Bad handshake method' },
  badRequest: { code: 3, message: 'Bad request' },
  unsupportedProtocol: { code: 5, message: 'Unsupported protocol version' },
} as const;

export interface EngineOptions {
  pingIntervalMs: number;
  pingTimeoutMs: number;
  maxPayloadBytes: number;
  maxBufferedBytes: number;
  clock: Clock;
}

/** Refuses a long-polling request as the reference server does: 400 and `{ code, message }`. */
export function refuse(res: ServerResponse, error: { code: number; message: string }): void {
  if (res.headersSent) return;
  const body = JSON.stringify(error);
  res.writeHead(400, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/** Refuses an upgrade before the handshake, with the same body. */
export function rejectUpgrade(socket: Duplex, error: { code: number; message: string }): void {
  const body = JSON.stringify(error);
  socket.end(
    `HTTP/1.1 400 Bad Request: Engine.IO ${error.message.toLowerCase()}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
