import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundRequest, OutboundResult, WebhookSender } from '../src/adapter.js';
import { memoryStore } from '../src/index.js';
import { choiceReview, countingStore, type World, world } from './fixtures.js';

/**
 * Removing or changing a channel's webhook cancels the deliveries still pending to its old URL (in the
 * same transaction), so that retries stop going to an endpoint — with headers and credentials — the
 * owner has let go; and such a delivery is not redriven to that URL either.
 */

const OLD = 'https://old.example.test/hook';
const NEW = 'https://new.example.test/hook';
const OWN = 'https://own.example.test/per-message';

/** A receiver that is down (no status) unless `up` says otherwise; `onSend` runs before it answers. */
function receiver(): WebhookSender & {
  requests: OutboundRequest[];
  up: (url: string) => boolean;
  onSend?: (request: OutboundRequest) => Promise<void>;
} {
  const hook = {
    requests: [] as OutboundRequest[],
    up: (_url: string) => false,
    onSend: undefined as ((request: OutboundRequest) => Promise<void>) | undefined,
    async send(request: OutboundRequest): Promise<OutboundResult> {
      hook.requests.push(request);
      await hook.onSend?.(request);
      const ok = hook.up(request.url);
      return { status: ok ? 200 : null, error: ok ? null : 'connection refused', durationMs: 3 };
    },
  };
  return hook;
}

let w: World;
afterEach(async () => w?.placet.stop());

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

async function setup() {
  const sender = receiver();
  w = await world({
    placet: { webhookSender: sender, webhooks: { initialDelayMs: 1000, maxAttempts: 10 } },
  });
  await w.placet.webhooks.setWebhook(w.agent, {
    channelId: w.channelId,
    url: OLD,
    headers: { 'X-Token': 'old-credential' },
  });
  return sender;
}

async function answered(extra: Record<string, unknown> = {}) {
  const msg = await w.placet.messages.create(w.agent, {
    channelId: w.channelId,
    text: 'Deploy?',
    review: choiceReview(),
    ...extra,
  });
  await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
  await settle();
  return msg;
}

const sentTo = (sender: { requests: OutboundRequest[] }, url: string) =>
  sender.requests.filter((r) => r.url === url).length;

