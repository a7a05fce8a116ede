import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlacet, memoryStore, type Placet, silentLogger } from '@placet/core';
import { approval } from '@placet/plugin-approval';
import { FakeClock } from '@placet/test-utils';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { attachRealtime, type Realtime } from '../src/index.js';
import { until, type World, world } from './harness.js';

/**
 * socket.io-client with its default options (HTTP long-polling first, then the upgrade to WebSocket), and
 * Socket.IO connection state recovery: a client that reconnects — to the same process, or to another one
 * after a restart — gets every event it missed, exactly once, with its subscriptions restored.
 */

let w: World | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await w?.close();
  w = undefined;
});

function client(url: string, auth: Record<string, unknown>, options: Parameters<typeof io>[1] = {}): Socket {
  const socket = io(`${url}/ws`, { auth, forceNew: true, ...options });
  cleanups.push(() => {
    socket.disconnect();
  });
  return socket;
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
}

/** Every `message:created` text in arrival order, with the offset each carried. */
function record(socket: Socket): { text: string; offset: unknown }[] {
  const received: { text: string; offset: unknown }[] = [];
  socket.on('message:created', (message: { text: string }, offset: unknown) =>
    received.push({ text: message.text, offset }),
  );
  return received;
}

describe('Socket.IO long-polling and the upgrade', () => {
  it('default options: starts on long-polling, upgrades to WebSocket, and gets live events on both', async () => {
    w = await world();
    const socket = client(w.url, { apiKey: w.key });
    expect(socket.io.engine.transport.name).toBe('polling');
    const upgraded = new Promise<string>((resolve) =>
      socket.io.engine.once('upgrade', (transport: { name: string }) => resolve(transport.name)),
    );
    const received = record(socket);
    await connected(socket);
    expect(await socket.emitWithAck('subscribe:channel', w.channelId)).toEqual({
      ok: true,
      channelId: w.channelId,
    });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'one' });
    expect(await upgraded).toBe('websocket');
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'two' });
    await until(() => received.length === 2);
    expect(received.map((r) => r.text)).toEqual(['one', 'two']);
    // Each event carries its outbox seq as its last argument: the offset of connection state recovery.
    expect(received.every((r) => typeof r.offset === 'string' && /^\d+$/.test(r.offset))).toBe(true);
    expect(Number(received[1]!.offset)).toBeGreaterThan(Number(received[0]!.offset));
  });

  it('long-polling only: events, acks, pings and relays all work without a WebSocket', async () => {
    w = await world({ pingIntervalMs: 200, pingTimeoutMs: 200 });
    const socket = client(w.url, { apiKey: w.key }, { transports: ['polling'] });
    const received = record(socket);
    await connected(socket);
    await socket.emitWithAck('subscribe:channel', w.channelId);
    for (const text of ['a', 'b', 'c'])
      await w.placet.messages.create(w.agent, { channelId: w.channelId, text });
    await until(() => received.length === 3);
    // Several heartbeats pass: the server pings over the poll, the client answers over a POST.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(socket.connected).toBe(true);
    const deltas: unknown[] = [];
    socket.on('message:delta', (data: unknown) => deltas.push(data));
    expect(await socket.emitWithAck('message:delta', { channelId: w.channelId, delta: 'x' })).toEqual({
      ok: true,
    });
    await until(() => deltas.length === 1);
    expect(socket.io.engine.transport.name).toBe('polling');
    expect(received.map((r) => r.text)).toEqual(['a', 'b', 'c']);
    expect(w.realtime.connections()).toBe(1);
  });

  it('answers unknown sessions and bad requests as Engine.IO does, and leaves other paths to the host', async () => {
    w = await world();
    const get = async (path: string, init?: RequestInit) => {
      const res = await fetch(`${w!.url}${path}`, init);
      return { status: res.status, body: await res.text() };
    };
    expect(await get('/socket.io/?EIO=4&transport=polling&sid=nope')).toEqual({
      status: 400,
      body: '{"code":1,"message":"Session ID unknown"}',
    });
    expect((await get('/socket.io/?EIO=3&transport=polling')).body).toContain('"code":5');
    expect((await get('/socket.io/?EIO=4&transport=carrier-pigeon')).body).toContain('"code":0');
    expect((await get('/socket.io/?EIO=4&transport=polling', { method: 'POST', body: '1' })).body).toContain(
      '"code":2',
    );
    // The host's own handler still answers everything else (the harness answers 404).
    expect((await get('/api/v1/health')).status).toBe(404);
    const handshake = await get('/socket.io/?EIO=4&transport=polling');
    expect(handshake.status).toBe(200);
    expect(JSON.parse(handshake.body.slice(1))).toMatchObject({
      upgrades: ['websocket'],
      pingInterval: 25000,
    });
  });
});

