import { FakeClock } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { nativeClient, until, type World, world } from './harness.js';

let w: World;
afterEach(async () => w?.close());

describe('user connections', () => {
  it('a human receives the events of all their channels without subscribing (ticket auth)', async () => {
    let userId = '';
    w = await world({
      redeemTicket: (ticket) => (ticket === 'good-ticket' ? { kind: 'user', userId, role: 'owner' } : null),
    });
    userId = w.owner.id;
    await expect(nativeClient(w.url, '?ticket=bad')).rejects.toThrow(/401/);
    const human = await nativeClient(w.url, '?ticket=good-ticket');
    const second = await w.placet.channels.create(w.agent, { name: 'second' });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'one' });
    await w.placet.messages.create(w.agent, { channelId: second.id, text: 'two' });
    await until(() => human.frames.filter((f) => f.event === 'message:created').length === 2);
    expect(human.frames.filter((f) => f.event === 'message:created').map((f) => f.data.text)).toEqual([
      'one',
      'two',
    ]);
    await human.close();
  });

  it('the host cookie auth decides upgrades without a key or ticket', async () => {
    let userId = '';
    w = await world({
      authenticateUser: (req) =>
        req.headers.cookie === 'session=ok' ? { kind: 'user', userId, role: 'owner' } : null,
    });
    userId = w.owner.id;
    await expect(nativeClient(w.url, '')).rejects.toThrow(/401/);
    const human = await nativeClient(w.url, '', { cookie: 'session=ok' });
    human.send('channel:read', w.channelId);
    human.send('ping');
    await until(() => human.frames.some((f) => f.event === 'pong'));
    expect(human.frames.filter((f) => f.event === 'error')).toEqual([]);
    await human.close();
  });
});

describe('heartbeat', () => {
  it('closes a peer that stops answering pings, on the injected clock', async () => {
    const clock = new FakeClock();
    w = await world({ pingIntervalMs: 1000, clock });
    const client = await nativeClient(w.url, `?apiKey=${w.key}`);
    // A live peer answers pings automatically (ws does): it survives several intervals.
    for (let i = 0; i < 3; i++) {
      await clock.advance(1000);
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(w.realtime.connections()).toBe(1);
    // A dead peer: stop the client from answering (its socket stops reading).
    (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await clock.advance(1000);
    await clock.advance(1000);
    await until(() => w.realtime.connections() === 0);
    expect(w.realtime.connections()).toBe(0);
  });
});
