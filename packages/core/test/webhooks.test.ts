import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OutboundRequest, OutboundResult, WebhookSender } from '../src/adapter.js';
import { memoryStore } from '../src/index.js';
import { choiceReview, type World, world } from './fixtures.js';

/** A scripted receiver behind the WebhookSender port: answers statuses in order, records every request. */
function receiver(statuses: (number | null)[]): WebhookSender & { requests: OutboundRequest[] } {
  const requests: OutboundRequest[] = [];
  return {
    requests,
    async send(request): Promise<OutboundResult> {
      requests.push(request);
      const status = statuses[Math.min(requests.length - 1, statuses.length - 1)] ?? null;
      return { status, error: status === null ? 'connection refused' : null, durationMs: 3 };
    },
  };
}

let w: World;
afterEach(async () => w?.placet.stop());

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

async function answeredReview(sender: WebhookSender) {
  w = await world({ placet: { webhookSender: sender, webhooks: { initialDelayMs: 1000, maxAttempts: 6 } } });
  const set = await w.placet.webhooks.setWebhook(w.agent, {
    channelId: w.channelId,
    url: 'https://hooks.example.test/placet',
    headers: { 'X-Team': 'ops' },
  });
  const msg = await w.placet.messages.create(w.agent, {
    channelId: w.channelId,
    text: 'Deploy?',
    review: choiceReview(),
  });
  await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
  await settle();
  return { msg, secret: set.webhookSecret! };
}

describe('webhook deliveries', () => {
  it('signs per Standard Webhooks (verified by the standardwebhooks package) with the original payload', async () => {
    const sender = receiver([200]);
    const { msg, secret } = await answeredReview(sender);
    expect(sender.requests).toHaveLength(1);
    const request = sender.requests[0]!;
    expect(request).toMatchObject({
      url: 'https://hooks.example.test/placet',
      method: 'POST',
      timeoutMs: 10_000,
    });
    expect(request.headers['X-Team']).toBe('ops');
    // The receiver's clock agrees with Placet's (the library rejects timestamps more than 5 minutes off).
    vi.useFakeTimers({ toFake: ['Date'], now: w.clock.now() });
    const payload = new Webhook(secret).verify(request.body, request.headers) as Record<string, unknown>;
    // A tampered body fails verification.
    expect(() =>
      new Webhook(secret).verify(request.body.replace('approve', 'reject'), request.headers),
    ).toThrow();
    vi.useRealTimers();
    expect(payload).toMatchObject({
      event: 'review:responded',
      channelId: w.channelId,
      message_id: msg.id,
      review_type: 'choice',
      response: { selectedOption: 'approve' },
      responded_at: expect.any(String),
    });
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('webhook_delivered');
  });

  it('500, 500, 500, then 200: exactly four attempts with one webhook-id, none after; delivered', async () => {
    const sender = receiver([500, 500, 500, 200]);
    const { msg } = await answeredReview(sender);
    for (let i = 0; i < 20; i++) await w.clock.advance(5_000);
    expect(sender.requests).toHaveLength(4);
    expect(new Set(sender.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('webhook_delivered');
    const [log] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(log?.attempts.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    expect(log?.state).toBe('delivered');
    expect(JSON.stringify(log)).not.toContain('X-Team');
    await w.clock.advance(24 * 3600_000);
    expect(sender.requests).toHaveLength(4);
  });

  it('a target the outbound rules refuse fails at once: no retries, and the message shows the failure', async () => {
    const requests: OutboundRequest[] = [];
    const refusing: WebhookSender = {
      async send(request) {
        requests.push(request);
        return { status: null, error: 'refused: loopback address', durationMs: 0, refused: true };
      },
    };
    const { msg } = await answeredReview(refusing);
    for (let i = 0; i < 30; i++) await w.clock.advance(60_000);
    expect(requests).toHaveLength(1);
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('webhook_failed');
  });

  it('410 Gone stops after one attempt; the failure never downgrades an acknowledgement', async () => {
    const sender = receiver([410]);
    const { msg } = await answeredReview(sender);
    for (let i = 0; i < 10; i++) await w.clock.advance(60_000);
    expect(sender.requests).toHaveLength(1);
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('webhook_failed');

    const acked = receiver([500]);
    const second = await answeredReview(acked);
    await w.placet.messages.ack(w.agent, second.msg.id);
    for (let i = 0; i < 30; i++) await w.clock.advance(60_000);
    expect(acked.requests).toHaveLength(6); // maxAttempts
    expect((await w.placet.messages.get(w.agent, second.msg.id)).deliveryStatus).toBe('agent_received');
  });

  it('a delivery due while the server is stopped is delivered after the restart', async () => {
    const store = memoryStore();
    const down = receiver([null]);
    w = await world({ store, placet: { webhookSender: down, webhooks: { initialDelayMs: 1000 } } });
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/x',
    });
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'reject' } });
    await settle();
    expect(down.requests).toHaveLength(1);
    await w.placet.stop();
    const up = receiver([200]);
    const { createPlacet, silentLogger } = await import('../src/index.js');
    const { testPlugin } = await import('./fixtures.js');
    const restarted = createPlacet({
      store: { ...store, close: async () => {} },
      plugins: [testPlugin()],
      clock: w.clock,
      logger: silentLogger(),
      webhookSender: up,
    });
    await restarted.start();
    await w.clock.advance(10_000);
    await settle();
    expect(up.requests).toHaveLength(1);
    expect(up.requests[0]!.headers['webhook-id']).toBe(down.requests[0]!.headers['webhook-id']);
    expect((await restarted.messages.get(w.agent, msg.id)).deliveryStatus).toBe('webhook_delivered');
    await restarted.stop();
  });

  it('expiry and user messages are delivered too; the legacy callback is the last resort', async () => {
    const sender = receiver([200]);
    w = await world({ placet: { webhookSender: sender } });
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({
        expiresInSeconds: 5,
        callback: { url: 'https://legacy.example.test/cb', method: 'PUT' },
      }),
    });
    await w.clock.advance(10_000);
    await settle();
    expect(sender.requests.map((r) => [r.method, r.url])).toEqual([
      ['PUT', 'https://legacy.example.test/cb'],
    ]);
    expect(JSON.parse(sender.requests[0]!.body)).toMatchObject({
      event: 'review:expired',
      message_id: msg.id,
      expired_at: expect.any(String),
    });
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/chan',
    });
    await w.placet.messages.create(w.user, { channelId: w.channelId, text: 'hi agent' });
    await settle();
    expect(JSON.parse(sender.requests[1]!.body)).toMatchObject({
      event: 'message:created',
      channelId: w.channelId,
      message: { text: 'hi agent', senderType: 'user' },
    });
  });
});
