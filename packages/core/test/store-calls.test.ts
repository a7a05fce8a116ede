import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../src/index.js';
import { choiceReview, countingStore, type World, world } from './fixtures.js';

/**
 * The store calls of the hot paths, pinned (issue #24): a regression that adds a read to a create, a
 * stream PATCH or a wake-up fails here, as a count rather than a time. Each list is every repository call
 * the operation makes, through the facade (the HTTP layer adds the API-key lookup).
 */
let w: World;
let counting: ReturnType<typeof countingStore>;
afterEach(async () => w?.placet.stop());

const settle = async (turns = 10) => {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
};

/** The calls `action` makes (the event hub's reads after the commit included), sorted. */
async function callsOf(action: () => Promise<unknown>): Promise<string[]> {
  await settle();
  const before = new Map(counting.calls);
  await action();
  await settle();
  const made: string[] = [];
  for (const [key, n] of counting.calls) for (let i = before.get(key) ?? 0; i < n; i++) made.push(key);
  return made.sort();
}

describe('store calls per operation', () => {
  it('a message create', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    const create = () => w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hi' });
    expect(await callsOf(create)).toEqual(['channels.findById', 'tx.events.append', 'tx.messages.insert']);
    // No read-back of the row just written, no review lookup, no outbox read after the commit; the
    // channel, seen before, is no read either (a single-process store).
    expect(await callsOf(create)).toEqual(['tx.events.append', 'tx.messages.insert']);
  });

  it('a channel seen before is no read; a change to it is seen at once', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    expect((await w.placet.channels.get(w.agent, w.channelId)).status).toBe('offline');
    expect(await callsOf(() => w.placet.channels.get(w.agent, w.channelId))).toEqual([]);
    await w.placet.status.ping(w.agent, { agentId: w.channelId, status: 'busy' });
    expect((await w.placet.channels.get(w.agent, w.channelId)).status).toBe('busy');
    await w.placet.channels.delete(w.user, w.channelId);
    await expect(
      w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hi' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a message create with a review', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    const calls = await callsOf(() =>
      w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'ok?', review: choiceReview() }),
    );
    expect(calls).toEqual([
      'channels.findById',
      'tx.audit.append',
      'tx.audit.lockHead',
      'tx.events.append',
      'tx.messages.insert',
      'tx.reviews.insert',
    ]);
  });

  it('a stream PATCH', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Th',
      streamId: 's-1',
      streamState: 'streaming',
    });
    const calls = await callsOf(() =>
      w.placet.streams.patch(w.agent, 's-1', { channelId: w.channelId, text: 'Thinking…' }),
    );
    expect(calls).toEqual([
      'tx.events.append',
      'tx.messages.updateStreamOf',
      'tx.reviews.findByMessageIds',
      'tx.statusSteps.listByStreams',
    ]);
  });

  it('an API key seen before: no read on a single-process store; a revoked one is refused at once', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    await w.placet.authenticate({ apiKey: w.key });
    expect(await callsOf(() => w.placet.authenticate({ apiKey: w.key }))).toEqual([]);
    const [listed] = await w.placet.apiKeys.list(w.owner.id);
    await w.placet.apiKeys.revoke(w.owner.id, listed!.id);
    expect(await w.placet.authenticate({ apiKey: w.key })).toBeNull();
  });

  it('a key a host deletes in the store directly is trusted for at most 30 s more', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    await w.placet.authenticate({ apiKey: w.key });
    const [listed] = await w.placet.apiKeys.list(w.owner.id);
    await counting.store.apiKeys.delete(listed!.id);
    expect(await w.placet.authenticate({ apiKey: w.key })).not.toBeNull();
    await w.clock.advance(30_000);
    expect(await w.placet.authenticate({ apiKey: w.key })).toBeNull();
  });

  it('a wake-up: what a sleeping long-poll adds to the answer', async () => {
    counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    const ask = () => w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    const answer = (id: string) =>
      w.placet.reviews.respond(w.user, id, { response: { selectedOption: 'approve' } });

    // The first answer creates the receipt key ring: take that out of the comparison.
    await answer((await ask()).id);
    const alone = await ask();
    const answerAlone = await callsOf(() => answer(alone.id));

    const waited = await ask();
    const waiting = w.placet.reviews.wait(w.agent, waited.id, { channelId: w.channelId, timeoutMs: 30_000 });
    await settle();
    expect(w.placet.reviews.waiterCount()).toBe(1);
    let result: unknown;
    const answerWoken = await callsOf(async () => {
      await answer(waited.id);
      result = await waiting;
    });
    expect(result).toMatchObject({ status: 'completed', message: { id: waited.id } });
    const extra = [...answerWoken];
    for (const call of answerAlone) {
      const at = extra.indexOf(call);
      if (at >= 0) extra.splice(at, 1);
    }
    expect({ answer: answerAlone, wake: extra }).toEqual({
      answer: [
        'kv.get',
        'messages.findById',
        'reviews.findByMessageId',
        'tx.audit.append',
        'tx.audit.lockHead',
        'tx.events.append',
        'tx.kv.set',
        'tx.messages.update',
        'tx.reviews.complete',
      ],
      // The answer's event carries what the wait returns.
      wake: [],
    });
  });
});
