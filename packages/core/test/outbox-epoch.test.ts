import { describe, expect, it } from 'vitest';
import { memoryStore, type Store } from '../src/index.js';
import { world } from './fixtures.js';

describe('outbox epoch', () => {
  it('a resume within the outbox keeps the epoch; one from beyond it or from another epoch resyncs that client', async () => {
    const w = await world();
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'one' });
    const epoch = await w.placet.events.epoch();
    const last = await w.placet.events.committedSeq();
    expect(await w.placet.events.checkResume({ fromSeq: last, epoch })).toEqual({ epoch });
    expect(await w.placet.events.checkResume({ fromSeq: undefined, epoch: '' })).toEqual({ epoch });

    // A client that saw more than the database holds: that client resyncs. What a client sends never
    // changes the epoch of everyone else.
    const ahead = await w.placet.events.checkResume({ fromSeq: last + 5, epoch });
    expect(ahead).toEqual({ epoch, resync: { reason: 'ahead', fromSeq: last + 5, lastSeq: last } });
    expect(await w.placet.events.epoch()).toBe(epoch);
    // A client of another epoch resyncs, whatever its seq.
    expect((await w.placet.events.checkResume({ fromSeq: 1, epoch: 'another' })).resync).toEqual({
      reason: 'epoch',
      fromSeq: 1,
    });
    await w.placet.stop();
  });

  it('starts a new epoch when the store reports another event table, and keeps it across restarts otherwise', async () => {
    const inner = memoryStore();
    let identity = 'table-1';
    const store: Store = Object.assign(Object.create(inner) as Store, {
      outboxIdentity: async () => identity,
      close: async () => {},
    });
    const first = await world({ store });
    const epoch = await first.placet.events.epoch();
    await first.placet.stop();

    const again = await world({ store });
    expect(await again.placet.events.epoch()).toBe(epoch);
    await again.placet.stop();

    identity = 'table-2'; // the event table was dropped and created again: a restored dump
    const restored = await world({ store });
    expect(await restored.placet.events.epoch()).not.toBe(epoch);
    await restored.placet.stop();
  });
});
