import type { Placet } from '@placet/core';
import { hashApiKey, type OutboundRequest, type WebhookSender } from '@placet/core/adapter';
import {
  type AuditEntry,
  AuditPage,
  Channel,
  DeliveryListQuery,
  type DeliveryView,
  InboxCount,
  Message,
} from '@placet/core/contract';
import { parseAuditExport, verifyAuditChain } from '@placet/core/receipts';
import { tinyPng } from '@placet/test-utils';
import { expect, vi } from 'vitest';
import {
  type Actor,
  answeredReview,
  body,
  type Entry,
  type Res,
  reviewMessage,
  textMessage,
  unique,
  type Vars,
} from './endpoint-matrix.table.js';

/**
 * The human endpoints of the `/api/v1` router (`routes/human.ts`), in the shape of the endpoint matrix
 * (`endpoint-matrix.table.ts`), run by `endpoint-matrix.test.ts`. Besides the matrix's cases each has a
 * 403 for the owner's own API key (an agent may not use a human endpoint) and a member case: a user with
 * role `member` gets 403 on the owner-only `/users` and group-changing routes and 404 for the owner's
 * channels and keys.
 */

/**
 * The webhook receiver of the matrix's server (`createPlacet({ webhookSender })`): answers 200 at once and
 * records every request, so that the delivery routes have finished deliveries to list and redrive. Its
 * `check` (for `POST /webhooks/check`) refuses `10.` addresses as the real guard does, and records the URLs.
 */
export const matrixWebhooks: WebhookSender & { requests: OutboundRequest[]; checks: string[] } = {
  requests: [],
  checks: [],
  async send(request) {
    matrixWebhooks.requests.push(request);
    return { status: 200, error: null, durationMs: 1 };
  },
  async check(url) {
    matrixWebhooks.checks.push(url);
    return new URL(url).hostname.startsWith('10.') ? { ok: false, reason: 'private address' } : { ok: true };
  },
};

/** An uploaded PNG avatar on the actor's channel: `version` is the `v` of its URL. */
async function uploadedAvatar(placet: Placet, actor: Actor): Promise<Vars> {
  const channel = await placet.avatars.set(
    actor.human,
    actor.channelId,
    { filename: 'me.png', mimeType: 'image/png', body: tinyPng() },
    { baseUrl: '/api/v1' },
  );
  return { version: new URL(channel.avatarUrl!, 'http://x').searchParams.get('v')! };
}

/** The channel still has no avatar. */
async function noAvatar(placet: Placet, _vars: Vars, actor: Actor): Promise<void> {
  expect((await placet.channels.get(actor.human, actor.channelId)).avatarUrl).toBeNull();
}

/** A custom webhook header: a credential that the delivery routes must never show. */
const WEBHOOK_SECRET_HEADER = { 'X-Matrix-Secret': 'matrix-s3cret-value' };
const DELIVERY_VIEW_FIELDS = [
  'id',
  'messageId',
  'event',
  'url',
  'method',
  'state',
  'attempts',
  'nextAttemptAt',
  'lastStatus',
  'lastError',
  'createdAt',
];

const API_KEY = /^hp_[0-9a-f]{48}$/;
const PUBLIC_API_KEY_FIELDS = ['id', 'userId', 'label', 'keyPrefix', 'channelId', 'lastUsedAt', 'createdAt'];
const PUBLIC_USER_FIELDS = [
  'id',
  'email',
  'displayName',
  'role',
  'externalId',
  'mustChangePassword',
  'createdAt',
];

/** Two reviews in the actor's channel: one answered, one pending (the newer). */
async function answeredAndPending(placet: Placet, actor: Actor): Promise<Vars> {
  const answered = await answeredReview(placet, actor);
  const pending = await reviewMessage(placet, actor);
  return { answeredId: answered.messageId!, messageId: pending.messageId! };
}

/** A second API key of the actor's user (not the one the actor signs in with). */
async function extraKey(placet: Placet, actor: Actor): Promise<Vars> {
  const { key, apiKey } = await placet.apiKeys.create(actor.userId, { label: unique('extra') });
  return { keyId: apiKey.id, rawKey: key };
}

/** A member user to delete. */
async function throwawayUser(placet: Placet): Promise<Vars> {
  const user = await placet.users.create({
    email: `${unique('throwaway')}@example.test`,
    displayName: 'Throwaway',
    role: 'member',
  });
  return { userId: user.id };
}

