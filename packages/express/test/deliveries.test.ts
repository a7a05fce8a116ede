import type { AgentPrincipal } from '@placet/core';
import type { OutboundRequest, OutboundResult, WebhookSender } from '@placet/core/adapter';
import { FakeClock } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * The delivery routes (`GET /messages/:id/deliveries`, `POST /deliveries/:id/redrive`) over a stub
 * webhook receiver and a fake clock: every attempt is listed with its status, no header value ever
 * shows, and a redrive sends the same delivery (same `webhook-id`, same body) again.
 */

/** A scripted receiver: answers the queued statuses in order, then 200; records every request. */
function receiver(): WebhookSender & { requests: OutboundRequest[]; script: number[] } {
  const hook = {
    requests: [] as OutboundRequest[],
    script: [] as number[],
    async send(request: OutboundRequest): Promise<OutboundResult> {
      hook.requests.push(request);
      const status = hook.script.shift() ?? 200;
      return { status, error: status < 300 ? null : `HTTP ${status}`, durationMs: 7 };
    },
  };
  return hook;
}

const SECRET_HEADER = 'X-Secret';
const SECRET_VALUE = 's3cret';

let clock: FakeClock;
let hook: ReturnType<typeof receiver>;
let s: Server;
let agent: AgentPrincipal;
let base: string;