describe('changing or removing the channel webhook cancels its pending deliveries', () => {
  it('deleteWebhook: no further attempt, failed, the logs show the cancellation; redrive is refused', async () => {
    const sender = await setup();
    const msg = await answered();
    const own = await answered({ webhookUrl: OWN });
    await w.clock.advance(1_500);
    await settle();
    const before = sentTo(sender, OLD);
    expect(before).toBeGreaterThanOrEqual(1);
    const [pending] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    // Why it is still pending: the latest attempt's outcome.
    expect(pending).toMatchObject({
      state: 'pending',
      url: OLD,
      lastStatus: null,
      lastError: 'connection refused',
    });

    await w.placet.webhooks.deleteWebhook(w.agent, { channelId: w.channelId });
    for (let i = 0; i < 20; i++) await w.clock.advance(60_000);
    await settle();
    expect(sentTo(sender, OLD)).toBe(before);
    // The message's own webhookUrl is not the channel's: it keeps retrying.
    expect(sentTo(sender, OWN)).toBeGreaterThan(2);

    const [cancelled] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(cancelled).toMatchObject({
      id: pending!.id,
      state: 'failed',
      nextAttemptAt: null,
      lastError: "cancelled: the channel's webhook was removed",
    });
    // Never a header value.
    expect(JSON.stringify(cancelled)).not.toContain('old-credential');
    const last = cancelled!.attempts.at(-1);
    expect(last).toMatchObject({ status: null, error: "cancelled: the channel's webhook was removed" });
    expect(cancelled!.attempts.slice(0, -1).every((a) => a.error === 'connection refused')).toBe(true);
    const page = await w.placet.deliveries.listForChannel(w.user, w.channelId, {});
    const inLog = page.data.find((d) => d.id === pending!.id);
    expect(inLog).toEqual(cancelled);
    const ownLog = page.data.find((d) => d.messageId === own.id);
    expect(ownLog?.attempts.every((a) => a.error === 'connection refused')).toBe(true);
    expect(ownLog).toMatchObject({ lastStatus: null, lastError: 'connection refused' });
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('webhook_failed');

    // Not to the removed URL, nor after a different URL was set.
    const refused = await w.placet.deliveries.redrive(w.user, pending!.id).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'CONFLICT', status: 409 });
    expect(String((refused as Error).message)).toMatch(/removed/);
    await w.placet.webhooks.setWebhook(w.agent, { channelId: w.channelId, url: NEW });
    const again = await w.placet.deliveries.redrive(w.user, pending!.id).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'CONFLICT' });
    expect(String((again as Error).message)).toMatch(/changed/);
    await w.clock.advance(60_000);
    await settle();
    expect(sentTo(sender, OLD)).toBe(before);

    // Back on the old URL, the ordinary redrive rules apply again.
    sender.up = () => true;
    await w.placet.webhooks.setWebhook(w.agent, { channelId: w.channelId, url: OLD });
    expect((await w.placet.deliveries.redrive(w.user, pending!.id)).state).toBe('pending');
    await settle();
    expect(sentTo(sender, OLD)).toBe(before + 1);
    // A message-level delivery (given up on after maxAttempts) is redriven as before.
    const [ownDelivery] = await w.placet.deliveries.listForMessage(w.user, own.id);
    expect(ownDelivery?.state).toBe('failed');
    expect((await w.placet.deliveries.redrive(w.user, ownDelivery!.id)).url).toBe(OWN);
    await settle();
    expect((await w.placet.deliveries.listForMessage(w.user, own.id))[0]?.state).toBe('delivered');
  });

  it('PATCH /agents/:id to a new URL cancels with "changed"; the same URL (new headers) does not cancel', async () => {
    const sender = await setup();
    const msg = await answered();
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: OLD,
      headers: { 'X-Token': 'rotated' },
    });
    expect((await w.placet.deliveries.listForMessage(w.user, msg.id))[0]?.state).toBe('pending');

    await w.placet.channels.update(w.user, w.channelId, { webhookUrl: NEW });
    const sent = sentTo(sender, OLD);
    for (let i = 0; i < 10; i++) await w.clock.advance(60_000);
    expect(sentTo(sender, OLD)).toBe(sent);
    expect(sentTo(sender, NEW)).toBe(0);
    const [delivery] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(delivery?.state).toBe('failed');
    expect(delivery?.attempts.at(-1)?.error).toBe("cancelled: the channel's webhook URL was changed");
  });

  it('a delivery claimed in the same batch is not sent after the cancellation; the in-flight one stays cancelled', async () => {
    const sender = await setup();
    const first = await answered();
    const second = await answered();
    expect(sentTo(sender, OLD)).toBe(2);
    // The next round claims both (both due); the webhook is removed while the first is being sent.
    sender.onSend = async () => {
      sender.onSend = undefined;
      await w.placet.webhooks.deleteWebhook(w.agent, { channelId: w.channelId });
    };
    sender.up = () => true; // the in-flight attempt even succeeds: the cancellation still stands
    await w.clock.advance(10_000);
    await settle();
    expect(sentTo(sender, OLD)).toBe(3);
    for (let i = 0; i < 10; i++) await w.clock.advance(60_000);
    expect(sentTo(sender, OLD)).toBe(3);
    for (const msg of [first, second]) {
      const [delivery] = await w.placet.deliveries.listForMessage(w.user, msg.id);
      expect(delivery?.state).toBe('failed');
      expect(delivery?.nextAttemptAt).toBeNull();
    }
  });
});

describe('delivery logs', () => {
  it('load the attempts of a page in one query, not one per delivery', async () => {
    const counting = countingStore(memoryStore());
    const sender = receiver();
    w = await world({
      store: counting.store,
      placet: { webhookSender: sender, webhooks: { initialDelayMs: 1000, maxAttempts: 3 } },
    });
    await w.placet.webhooks.setWebhook(w.agent, { channelId: w.channelId, url: OLD });
    const messages = [];
    for (let i = 0; i < 4; i++) messages.push(await answered());
    for (let i = 0; i < 5; i++) await w.clock.advance(60_000);

    counting.calls.clear();
    const page = await w.placet.deliveries.listForChannel(w.user, w.channelId, { limit: 3 });
    expect(page.data).toHaveLength(3);
    expect(page.data.every((d) => d.attempts.map((a) => a.attempt).join() === '1,2,3')).toBe(true);
    expect(counting.calls.get('deliveries.listAttemptsFor')).toBe(1);

    counting.calls.clear();
    const [log] = await w.placet.deliveries.listForMessage(w.user, messages[0]!.id);
    expect(log?.attempts).toHaveLength(3);
    expect(counting.calls.get('deliveries.listAttemptsFor')).toBe(1);
  });
});