let groupNumber = 0;
/**
 * A group with one throwaway member. Its name is short (under 8 characters): a member reads groups, and
 * the member case checks that no longer value of the case reaches them.
 */
async function throwawayGroup(placet: Placet): Promise<Vars> {
  const user = await placet.users.create({
    email: `${unique('grouped')}@example.test`,
    displayName: 'Grouped',
    role: 'member',
  });
  const group = await placet.groups.create({
    name: `mx${++groupNumber}`,
    displayName: 'Matrix group',
    members: [user.id],
  });
  return { group: group.name };
}

/** The group is as `throwawayGroup` left it. */
const groupIntact = async (placet: Placet, v: Vars) => {
  expect(await placet.groups.get(v.group!)).toMatchObject({
    name: v.group,
    displayName: 'Matrix group',
    members: [{ displayName: 'Grouped' }],
  });
};

/**
 * A webhook on the actor's channel (with a secret header) and an answered review whose delivery the
 * matrix's receiver has taken (one attempt, 200: `delivered`).
 */
async function deliveredReview(placet: Placet, actor: Actor): Promise<Vars> {
  await placet.webhooks.setWebhook(actor.agent, {
    channelId: actor.channelId,
    url: 'https://hooks.example.test/matrix',
    headers: WEBHOOK_SECRET_HEADER,
  });
  const { messageId } = await answeredReview(placet, actor);
  const delivery = await vi.waitFor(
    async () => {
      const [only, ...more] = await placet.deliveries.listForMessage(actor.human, messageId!);
      expect(more).toEqual([]);
      expect(only).toMatchObject({ state: 'delivered' });
      return only!;
    },
    { timeout: 3000, interval: 10 },
  );
  return { messageId: messageId!, deliveryId: delivery.id };
}

/** The delivery is as `deliveredReview` left it: delivered once, not queued again. */
const deliveryIntact = async (placet: Placet, v: Vars, actor: Actor) => {
  const [delivery] = await placet.deliveries.listForMessage(actor.human, v.messageId!);
  expect(delivery).toMatchObject({ id: v.deliveryId, state: 'delivered', nextAttemptAt: null });
  expect(delivery!.attempts.map((a) => a.status)).toEqual([200]);
  expect(matrixWebhooks.requests.filter((r) => r.headers['webhook-id'] === v.deliveryId)).toHaveLength(1);
};

/** A delivery view: exactly its public fields, and never a header value. */
function expectDeliveryView(view: unknown): asserts view is DeliveryView {
  expect(Object.keys(view as object).sort()).toEqual([...DELIVERY_VIEW_FIELDS].sort());
  const text = JSON.stringify(view);
  for (const [name, value] of Object.entries(WEBHOOK_SECRET_HEADER)) {
    expect(text).not.toContain(name);
    expect(text).not.toContain(value);
  }
}

/** The case's pending review is still unread for the actor (nobody's read mark moved). */
const reviewUnread = async (placet: Placet, v: Vars, actor: Actor) => {
  const page = await placet.reviews.list(actor.human, { channel: actor.channelId });
  expect(page.data.map((m) => m.id)).toContain(v.messageId);
  expect(page.readIds).toEqual([]);
  expect(await placet.reviews.count(actor.human, { channel: actor.channelId })).toEqual({
    count: 1,
    unread: 1,
  });
};

/** The key of `extraKey` still authenticates, as the same key. */
const keyIntact = async (placet: Placet, v: Vars) => {
  expect(await placet.authenticate({ apiKey: v.rawKey! })).toMatchObject({
    kind: 'agent',
    apiKeyId: v.keyId,
  });
};

/** The actor's channel still has one unread agent message (nobody's read mark moved). */
const stillUnread = async (placet: Placet, _v: Vars, actor: Actor) => {
  const channels = await placet.channels.listWithActivity(actor.human);
  expect(channels.find((c) => c.id === actor.channelId)).toMatchObject({ unreadCount: 1 });
};

/** Public API keys: exactly the public fields; never the raw key nor its hash. */
function expectPublicKeys(res: Res, raw: readonly string[]): void {
  expect(Array.isArray(res.body)).toBe(true);
  for (const item of res.body as Record<string, unknown>[]) {
    expect(Object.keys(item).sort()).toEqual([...PUBLIC_API_KEY_FIELDS].sort());
  }
  const text = JSON.stringify(res.body);
  for (const key of raw) {
    expect(text).not.toContain(key);
    expect(text).not.toContain(hashApiKey(key));
  }
}

function expectPublicUser(user: unknown): void {
  expect(Object.keys(user as object).sort()).toEqual([...PUBLIC_USER_FIELDS].sort());
}

