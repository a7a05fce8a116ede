import WebSocket from 'ws';

export interface Frame {
  event: string;
  data: unknown;
  seq?: number;
}

export interface NativeClient {
  frames: Frame[];
  /** Every text frame as received (for scans). */
  raw: string[];
  send(event: string, data?: unknown): void;
  /** Sends `text` as one text frame, as it is. */
  sendRaw(text: string): void;
  /** How the connection closed (by either side), once it has. */
  closedWith(): { code: number; reason: string } | undefined;
  close(): Promise<void>;
}

/** A client of the native realtime protocol (`/ws`) that records every frame it receives. */
export async function nativeClient(
  origin: string,
  options: { headers?: Record<string, string>; query?: string } = {},
): Promise<NativeClient> {
  const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/ws${options.query ?? ''}`, {
    headers: options.headers ?? {},
  });
  const frames: Frame[] = [];
  const raw: string[] = [];
  let closed: { code: number; reason: string } | undefined;
  socket.on('close', (code, reason) => {
    closed = { code, reason: reason.toString() };
  });
  socket.on('message', (data) => {
    const text = data.toString();
    raw.push(text);
    frames.push(JSON.parse(text) as Frame);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    frames,
    raw,
    send: (event, data) => socket.send(JSON.stringify({ event, data })),
    sendRaw: (text) => socket.send(text),
    closedWith: () => closed,
    close: () =>
      new Promise<void>((resolve) => {
        if (socket.readyState === socket.CLOSED) return resolve();
        socket.once('close', () => resolve());
        socket.close();
      }),
  };
}
