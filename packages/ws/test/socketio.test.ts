import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { until, type World, world } from './harness.js';

let w: World;
let sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets) s.disconnect();
  sockets = [];
  await w?.close();
});

function connect(url: string, auth: Record<string, unknown>): Socket {
  const socket = io(`${url}/ws`, { transports: ['websocket'], auth, reconnection: false, forceNew: true });
  sockets.push(socket);
  return socket;
}

describe('Socket.IO-compatible endpoint with the real socket.io-client', () => {
  it('a bad key gets connect_error "unauthorized"', async () => {
    w = await world();
    const socket = connect(w.url, { apiKey: `hp_${'0'.repeat(48)}` });
    const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
  });

  it('connects with an API key, subscribes, and receives every server event with the original payload keys', async () => {
    w = await world();
    const socket = connect(w.url, { apiKey: w.key });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const received: Record<string, any[]> = {};
    socket.onAny((event: string, data: unknown) => {
      received[event] ??= [];
      received[event].push(data);
    });
    const ack = await socket.emitWithAck('subscribe:channel', w.channelId);
    expect(ack).toEqual({ ok: true, channelId: w.channelId });

    const review = {
      type: 'approval',
      payload: { options: [{ id: 'ok', label: 'OK' }] },
      expiresInSeconds: 1,
    };
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'deploy?', review });
    const draft = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'a',
      streamId: 's1',
    });
    await w.placet.streams.patch(w.agent, 's1', { channelId: w.channelId, text: 'ab' });
    await w.placet.streams.addStep(w.agent, 's1', { channelId: w.channelId, text: 'thinking' });
    await w.placet.messages.ack(w.agent, draft.id, w.channelId);
    const user = w.placet.userPrincipal(w.owner);
    await w.placet.reviews.respond(user, msg.id, { response: { selectedOption: 'ok' } });
    const expiring = await w.placet.messages.create(w.agent, { channelId: w.channelId, review });
    await w.placet.status.ping(w.agent, { agentId: w.channelId, status: 'busy', message: 'working' });
    socket.emit('message:delta', { channelId: w.channelId, delta: 'x', streamId: 's1' });
    socket.emit('message:progress', { channelId: w.channelId, content: 'step', toolHint: true });
    socket.emit('agent:commands', {
      channelId: w.channelId,
      commands: [{ command: 'deploy', description: 'Ship' }],
    });
    socket.emit('ping');
    await until(
      () =>
        (received['message:created']?.length ?? 0) >= 3 && !!received.pong && !!received['agent:commands'],
      5000,
    );
    await new Promise((r) => setTimeout(r, 1100));
    await w.placet.sweep();
    await until(() => !!received['review:expired'], 5000);

    expect(received['message:created']![0]).toMatchObject({
      id: msg.id,
      channelId: w.channelId,
      text: 'deploy?',
      agentName: 'bot',
      review: { status: 'pending' },
    });
    expect(received['message:updated']![0]).toMatchObject({
      id: draft.id,
      text: 'ab',
      streamState: 'streaming',
    });
    expect(Object.keys(received['message:status']![0]).sort()).toEqual([
      'channelId',
      'createdAt',
      'id',
      'index',
      'streamId',
      'text',
      'toolHint',
    ]);
    expect(received['message:delivery']![0]).toEqual({
      messageId: draft.id,
      deliveryStatus: 'agent_received',
    });
    expect(received['review:responded']![0]).toMatchObject({
      id: msg.id,
      review: { status: 'completed', response: { selectedOption: 'ok' } },
    });
    expect(received['review:expired']![0]).toMatchObject({ messageId: expiring.id });
    expect(received['agent:status']![0]).toMatchObject({
      agentId: w.channelId,
      status: 'busy',
      statusMessage: 'working',
      statusSince: expect.any(String),
    });
    expect(received['message:delta']![0]).toMatchObject({ channelId: w.channelId, delta: 'x' });
    expect(received['message:progress']![0]).toMatchObject({ channelId: w.channelId, content: 'step' });
    expect(received['agent:commands']![0]).toMatchObject({ channelId: w.channelId });
    expect(received.pong).toBeDefined();
    // No secret ever rides along (the original's review:responded carried the agent row).
    expect(JSON.stringify(received)).not.toMatch(/webhookSecret|passwordHash|keyHash/);
  });

  it("cannot subscribe to another owner's channel", async () => {
    w = await world();
    const other = await w.placet.users.create({
      email: 'z@example.test',
      displayName: 'Z',
      password: 'password-z',
    });
    const socket = connect(w.url, { apiKey: (await w.placet.apiKeys.create(other.id)).key });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const ack = await socket.emitWithAck('subscribe:channel', w.channelId);
    expect(ack).toEqual({ ok: false, error: 'Channel not found' });
    let leaked = false;
    socket.on('message:created', () => {
      leaked = true;
    });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'private' });
    await new Promise((r) => setTimeout(r, 100));
    expect(leaked).toBe(false);
  });
});
