import { memoryStore } from '@placet/core';
import { type PushService, startPushService } from '@placet/test-utils/push-service';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebPushPayload } from '../src/index.js';
import { askApproval, call, pushLog, settle, startWorld, subscribe, type World } from './harness.js';

/**
 * The plugin end to end: browsers subscribe over the real HTTP routes, agents ask over HTTP, the engine
 * plans and retries the notifications, and a loopback push service verifies and decrypts every push.
 */

let w: World;
let push: PushService<WebPushPayload>;

beforeEach(async () => {
  push = await startPushService<WebPushPayload>();
});

afterEach(async () => {
  await w?.close();
  await push?.close();
  expect(push.problems).toEqual([]);
});

const routes = (w: World) => `${w.api}/plugins/webpush`;

/** Moves the fake clock on a little (retries come after 1 s, 2 s, … ±20 %), then counts the attempts. */
async function retried(w: World, messageId: string): Promise<number | undefined> {
  await w.clock.advance(250);
  return (await pushLog(w, messageId))[0]?.attempts.length;
}

describe('subscriptions over HTTP', () => {
  it('hands out the VAPID key, subscribes idempotently and never answers the endpoint or keys', async () => {
    w = await startWorld();
    const config = await call(`${routes(w)}/config`, { headers: w.alice.headers });
    expect(config.status).toBe(200);
    expect(Buffer.from(config.body.publicKey, 'base64url')).toHaveLength(65);

    const device = push.newDevice();
    const first = await subscribe(w, w.alice, device, 'Firefox on the laptop');
    expect(first).toEqual({
      id: expect.any(String),
      device: 'Firefox on the laptop',
      endpointOrigin: push.origin,
      createdAt: expect.any(String),
    });
    // The same browser again (new label): the same subscription, updated.
    const again = await subscribe(w, w.alice, device, 'Firefox');
    expect(again).toMatchObject({ id: first.id, device: 'Firefox', createdAt: first.createdAt });

    const list = await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers });
    expect(list.status).toBe(200);
    expect(list.body).toEqual([{ ...again }]);
    const text = JSON.stringify(list.body);
    expect(text).not.toContain(new URL(device.endpoint).pathname);
    expect(text).not.toContain(device.keys.auth);
    expect(text).not.toContain(device.keys.p256dh);

    // An API key is not a human: 403.
    expect((await call(`${routes(w)}/subscriptions`, { headers: w.agent })).status).toBe(403);
  });

  it('are in the OpenAPI document under the plugin', async () => {
    w = await startWorld();
    const { paths } = (await call(`${w.api}/openapi.json`)).body;
    expect(paths['/plugins/webpush/config'].get.operationId).toBe('webpushGetConfig');
    expect(paths['/plugins/webpush/subscriptions'].post.operationId).toBe('webpushSubscribe');
    expect(paths['/plugins/webpush/subscriptions'].get.operationId).toBe('webpushListSubscriptions');
    expect(paths['/plugins/webpush/subscriptions/{id}'].delete.operationId).toBe('webpushUnsubscribe');
    expect(paths['/plugins/webpush/subscriptions'].post.tags).toEqual(['webpush']);
  });

  it('refuses keys that are not a P-256 point and a 16-byte secret, naming the paths', async () => {
    w = await startWorld();
    const device = push.newDevice();
    const notOnCurve = Buffer.alloc(65, 7);
    notOnCurve[0] = 4;
    const res = await call(`${routes(w)}/subscriptions`, {
      method: 'POST',
      headers: w.alice.headers,
      body: {
        endpoint: device.endpoint,
        keys: { p256dh: notOnCurve.toString('base64url'), auth: Buffer.alloc(8).toString('base64url') },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      'keys.auth',
      'keys.p256dh',
    ]);
    const tooLong = await call(`${routes(w)}/subscriptions`, {
      method: 'POST',
      headers: w.alice.headers,
      body: { endpoint: device.endpoint, keys: device.keys, device: 'x'.repeat(101) },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.issues[0].path).toBe('device');
  });

  it("keeps each user's subscriptions to that user: another user can neither list nor delete them", async () => {
    w = await startWorld();
    const mine = await subscribe(w, w.alice, push.newDevice());
    const theirs = await subscribe(w, w.bob, push.newDevice());

    const bobList = await call(`${routes(w)}/subscriptions`, { headers: w.bob.headers });
    expect(bobList.body.map((s: { id: string }) => s.id)).toEqual([theirs.id]);
    const stolen = await call(`${routes(w)}/subscriptions/${mine.id}`, {
      method: 'DELETE',
      headers: w.bob.headers,
    });
    expect(stolen.status).toBe(404);
    expect(stolen.body.code).toBe('NOT_FOUND');
    const aliceList = await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers });
    expect(aliceList.body.map((s: { id: string }) => s.id)).toEqual([mine.id]);

    const deleted = await call(`${routes(w)}/subscriptions/${mine.id}`, {
      method: 'DELETE',
      headers: w.alice.headers,
    });
    expect(deleted).toEqual({ status: 200, body: { deleted: true } });
    expect(
      (await call(`${routes(w)}/subscriptions/${mine.id}`, { method: 'DELETE', headers: w.alice.headers }))
        .status,
    ).toBe(404);
    expect((await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers })).body).toEqual([]);
  });

  it('moves a browser that another user subscribes to that user: the first one no longer gets its pushes', async () => {
    w = await startWorld();
    const shared = push.newDevice();
    await subscribe(w, w.alice, shared);
    const bobs = await subscribe(w, w.bob, shared);
    expect((await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers })).body).toEqual([]);
    expect((await call(`${routes(w)}/subscriptions`, { headers: w.bob.headers })).body).toEqual([bobs]);
    const messageId = await askApproval(w); // Alice's channel: Alice is notified, on no device.
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.state).toBe('skipped');
    expect(push.received).toHaveLength(0);
  });

  it('keeps at most maxDevicesPerUser devices: a new one replaces the stalest', async () => {
    w = await startWorld({ webpush: { maxDevicesPerUser: 2 } });
    const first = await subscribe(w, w.alice, push.newDevice());
    await w.clock.advance(1_000);
    const second = await subscribe(w, w.alice, push.newDevice());
    await w.clock.advance(1_000);
    const third = await subscribe(w, w.alice, push.newDevice());
    const list = await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers });
    expect(list.body.map((s: { id: string }) => s.id)).toEqual([second.id, third.id]);
    expect(list.body.map((s: { id: string }) => s.id)).not.toContain(first.id);
  });

  it('refuses endpoints that are not public https push services (no request is made)', async () => {
    w = await startWorld({
      webpush: {
        allowHosts: [],
        resolver: async (host) =>
          host === 'push.internal.example' ? [{ address: '10.1.2.3', family: 4 }] : [],
      },
    });
    const { keys } = push.newDevice();
    for (const endpoint of [
      `${push.origin}/push/x`, // loopback, and http
      'https://127.0.0.1/push/x',
      'https://10.0.0.7/push/x',
      'https://[::1]/push/x',
      'https://169.254.169.254/latest/meta-data',
      'https://localhost/push/x',
      'https://push.internal.example/push/x', // a name that resolves to a private address
      'http://push.example.test/push/x',
    ]) {
      const res = await call(`${routes(w)}/subscriptions`, {
        method: 'POST',
        headers: w.alice.headers,
        body: { endpoint, keys },
      });
      expect(res.status, endpoint).toBe(400);
      expect(res.body.issues[0].path).toBe('endpoint');
    }
    expect((await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers })).body).toEqual([]);
    expect(push.received).toHaveLength(0);
  });
});