describe('Socket.IO connection state recovery', () => {
  it('after disconnectAll: the missed events, exactly once, without subscribing again (socket.recovered)', async () => {
    w = await world();
    const socket = client(w.url, { apiKey: w.key });
    const received = record(socket);
    await connected(socket);
    expect(socket.recovered).toBe(false);
    await socket.emitWithAck('subscribe:channel', w.channelId);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'seen' });
    await until(() => received.length === 1);
    const reconnected = new Promise<void>((resolve) => socket.io.once('reconnect', () => resolve()));
    expect(w.realtime.disconnectAll()).toBe(1);
    for (const text of ['missed 1', 'missed 2'])
      await w.placet.messages.create(w.agent, { channelId: w.channelId, text });
    await reconnected;
    await until(() => received.length === 3);
    expect(socket.recovered).toBe(true);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'live' });
    await until(() => received.length === 4);
    expect(received.map((r) => r.text)).toEqual(['seen', 'missed 1', 'missed 2', 'live']);
    // A client that disconnects on purpose leaves nothing to recover.
    const pid = (socket as unknown as { _pid: string })._pid;
    const kept = () => w!.placet.options.store.kv.get('placet-ws:sio', pid, new Date());
    expect(await kept()).toBeDefined();
    socket.disconnect();
    await until(async () => (await kept()) === undefined);
  });

  it('after a backend restart (another Placet and server on the same store and port): every missed event exactly once', async () => {
    const store = memoryStore();
    w = await world({}, { store });
    const { key, channelId } = w;
    const port = (w.server.address() as AddressInfo).port;
    const socket = client(w.url, { apiKey: key }); // default options: polling, then the upgrade
    const received = record(socket);
    await connected(socket);
    await socket.emitWithAck('subscribe:channel', channelId);
    await w.placet.messages.create(w.agent, { channelId, text: 'seen' });
    await until(() => received.length === 1);
    await until(() => socket.io.engine.transport.name === 'websocket');
    // The last words of the old process: committed, perhaps sent, perhaps not, as it goes down.
    const sent = ['last 1', 'last 2', 'last 3'].map((text) =>
      w!.placet.messages.create(w!.agent, { channelId, text }),
    );
    await Promise.all(sent);
    await w.close();
    w = undefined;

    // The new process, on the same store, commits events before it listens: no socket can have them.
    const b = await backend(store, port, async (placet) => {
      const agent = (await placet.authenticate({ apiKey: key }))!;
      for (const text of ['while down 1', 'while down 2'])
        await placet.messages.create(agent, { channelId, text });
    });
    await until(() => socket.connected && received.length >= 6, 15_000);
    expect(socket.recovered).toBe(true);
    const agent = (await b.placet.authenticate({ apiKey: key }))!;
    await b.placet.messages.create(agent, { channelId, text: 'live on the new process' });
    await until(() => received.some((r) => r.text === 'live on the new process'));
    expect(received.map((r) => r.text)).toEqual([
      'seen',
      'last 1',
      'last 2',
      'last 3',
      'while down 1',
      'while down 2',
      'live on the new process',
    ]);
  }, 30_000);

  it('starts afresh (recovered false) for an unknown pid, another key, or an offset beyond the outbox', async () => {
    w = await world();
    const other = await w.placet.apiKeys.create(w.owner.id, { label: 'other' });
    const socket = client(w.url, { apiKey: w.key }, { transports: ['websocket'] });
    await connected(socket);
    await socket.emitWithAck('subscribe:channel', w.channelId);
    const pid = (socket as unknown as { _pid: string })._pid;
    expect(pid).toMatch(/^[\w-]{20,}$/);
    // The pid of one key is worth nothing with another; an unknown pid is worth nothing at all.
    for (const auth of [
      { apiKey: other.key, pid, offset: '0' },
      { apiKey: w.key, pid: 'unknown-pid', offset: '0' },
      { apiKey: w.key, pid, offset: String(Number.MAX_SAFE_INTEGER) },
    ]) {
      const probe = client(w.url, auth, { transports: ['websocket'], reconnection: false });
      await connected(probe);
      expect((probe as unknown as { _pid: string })._pid).not.toBe(pid);
      expect(probe.recovered).toBe(false);
      probe.disconnect();
    }
    // The rightful client with its own pid recovers.
    const again = client(w.url, { apiKey: w.key, pid, offset: '0' }, { transports: ['websocket'] });
    await connected(again);
    expect((again as unknown as { _pid: string })._pid).toBe(pid);
  });

  it('starts afresh when retention deleted events it would need (the client reloads instead)', async () => {
    const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
    w = await world({}, { clock, eventRetentionMs: 3600_000, sweepIntervalMs: 3_600_000 });
    const socket = client(w.url, { apiKey: w.key }, { transports: ['websocket'], reconnection: false });
    const received = record(socket);
    await connected(socket);
    await socket.emitWithAck('subscribe:channel', w.channelId);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'seen' });
    await until(() => received.length === 1);
    const pid = (socket as unknown as { _pid: string })._pid;
    w.realtime.disconnectAll();
    await until(() => !socket.connected);
    await clock.advance(3600_000 + 1000);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'kept' });
    await w.placet.sweep();
    // Resuming from before the retention floor: a fresh session (another pid), not a partial replay.
    const tooOld = client(w.url, { apiKey: w.key, pid, offset: '0' }, { transports: ['websocket'] });
    await connected(tooOld);
    expect((tooOld as unknown as { _pid: string })._pid).not.toBe(pid);
    // From its own offset, the client still has everything it needs: recovered.
    socket.connect();
    await connected(socket);
    expect(socket.recovered).toBe(true);
    await until(() => received.length === 2);
    expect(received.map((r) => r.text)).toEqual(['seen', 'kept']);
  });
});

/** A second backend on `store`, listening on `port`; `before` runs after start and before it listens. */
async function backend(
  store: ReturnType<typeof memoryStore>,
  port: number,
  before: (placet: Placet) => Promise<void>,
): Promise<{ placet: Placet; server: Server; realtime: Realtime }> {
  const placet = createPlacet({ store, plugins: [approval()], logger: silentLogger() });
  await placet.start();
  await before(placet);
  const server = createServer((_req, res) => res.writeHead(404).end());
  const realtime = attachRealtime(placet, server);
  server.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(async () => {
    await realtime.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await placet.stop();
  });
  return { placet, server, realtime };
}
