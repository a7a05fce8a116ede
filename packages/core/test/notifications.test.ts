import { definePlugin, type Notification, type NotificationResult } from '@placet/core/plugin';
import { audit } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryStore } from '../src/index.js';
import { choiceReview, testPlugin, type World, world } from './fixtures.js';

/**
 * Notifiers: one durable notification per (review event, recipient, notifier), planned with the event,
 * sent through the notifier, retried with the webhooks' backoff, every attempt in the delivery log.
 */

/** A receiver that is down until `up()`, recording every notification it was given. */
function receiver() {
  let isUp = false;
  const received: Notification[] = [];
  return {
    received,
    up: () => {
      isUp = true;
    },
    deliver: async (notification: Notification): Promise<NotificationResult> => {
      received.push(notification);
      return isUp ? { ok: true } : { ok: false, error: 'receiver down' };
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

let w: World;
afterEach(async () => w?.placet.stop());

const withAudit = (deliver: ReturnType<typeof receiver>['deliver'], store = memoryStore()) =>
  world({
    store,
    placet: {
      plugins: [testPlugin(), audit({ deliver })],
      webhooks: { initialDelayMs: 1000, maxAttempts: 5 },
    },
  });

describe('notifiers', () => {
  it('notify the owner of a new review once: retried while the receiver is down, each attempt logged', async () => {
    const r = receiver();
    w = await withAudit(r.deliver);
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'no review, no notification' });
    await settle();
    expect(r.received).toHaveLength(1);
    await w.clock.advance(1_500);
    await settle();
    expect(r.received).toHaveLength(2);
    r.up();
    for (let i = 0; i < 5; i++) await w.clock.advance(5_000);
    await settle();

    const delivered = r.received.at(-1)!;
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((n) => n.id)).size).toBe(1); // One notification, three attempts.
    expect(delivered).toMatchObject({
      attempt: 3,
      kind: 'review.created',
      recipient: { id: w.owner.id },
      message: { id: msg.id, review: { status: 'pending' } },
      channel: { id: w.channelId },
    });
    const [log] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(log).toMatchObject({
      url: 'notifier:audit',
      event: 'review.created',
      state: 'delivered',
      lastError: null,
      attempts: [
        { attempt: 1, status: null, error: 'receiver down' },
        { attempt: 2, status: null, error: 'receiver down' },
        { attempt: 3, status: null, error: null },
      ],
    });
    // A notification says nothing about the agent's webhook.
    expect((await w.placet.messages.get(w.agent, msg.id)).deliveryStatus).toBe('sent');

    // Answering is not a kind this notifier wants: nothing more is sent.
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    for (let i = 0; i < 3; i++) await w.clock.advance(5_000);
    await settle();
    expect(r.received).toHaveLength(3);
  });

  it('are durable: a notification planned before a restart is delivered after it, once', async () => {
    const store = memoryStore();
    const down = receiver();
    w = await withAudit(down.deliver, store);
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    await settle();
    expect(down.received).toHaveLength(1);
    await w.placet.stop();

    const up = receiver();
    up.up();
    w = await withAudit(up.deliver, store);
    for (let i = 0; i < 3; i++) await w.clock.advance(5_000);
    await settle();
    expect(up.received.filter((n) => n.kind !== 'digest' && n.message.id === msg.id)).toHaveLength(1);
    expect(down.received).toHaveLength(1);
  });

  it('give up at once when the notifier says so, and refuse two notifiers with one name', async () => {
    let calls = 0;
    w = await withAudit(async () => {
      calls++;
      return { ok: false, error: 'address gone', retry: false };
    });
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    for (let i = 0; i < 3; i++) await w.clock.advance(5_000);
    await settle();
    expect(calls).toBe(1);
    const [log] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(log).toMatchObject({ state: 'failed', lastError: 'address gone' });

    const send = async (): Promise<NotificationResult> => ({ ok: true });
    await expect(
      world({
        placet: {
          plugins: [testPlugin(), audit({ deliver: send })],
          notifiers: [{ name: 'audit', send }],
        },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: 'Two notifiers are named "audit"' });
  });
});

describe('the dispatcher and notifiers', () => {
  it('a notifier that never answers fails its attempt at webhooks.timeoutMs (aborted), and is retried', async () => {
    const signals: AbortSignal[] = [];
    w = await world({
      placet: {
        plugins: [
          testPlugin(),
          audit({
            deliver: (n) => {
              signals.push(n.signal);
              return new Promise(() => {}); // Never answers.
            },
          }),
        ],
        webhooks: { initialDelayMs: 1000, maxAttempts: 5, timeoutMs: 2000 },
      },
    });
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    await settle();
    expect(signals).toHaveLength(1);
    await w.clock.advance(2_000);
    await settle();
    expect(signals[0]!.aborted).toBe(true);
    const [log] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(log).toMatchObject({ state: 'pending', attempts: [{ attempt: 1, error: 'timeout' }] });
    await w.clock.advance(5_000);
    await settle();
    expect(signals.length).toBeGreaterThanOrEqual(2);
  });

  it('without a webhook sender, notifications are sent and webhook deliveries are left alone (never claimed)', async () => {
    const r = receiver();
    r.up();
    w = await withAudit(r.deliver);
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/p',
    });
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    for (let i = 0; i < 5; i++) await w.clock.advance(60_000);
    await settle();
    const log = await w.placet.deliveries.listForMessage(w.user, msg.id);
    const webhook = log.find((d) => d.url.startsWith('https:'))!;
    expect(log.find((d) => d.url === 'notifier:audit')).toMatchObject({ state: 'delivered' });
    expect(webhook).toMatchObject({ state: 'pending', attempts: [] });
    // Never claimed: no lease was ever written on it.
    expect((await w.store.deliveries.findById(webhook.id))?.lockedUntil).toBeNull();
  });
});

describe("a plugin's notifier", () => {
  it('gets the context of the instance that sends: one plugin object serves two instances', async () => {
    const seen: { placet: unknown; options: unknown; messageId: string }[] = [];
    const shared = definePlugin({
      name: 'pager',
      version: '1.0.0',
      options: { schema: z.object({ team: z.string() }), input: { team: 'ops' } },
      notifiers: [
        {
          name: 'pager',
          kinds: ['review.created'],
          send: async (notification, ctx) => {
            if (notification.kind !== 'digest')
              seen.push({ placet: ctx.placet, options: ctx.options, messageId: notification.message.id });
            return { ok: true };
          },
        },
      ],
    });
    const first = await world({ placet: { plugins: [testPlugin(), shared] } });
    const second = await world({ placet: { plugins: [testPlugin(), shared] } });
    try {
      const a = await first.placet.messages.create(first.agent, {
        channelId: first.channelId,
        text: 'a',
        review: choiceReview(),
      });
      const b = await second.placet.messages.create(second.agent, {
        channelId: second.channelId,
        text: 'b',
        review: choiceReview(),
      });
      await settle();
      expect(seen).toHaveLength(2);
      expect(seen.find((s) => s.messageId === a.id)?.placet).toBe(first.placet);
      expect(seen.find((s) => s.messageId === b.id)?.placet).toBe(second.placet);
      expect(seen.map((s) => s.options)).toEqual([{ team: 'ops' }, { team: 'ops' }]);
    } finally {
      await first.placet.stop();
      await second.placet.stop();
    }
  });
});