describe('the webpush notifier', () => {
  it('pushes a new approval once to the device: VAPID JWT valid, payload decrypted, actions only open it', async () => {
    w = await startWorld();
    const { publicKey } = (await call(`${routes(w)}/config`, { headers: w.alice.headers })).body;
    const device = push.newDevice();
    await subscribe(w, w.alice, device);
    const messageId = await askApproval(w);

    await expect.poll(() => push.received.length).toBe(1);
    const [received] = push.received;
    expect(received!.endpoint).toBe(device.endpoint);
    expect(received!.vapid.publicKey).toBe(publicKey);
    expect(received!.vapid.claims).toMatchObject({ aud: push.origin, sub: 'https://placet.example.test' });
    expect(received!.headers).toMatchObject({
      ttl: '86400',
      urgency: 'high',
      topic: expect.stringMatching(/^[\w-]{32}$/),
    });
    expect(received!.payload).toEqual({
      title: 'deploy-bot',
      body: 'Deploy v2 to prod? See the plan.',
      tag: messageId,
      url: `https://placet.example.test/#/inbox/${messageId}`,
      reviewId: messageId,
      kind: 'review.created',
      actions: [
        { action: 'open:approve', title: 'Approve' },
        { action: 'open:reject', title: 'Reject' },
      ],
    });
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.state).toBe('delivered');
    const [log] = await pushLog(w, messageId);
    expect(log).toMatchObject({ event: 'review.created', attempts: [{ attempt: 1, error: null }] });

    // Nothing more: one delivery, one push; the review still pending.
    await w.clock.advance(60_000);
    await settle();
    expect(push.received).toHaveLength(1);
    const review = await call(`${w.api}/reviews/${messageId}?channel=${w.channelId}`, {
      headers: w.alice.headers,
    });
    expect(review.body.review.status).toBe('pending');
  });

  it('replaces the notification when the review is answered (same tag), when the user asked for it', async () => {
    w = await startWorld({ webpush: { dashboardPath: '/inbox-app/' } });
    await w.placet.notifications.setPreferences(w.alice.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        webpush: { enabled: true, events: ['review.created', 'review.responded'], digestMinutes: null },
      },
    });
    const laptop = push.newDevice();
    const phone = push.newDevice();
    await subscribe(w, w.alice, laptop, 'laptop');
    await subscribe(w, w.alice, phone, 'phone');
    const messageId = await askApproval(w, 'Ship it?');
    await expect.poll(() => push.received.length).toBe(2); // Both devices.

    const answered = await call(`${w.api}/reviews/${messageId}/respond`, {
      method: 'POST',
      headers: w.alice.headers,
      body: { response: { selectedOption: 'reject' } },
    });
    expect(answered.status).toBe(200);
    await expect.poll(() => push.received.length).toBe(4);
    const [created, responded] = [push.received[0]!.payload, push.received[2]!.payload];
    expect(new Set(push.received.slice(2).map((p) => p.endpoint))).toEqual(
      new Set([laptop.endpoint, phone.endpoint]),
    );
    expect(responded).toEqual({
      title: 'deploy-bot',
      body: 'Answered: Chose: Reject · Ship it?',
      tag: created.tag,
      url: `https://placet.example.test/inbox-app/#/inbox/${messageId}`,
      reviewId: messageId,
      kind: 'review.responded',
    });
    expect(push.received[2]!.headers.topic).toBe(push.received[0]!.headers.topic);
    expect(push.received[2]!.headers.urgency).toBe('normal');
  });

  it('forgets a subscription its push service answers 410 Gone for, and does not retry it', async () => {
    w = await startWorld();
    const device = push.newDevice();
    await subscribe(w, w.alice, device);
    push.script.push(410);
    const messageId = await askApproval(w);

    await expect
      .poll(async () => (await call(`${routes(w)}/subscriptions`, { headers: w.alice.headers })).body)
      .toEqual([]);
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.state).toBe('failed');
    for (let i = 0; i < 5; i++) await w.clock.advance(10_000);
    await settle();
    expect(push.received).toHaveLength(1);

    // The next review finds no device: skipped (not "delivered"), nothing sent.
    const next = await askApproval(w);
    await expect.poll(async () => (await pushLog(w, next))[0]?.state).toBe('skipped');
    expect((await pushLog(w, next))[0]?.lastError).toBe('webpush: no device subscribed');
    expect(push.received).toHaveLength(1);
  });

  it('retries while the push service fails, and delivers once when it is back', async () => {
    w = await startWorld();
    await subscribe(w, w.alice, push.newDevice());
    push.script.push(500, 503);
    const messageId = await askApproval(w);

    await expect.poll(async () => (await pushLog(w, messageId))[0]?.attempts.length).toBe(1);
    await expect.poll(() => retried(w, messageId)).toBe(2);
    await expect.poll(() => retried(w, messageId)).toBe(3);
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.state).toBe('delivered');
    for (let i = 0; i < 5; i++) await w.clock.advance(10_000);
    await settle();

    expect(push.received.map((p) => p.status)).toEqual([500, 503, 201]);
    expect(push.received.filter((p) => p.status === 201)).toHaveLength(1);
    const [log] = await pushLog(w, messageId);
    expect(log!.attempts.map((a: { error: string | null }) => a.error)).toEqual([
      expect.stringContaining('HTTP 500'),
      expect.stringContaining('HTTP 503'),
      null,
    ]);
    expect(JSON.stringify(log)).not.toContain('/push/');
  });

  it('retries while the push service is down (connection refused), then delivers once', async () => {
    w = await startWorld();
    const device = push.newDevice();
    await subscribe(w, w.alice, device);
    const port = new URL(push.origin).port;
    await push.close();
    const messageId = await askApproval(w);
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.attempts.length).toBe(1);
    expect((await pushLog(w, messageId))[0]!.attempts[0]!.error).toContain('ECONNREFUSED');

    // The service comes back on the same port.
    const back = await startPushService<WebPushPayload>({ port: Number(port), devices: [device] });
    push = back;
    await expect.poll(() => retried(w, messageId)).toBe(2);
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.state).toBe('delivered');
    for (let i = 0; i < 5; i++) await w.clock.advance(10_000);
    await settle();
    expect(back.received).toHaveLength(1);
  });

  it('sends a digest as one push: "N reviews waiting", to the inbox', async () => {
    w = await startWorld();
    await w.placet.notifications.setPreferences(w.alice.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: { webpush: { enabled: true, events: ['review.created'], digestMinutes: 5 } },
    });
    await subscribe(w, w.alice, push.newDevice());
    await askApproval(w, 'First?');
    await askApproval(w, 'Second?');
    await settle();
    expect(push.received).toHaveLength(0);
    // The period's end, then the grace after it.
    await w.clock.advance(5 * 60_000 + 30_000);
    await expect.poll(() => push.received.length).toBe(1);
    expect(push.received[0]!.payload).toEqual({
      title: '2 reviews waiting',
      body: 'deploy-bot: First? · deploy-bot: Second?',
      tag: 'placet-digest',
      url: 'https://placet.example.test/#/inbox',
      reviewId: null,
      kind: 'digest',
    });
  });

  it('refuses at send time an endpoint whose name now resolves to a private address (no request)', async () => {
    let answer = '93.184.216.34';
    w = await startWorld({
      webpush: { allowHosts: [], resolver: async () => [{ address: answer, family: 4 }] },
    });
    const { keys } = push.newDevice();
    const res = await call(`${routes(w)}/subscriptions`, {
      method: 'POST',
      headers: w.alice.headers,
      body: { endpoint: 'https://push.example.test/push/abc', keys },
    });
    expect(res.status).toBe(201);
    answer = '127.0.0.1'; // DNS rebinding: the name now points at this machine.
    const messageId = await askApproval(w);
    await expect.poll(async () => (await pushLog(w, messageId))[0]?.state).toBe('failed');
    const [log] = await pushLog(w, messageId);
    expect(log!.attempts).toHaveLength(1); // Refused for good: not retried.
    expect(log!.lastError).toContain('refused: resolves to a loopback address');
    expect(push.received).toHaveLength(0);
  });
});

