import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/index.js';
import { codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('streamed replies', () => {
  it('20 concurrent first POSTs of one stream create one draft', async () => {
    w = await world();
    const drafts = await Promise.all(
      Array.from({ length: 20 }, () =>
        w.placet.messages.create(w.agent, {
          channelId: w.channelId,
          text: 'Hel',
          streamId: 'turn-1',
          streamState: 'streaming',
        }),
      ),
    );
    expect(new Set(drafts.map((d) => d.id)).size).toBe(1);
    expect(drafts[0]).toMatchObject({ streamId: 'turn-1', streamState: 'streaming', text: 'Hel' });
    expect((await w.placet.messages.list(w.agent, { channel: w.channelId })).data).toHaveLength(1);
  });

  it('PATCH replaces the text, complete finalises; a repeated final PATCH is 200, a different one 409', async () => {
    w = await world();
    const events: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => events.push(e));
    const draft = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Hel',
      streamId: 's1',
      streamState: 'streaming',
    });
    const mid = await w.placet.streams.patch(w.agent, 's1', { channelId: w.channelId, text: 'Hello wor' });
    expect(mid).toMatchObject({ id: draft.id, text: 'Hello wor', streamState: 'streaming' });
    const done = await w.placet.streams.patch(w.agent, 's1', {
      channelId: w.channelId,
      text: 'Hello world',
      complete: true,
    });
    expect(done).toMatchObject({ id: draft.id, text: 'Hello world', streamState: 'complete' });
    // An agent retries its last PATCH: harmless.
    expect(
      await w.placet.streams.patch(w.agent, 's1', {
        channelId: w.channelId,
        text: 'Hello world',
        complete: true,
      }),
    ).toMatchObject({ streamState: 'complete' });
    const changed = await w.placet.streams
      .patch(w.agent, 's1', { channelId: w.channelId, text: 'Hello, world!', complete: true })
      .catch((e) => e);
    expect(changed).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(
      await codeOf(
        w.placet.streams.patch(w.agent, 's1', { channelId: w.channelId, text: 'x', streamState: 'aborted' }),
      ),
    ).toBe('CONFLICT');
    expect(
      await codeOf(w.placet.streams.patch(w.agent, 'unknown', { channelId: w.channelId, text: 'x' })),
    ).toBe('NOT_FOUND');
    await settle();
    expect(events.map((e) => e.type)).toEqual(['message:created', 'message:updated', 'message:updated']);
  });

  it('aborts by PATCH and by a re-POST with streamState aborted (same row)', async () => {
    w = await world();
    const a = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'a',
      streamId: 'sa',
      streamState: 'streaming',
    });
    expect(
      await w.placet.streams.patch(w.agent, 'sa', {
        channelId: w.channelId,
        text: 'a b',
        streamState: 'aborted',
      }),
    ).toMatchObject({ streamState: 'aborted', text: 'a b' });
    const b = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'b',
      streamId: 'sb',
      streamState: 'streaming',
    });
    const reposted = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'b partial',
      streamId: 'sb',
      streamState: 'aborted',
    });
    expect(reposted).toMatchObject({ id: b.id, streamState: 'aborted', text: 'b partial' });
    expect(a.id).not.toBe(b.id);
    // A retried POST of a finished stream returns it unchanged.
    expect(
      await w.placet.messages.create(w.agent, {
        channelId: w.channelId,
        text: 'other',
        streamId: 'sb',
        streamState: 'streaming',
      }),
    ).toMatchObject({ id: b.id, text: 'b partial' });
  });

  it('status steps: 20 concurrent appends get indexes 0..19, before the draft exists, scoped by channel', async () => {
    w = await world();
    const steps = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        w.placet.streams.addStep(w.agent, 'tool-run', {
          channelId: w.channelId,
          text: `step ${i}`,
          toolHint: i === 0,
        }),
      ),
    );
    expect(steps.map((s) => s.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(steps.find((s) => s.text === 'step 0')?.toolHint).toBe(true);
    // A second channel with the same stream id: its steps are its own.
    const other = await w.placet.channels.create(w.agent, { name: 'other' });
    await w.placet.streams.addStep(w.agent, 'tool-run', { channelId: other.id, text: 'elsewhere' });
    const draft = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'answer',
      streamId: 'tool-run',
      streamState: 'streaming',
    });
    expect(draft.statusEvents).toHaveLength(20);
    const listed = await w.placet.messages.list(w.agent, { channel: w.channelId });
    expect(listed.data[0]?.statusEvents?.map((s) => s.index)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    const otherDraft = await w.placet.messages.create(w.agent, {
      channelId: other.id,
      text: 'x',
      streamId: 'tool-run',
    });
    expect(otherDraft.statusEvents?.map((s) => s.text)).toEqual(['elsewhere']);
  });

  it('drafts idle 5 minutes become aborted, with one message:updated each', async () => {
    w = await world();
    const idle = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'idle',
      streamId: 'idle',
      streamState: 'streaming',
    });
    const updates: EventRecord[] = [];
    w.placet.events.subscribe(
      { ownerId: w.owner.id },
      (e) => e.type === 'message:updated' && updates.push(e),
    );
    await w.clock.advance(4 * 60_000);
    await w.placet.streams.patch(w.agent, 'idle', { channelId: w.channelId, text: 'idle but alive' });
    await w.clock.advance(4 * 60_000);
    expect((await w.placet.messages.get(w.agent, idle.id)).streamState).toBe('streaming');
    await w.clock.advance(2 * 60_000);
    expect((await w.placet.messages.get(w.agent, idle.id)).streamState).toBe('aborted');
    await w.clock.advance(10 * 60_000);
    expect(updates.map((e) => (e.payload as { streamState: string }).streamState)).toEqual([
      'streaming',
      'aborted',
    ]);
  });
});
