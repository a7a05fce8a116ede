import { type AgentPrincipal, memoryStore } from '@placet/core';
import { afterEach, describe, expect, it } from 'vitest';
import { placetRouter } from '../src/index.js';
import { call, newKey, pendingReview, type Server, startServer } from './harness.js';

/**
 * The rate limit (`rate-limit.ts`): per API key or per user — never per IP, since every test request
 * comes from 127.0.0.1 — a fixed window, 429 `RATE_LIMITED` with `Retry-After`; a long-poll counts once,
 * on arrival (the cap on long-polls held at once is tested in wait-limits.test.ts).
 */

let s: Server;
afterEach(async () => s?.close());

const MAX = 5;
const limited = { router: { rateLimit: { windowMs: 60_000, max: MAX } } };

const api = (path: string, init: Parameters<typeof call>[1] = {}) => call(`${s.url}/api/v1${path}`, init);
const asKey = (key: string) => ({ 'x-api-key': key, 'content-type': 'application/json' });

/** A long-poll (on an answered review, so it returns at once). */
const longPoll = (id: string, key: string) =>
  api(`/reviews/${id}/wait?channel=${s.channelId}&timeout=30000`, { headers: asKey(key) });

/** The `Retry-After` of a 429: whole seconds, at least 1, at most the window. */
function expectRetryAfter(headers: Headers): void {
  const value = headers.get('retry-after');
  expect(value).toMatch(/^\d+$/);
  const seconds = Number(value);
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(60);
}

describe('rate limit', () => {
  it('lets max requests through; the next is a 429 RATE_LIMITED with Retry-After', async () => {
    s = await startServer(limited);
    for (let i = 1; i <= MAX; i++) {
      const res = await api('/agents', { headers: s.agent });
      expect(res.status, `request ${i}`).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe(String(MAX));
      expect(res.headers.get('ratelimit-remaining')).toBe(String(MAX - i));
      expect(res.headers.get('retry-after')).toBeNull();
    }
    const over = await api('/agents', { headers: s.agent });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', code: 'RATE_LIMITED' });
    // Only the error fields.
    expect(['statusCode', 'error', 'code', 'message', 'issues']).toEqual(
      expect.arrayContaining(Object.keys(over.body)),
    );
    expectRetryAfter(over.headers);
    expect(over.headers.get('ratelimit-remaining')).toBe('0');
    // Still limited: every further request is refused too.
    expect((await api('/plugins', { headers: s.agent })).status).toBe(429);
  });

  it('a refused request does nothing: the handler never runs', async () => {
    s = await startServer(limited);
    for (let i = 0; i < MAX; i++) expect((await api('/agents', { headers: s.agent })).status).toBe(200);
    const refused = await api('/messages', {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, text: 'over the limit' },
    });
    expect(refused.status).toBe(429);
    const agent = (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal;
    expect((await s.placet.messages.list(agent, { channel: s.channelId })).data).toEqual([]);
  });

  it('counts per API key, not per IP: another key (even of the same user) still passes', async () => {
    s = await startServer(limited);
    for (let i = 0; i <= MAX; i++) await api('/agents', { headers: s.agent });
    expect((await api('/agents', { headers: s.agent })).status).toBe(429);

    const sameUser = await newKey(s.placet, s.owner.id);
    for (let i = 0; i < MAX; i++)
      expect((await api('/agents', { headers: asKey(sameUser) })).status).toBe(200);
    expect((await api('/agents', { headers: asKey(sameUser) })).status).toBe(429);

    const otherUser = await s.placet.users.create({
      email: `other-${Math.random()}@example.test`,
      displayName: 'Other',
      role: 'owner',
    });
    expect((await api('/agents', { headers: asKey(await newKey(s.placet, otherUser.id)) })).status).toBe(200);
    // The owner as a human has a budget of their own.
    expect((await api('/me', { headers: s.human })).status).toBe(200);
  });

  it('counts a human per user', async () => {
    s = await startServer(limited);
    for (let i = 0; i < MAX; i++) expect((await api('/me', { headers: s.human })).status).toBe(200);
    const over = await api('/reviews', { headers: s.human });
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 'RATE_LIMITED' });
    expectRetryAfter(over.headers);
    expect((await api('/agents', { headers: s.agent })).status).toBe(200);
  });

  it('counts a long-poll once, on arrival, and refuses one over the limit', async () => {
    s = await startServer(limited);
    const id = await pendingReview(s);
    await s.placet.reviews.respond(s.placet.userPrincipal(s.owner), id, {
      response: { selectedOption: 'yes' },
    });
    for (let i = 1; i <= MAX; i++) {
      const waited = await longPoll(id, s.key);
      expect(waited.status, `long-poll ${i}: ${JSON.stringify(waited.body)}`).toBe(200);
      expect(waited.body).toMatchObject({ status: 'completed' });
      expect(waited.headers.get('ratelimit-remaining')).toBe(String(MAX - i));
    }
    const over = await longPoll(id, s.key);
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ code: 'RATE_LIMITED' });
    expectRetryAfter(over.headers);
    // The long-polls spent the key's budget for every other endpoint too.
    expect((await api('/agents', { headers: s.agent })).status).toBe(429);

    // And the other way round: a spent budget refuses the long-poll as well.
    const fresh = await newKey(s.placet, s.owner.id);
    for (let i = 0; i < MAX; i++) expect((await api('/agents', { headers: asKey(fresh) })).status).toBe(200);
    expect((await longPoll(id, fresh)).status).toBe(429);
  });

  it('a new window starts after windowMs', async () => {
    s = await startServer({ router: { rateLimit: { windowMs: 1000, max: 1 } } });
    expect((await api('/agents', { headers: s.agent })).status).toBe(200);
    const over = await api('/agents', { headers: s.agent });
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await api('/agents', { headers: s.agent })).status).toBe(200);
  });

  it('rateLimit: false turns it off; invalid options are refused', async () => {
    s = await startServer({ router: { rateLimit: false } });
    for (let i = 0; i < 20; i++) expect((await api('/agents', { headers: s.agent })).status).toBe(200);
    const res = await api('/agents', { headers: s.agent });
    expect(res.headers.get('ratelimit-limit')).toBeNull();
    expect(() => placetRouter(s.placet, { rateLimit: { windowMs: 60_000, max: 0 } })).toThrow(/rateLimit/);
  });

  it('the default allows 600 requests a minute', async () => {
    s = await startServer({ store: memoryStore() });
    const res = await api('/agents', { headers: s.agent });
    expect(res.headers.get('ratelimit-limit')).toBe('600');
    expect(res.headers.get('ratelimit-remaining')).toBe('599');
  });
});