describe('VAPID keys', () => {
  it('are generated once and shared by every process on the store', async () => {
    const store = memoryStore();
    w = await startWorld({ store });
    const first = (await call(`${routes(w)}/config`, { headers: w.alice.headers })).body.publicKey;
    const other = await startWorld({ store });
    try {
      const second = (await call(`${routes(other)}/config`, { headers: other.alice.headers })).body.publicKey;
      expect(second).toBe(first);
    } finally {
      await other.close();
    }
  });

  it('come from the options when given; an invalid pair fails createPlacet, naming the path only', async () => {
    const { default: webPush } = await import('web-push');
    const pair = webPush.generateVAPIDKeys();
    w = await startWorld({ webpush: { vapid: { ...pair, subject: 'mailto:ops@example.test' } } });
    expect((await call(`${routes(w)}/config`, { headers: w.alice.headers })).body).toEqual({
      publicKey: pair.publicKey,
    });
    const device = push.newDevice();
    await subscribe(w, w.alice, device);
    await askApproval(w);
    await expect.poll(() => push.received.length).toBe(1);
    expect(push.received[0]).toMatchObject({
      vapid: { publicKey: pair.publicKey, claims: { sub: 'mailto:ops@example.test' } },
    });

    const other = webPush.generateVAPIDKeys();
    const error = await startWorld({
      webpush: { vapid: { publicKey: pair.publicKey, privateKey: other.privateKey } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_OPTIONS',
      message: expect.stringContaining('vapid: privateKey does not belong to publicKey'),
    });
    expect(String((error as Error).message)).not.toContain(other.privateKey);
  });
});