export const HUMAN_MATRIX: readonly Entry[] = [
  {
    method: 'GET',
    path: '/me',
    caller: 'human',
    request: () => ({}),
    success: {
      status: 200,
      check: (res, _v, a) => {
        expect(res.body).toMatchObject({ user: { id: a.userId, role: 'owner' } });
        expectPublicUser(body(res).user);
      },
    },
    unauthorized: true,
    foreign: 'Takes no id or channel: it answers the caller, which the success and member cases check.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: {
      status: 200,
      check: (res, _v, _owner, member) => {
        expect(res.body).toMatchObject({ user: { id: member.userId, role: 'member' } });
        expectPublicUser(body(res).user);
      },
    },
  },
  {
    method: 'GET',
    path: '/reviews',
    caller: 'human',
    setup: answeredAndPending,
    // No `status`: the inbox defaults to pending.
    request: (_v, a) => ({ query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: (res, v, a) => {
        expect(Object.keys(body(res)).sort()).toEqual(['data', 'nextCursor', 'readIds']);
        const data = Message.array().parse(body(res).data);
        expect(data.map((m) => m.id)).toEqual([v.messageId]);
        expect(data[0]).toMatchObject({ channelId: a.channelId, review: { status: 'pending' } });
        expect(body(res).nextCursor).toBeNull();
        expect(body(res).readIds).toEqual([]);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ query: { channel: a.channelId, status: 'nope' } }), path: 'status' },
    agentKey: true,
    member: { status: 404 },
  },
  {
    method: 'GET',
    path: '/reviews/count',
    caller: 'human',
    setup: answeredAndPending,
    // No `status`: pending by default, as in the inbox.
    request: (_v, a) => ({ query: { channel: a.channelId } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(InboxCount.strict().parse(res.body)).toEqual({ count: 1, unread: 1 });
        await placet.reviews.markRead(a.human, v.messageId!);
        expect(await placet.reviews.count(a.human, { channel: a.channelId })).toEqual({
          count: 1,
          unread: 0,
        });
        expect(await placet.reviews.count(a.human, { channel: a.channelId, status: 'all' })).toEqual({
          count: 2,
          unread: 1,
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ query: { channel: a.channelId, status: 'nope' } }), path: 'status' },
    agentKey: true,
    member: { status: 404 },
  },
  {
    method: 'POST',
    path: '/reviews/read',
    caller: 'human',
    setup: answeredAndPending,
    // No `status`: pending by default, as in the count. The channel keeps the case to its own reviews.
    request: (_v, a) => ({ body: { channel: a.channelId } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(Object.keys(body(res))).toEqual(['marked']);
        expect(body(res).marked).toBe(1);
        const page = await placet.reviews.list(a.human, { channel: a.channelId, status: 'all' });
        expect(page.readIds).toEqual([v.messageId]);
        expect(await placet.reviews.count(a.human, { channel: a.channelId })).toEqual({
          count: 1,
          unread: 0,
        });
        // Idempotent: nothing left to mark.
        expect(await placet.reviews.markAllRead(a.human, { channel: a.channelId })).toEqual({ marked: 0 });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (_v, a) => ({ body: { channel: a.channelId, search: 'x'.repeat(201) } }),
      path: 'search',
    },
    agentKey: true,
    member: { status: 404 },
    intact: reviewUnread,
  },
  {
    method: 'POST',
    path: '/reviews/:id/read',
    caller: 'human',
    setup: answeredAndPending,
    request: (v) => ({ params: { id: v.messageId! } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(Object.keys(body(res)).sort()).toEqual(['read', 'readAt']);
        expect(body(res).read).toBe(true);
        const at = body(res).readAt as string;
        expect(new Date(at).toISOString()).toBe(at);
        const page = await placet.reviews.list(a.human, { channel: a.channelId, status: 'all' });
        expect(page.readIds).toEqual([v.messageId]);
        expect(await placet.reviews.count(a.human, { channel: a.channelId })).toEqual({
          count: 1,
          unread: 0,
        });
        // Idempotent: the first read's time again.
        expect(await placet.reviews.markRead(a.human, v.messageId!)).toEqual({ read: true, readAt: at });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid:
      'No body and no query (the review is the path id; an unknown one, or a message without a review, is a 404).',
    agentKey: true,
    member: { status: 404 },
    intact: reviewUnread,
  },
  {
    method: 'GET',
    path: '/audit',
    caller: 'human',
    setup: answeredReview,
    request: (v) => ({ query: { review: v.messageId!, format: 'ndjson' } }),
    success: {
      status: 200,
      check: async (res, v, a) => {
        expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
        expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="placet-audit-/);
        const text = typeof res.body === 'string' ? res.body : `${JSON.stringify(res.body)}\n`;
        const { entries } = parseAuditExport(text);
        expect((entries as AuditEntry[]).map((e) => e.type)).toEqual([
          'review.created',
          'review.completed',
          'receipt.issued',
        ]);
        for (const e of entries as AuditEntry[])
          expect(e).toMatchObject({ ownerId: a.userId, messageId: v.messageId });
        expect(await verifyAuditChain(entries, { allowGaps: true })).toMatchObject({ ok: true, count: 3 });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ query: { review: v.messageId!, format: 'xml' } }), path: 'format' },
    agentKey: true,
    // The member's own chain does not name the owner's review.
    member: { status: 404 },
  },
  {
    method: 'GET',
    path: '/reviews/:id/audit',
    caller: 'human',
    setup: answeredReview,
    request: (v) => ({ params: { id: v.messageId! } }),
    success: {
      status: 200,
      check: async (res, v, a) => {
        const page = AuditPage.strict().parse(res.body);
        expect(page.nextAfter).toBeNull();
        expect(page.entries.map((e) => [e.type, e.messageId, e.ownerId])).toEqual([
          ['review.created', v.messageId, a.userId],
          ['review.completed', v.messageId, a.userId],
          ['receipt.issued', v.messageId, a.userId],
        ]);
        expect(page.entries[1]!.actor).toEqual({ kind: 'user', id: a.userId });
        expect(await verifyAuditChain(page.entries, { allowGaps: true })).toMatchObject({ ok: true });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (v) => ({ params: { id: v.messageId! }, query: { limit: '0' } }), path: 'limit' },
    agentKey: true,
    member: { status: 404 },
  },
  {
    method: 'POST',
    path: '/agents/:id/avatar',
    caller: 'human',
    request: (_v, a) => ({
      params: { id: a.channelId },
      form: [
        ['file', { blob: new Blob([new Uint8Array(tinyPng())], { type: 'image/png' }), filename: 'me.png' }],
      ],
    }),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        const channel = Channel.parse(res.body);
        expect(channel.avatarUrl).toMatch(
          new RegExp(`^/api/v1/agents/${a.channelId}/avatar\\?v=[a-z0-9]+\\.png$`),
        );
        expect((await placet.avatars.open(a.human, a.channelId)).contentType).toBe('image/png');
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: {
      request: (_v, a) => ({
        params: { id: a.channelId },
        form: [['file', { blob: new Blob([]), filename: 'empty.png' }]],
      }),
      path: 'file',
    },
    agentKey: true,
    member: { status: 404 },
    intact: noAvatar,
  },
  {
    method: 'GET',
    path: '/agents/:id/avatar',
    caller: 'agent',
    setup: uploadedAvatar,
    request: (v, a) => ({ params: { id: a.channelId }, query: { v: v.version! } }),
    success: {
      status: 200,
      check: (res) => {
        expect(res.headers.get('content-type')).toBe('image/png');
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'The query `v` takes any value (a stale one is served uncached, never a 400).',
    member: { status: 404 },
  },
  {
    method: 'DELETE',
    path: '/agents/:id/avatar',
    caller: 'human',
    setup: uploadedAvatar,
    request: (_v, a) => ({ params: { id: a.channelId } }),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        expect(Channel.parse(res.body).avatarUrl).toBeNull();
        await expect(placet.avatars.open(a.human, a.channelId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query (the channel is the path id; an unknown one is the foreign 404).',
    agentKey: true,
    member: { status: 404 },
    intact: async (placet, _v, a) => {
      expect((await placet.avatars.open(a.human, a.channelId)).contentType).toBe('image/png');
    },
  },
  {
    method: 'POST',
    path: '/agents/:id/read',
    caller: 'human',
    setup: textMessage,
    request: (_v, a) => ({ params: { id: a.channelId } }),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        expect(Object.keys(body(res)).sort()).toEqual(['lastReadAt', 'read']);
        expect(body(res).read).toBe(true);
        const at = body(res).lastReadAt as string;
        expect(new Date(at).toISOString()).toBe(at);
        const channels = await placet.channels.listWithActivity(a.human);
        expect(channels.find((c) => c.id === a.channelId)).toMatchObject({ unreadCount: 0 });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query (the channel is the path id; an unknown one is the foreign 404).',
    agentKey: true,
    member: { status: 404 },
    intact: stillUnread,
  },
  {
    method: 'GET',
    path: '/messages/:id/deliveries',
    caller: 'human',
    setup: deliveredReview,
    request: (v) => ({ params: { id: v.messageId! } }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(Array.isArray(res.body)).toBe(true);
        const [delivery, ...more] = res.body as unknown[];
        expect(more).toEqual([]);
        expectDeliveryView(delivery);
        expect(delivery).toMatchObject({
          id: v.deliveryId,
          messageId: v.messageId,
          event: 'review:responded',
          url: 'https://hooks.example.test/matrix',
          method: 'POST',
          state: 'delivered',
          nextAttemptAt: null,
          lastStatus: 200,
          lastError: null,
        });
        expect(delivery.attempts).toEqual([
          { attempt: 1, at: expect.any(String), status: 200, error: null, durationMs: 1 },
        ]);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query (the message is the path id; an unknown one is the foreign 404).',
    agentKey: true,
    member: { status: 404 },
  },
  {
    method: 'GET',
    path: '/agents/:id/deliveries',
    caller: 'human',
    setup: deliveredReview,
    request: (_v, a) => ({ params: { id: a.channelId }, query: { limit: '10' } }),
    success: {
      status: 200,
      check: (res, v) => {
        expect(Object.keys(body(res)).sort()).toEqual(['data', 'nextCursor']);
        expect(body(res).nextCursor).toBeNull();
        const [delivery, ...more] = body(res).data as unknown[];
        expect(more).toEqual([]);
        expectDeliveryView(delivery);
        expect(delivery).toMatchObject({
          id: v.deliveryId,
          messageId: v.messageId,
          event: 'review:responded',
          url: 'https://hooks.example.test/matrix',
          state: 'delivered',
          lastStatus: 200,
          lastError: null,
        });
        expect(delivery.attempts).toEqual([
          { attempt: 1, at: expect.any(String), status: 200, error: null, durationMs: 1 },
        ]);
        expect(DeliveryListQuery.parse({}).limit).toBe(25);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: (_v, a) => ({ params: { id: a.channelId }, query: { limit: '0' } }), path: 'limit' },
    agentKey: true,
    member: { status: 404 },
  },
  {
    method: 'POST',
    path: '/deliveries/:id/redrive',
    caller: 'human',
    setup: deliveredReview,
    request: (v) => ({ params: { id: v.deliveryId! } }),
    success: {
      status: 200,
      check: async (res, v) => {
        expectDeliveryView(res.body);
        // Queued again; the last outcome stays until the next attempt replaces it.
        expect(res.body).toMatchObject({
          id: v.deliveryId,
          messageId: v.messageId,
          state: 'pending',
          lastStatus: 200,
          lastError: null,
        });
        // Sent again, with the same webhook-id.
        await vi.waitFor(
          () =>
            expect(
              matrixWebhooks.requests.filter((r) => r.headers['webhook-id'] === v.deliveryId),
            ).toHaveLength(2),
          { timeout: 3000, interval: 10 },
        );
      },
    },
    unauthorized: true,
    foreign: {},
    invalid:
      'No body and no query (the delivery is the path id; a still pending one is a 409, in deliveries.test.ts).',
    agentKey: true,
    member: { status: 404 },
    intact: deliveryIntact,
  },
  {
    method: 'POST',
    path: '/webhooks/check',
    caller: 'human',
    request: () => ({ body: { url: 'http://10.0.0.1/hook' } }),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        expect(res.body).toEqual({ ok: false, checked: true, reason: 'private address' });
        expect(matrixWebhooks.checks.at(-1)).toBe('http://10.0.0.1/hook');
        // Asked, never sent: no request to the URL, nothing queued.
        expect(matrixWebhooks.requests.filter((r) => r.url === 'http://10.0.0.1/hook')).toEqual([]);
        expect(await placet.deliveries.checkTarget(a.human, 'https://hooks.example.test/matrix')).toEqual({
          ok: true,
          checked: true,
        });
      },
    },
    unauthorized: true,
    foreign: "Takes no id or channel: it judges the URL in the body, nothing of an owner's.",
    invalid: { request: () => ({ body: { url: 'ftp://hooks.example.test/matrix' } }), path: 'url' },
    agentKey: true,
    member: {
      // Any human may ask; the verdict is the server's rules, the same for everyone.
      status: 200,
      request: () => ({ body: { url: 'https://hooks.example.test/member' } }),
      check: (res) => expect(res.body).toEqual({ ok: true, checked: true }),
    },
  },
  {
    method: 'GET',
    path: '/api-keys',
    caller: 'human',
    setup: extraKey,
    request: () => ({}),
    success: {
      status: 200,
      check: (res, v, a) => {
        expectPublicKeys(res, [v.rawKey!, a.key]);
        const keys = res.body as { id: string; userId: string }[];
        expect(keys.map((k) => k.id)).toEqual(expect.arrayContaining([v.keyId, a.agent.apiKeyId]));
        for (const key of keys) expect(key.userId).toBe(a.userId);
      },
    },
    unauthorized: true,
    foreign:
      'Takes no id or channel; the success case checks every key listed is the caller’s (the runner also checks the second owner is absent).',
    invalid: 'No body and no query.',
    agentKey: true,
    member: {
      // The member's own keys only.
      status: 200,
      check: (res, v, owner, member) => {
        expectPublicKeys(res, [v.rawKey!, owner.key, member.key]);
        const keys = res.body as { id: string; userId: string }[];
        expect(keys.map((k) => k.id)).toContain(member.agent.apiKeyId);
        for (const key of keys) expect(key.userId).toBe(member.userId);
      },
    },
  },
  {
    method: 'GET',
    path: '/notifications/preferences',
    caller: 'human',
    request: () => ({}),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        // This router's instance has no notifiers: the defaults, and nothing to choose from.
        expect(res.body).toEqual({ timeZone: 'UTC', quietHours: null, notifiers: {}, available: [] });
        await placet.notifications.setPreferences(a.userId, {
          timeZone: 'Asia/Tokyo',
          quietHours: null,
          notifiers: {},
        });
        expect((await placet.notifications.preferences(a.userId)).timeZone).toBe('Asia/Tokyo');
      },
    },
    unauthorized: true,
    foreign: 'Takes no id or channel: it answers the caller, which the member case checks.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: {
      status: 200,
      check: (res) => expect(res.body).toMatchObject({ timeZone: 'UTC', quietHours: null }),
    },
  },
  {
    method: 'PUT',
    path: '/notifications/preferences',
    caller: 'human',
    request: () => ({
      body: { timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' }, notifiers: {} },
    }),
    success: {
      status: 200,
      check: async (res, _v, a, placet) => {
        const expected = {
          timeZone: 'Europe/Berlin',
          quietHours: { start: '22:00', end: '07:00' },
          notifiers: {},
          available: [],
        };
        expect(res.body).toEqual(expected);
        expect(await placet.notifications.preferences(a.userId)).toEqual(expected);
      },
    },
    unauthorized: true,
    foreign: 'Takes no id or channel: it sets the caller’s own preferences, which the member case checks.',
    invalid: {
      request: () => ({ body: { timeZone: 'Mars/Olympus_Mons', quietHours: null, notifiers: {} } }),
      path: 'timeZone',
    },
    agentKey: true,
    member: {
      status: 200,
      request: () => ({ body: { timeZone: 'America/Lima', quietHours: null, notifiers: {} } }),
      check: async (res, _v, owner, member, placet) => {
        expect(res.body).toMatchObject({ timeZone: 'America/Lima' });
        // The member's own preferences; the owner's are not theirs.
        expect((await placet.notifications.preferences(member.userId)).timeZone).toBe('America/Lima');
        expect((await placet.notifications.preferences(owner.userId)).timeZone).not.toBe('America/Lima');
      },
    },
  },
  {
    method: 'POST',
    path: '/api-keys',
    caller: 'human',
    // Scoped to a channel, so that the foreign and member cases name someone else's channel.
    request: (_v, a) => ({ body: { label: 'ci-key', channelId: a.channelId } }),
    success: {
      status: 201,
      check: async (res, _v, a, placet) => {
        const created = body(res);
        expect(created).toMatchObject({ label: 'ci-key', channelId: a.channelId, userId: a.userId });
        expect(created.key).toMatch(API_KEY);
        expect(Object.keys(created).sort()).toEqual([...PUBLIC_API_KEY_FIELDS, 'key'].sort());
        expect(await placet.authenticate({ apiKey: created.key as string })).toMatchObject({
          apiKeyId: created.id,
          userId: a.userId,
          channelId: a.channelId,
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: { request: () => ({ body: { label: '' } }), path: 'label' },
    agentKey: true,
    member: { status: 404 },
    intact: async (placet, _v, a) => {
      // Nobody has a key scoped to the case's channel.
      for (const user of await placet.users.list()) {
        const keys = await placet.apiKeys.list(user.id);
        expect(keys.filter((k) => k.channelId === a.channelId)).toEqual([]);
      }
    },
  },
  {
    method: 'DELETE',
    path: '/api-keys/:id',
    caller: 'human',
    setup: extraKey,
    request: (v) => ({ params: { id: v.keyId! } }),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(res.body).toEqual({ deleted: true });
        expect(await placet.authenticate({ apiKey: v.rawKey! })).toBeNull();
        expect((await placet.apiKeys.list(a.userId)).map((k) => k.id)).not.toContain(v.keyId);
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query.',
    agentKey: true,
    member: { status: 404 },
    intact: keyIntact,
  },
  {
    method: 'POST',
    path: '/api-keys/:id/rotate',
    caller: 'human',
    setup: extraKey,
    request: (v) => ({ params: { id: v.keyId! } }),
    success: {
      status: 200,
      check: async (res, v, _a, placet) => {
        const rotated = body(res);
        expect(rotated.id).toBe(v.keyId);
        expect(rotated.key).toMatch(API_KEY);
        expect(rotated.key).not.toBe(v.rawKey);
        expect(Object.keys(rotated).sort()).toEqual([...PUBLIC_API_KEY_FIELDS, 'key'].sort());
        expect(await placet.authenticate({ apiKey: v.rawKey! })).toBeNull();
        expect(await placet.authenticate({ apiKey: rotated.key as string })).toMatchObject({
          apiKeyId: v.keyId,
        });
      },
    },
    unauthorized: true,
    foreign: {},
    invalid: 'No body and no query.',
    agentKey: true,
    member: { status: 404 },
    intact: keyIntact,
  },
  {
    method: 'POST',
    path: '/receipts/keys/rotate',
    caller: 'human',
    setup: async (placet) => ({ kids: (await placet.receipts.jwks()).keys.map((k) => k.kid).join(' ') }),
    request: () => ({}),
    success: {
      status: 200,
      check: async (res, v, a, placet) => {
        expect(Object.keys(body(res))).toEqual(['kid']);
        const { kid } = body(res) as { kid: string };
        const kids = (await placet.receipts.jwks()).keys.map((k) => k.kid);
        // A new key, and every older one still there (old receipts verify by kid).
        expect(kids).toEqual([...v.kids!.split(' '), kid]);
        const { messageId } = await answeredReview(placet, a);
        expect((await placet.receipts.get(a.agent, messageId!)).kid).toBe(kid);
      },
    },
    unauthorized: true,
    serverWide: 'The signing keys are the server’s: every owner may rotate them.',
    foreign: 'The signing keys are server-wide: it takes no id or channel of anyone.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: { status: 403 },
    intact: async (placet, v) => {
      expect((await placet.receipts.jwks()).keys.map((k) => k.kid).join(' ')).toBe(v.kids);
    },
  },
  {
    method: 'GET',
    path: '/users',
    caller: 'human',
    request: () => ({}),
    success: {
      status: 200,
      check: (res, _v, a) => {
        expect(Array.isArray(res.body)).toBe(true);
        const users = res.body as { id: string }[];
        expect(users.map((u) => u.id)).toContain(a.userId);
        for (const user of users) expectPublicUser(user);
      },
    },
    unauthorized: true,
    serverWide: 'Users are the server’s: every owner administers all of them, the second owner included.',
    foreign: 'Users are server-wide, not an owner’s: there is no other owner’s id to ask for.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: { status: 403 },
  },
  {
    method: 'POST',
    path: '/users',
    caller: 'human',
    setup: async () => ({ email: `${unique('new-member')}@example.test` }),
    request: (v) => ({ body: { email: v.email, displayName: 'New member', password: 'member-password' } }),
    success: {
      status: 201,
      check: async (res, v, _a, placet) => {
        expect(res.body).toMatchObject({ email: v.email, displayName: 'New member', role: 'member' });
        expectPublicUser(res.body);
        expect(await placet.users.verifyCredentials(v.email!, 'member-password')).toMatchObject({
          id: body(res).id,
        });
      },
    },
    unauthorized: true,
    foreign: 'Creates a server-wide user; it takes no id or channel of anyone.',
    invalid: { request: () => ({ body: { email: 'x', displayName: 'X' } }), path: 'email' },
    agentKey: true,
    member: { status: 403 },
    intact: async (placet, v) => {
      expect((await placet.users.list()).map((u) => u.email)).not.toContain(v.email);
    },
  },
  {
    method: 'DELETE',
    path: '/users/:id',
    caller: 'human',
    setup: throwawayUser,
    request: (v) => ({ params: { id: v.userId! } }),
    success: {
      status: 200,
      check: async (res, v, _a, placet) => {
        expect(res.body).toEqual({ deleted: true });
        expect(await placet.users.get(v.userId!)).toBeUndefined();
      },
    },
    unauthorized: true,
    serverWide: 'Users are the server’s: any owner may delete any user but themselves.',
    foreign: 'Users are server-wide, not an owner’s: another owner’s user is no foreign id.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: { status: 403 },
    intact: async (placet, v) => {
      expect(await placet.users.get(v.userId!)).toMatchObject({ id: v.userId });
    },
  },
  {
    method: 'GET',
    path: '/groups',
    caller: 'human',
    setup: throwawayGroup,
    request: () => ({}),
    success: {
      status: 200,
      check: (res, v) => {
        const groups = res.body as { name: string }[];
        expect(groups.find((g) => g.name === v.group)).toMatchObject({
          displayName: 'Matrix group',
          members: [{ id: expect.any(String), displayName: 'Grouped' }],
        });
        expect(groups.map((g) => g.name)).toEqual(groups.map((g) => g.name).sort());
      },
    },
    unauthorized: true,
    serverWide: 'Groups are the server’s: every signed-in human reads all of them.',
    foreign: 'Groups are server-wide, not an owner’s: it takes no id or channel of anyone.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: {
      status: 200,
      check: (res, v) => {
        // Members read groups too (who a review is assigned to), without anyone's e-mail.
        expect((res.body as { name: string }[]).map((g) => g.name)).toContain(v.group);
        expect(JSON.stringify(res.body)).not.toContain('@');
      },
    },
  },
  {
    method: 'POST',
    path: '/groups',
    caller: 'human',
    setup: async (placet) => ({ name: `new-${++groupNumber}`, ...(await throwawayUser(placet)) }),
    request: (v) => ({ body: { name: v.name, displayName: 'New group', members: [v.userId] } }),
    success: {
      status: 201,
      check: async (res, v, _a, placet) => {
        expect(res.body).toEqual({
          name: v.name,
          displayName: 'New group',
          members: [{ id: v.userId, displayName: 'Throwaway' }],
          createdAt: expect.any(String),
        });
        expect(await placet.groups.get(v.name!)).toEqual(res.body);
      },
    },
    unauthorized: true,
    foreign: 'Creates a server-wide group; it takes no id or channel of anyone.',
    invalid: { request: () => ({ body: { name: 'Not A Slug' } }), path: 'name' },
    agentKey: true,
    member: { status: 403 },
    intact: async (placet, v) => {
      expect(await placet.groups.get(v.name!)).toBeUndefined();
    },
  },
  {
    method: 'PUT',
    path: '/groups/:name',
    caller: 'human',
    setup: throwawayGroup,
    request: (v) => ({ params: { name: v.group! }, body: { displayName: 'Renamed', members: [] } }),
    success: {
      status: 200,
      check: async (res, v, _a, placet) => {
        expect(res.body).toMatchObject({ name: v.group, displayName: 'Renamed', members: [] });
        expect(await placet.groups.get(v.group!)).toEqual(res.body);
      },
    },
    unauthorized: true,
    serverWide: 'Groups are the server’s: every owner changes any of them.',
    foreign: 'Groups are server-wide, not an owner’s: another owner’s group is no foreign id.',
    invalid: {
      request: (v) => ({ params: { name: v.group! }, body: { members: ['nobody@example.test'] } }),
      path: 'members.0',
    },
    agentKey: true,
    member: { status: 403 },
    intact: groupIntact,
  },
  {
    method: 'DELETE',
    path: '/groups/:name',
    caller: 'human',
    setup: throwawayGroup,
    request: (v) => ({ params: { name: v.group! } }),
    success: {
      status: 200,
      check: async (res, v, _a, placet) => {
        expect(res.body).toEqual({ deleted: true });
        expect(await placet.groups.get(v.group!)).toBeUndefined();
      },
    },
    unauthorized: true,
    serverWide: 'Groups are the server’s: every owner deletes any of them.',
    foreign: 'Groups are server-wide, not an owner’s: another owner’s group is no foreign id.',
    invalid: 'No body and no query.',
    agentKey: true,
    member: { status: 403 },
    intact: groupIntact,
  },
];
