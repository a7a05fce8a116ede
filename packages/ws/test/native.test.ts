import { afterEach, describe, expect, it } from 'vitest';
import { nativeClient, until, type World, world } from './harness.js';

let w: World;
afterEach(async () => w?.close());

describe('native protocol', () => {
  it('refuses a bad key before the handshake; subscribes with ownership checked', async () => {
    w = await world();
    await expect(nativeClient(w.url, `?apiKey=hp_${'0'.repeat(48)}`)).rejects.toThrow(/401/);
    const client = await nativeClient(w.url, '', { 'x-api-key': w.key });
    const other = await w.placet.users.create({
      email: 'x@example.test',
      displayName: 'X',
      password: 'password-x',
    });
    const foreign = await w.placet.channels.create(
      (await w.placet.authenticate({ apiKey: (await w.placet.apiKeys.create(other.id)).key }))!,
      { name: 'foreign' },
    );
    client.send('subscribe:channel', foreign.id);
    client.send('subscribe:channel', w.channelId);
    await until(() => client.frames.length >= 2);
    expect(client.frames[0]).toMatchObject({
      event: 'error',
      data: { event: 'subscribe:channel', message: 'Channel not found' },
    });
    expect(client.frames[1]).toEqual({ event: 'subscribed', data: { channelId: w.channelId } });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hello' });
    await w.placet.messages.create(w.agent, { channelId: foreign.id, text: 'not yours' }).catch(() => {});
    await until(() => client.frames.length >= 3);
    expect(client.frames[2]).toMatchObject({
      event: 'message:created',
      data: { text: 'hello', channelId: w.channelId },
      seq: expect.any(Number),
    });
    client.send('ping');
    await until(() => client.frames.some((f) => f.event === 'pong'));
    await client.close();
  });

  it('resume after a disconnect replays exactly the missed events, in order, then live ones', async () => {
    w = await world();
    const first = await nativeClient(w.url, `?apiKey=${w.key}`);
    first.send('subscribe:channel', w.channelId);
    await until(() => first.frames.length === 1);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'seen' });
    await until(() => first.frames.length === 2);
    const lastSeq = first.frames[1]!.seq!;
    await first.close();
    for (const text of ['missed 1', 'missed 2', 'missed 3'])
      await w.placet.messages.create(w.agent, { channelId: w.channelId, text });
    const second = await nativeClient(w.url, `?apiKey=${w.key}`);
    second.send('subscribe:channel', w.channelId);
    await until(() => second.frames.length === 1);
    second.send('resume', { fromSeq: lastSeq });
    await until(() => second.frames.length === 4);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'live' });
    await until(() => second.frames.length === 5);
    expect(second.frames.slice(1).map((f) => f.data.text)).toEqual([
      'missed 1',
      'missed 2',
      'missed 3',
      'live',
    ]);
    const seqs = second.frames.slice(1).map((f) => f.seq!);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await second.close();
  });

  it('relays deltas only into channels the sender owns', async () => {
    w = await world();
    const watcher = await nativeClient(w.url, `?apiKey=${w.key}`);
    watcher.send('subscribe:channel', w.channelId);
    const other = await w.placet.users.create({
      email: 'y@example.test',
      displayName: 'Y',
      password: 'password-y',
    });
    const intruder = await nativeClient(w.url, `?apiKey=${(await w.placet.apiKeys.create(other.id)).key}`);
    intruder.send('message:delta', { channelId: w.channelId, delta: 'injected' });
    await until(() => intruder.frames.length === 1);
    expect(intruder.frames[0]).toMatchObject({
      event: 'error',
      data: { event: 'message:delta', message: 'Channel not found' },
    });
    const sender = await nativeClient(w.url, `?apiKey=${w.key}`);
    sender.send('message:delta', { channelId: w.channelId, delta: 'Hel', streamId: 's1' });
    await until(() => watcher.frames.some((f) => f.event === 'message:delta'));
    expect(watcher.frames.filter((f) => f.event === 'message:delta').map((f) => f.data.delta)).toEqual([
      'Hel',
    ]);
    await Promise.all([watcher.close(), intruder.close(), sender.close()]);
  });

  it('disconnectAll closes every socket with 1012 and keeps accepting: a client resumes what it missed', async () => {
    w = await world();
    const first = await nativeClient(w.url, `?apiKey=${w.key}`);
    first.send('subscribe:channel', w.channelId);
    await until(() => first.frames.length === 1);
    const closed = new Promise<number>((resolve) => first.socket.once('close', (code) => resolve(code)));
    expect(w.realtime.disconnectAll()).toBe(1);
    expect(await closed).toBe(1012);
    const missed = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'while away' });
    const again = await nativeClient(w.url, `?apiKey=${w.key}`);
    again.send('subscribe:channel', w.channelId);
    await until(() => again.frames.some((f) => f.event === 'subscribed'));
    again.send('resume', { fromSeq: first.frames.at(-1)?.seq ?? 0 });
    await until(() => again.frames.some((f) => f.event === 'message:created' && f.data.id === missed.id));
    await again.close();
  });

  it('?fromSeq= on the handshake replays what a person missed before any live event, in order, once', async () => {
    let human: ReturnType<World['placet']['userPrincipal']> | undefined;
    w = await world({ authenticateUser: () => human ?? null });
    human = w.placet.userPrincipal(w.owner);
    const first = await nativeClient(w.url, '');
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'seen' });
    await until(() => first.frames.length === 1);
    const lastSeq = first.frames[0]!.seq!;
    await first.close();
    for (const text of ['missed 1', 'missed 2']) {
      await w.placet.messages.create(w.agent, { channelId: w.channelId, text });
    }
    const again = await nativeClient(w.url, `?fromSeq=${lastSeq}`);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'live' });
    await until(() => again.frames.length >= 3);
    expect(again.frames.map((f) => f.data.text)).toEqual(['missed 1', 'missed 2', 'live']);
    const seqs = again.frames.map((f) => f.seq!);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    await expect(nativeClient(w.url, '?fromSeq=-1')).rejects.toThrow(/400/);
    await again.close();
  });

  it('disconnects a consumer that never reads, keeping server memory bounded', async () => {
    w = await world({ maxBufferedBytes: 64 * 1024 });
    const slow = await nativeClient(w.url, `?apiKey=${w.key}`);
    slow.send('subscribe:channel', w.channelId);
    await until(() => slow.frames.length === 1);
    // Stop reading: the kernel buffers fill, then the server's send buffer grows past the limit.
    slow.socket.pause();
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    let closed = false;
    slow.socket.on('close', () => {
      closed = true;
    });
    const big = 'x'.repeat(200_000);
    for (let i = 0; i < 200 && w.realtime.connections() > 0; i++) {
      await w.placet.messages.create(w.agent, { channelId: w.channelId, text: big });
    }
    await until(() => w.realtime.connections() === 0, 10_000);
    expect(w.realtime.connections()).toBe(0);
    void closed;
  });
});
