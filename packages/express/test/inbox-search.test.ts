import type { AgentPrincipal } from '@placet/core';
import { InboxReadResult } from '@placet/core/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * The inbox's `search` and `order` (`GET /reviews`, `GET /reviews/count`) and "mark all read"
 * (`POST /reviews/read`) over HTTP: query and body validation name their paths, an API key is refused.
 */

let s: Server;
let agent: AgentPrincipal;
let base: string;

beforeAll(async () => {
  s = await startServer();
  agent = (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal;
  base = `${s.url}/api/v1`;
});
afterAll(async () => {
  await s?.close();
});

async function newChannel(name: string): Promise<string> {
  return (
    await s.placet.channels.create(agent, { name: `${name}-${Math.random().toString(36).slice(2, 8)}` })
  ).id;
}

async function postReview(channelId: string, text: string): Promise<string> {
  const res = await call(`${base}/messages`, {
    method: 'POST',
    headers: s.agent,
    body: {
      channelId,
      text,
      review: { type: 'approval', payload: { options: [{ id: 'approve', label: 'Approve' }] } },
    },
  });
  expect(res.status).toBe(201);
  // Distinct creation times, so that the orders are the posting order.
  await new Promise((resolve) => setTimeout(resolve, 3));
  return res.body.id as string;
}

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((m) => m.id);

describe('GET /reviews and /reviews/count: search and order', () => {
  it('search (case-insensitive, % literal) and order=oldest with nextCursor', async () => {
    const channelId = await newChannel('search-bot');
    const a = await postReview(channelId, 'Deploy web to PRODUCTION');
    const b = await postReview(channelId, 'Rotate keys');
    const c = await postReview(channelId, 'deploy api at 50% traffic');
    const get = (query: string) =>
      call(`${base}/reviews?channel=${channelId}&${query}`, { headers: s.human });

    expect(ids(await get('search=DEPLOY'))).toEqual([c, a]);
    expect(ids(await get(`search=${encodeURIComponent('50%')}`))).toEqual([c]);
    expect(ids(await get('search=production&order=oldest'))).toEqual([a]);
    const first = await get('order=oldest&limit=2');
    expect(ids(first)).toEqual([a, b]);
    expect(first.body.nextCursor).toBe(b);
    const second = await get(`order=oldest&limit=2&cursor=${b}`);
    expect(ids(second)).toEqual([c]);
    expect(second.body.nextCursor).toBeNull();
    expect(ids(await get('order=newest'))).toEqual([c, b, a]);

    const count = await call(`${base}/reviews/count?channel=${channelId}&search=deploy`, {
      headers: s.human,
    });
    expect(count.status).toBe(200);
    expect(count.body).toEqual({ count: 2, unread: 2 });
  });

  it('a search of more than 200 characters, an empty one or an unknown order is a 400 naming the path', async () => {
    const long = 'x'.repeat(201);
    for (const [path, query, field] of [
      ['/reviews', `search=${long}`, 'search'],
      ['/reviews', 'search=%20%20', 'search'],
      ['/reviews', 'order=sideways', 'order'],
      ['/reviews/count', `search=${long}`, 'search'],
    ] as const) {
      const res = await call(`${base}${path}?${query}`, { headers: s.human });
      expect(res.status, `${path}?${query.slice(0, 20)}`).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    }
  });
});

describe('POST /reviews/read: mark all read', () => {
  it('marks the matching unread reviews, answers { marked }, and the inbox and the count follow', async () => {
    const channelId = await newChannel('mark-bot');
    const a = await postReview(channelId, 'Deploy one');
    const b = await postReview(channelId, 'Deploy two');
    const c = await postReview(channelId, 'Rotate keys');
    const mark = (body?: unknown) =>
      call(`${base}/reviews/read`, { method: 'POST', headers: s.human, ...(body ? { body } : {}) });

    const res = await mark({ channel: channelId, search: 'DEPLOY' });
    expect(res.status).toBe(200);
    expect(InboxReadResult.strict().parse(res.body)).toEqual({ marked: 2 });
    const page = await call(`${base}/reviews?channel=${channelId}`, { headers: s.human });
    expect([...page.body.readIds].sort()).toEqual([a, b].sort());
    expect(page.body.readIds).not.toContain(c);
    expect((await call(`${base}/reviews/count?channel=${channelId}`, { headers: s.human })).body).toEqual({
      count: 3,
      unread: 1,
    });
    // Idempotent; a review read before keeps its readAt.
    expect((await mark({ channel: channelId, search: 'deploy' })).body).toEqual({ marked: 0 });
    // No body at all: every pending review of both scopes (here the one left in this channel, and any
    // others of this server's owner from other tests).
    const all = await mark();
    expect(all.status).toBe(200);
    expect(all.body.marked).toBeGreaterThanOrEqual(1);
    expect((await call(`${base}/reviews/count?channel=${channelId}`, { headers: s.human })).body).toEqual({
      count: 3,
      unread: 0,
    });
  });

  it('validates the body (400 naming the path), refuses an API key (403) and a foreign channel (404)', async () => {
    const channelId = await newChannel('refuse-bot');
    await postReview(channelId, 'Deploy?');
    const post = (body: unknown, headers = s.human) =>
      call(`${base}/reviews/read`, { method: 'POST', headers, body });
    for (const [body, field] of [
      [{ search: 'x'.repeat(201) }, 'search'],
      [{ search: '' }, 'search'],
      [{ status: 'nope' }, 'status'],
      [{ scope: 'everyone' }, 'scope'],
      [{ scope: 'assigned', channel: channelId }, 'channel'],
    ] as const) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
    }

    const asAgent = await post({ channel: channelId }, s.agent);
    expect(asAgent.status).toBe(403);
    expect(asAgent.body).toMatchObject({ code: 'FORBIDDEN' });
    const anonymous = await post({}, { 'content-type': 'application/json' });
    expect(anonymous.status).toBe(401);

    const stranger = await s.placet.users.create({
      email: `stranger-${Math.random()}@example.test`,
      displayName: 'Stranger',
      role: 'owner',
    });
    const foreign = await post({ channel: channelId }, { ...s.human, 'x-test-user': stranger.id });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'NOT_FOUND' });
    // Nothing was marked by the refused calls.
    expect((await call(`${base}/reviews/count?channel=${channelId}`, { headers: s.human })).body).toEqual({
      count: 1,
      unread: 1,
    });
  });
});
