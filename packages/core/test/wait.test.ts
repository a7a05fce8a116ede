import { memoryStore } from '@placet/core';
import { afterEach, describe, expect, it } from 'vitest';
import { choiceReview, countingStore, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

const settle = async (turns = 5) => {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
};

describe('reviews.wait', () => {
  it('returns at once for an answered review, without registering a waiter', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    const result = await w.placet.reviews.wait(w.agent, msg.id, { channelId: w.channelId });
    expect(result).toMatchObject({
      status: 'completed',
      message: { review: { response: { selectedOption: 'approve' } } },
    });
    expect(w.placet.reviews.waiterCount()).toBe(0);
  });

  it('idle waiters cost zero store reads (only the sweeper reads, once per interval); the answer wakes them', async () => {
    const counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    const messages = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() }),
      ),
    );
    const waiting = messages.map((m) =>
      w.placet.reviews.wait(w.agent, m.id, { channelId: w.channelId, timeoutMs: 30_000 }),
    );
    await settle();
    expect(w.placet.reviews.waiterCount()).toBe(10);
    const before = new Map(counting.calls);
    await w.clock.advance(25_000); // Time passes; idle waiters must not touch the store.
    const idle = [...counting.calls]
      .filter(([key, n]) => n !== (before.get(key) ?? 0))
      .map(([key, n]) => [key, n - (before.get(key) ?? 0)]);
    // 25 s / 5 s sweep interval = 5 sweeps of 5 indexed queries each, plus the next due review and the
    // next escalation step to plan the following sweep, whatever the number of waiters.
    expect(Object.fromEntries(idle)).toEqual({
      'reviews.listDue': 5,
      'reviews.nextExpiry': 5,
      'reviews.listEscalationDue': 5,
      'reviews.nextEscalation': 5,
      'messages.listStaleStreams': 5,
      'channels.listSilent': 5,
      'attachments.listOrphansBefore': 5,
    });
    await w.placet.reviews.respond(w.user, messages[3]!.id, { response: { selectedOption: 'reject' } });
    const result = await waiting[3];
    expect(result).toMatchObject({
      status: 'completed',
      message: { id: messages[3]!.id, review: { response: { selectedOption: 'reject' } } },
    });
    expect(w.placet.reviews.waiterCount()).toBe(9);
    await w.clock.advance(5_000);
    expect((await Promise.all(waiting)).filter((r) => r.status === 'timeout')).toHaveLength(9);
    expect(w.placet.reviews.waiterCount()).toBe(0);
  });

  it('times out after timeoutMs (capped at 30 s) and releases the waiter', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    let result: unknown;
    void w.placet.reviews.wait(w.agent, msg.id, { timeoutMs: 120_000 }).then((r) => (result = r));
    await settle();
    await w.clock.advance(29_999);
    expect(result).toBeUndefined();
    await w.clock.advance(1);
    expect(result).toEqual({ status: 'timeout' });
    expect(w.placet.reviews.waiterCount()).toBe(0);
  });

  it('an aborted wait releases its waiter at once', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    const controller = new AbortController();
    const waiting = w.placet.reviews.wait(w.agent, msg.id, { signal: controller.signal });
    await settle();
    expect(w.placet.reviews.waiterCount()).toBe(1);
    controller.abort();
    expect(await waiting).toEqual({ status: 'timeout' });
    expect(w.placet.reviews.waiterCount()).toBe(0);
  });

  it('wakes with expired when the review expires during the wait', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 10 }),
    });
    let result: { status: string } | undefined;
    void w.placet.reviews.wait(w.agent, msg.id, {}).then((r) => (result = r));
    await settle();
    await w.clock.advance(10_000);
    await settle();
    expect(result?.status).toBe('expired');
    expect(w.placet.reviews.waiterCount()).toBe(0);
  });

  it('an answer that lands before the waiter registers is never missed', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    const [result] = await Promise.all([
      w.placet.reviews.wait(w.agent, msg.id, {}),
      w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } }),
    ]);
    expect(result.status).toBe('completed');
  });
});
