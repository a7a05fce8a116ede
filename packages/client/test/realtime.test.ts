import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { approval, createClient, type PlacetClient } from '../src/index.js';
import { defaultSocketUrl } from '../src/realtime.js';
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

  it('a server without a WebSocket endpoint: the client long-polls (and stops trying the socket)', async () => {
    server = await startServer({ realtime: false });
    const s = server;
    const recorded = recordingFetch();
    client = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch, realtime: { WebSocket } });
    for (const option of ['ship', 'hold'] as const) {
      const review = created();
      const asking = client.ask(s.channelId, { text: 'Ship?', review: SHIP, onCreated: review.onCreated });
      await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
      await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: option } });
      expect((await asking).response).toEqual({ selectedOption: option });
    }
    expect(waits(recorded.requests)).toBe(2);
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

  it('with the global WebSocket (browsers, Node ≥ 22) the key goes in the URL; the default URL is /ws beside the API', async () => {
    expect(defaultSocketUrl('http://127.0.0.1:3001/api/v1')).toBe('ws://127.0.0.1:3001/ws');
    expect(defaultSocketUrl('https://app.example.test/hitl/api/v1')).toBe('wss://app.example.test/hitl/ws');
    server = await startServer();
    const s = server;
    const opened: string[] = [];
    // A "global" WebSocket that records the URL it is opened with (and cannot send headers).
    class GlobalWebSocket extends WebSocket {
      constructor(url: string) {
        opened.push(url);
        super(url);
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
    expect(opened).toEqual([`ws://127.0.0.1:${s.port}/ws?apiKey=${s.apiKey}`]);
    expect(waits(recorded.requests)).toBe(0);
  });
});
