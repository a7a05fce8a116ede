import type { AgentPrincipal } from '@placet/core';
import { FakeClock } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { placetRouter, RouterOptionsSchema } from '../src/index.js';
import { call, newKey, pendingReview, type Server, startServer } from './harness.js';

/**
 * Long-polls held at once (`wait-slots.ts`): capped per API key and per user, 429 `RATE_LIMITED` with
 * `Retry-After` beyond the cap, the slot given back on every path (answer, timeout, hang-up, error). And
 * the `timeout` floor: a wait asked for less than 1000 ms is held for 1000 ms (on the injected clock).
 */

let s: Server;
afterEach(async () => s?.close());

type Reply = Awaited<ReturnType<typeof call>>;

const asKey = (key: string) => ({ 'x-api-key': key });

const answer = (id: string) =>
  s.placet.reviews.respond(s.placet.userPrincipal(s.owner), id, { response: { selectedOption: 'yes' } });

/** A long-poll by `key`; `timeout` in ms as on the wire. */
function wait(id: string, key: string, options: { timeout?: number; signal?: AbortSignal } = {}) {
  return call(
    `${s.url}/api/v1/reviews/${id}/wait?channel=${s.channelId}&timeout=${options.timeout ?? 30000}`,
    {
      headers: asKey(key),
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}

/** A wait expected to be refused at once (the signal only bounds how long a wrong server could hold it). */
const refused = (id: string, key: string) => wait(id, key, { signal: AbortSignal.timeout(5000) });

/** Polls a condition (never a fixed sleep). */
async function until(predicate: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not reached in time: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const waiters = () => s.placet.reviews.waiterCount();

/** The 429 of the cap: RATE_LIMITED, a whole-second `Retry-After` of at least 1 and at most the wait. */
function expectCapped(reply: Reply, what: RegExp): void {
  expect(reply.status, JSON.stringify(reply.body)).toBe(429);
  expect(reply.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
  expect(reply.body.message).toMatch(what);
  const retryAfter = reply.headers.get('retry-after');
  expect(retryAfter).toMatch(/^\d+$/);
  expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(retryAfter)).toBeLessThanOrEqual(30);
}

describe('long-polls held at once', () => {
  it('the N+1-th wait of one key is a 429 with Retry-After; another key still gets through; a freed slot is reusable', async () => {
    s = await startServer({ router: { concurrentWaits: { perKey: 3, perUser: 100 } } });
    const id = await pendingReview(s);
    const hangUp = new AbortController();
    const held = [
      wait(id, s.key, { signal: hangUp.signal }).catch(() => 'hung up'),
      wait(id, s.key),
      wait(id, s.key),
    ];
    await until(() => waiters() === 3, 'three waits held');

    expectCapped(await refused(id, s.key), /at most 3 per API key/);
    expect(waiters()).toBe(3); // The refused wait never reached the engine.

    // Another key of the same user has a cap of its own.
    const other = await newKey(s.placet, s.owner.id);
    const otherWait = wait(id, other);
    await until(() => waiters() === 4, "the other key's wait held");

    // The client hanging up gives its slot back: the key may wait again.
    hangUp.abort();
    expect(await held[0]).toBe('hung up');
    await until(() => waiters() === 3, 'the hung-up wait released');
    const again = wait(id, s.key);
    await until(() => waiters() === 4, 'the freed slot reused');

    // The answer releases every slot.
    await answer(id);
    for (const reply of await Promise.all([held[1]!, held[2]!, otherWait, again])) {
      expect(reply).toMatchObject({ status: 200, body: { status: 'completed' } });
    }
    expect(waiters()).toBe(0);
    const next = await pendingReview(s);
    const refill = [wait(next, s.key), wait(next, s.key), wait(next, s.key)];
    await until(() => waiters() === 3, 'three waits held again after the answer');
    expectCapped(await refused(next, s.key), /per API key/);
    await answer(next);
    await Promise.all(refill);
  });

  it('caps a user across their keys; another user is not affected', async () => {
    s = await startServer({ router: { concurrentWaits: { perKey: 10, perUser: 2 } } });
    const id = await pendingReview(s);
    const second = await newKey(s.placet, s.owner.id);
    const held = [wait(id, s.key), wait(id, second)];
    await until(() => waiters() === 2, 'two waits of one user held');
    expectCapped(await refused(id, await newKey(s.placet, s.owner.id)), /at most 2 per user/);

    // Another user's wait (on their own review) is held.
    const stranger = await s.placet.users.create({
      email: `other-${Math.random()}@example.test`,
      displayName: 'Other',
      role: 'owner',
    });
    const strangerKey = await newKey(s.placet, stranger.id);
    const agent = (await s.placet.authenticate({ apiKey: strangerKey })) as AgentPrincipal;
    const channel = await s.placet.channels.create(agent, { name: 'other-bot' });
    const theirs = await s.placet.messages.create(agent, {
      channelId: channel.id,
      review: { type: 'approval', payload: { options: [{ id: 'yes', label: 'Yes' }] } },
    });
    const strangerWait = call(`${s.url}/api/v1/reviews/${theirs.id}/wait?channel=${channel.id}`, {
      headers: asKey(strangerKey),
    });
    await until(() => waiters() === 3, "the other user's wait held");

    await answer(id);
    await s.placet.reviews.respond(s.placet.userPrincipal(stranger), theirs.id, {
      response: { selectedOption: 'yes' },
    });
    await Promise.all([...held, strangerWait]);
    expect(waiters()).toBe(0);
  });

  it('a wait that fails gives its slot back (404s never pile up into a 429)', async () => {
    s = await startServer({ router: { concurrentWaits: { perKey: 1, perUser: 1 } } });
    for (let i = 0; i < 3; i++) {
      const missing = await wait('msg_does_not_exist', s.key);
      expect(missing.status, JSON.stringify(missing.body)).toBe(404);
    }
    const bad = await call(`${s.url}/api/v1/reviews/x/wait`, { headers: asKey(s.key) });
    expect(bad.status).toBe(400);
    const id = await pendingReview(s);
    const held = wait(id, s.key);
    await until(() => waiters() === 1, 'the wait held');
    expectCapped(await refused(id, s.key), /at most 1 per API key/);
    await answer(id);
    expect((await held).body).toMatchObject({ status: 'completed' });
  });

  it('a timeout below 1000 ms is held for 1000 ms, and the timed-out wait gives its slot back', async () => {
    const clock = new FakeClock(new Date('2026-03-01T12:00:00Z'));
    s = await startServer({
      placet: { clock, sweepIntervalMs: 3_600_000 },
      router: { concurrentWaits: { perKey: 1, perUser: 1 } },
    });
    const id = await pendingReview(s);
    let reply: Reply | undefined;
    const first = wait(id, s.key, { timeout: 1 }).then((r) => (reply = r));
    await until(() => waiters() === 1, 'the wait held');
    expectCapped(await refused(id, s.key), /at most 1 per API key/);

    await clock.advance(999);
    expect(reply).toBeUndefined();
    expect(waiters()).toBe(1);
    await clock.advance(1);
    await first;
    expect(reply).toMatchObject({ status: 200, body: { status: 'timeout' } });
    expect(waiters()).toBe(0);

    // The slot is free again.
    const second = wait(id, s.key, { timeout: 1 });
    await until(() => waiters() === 1, 'a new wait held');
    await clock.advance(1000);
    expect(await second).toMatchObject({ status: 200, body: { status: 'timeout' } });
  });

  it('concurrentWaits: false turns the cap off; invalid options are refused', async () => {
    s = await startServer({ router: { concurrentWaits: false } });
    const id = await pendingReview(s);
    const held = Array.from({ length: 5 }, () => wait(id, s.key));
    await until(() => waiters() === 5, 'five waits held');
    await answer(id);
    for (const reply of await Promise.all(held)) expect(reply.status).toBe(200);
    expect(() => placetRouter(s.placet, { concurrentWaits: { perKey: 0, perUser: 1 } })).toThrow(
      /concurrentWaits/,
    );
  });

  it('defaults to 100 per API key and 200 per user', () => {
    expect(RouterOptionsSchema.parse({}).concurrentWaits).toEqual({ perKey: 100, perUser: 200 });
    expect(RouterOptionsSchema.parse({ concurrentWaits: { perKey: 5 } }).concurrentWaits).toEqual({
      perKey: 5,
      perUser: 200,
    });
  });
});
