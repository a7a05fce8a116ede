import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { trackConnections } from './drain.js';

/** A raw HTTP/1.1 client on one connection: what a pooling client or a proxy with `keepalive` does. */
function client(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let buffer = '';
  const waiting: (() => void)[] = [];
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    for (const wake of waiting.splice(0)) wake();
  });
  const closed = new Promise<string>((resolve) => {
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.once('close', () => resolve('closed'));
  });
  const connected = new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return {
    socket,
    connected,
    closed,
    send(path: string) {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}`);
    },
    /** The next complete response (headers and `ok` body), as text. */
    async response(): Promise<string> {
      for (;;) {
        const end = buffer.indexOf('\r\n\r\nok');
        if (end >= 0) {
          const text = buffer.slice(0, end + 6);
          buffer = buffer.slice(end + 6);
          return text;
        }
        const more = new Promise<void>((resolve) => waiting.push(resolve));
        const gone = closed.then((why) => {
          throw new Error(`connection ended (${why}) before a response; got ${JSON.stringify(buffer)}`);
        });
        await Promise.race([more, gone]);
      }
    },
  };
}

describe('trackConnections: drain without resets', () => {
  let server: Server | undefined;
  const release: (() => void)[] = [];

  /** A server whose `/slow` answers when `release` is called, and everything else at once. */
  async function start(quietMs = 1_000) {
    server = createServer((req, res) => {
      req.resume();
      const answer = () => res.writeHead(200, { 'Content-Length': '2' }).end('ok');
      if (req.url === '/slow') release.push(answer);
      else answer();
    });
    const drain = trackConnections(server, { quietMs });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return { drain, port: (server.address() as AddressInfo).port };
  }

  afterEach(async () => {
    for (const answer of release.splice(0)) answer();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    server = undefined;
  });

  it('answers a request that was running when the drain began with Connection: close', async () => {
    const { drain, port } = await start();
    const c = client(port);
    c.send('/slow');
    await expect.poll(() => release.length).toBe(1);
    const drained = drain.drain();
    release.shift()!();
    expect(await c.response()).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\nConnection: close\r\n/i);
    expect(await c.closed).toBe('closed');
    await drained;
  });

  it('answers a request sent on a kept-alive connection just as the drain begins, instead of resetting it', async () => {
    const { drain, port } = await start();
    const c = client(port);
    c.send('/fast');
    expect(await c.response()).toMatch(/\r\nConnection: keep-alive\r\n/i);
    // The pooling client reuses its idle connection at the very moment the server starts draining.
    const drained = drain.drain();
    c.send('/fast');
    expect(await c.response()).toMatch(/^HTTP\/1\.1 200[\s\S]*\r\nConnection: close\r\n/i);
    expect(await c.closed).toBe('closed');
    await drained;
  });

  it('answers a connection accepted before the drain whose request arrives after it', async () => {
    const { drain, port } = await start();
    const accepted = new Promise<void>((resolve) => server!.once('connection', () => resolve()));
    const c = client(port);
    await accepted;
    const drained = drain.drain();
    c.send('/fast');
    expect(await c.response()).toMatch(/\r\nConnection: close\r\n/i);
    await drained;
  });

  it('refuses new connections once draining, and closes a quiet kept-alive connection after quietMs', async () => {
    const { drain, port } = await start(100);
    const idle = client(port);
    idle.send('/fast');
    await idle.response();
    const began = Date.now();
    const drained = drain.drain();
    expect(drain.draining).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(client(port).connected).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // Closed by the server, not reset under a request: the client sent nothing.
    expect(await idle.closed).toBe('closed');
    expect(Date.now() - began).toBeGreaterThanOrEqual(90);
    await drained;
  });
});
