import type { AgentPrincipal } from '@placet/core';
import type { OutboundRequest, WebhookSender } from '@placet/core/adapter';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * The dashboard's inbox and settings endpoints over HTTP: `POST /reviews/:id/read`, `readIds` of
 * `GET /reviews`, `GET /reviews/count` (registered before `/reviews/:id`) and the channel's delivery log
 * `GET /agents/:id/deliveries` with its keyset cursor.
 */

const hook: WebhookSender & { requests: OutboundRequest[] } = {
  requests: [],
  async send(request) {
    hook.requests.push(request);
    return { status: 200, error: null, durationMs: 3 };
  },
};

let s: Server;
let agent: AgentPrincipal;
let base: string;

beforeAll(async () => {
  s = await startServer({ placet: { webhookSender: hook } });
  agent = (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal;
  base = `${s.url}/api/v1`;
});
afterAll(async () => {
  await s?.close();
});

async function newChannel(name: string): Promise<string> {
  return (await s.placet.channels.create(agent, { name })).id;
}

async function postReview(channelId: string): Promise<string> {
  const res = await call(`${base}/messages`, {
    method: 'POST',
    headers: s.agent,
    body: {
      channelId,
      text: 'Deploy?',
      review: { type: 'approval', payload: { options: [{ id: 'approve', label: 'Approve' }] } },
    },
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

describe('inbox read state over HTTP', () => {
  it('/reviews/count is the count, never a review id (also for an API key: 403, not 404)', async () => {
    const channelId = await newChannel('count-bot');
    await postReview(channelId);
    const res = await call(`${base}/reviews/count?channel=${channelId}`, { headers: s.human });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ count: 1, unread: 1 });
    const asAgent = await call(`${base}/reviews/count?channel=${channelId}`, { headers: s.agent });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body).toMatchObject({ code: 'FORBIDDEN' });
    // `/reviews/:id` and `/reviews/pending` are unchanged.
    const pending = await call(`${base}/reviews/pending?channel=${channelId}`, { headers: s.agent });
    expect(pending.status).toBe(200);
    expect(pending.body).toHaveLength(1);
  });

  it('marks a review read for the caller, idempotently; the inbox and the count follow', async () => {
    const channelId = await newChannel('read-bot');
    const older = await postReview(channelId);
    const newer = await postReview(channelId);
    const inbox = () => call(`${base}/reviews?channel=${channelId}`, { headers: s.human });
    expect((await inbox()).body.readIds).toEqual([]);

    const first = await call(`${base}/reviews/${older}/read`, { method: 'POST', headers: s.human });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ read: true, readAt: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await call(`${base}/reviews/${older}/read`, { method: 'POST', headers: s.human });
    expect(second.body).toEqual(first.body);

    const page = await inbox();
    expect(page.body.data.map((m: { id: string }) => m.id)).toEqual([newer, older]);
    expect(page.body.readIds).toEqual([older]);
    expect((await call(`${base}/reviews/count?channel=${channelId}`, { headers: s.human })).body).toEqual({
      count: 2,
      unread: 1,
    });
  });

  it('a message without a review cannot be marked read (404)', async () => {
    const channelId = await newChannel('plain-bot');
    const plain = await call(`${base}/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId, text: 'just text' },
    });
    const res = await call(`${base}/reviews/${plain.body.id}/read`, { method: 'POST', headers: s.human });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe("a channel's delivery log over HTTP", () => {
  it('pages newest first with nextCursor; a cursor of another channel is a 400', async () => {
    const channelId = await newChannel('log-bot');
    await s.placet.webhooks.setWebhook(agent, { channelId, url: 'https://hooks.example.test/log' });
    const owner = s.placet.userPrincipal(s.owner);
    const messages: string[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await postReview(channelId);
      await s.placet.reviews.respond(owner, id, { response: { selectedOption: 'approve' } });
      messages.unshift(id);
      // Distinct creation times, so that newest first is the answer order.
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const url = (query: string) => `${base}/agents/${channelId}/deliveries${query}`;
    await vi.waitFor(async () => {
      const res = await call(url('?limit=100'), { headers: s.human });
      expect(res.body.data.map((d: { state: string }) => d.state)).toEqual([
        'delivered',
        'delivered',
        'delivered',
      ]);
    });

    const page1 = await call(url('?limit=2'), { headers: s.human });
    expect(page1.status).toBe(200);
    expect(page1.body.data.map((d: { messageId: string }) => d.messageId)).toEqual(messages.slice(0, 2));
    expect(page1.body.nextCursor).toBe(page1.body.data[1].id);
    const page2 = await call(url(`?limit=2&cursor=${page1.body.nextCursor}`), { headers: s.human });
    expect(page2.body.data.map((d: { messageId: string }) => d.messageId)).toEqual(messages.slice(2));
    expect(page2.body.nextCursor).toBeNull();

    const other = await newChannel('other-log-bot');
    const foreignCursor = await call(`${base}/agents/${other}/deliveries?cursor=${page1.body.nextCursor}`, {
      headers: s.human,
    });
    expect(foreignCursor.status).toBe(400);
    expect(foreignCursor.body).toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'cursor' }] });
    const tooMany = await call(url('?limit=101'), { headers: s.human });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.issues.map((i: { path: string }) => i.path)).toContain('limit');
  });
});