beforeAll(async () => {
  clock = new FakeClock();
  hook = receiver();
  s = await startServer({
    placet: { clock, webhookSender: hook, webhooks: { initialDelayMs: 1000 }, sweepIntervalMs: 3_600_000 },
  });
  agent = (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal;
  base = `${s.url}/api/v1`;
});

afterAll(async () => {
  await s?.close();
});

/** The requests the receiver got for one delivery. */
const requestsOf = (deliveryId: string) =>
  hook.requests.filter((r) => r.headers['webhook-id'] === deliveryId);

/**
 * A fresh channel with a webhook carrying a secret header (set over HTTP), a review in it answered over
 * HTTP, and the first attempt made: the message id and its delivery id.
 */
async function answeredWithWebhook(): Promise<{ messageId: string; deliveryId: string }> {
  const channel = await s.placet.channels.create(agent, { name: `hooked-${hook.requests.length}` });
  const set = await call(`${base}/agents/setWebhook`, {
    method: 'POST',
    headers: s.agent,
    body: {
      channelId: channel.id,
      url: 'https://hooks.example.test/placet',
      headers: { [SECRET_HEADER]: SECRET_VALUE },
    },
  });
  expect(set.status).toBe(200);
  const created = await call(`${base}/messages`, {
    method: 'POST',
    headers: s.agent,
    body: {
      channelId: channel.id,
      text: 'Deploy?',
      review: { type: 'approval', payload: { options: [{ id: 'approve', label: 'Approve' }] } },
    },
  });
  expect(created.status).toBe(201);
  const messageId = created.body.id as string;
  const before = hook.requests.length;
  const answered = await call(`${base}/reviews/${messageId}/respond`, {
    method: 'POST',
    headers: s.human,
    body: { response: { selectedOption: 'approve' } },
  });
  expect(answered.status).toBe(200);
  await vi.waitFor(() => expect(hook.requests.length).toBe(before + 1));
  const deliveryId = hook.requests.at(-1)!.headers['webhook-id']!;
  // The attempt is recorded once it is no longer being sent.
  await vi.waitFor(async () => expect((await deliveriesOf(messageId))[0]?.attempts).toHaveLength(1));
  return { messageId, deliveryId };
}

async function deliveriesOf(messageId: string): Promise<any[]> {
  const res = await call(`${base}/messages/${messageId}/deliveries`, { headers: s.human });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expectNoHeaderValues(res.body);
  return res.body as any[];
}

/** Nothing of the webhook's headers appears in an answer (the receiver did get them). */
function expectNoHeaderValues(body: unknown): void {
  const text = JSON.stringify(body).toLowerCase();
  expect(text).not.toContain(SECRET_VALUE);
  expect(text).not.toContain(SECRET_HEADER.toLowerCase());
  expect(text).not.toContain('webhook-signature');
  expect(text).not.toContain('authorization');
}

/** Advances the fake clock until the receiver has `count` requests for the delivery. */
async function untilSent(deliveryId: string, count: number): Promise<void> {
  await vi.waitFor(
    async () => {
      await clock.advance(500);
      expect(requestsOf(deliveryId)).toHaveLength(count);
    },
    { timeout: 5000, interval: 5 },
  );
}

describe('GET /messages/:id/deliveries', () => {
  it('lists every attempt with its status (500, then 200 after the backoff), never a header value', async () => {
    hook.script.push(500);
    const { messageId, deliveryId } = await answeredWithWebhook();
    // The receiver got the secret header: it is the delivery's, just never shown.
    expect(requestsOf(deliveryId)[0]!.headers[SECRET_HEADER]).toBe(SECRET_VALUE);

    const firstAt = clock.now();
    const [pending, ...none] = await deliveriesOf(messageId);
    expect(none).toEqual([]);
    expect(Object.keys(pending).sort()).toEqual(
      [
        'attempts',
        'createdAt',
        'event',
        'id',
        'lastError',
        'lastStatus',
        'messageId',
        'method',
        'nextAttemptAt',
        'state',
        'url',
      ].sort(),
    );
    expect(pending).toMatchObject({
      id: deliveryId,
      messageId,
      event: 'review:responded',
      url: 'https://hooks.example.test/placet',
      method: 'POST',
      state: 'pending',
      attempts: [{ attempt: 1, at: firstAt.toISOString(), status: 500, error: 'HTTP 500', durationMs: 7 }],
      lastStatus: 500,
      lastError: 'HTTP 500',
    });
    // Retried after the backoff: 1000 ms ± 20 %.
    const retryIn = new Date(pending.nextAttemptAt).getTime() - firstAt.getTime();
    expect(retryIn).toBeGreaterThanOrEqual(800);
    expect(retryIn).toBeLessThanOrEqual(1200);

    await untilSent(deliveryId, 2);
    await vi.waitFor(async () => expect((await deliveriesOf(messageId))[0].state).toBe('delivered'));
    const [delivered] = await deliveriesOf(messageId);
    expect(delivered).toMatchObject({ id: deliveryId, state: 'delivered', nextAttemptAt: null });
    expect(delivered.attempts.map((a: { attempt: number; status: number }) => [a.attempt, a.status])).toEqual(
      [
        [1, 500],
        [2, 200],
      ],
    );
    expect(delivered.attempts[1]).toMatchObject({ error: null, durationMs: 7 });
    expect(new Date(delivered.attempts[1].at).getTime()).toBeGreaterThanOrEqual(firstAt.getTime() + 800);
    // Both attempts were the same delivery.
    expect(requestsOf(deliveryId).map((r) => r.body)).toEqual([
      requestsOf(deliveryId)[0]!.body,
      requestsOf(deliveryId)[0]!.body,
    ]);
  });

  it('is empty for a message without a webhook delivery', async () => {
    const message = await s.placet.messages.create(agent, { channelId: s.channelId, text: 'Build done' });
    expect(await deliveriesOf(message.id)).toEqual([]);
  });
});

describe('POST /deliveries/:id/redrive', () => {
  it('sends a delivered delivery again with the same webhook-id and body, and lists the new attempt', async () => {
    const { messageId, deliveryId } = await answeredWithWebhook();
    expect((await deliveriesOf(messageId))[0]).toMatchObject({ state: 'delivered' });

    const redrive = await call(`${base}/deliveries/${deliveryId}/redrive`, {
      method: 'POST',
      headers: s.human,
    });
    expect(redrive.status, JSON.stringify(redrive.body)).toBe(200);
    expectNoHeaderValues(redrive.body);
    expect(redrive.body).toMatchObject({ id: deliveryId, messageId, state: 'pending' });

    await untilSent(deliveryId, 2);
    const [first, again] = requestsOf(deliveryId);
    expect(again!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(again!.body).toBe(first!.body);
    expect(again!.headers[SECRET_HEADER]).toBe(SECRET_VALUE);
    await vi.waitFor(async () => expect((await deliveriesOf(messageId))[0].attempts).toHaveLength(2));
    const [delivery] = await deliveriesOf(messageId);
    expect(delivery).toMatchObject({ id: deliveryId, state: 'delivered', nextAttemptAt: null });
    expect(delivery.attempts.map((a: { attempt: number; status: number }) => [a.attempt, a.status])).toEqual([
      [1, 200],
      [2, 200],
    ]);
  });

  it('sends a failed delivery (410 Gone) again', async () => {
    hook.script.push(410);
    const { messageId, deliveryId } = await answeredWithWebhook();
    expect((await deliveriesOf(messageId))[0]).toMatchObject({
      state: 'failed',
      nextAttemptAt: null,
      lastStatus: 410,
      lastError: 'HTTP 410',
    });
    await clock.advance(60_000);
    expect(requestsOf(deliveryId)).toHaveLength(1);

    const redrive = await call(`${base}/deliveries/${deliveryId}/redrive`, {
      method: 'POST',
      headers: s.human,
    });
    expect(redrive.status, JSON.stringify(redrive.body)).toBe(200);
    await untilSent(deliveryId, 2);
    await vi.waitFor(async () => expect((await deliveriesOf(messageId))[0].state).toBe('delivered'));
    expect((await deliveriesOf(messageId))[0].attempts.map((a: { status: number }) => a.status)).toEqual([
      410, 200,
    ]);
    expect((await deliveriesOf(messageId))[0]).toMatchObject({ lastStatus: 200, lastError: null });
  });

  it('answers 409 while the delivery is still pending, and sends nothing extra', async () => {
    hook.script.push(503);
    const { messageId, deliveryId } = await answeredWithWebhook();
    expect((await deliveriesOf(messageId))[0]).toMatchObject({ state: 'pending' });

    const redrive = await call(`${base}/deliveries/${deliveryId}/redrive`, {
      method: 'POST',
      headers: s.human,
    });
    expect(redrive.status).toBe(409);
    expect(redrive.body).toMatchObject({ statusCode: 409, code: 'CONFLICT' });
    expect(requestsOf(deliveryId)).toHaveLength(1);
    // The scheduled retry still happens, once.
    await untilSent(deliveryId, 2);
    await clock.advance(60_000);
    expect(requestsOf(deliveryId)).toHaveLength(2);
  });

  it('refuses an agent key (403) and an unknown id (404)', async () => {
    const { deliveryId } = await answeredWithWebhook();
    const asAgent = await call(`${base}/deliveries/${deliveryId}/redrive`, {
      method: 'POST',
      headers: s.agent,
    });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body).toMatchObject({ code: 'FORBIDDEN' });
    const unknown = await call(`${base}/deliveries/msg_nope/redrive`, { method: 'POST', headers: s.human });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(requestsOf(deliveryId)).toHaveLength(1);
  });
});
