import { afterEach, describe, expect, it } from 'vitest';
import { choiceReview, codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

describe('reviews', () => {
  it('applies expiry precedence and clamps beyond 36 h, returning the effective expiresAt', async () => {
    w = await world();
    const now = w.clock.now().getTime();
    const inSeconds = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 60, expiresAt: '2030-01-01T00:00:00Z' }),
    });
    expect(inSeconds.review?.expiresAt).toBe(new Date(now + 60_000).toISOString());
    const byDefault = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview(),
    });
    expect(byDefault.review?.expiresAt).toBe(new Date(now + 24 * 3600_000).toISOString());
    const clamped = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 999_999 }),
    });
    expect(clamped.review?.expiresAt).toBe(new Date(now + 36 * 3600_000).toISOString());
    expect(
      await codeOf(
        w.placet.messages.create(w.agent, {
          channelId: w.channelId,
          review: choiceReview({ expiresAt: '2020-01-01T00:00:00Z' }),
        }),
      ),
    ).toBe('INVALID_EXPIRY');
  });

  it('takes a valid human answer exactly once; agents can never answer', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    expect(
      await codeOf(w.placet.reviews.respond(w.agent, msg.id, { response: { selectedOption: 'approve' } })),
    ).toBe('FORBIDDEN');
    await expect(
      w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'maybe' } }),
    ).rejects.toMatchObject({
      code: 'INVALID_REVIEW_RESPONSE',
      issues: [{ path: 'response.selectedOption' }],
    });
    const answered = await w.placet.reviews.respond(w.user, msg.id, {
      response: { selectedOption: 'approve' },
      feedback: 'ship it',
    });
    expect(answered.review).toMatchObject({
      status: 'completed',
      response: { selectedOption: 'approve' },
      respondedBy: w.owner.id,
      feedback: 'ship it',
      completedAt: w.clock.now().toISOString(),
    });
    const again = await w.placet.reviews
      .respond(w.user, msg.id, { response: { selectedOption: 'reject' } })
      .catch((e) => e);
    expect(again).toMatchObject({
      code: 'REVIEW_NOT_PENDING',
      status: 409,
      message: 'Review already responded',
    });
  });

  it('50 concurrent answers: exactly one wins, one review:responded event', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    const events: string[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => events.push(e.type));
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        w.placet.reviews.respond(w.user, msg.id, {
          response: { selectedOption: i % 2 ? 'approve' : 'reject' },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(losers.every((r) => (r.reason as { status: number }).status === 409)).toBe(true);
    await w.clock.advance(1);
    expect(events.filter((t) => t === 'review:responded')).toHaveLength(1);
  });

  it('refuses an answer after expiry and the sweeper emits review:expired exactly once', async () => {
    w = await world();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 30 }),
    });
    const expired: unknown[] = [];
    w.placet.events.subscribe(
      { ownerId: w.owner.id },
      (e) => e.type === 'review:expired' && expired.push(e.payload),
    );
    await w.clock.advance(30_000);
    // Past expiresAt but before the sweep: the conditional update already refuses it.
    const late = await w.placet.reviews
      .respond(w.user, msg.id, { response: { selectedOption: 'approve' } })
      .catch((e) => e);
    expect(late).toMatchObject({ code: 'REVIEW_NOT_PENDING', message: 'Review has expired' });
    await w.clock.advance(60_000); // Several sweeps.
    expect(expired).toEqual([{ messageId: msg.id, channelId: w.channelId }]);
    expect((await w.placet.reviews.get(w.agent, msg.id)).review?.status).toBe('expired');
  });

  it('expires each review when it falls due, not at the next periodic sweep (nextExpiry)', async () => {
    w = await world({ placet: { sweepIntervalMs: 3_600_000 } });
    const expired: string[] = [];
    w.placet.events.subscribe(
      { ownerId: w.owner.id },
      (e) => e.type === 'review:expired' && expired.push((e.payload as { messageId: string }).messageId),
    );
    const later = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 90 }),
    });
    // Created after `later`, due before it: brings the sweep forward again.
    const sooner = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 30 }),
    });
    await w.clock.advance(29_999);
    expect(expired).toEqual([]);
    await w.clock.advance(1);
    expect(expired).toEqual([sooner.id]);
    await w.clock.advance(60_000);
    expect(expired).toEqual([sooner.id, later.id]);
  });

  it('lists pending reviews of the owner, newest first', async () => {
    w = await world();
    const a = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    await w.clock.advance(10);
    const b = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'no review' });
    await w.placet.reviews.respond(w.user, a.id, { response: { selectedOption: 'approve' } });
    const pending = await w.placet.reviews.listPending(w.agent, { channelId: w.channelId });
    expect(pending.map((m) => m.id)).toEqual([b.id]);
    expect(
      await codeOf(
        w.placet.reviews.get(
          w.agent,
          (await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'x' })).id,
        ),
      ),
    ).toBe('NOT_FOUND');
  });
});
