import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { approval, createClient, type PlacetClient } from '../src/index.js';
import { defaultSocketUrl, RealtimeLink } from '../src/realtime.js';
import { recordingFetch, startServer, type TestServer } from './harness.js';

const SHIP = approval({
  options: [
    { id: 'ship', label: 'Ship' },
    { id: 'hold', label: 'Hold' },
  ],
});

let server: TestServer | undefined;
let client: PlacetClient | undefined;
afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
  vi.unstubAllGlobals();
});

/** The id of the message `ask()` created, once it exists. */
function created() {
  let id = '';
  return {
    onCreated: (m: { id: string }) => {
      id = m.id;
    },
    id: () => id,
  };
}

const waits = (requests: readonly string[]) => requests.filter((r) => r.endsWith('/wait')).length;

describe('ask() over the WebSocket', () => {
  it('sleeps on the socket instead of long-polling; the event wakes it and the answer is read over HTTP', async () => {
    server = await startServer();
    const s = server;
    const recorded = recordingFetch();
    client = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch, realtime: { WebSocket } });
    const review = created();
    const asking = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: review.onCreated });
    // Subscribed, and the review read once: nothing answered yet, so it sleeps on the socket.
    await expect.poll(() => recorded.count(/^GET \/api\/v1\/reviews\/[^/]+$/)).toBe(1);
    expect(s.placet.reviews.waiterCount()).toBe(0);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'ship' } });

    expect(await asking).toMatchObject({ status: 'completed', response: { selectedOption: 'ship' } });
    expect(recorded.requests).toEqual([
      'POST /api/v1/messages',
      `GET /api/v1/reviews/${review.id()}`,
      `GET /api/v1/reviews/${review.id()}`,
    ]);
  });

  it('survives a server restart mid-wait: the socket drops, the long-poll takes over, the same answer comes', async () => {
    server = await startServer();
    const s = server;
    const recorded = recordingFetch();
    client = createClient({
      url: s.url,
      apiKey: s.apiKey,
      fetch: recorded.fetch,
      realtime: { WebSocket },
      retry: { minDelayMs: 50, maxDelayMs: 200 },
    });
    const review = created();
    const asking = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: review.onCreated });
    await expect.poll(() => recorded.count(/^GET \/api\/v1\/reviews\/[^/]+$/)).toBe(1);
    expect(waits(recorded.requests)).toBe(0);

    await s.restart({ downMs: 300 });
    // The socket dropped with the server: the wait fell back to the long-poll, which is held again now.
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'hold' } });

    const result = await asking;
    expect(result).toMatchObject({ status: 'completed', response: { selectedOption: 'hold' } });
    expect(result.message.id).toBe(review.id());
    expect(waits(recorded.requests)).toBeGreaterThanOrEqual(1);
    expect(recorded.count(/^POST /)).toBe(1);
  });

  it('a server without a WebSocket endpoint: the client long-polls, and stops trying the socket after 3 failures', async () => {
    server = await startServer({ realtime: false });
    const s = server;
    const recorded = recordingFetch();
    let attempts = 0;
    class Counting extends WebSocket {
      constructor(url: string, options?: WebSocket.ClientOptions) {
        attempts++;
        super(url, options);
      }
    }
    client = createClient({
      url: s.url,
      apiKey: s.apiKey,
      fetch: recorded.fetch,
      realtime: { WebSocket: Counting },
    });
    for (const option of ['ship', 'hold', 'ship', 'hold'] as const) {
      const review = created();
      const asking = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: review.onCreated });
      await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
      await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: option } });
      expect((await asking).response).toEqual({ selectedOption: option });
    }
    expect(waits(recorded.requests)).toBe(4);
    expect(attempts).toBe(3);
  });

  it('a socket that misses the event: the wait reads again after a long-poll of silence, and at once on resync', async () => {
    server = await startServer({ realtime: false });
    const s = server;
    // A WebSocket endpoint that confirms subscriptions and never relays an event (a broken proxy).
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    const sockets: WebSocket[] = [];
    silent.on('connection', (socket) => {
      sockets.push(socket);
      socket.on('message', (raw) => {
        const frame = JSON.parse(String(raw));
        if (frame.event === 'subscribe:channel')
          socket.send(JSON.stringify({ event: 'subscribed', data: { channelId: frame.data } }));
      });
    });
    await new Promise((resolve) => silent.once('listening', resolve));
    try {
      const recorded = recordingFetch();
      client = createClient({
        url: s.url,
        apiKey: s.apiKey,
        fetch: recorded.fetch,
        pollTimeoutMs: 1000,
        realtime: { WebSocket, url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws` },
      });
      const reads = () => recorded.count(/^GET \/api\/v1\/reviews\/[^/]+$/);
      const first = created();
      const asking = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: first.onCreated });
      await expect.poll(reads).toBe(1);
      await s.placet.reviews.respond(s.human, first.id(), { response: { selectedOption: 'ship' } });
      // No event comes: a second read after a second of silence finds the answer.
      expect((await asking).response).toEqual({ selectedOption: 'ship' });
      expect(reads()).toBe(2);

      // On `resync` the wait reads at once (with the longest silence, a missed resync would time the test out).
      client.close();
      client = createClient({
        url: s.url,
        apiKey: s.apiKey,
        fetch: recorded.fetch,
        realtime: { WebSocket, url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws` },
      });
      const second = created();
      const again = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: second.onCreated });
      await expect.poll(reads).toBe(3);
      await s.placet.reviews.respond(s.human, second.id(), { response: { selectedOption: 'hold' } });
      for (const socket of sockets)
        socket.send(JSON.stringify({ event: 'resync', data: { reason: 'retention' } }));
      expect((await again).response).toEqual({ selectedOption: 'hold' });
      expect(waits(recorded.requests)).toBe(0);
    } finally {
      client?.close();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('an abort while sleeping on the socket rejects with the reason and leaves the review pending', async () => {
    server = await startServer();
    const s = server;
    const recorded = recordingFetch();
    client = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch, realtime: { WebSocket } });
    const controller = new AbortController();
    const review = created();
    const asking = client.ask(s.channelId, {
      text: 'Ship?',
      review: SHIP,
      onCreated: review.onCreated,
      signal: controller.signal,
    });
    await expect.poll(() => recorded.count(/^GET \/api\/v1\/reviews\/[^/]+$/)).toBe(1);
    controller.abort(new Error('the job was cancelled'));
    await expect(asking).rejects.toThrow('the job was cancelled');
    const message = await s.placet.messages.get(
      (await s.placet.authenticate({ apiKey: s.apiKey }))!,
      review.id(),
      s.channelId,
    );
    expect(message.review?.status).toBe('pending');
  });

  it('with the global WebSocket (Node ≥ 22) the key goes in the header; the default URL is /ws beside the API', async () => {
    expect(defaultSocketUrl('http://127.0.0.1:3001/api/v1')).toBe('ws://127.0.0.1:3001/ws');
    expect(defaultSocketUrl('https://app.example.test/hitl/api/v1')).toBe('wss://app.example.test/hitl/ws');
    server = await startServer();
    const s = server;
    const opened: { url: string; headers: unknown }[] = [];
    class GlobalWebSocket extends WebSocket {
      constructor(url: string, options?: WebSocket.ClientOptions) {
        opened.push({ url, headers: options?.headers });
        super(url, options);
      }
    }
    vi.stubGlobal('WebSocket', GlobalWebSocket);
    const recorded = recordingFetch();
    client = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch });
    const review = created();
    const asking = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: review.onCreated });
    await expect.poll(() => recorded.count(/^GET \/api\/v1\/reviews\/[^/]+$/)).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'ship' } });
    expect((await asking).response).toEqual({ selectedOption: 'ship' });
    expect(opened).toEqual([{ url: `ws://127.0.0.1:${s.port}/ws`, headers: { 'x-api-key': s.apiKey } }]);
    expect(waits(recorded.requests)).toBe(0);
  });

  it('in a browser (no headers on a WebSocket) the key goes in the URL', async () => {
    server = await startServer();
    const s = server;
    const opened: unknown[][] = [];
    class BrowserWebSocket extends WebSocket {
      constructor(...args: [string]) {
        opened.push(args);
        super(...args);
      }
    }
    const link = new RealtimeLink({
      url: `ws://127.0.0.1:${s.port}/ws`,
      apiKey: s.apiKey,
      WebSocket: BrowserWebSocket,
      keyInUrl: true,
    });
    const watch = link.watch(s.channelId, 'any-message');
    expect(await watch.ready).toBe(true);
    watch.stop();
    link.close();
    expect(opened).toEqual([[`ws://127.0.0.1:${s.port}/ws?apiKey=${s.apiKey}`]]);
  });
});
