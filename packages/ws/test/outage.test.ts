import { type Logger, memoryStore, type Store } from '@placet/core';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nativeClient, until, type World, world } from './harness.js';

/**
 * An outage is not a bad credential (issue #18): when the store cannot answer, a connection is refused as
 * retriable — the native endpoint answers 503 with Retry-After, Socket.IO closes the transport so that
 * socket.io-client reconnects — and only a credential that was checked and refused is `unauthorized`.
 */

let w: World;
let sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets) s.disconnect();
  sockets = [];
  await w?.close();
});

/** A memory store whose every call fails while `down` is set, as a database that went away. */
function flakyStore(): { store: Store; state: { down: boolean } } {
  const state = { down: false };
  const refused = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
  const wrap = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, property, receiver) {
        const value = Reflect.get(t, property, receiver) as unknown;
        if (typeof value === 'function')
          return (...args: unknown[]) => (state.down ? refused() : value.apply(t, args));
        if (value && typeof value === 'object' && property !== 'capabilities') return wrap(value);
        return value;
      },
    });
  return { store: wrap(memoryStore()), state };
}

function recordingLogger(): { logger: Logger; errors: string[] } {
  const errors: string[] = [];
  const noop = () => {};
  return { logger: { debug: noop, info: noop, warn: noop, error: (m) => errors.push(m) }, errors };
}

/** The status and Retry-After of a refused native handshake. */
function refusal(url: string): Promise<{ status: number; retryAfter: string | undefined }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => reject(new Error('the handshake was accepted')));
    socket.once('error', () => {});
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      socket.terminate();
    });
  });
}

describe('an outage is not a bad credential', () => {
  it('native /ws: 503 with Retry-After while the store is down, one log line; 401 only for a refused key', async () => {
    const { store, state } = flakyStore();
    const { logger, errors } = recordingLogger();
    w = await world({}, { store, logger });
    const ws = `${w.url.replace('http', 'ws')}/ws`;
    state.down = true;
    for (let i = 0; i < 3; i++) {
      expect(await refusal(`${ws}?apiKey=${w.key}`)).toEqual({ status: 503, retryAfter: '5' });
    }
    expect(errors.filter((line) => line.startsWith('realtime:'))).toHaveLength(1);
    state.down = false;
    expect((await refusal(`${ws}?apiKey=hp_${'0'.repeat(48)}`)).status).toBe(401);
    const client = await nativeClient(w.url, `?apiKey=${w.key}`);
    client.send('subscribe:channel', w.channelId);
    await until(() => client.frames.some((f) => f.event === 'subscribed'));
    await client.close();
  });

  it('native: a subscription the store cannot check is answered "unavailable", not "not found"', async () => {
    const { store, state } = flakyStore();
    w = await world({}, { store });
    const client = await nativeClient(w.url, `?apiKey=${w.key}`);
    state.down = true;
    client.send('subscribe:channel', w.channelId);
    await until(() => client.frames.length === 1);
    state.down = false;
    expect(client.frames[0]).toMatchObject({
      event: 'error',
      data: { event: 'subscribe:channel', message: 'Service unavailable: retry later' },
    });
    await client.close();
  });

  it('socket.io-client (default options) keeps reconnecting through the outage, then connects and receives events', async () => {
    const { store, state } = flakyStore();
    const { logger, errors } = recordingLogger();
    w = await world({}, { store, logger });
    state.down = true;
    const socket = io(`${w.url}/ws`, { auth: { apiKey: w.key }, forceNew: true });
    sockets.push(socket);
    const connectErrors: string[] = [];
    socket.on('connect_error', (error) => connectErrors.push(error.message));
    let closes = 0;
    socket.io.on('close', () => closes++);
    // Refused as retriable at least twice: each time the transport closes and the client tries again.
    await until(() => closes >= 2, 10_000);
    expect(socket.connected).toBe(false);
    expect(socket.active).toBe(true); // still trying: not given up as after "unauthorized"
    expect(connectErrors).not.toContain('unauthorized');
    expect(errors.filter((line) => line.startsWith('realtime:'))).toHaveLength(1);

    state.down = false;
    await until(() => socket.connected, 10_000);
    const received: string[] = [];
    socket.on('message:created', (message: { text: string }) => received.push(message.text));
    expect(await socket.emitWithAck('subscribe:channel', w.channelId)).toEqual({
      ok: true,
      channelId: w.channelId,
    });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'after the outage' });
    await until(() => received.includes('after the outage'));
    expect(connectErrors).not.toContain('unauthorized');
  }, 30_000);

  it('socket.io: a bad key is still "unauthorized" (and the client stops)', async () => {
    const { store } = flakyStore();
    w = await world({}, { store });
    const socket = io(`${w.url}/ws`, { auth: { apiKey: `hp_${'0'.repeat(48)}` }, forceNew: true });
    sockets.push(socket);
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
    expect(socket.active).toBe(false);
  });
});
