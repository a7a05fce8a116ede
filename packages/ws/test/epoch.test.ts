import { afterEach, describe, expect, it } from 'vitest';
import { nativeClient, until, type World, world } from './harness.js';

let w: World;
afterEach(async () => w?.close());

describe('native: a resume the outbox cannot serve (a restored database)', () => {
  it('?epoch= gets a welcome with the epoch; a resume from beyond the last event gets a resync, then live events', async () => {
    w = await world();
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'before' });
    const last = await w.placet.events.committedSeq();

    const fresh = await nativeClient(w.url, `?epoch=&apiKey=${w.key}`);
    await until(() => fresh.frames.length >= 1);
    expect(fresh.frames[0]).toEqual({ event: 'welcome', data: { epoch: await w.placet.events.epoch() } });
    await fresh.close();

    // The client saw seq last+50 before the database was restored to `last`.
    const epoch = await w.placet.events.epoch();
    const client = await nativeClient(w.url, `?epoch=${epoch}&fromSeq=${last + 50}&apiKey=${w.key}`);
    await until(() => client.frames.length >= 2);
    expect(client.frames[0]).toEqual({ event: 'welcome', data: { epoch } }); // nobody else is affected
    expect(client.frames[1]).toEqual({
      event: 'resync',
      data: { reason: 'ahead', fromSeq: last + 50, lastSeq: last },
    });
    // Live events are not swallowed as "already seen" (their seqs are below the client's old position).
    client.send('subscribe:channel', w.channelId);
    await until(() => client.frames.some((f) => f.event === 'subscribed'));
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'after the restore' });
    await until(() => client.frames.some((f) => f.data?.text === 'after the restore'));
    await client.close();

    // A client of another epoch (the database it saw was replaced) resyncs, however small its seq.
    const stale = await nativeClient(w.url, `?epoch=another&fromSeq=1&apiKey=${w.key}`);
    await until(() => stale.frames.length >= 2);
    expect(stale.frames[1]).toEqual({ event: 'resync', data: { reason: 'epoch', fromSeq: 1 } });
    await stale.close();
  });

  it('a resume frame from beyond the last event is answered with a resync', async () => {
    w = await world();
    const last = await w.placet.events.committedSeq();
    const client = await nativeClient(w.url, `?apiKey=${w.key}`);
    client.send('resume', { fromSeq: last + 10 });
    await until(() => client.frames.some((f) => f.event === 'resync'));
    expect(client.frames.find((f) => f.event === 'resync')!.data).toMatchObject({
      reason: 'ahead',
      fromSeq: last + 10,
    });
    await client.close();
  });
});
