import type { AgentPrincipal } from '@placet/core';
import { hashApiKey } from '@placet/core/adapter';
import { Message } from '@placet/core/contract';
import { FakeClock } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * The human endpoints over HTTP (`routes/human.ts`, and the human side of `GET /agents` and
 * `POST /messages`): the inbox, unread counts, API keys, users, `GET /me` and user messages.
 * The endpoint matrix covers each route's refusals; these tests cover what the routes do.
 */

let s: Server;
/** Drives `createdAt` (and read marks) so that "newer" and "after the read mark" are exact. */
let clock: FakeClock;
afterEach(async () => s?.close());

async function start(): Promise<void> {
  clock = new FakeClock();
  s = await startServer({ placet: { clock, sweepIntervalMs: 3_600_000 } });
}

type Init = Parameters<typeof call>[1];
const api = (path: string, init: Init = {}) => call(`${s.url}/api/v1${path}`, init);
const asUser = (userId: string) => ({ 'x-test-user': userId, 'content-type': 'application/json' });
const asKey = (key: string) => ({ 'x-api-key': key, 'content-type': 'application/json' });
const API_KEY = /^hp_[0-9a-f]{48}$/;

const approval = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve' },
      { id: 'reject', label: 'Reject' },
    ],
  },
  expiresInSeconds: 3600,
};
const selection = {
  type: 'selection',
  payload: {
    mode: 'single',
    items: [
      { id: 'a', label: 'A' },
      { id: 'b', label: 'B' },
    ],
  },
  expiresInSeconds: 3600,
};

async function agentOf(key: string): Promise<AgentPrincipal> {
  return (await s.placet.authenticate({ apiKey: key })) as AgentPrincipal;
}

/** An agent message (through the engine), one second after the previous one. */
async function agentSays(
  channelId: string,
  text: string,
  review?: typeof approval | typeof selection,
  key = s.key,
): Promise<string> {
  await clock.advance(1000);
  const message = await s.placet.messages.create(await agentOf(key), {
    channelId,
    text,
    ...(review ? { review } : {}),
  });
  return message.id;
}

/** A second owner with a key and a channel. */
async function secondOwner(): Promise<{ userId: string; key: string; channelId: string }> {
  const user = await s.placet.users.create({
    email: `second-${Math.random()}@example.test`,
    displayName: 'Second owner',
    role: 'owner',
  });
  const { key } = await s.placet.apiKeys.create(user.id, { label: 'second' });
  const channel = await s.placet.channels.create(await agentOf(key), { name: 'second-bot' });
  return { userId: user.id, key, channelId: channel.id };
}

/** A member user made by the owner through `POST /users`. */
async function memberOfOwner(): Promise<string> {
  const created = await api('/users', {
    method: 'POST',
    headers: s.human,
    body: { email: `member-${Math.random()}@example.test`, displayName: 'Member' },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  expect(created.body.role).toBe('member');
  return created.body.id as string;
}

/** The ids of an inbox page (the page must be well formed). */
async function inbox(query: string, headers = s.human): Promise<string[]> {
  const res = await api(`/reviews${query}`, { headers });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.body.nextCursor).toBeNull();
  return Message.array()
    .parse(res.body.data)
    .map((m) => m.id);
}

/** The human view of the owner's channel list, by channel id. */
async function channelsOf(headers = s.human): Promise<Map<string, Record<string, unknown>>> {
  const res = await api('/agents', { headers });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return new Map((res.body as Record<string, unknown>[]).map((c) => [c.id as string, c]));
}

async function unreadOf(channelId: string): Promise<unknown> {
  return (await channelsOf()).get(channelId)?.unreadCount;
}

describe('GET /reviews: the inbox', () => {
  it('filters by status, channel and type, newest first; never another owner’s reviews', async () => {
    await start();
    const other = (await s.placet.channels.create(await agentOf(s.key), { name: 'other-bot' })).id;
    const second = await secondOwner();

    const pendingA = await agentSays(s.channelId, 'Deploy?', approval);
    const completedA = await agentSays(s.channelId, 'Migrate?', approval);
    await s.placet.reviews.respond(s.placet.userPrincipal(s.owner), completedA, {
      response: { selectedOption: 'approve' },
    });
    const expiredA = await agentSays(s.channelId, 'Rollback?', { ...approval, expiresInSeconds: 60 });
    await clock.advance(61_000);
    await s.placet.sweep(); // The sweeper expires the due review.
    await agentSays(s.channelId, 'Just text, no review');
    const pendingB = await agentSays(other, 'Which region?', selection);
    await agentSays(second.channelId, 'Not yours', approval, second.key);

    expect(await inbox('')).toEqual([pendingB, pendingA]); // pending is the default
    expect(await inbox('?status=pending')).toEqual([pendingB, pendingA]);
    expect(await inbox('?status=completed')).toEqual([completedA]);
    expect(await inbox('?status=expired')).toEqual([expiredA]);
    expect(await inbox('?status=all')).toEqual([pendingB, expiredA, completedA, pendingA]);
    expect(await inbox(`?channel=${s.channelId}`)).toEqual([pendingA]);
    expect(await inbox(`?channel=${s.channelId}&status=all`)).toEqual([expiredA, completedA, pendingA]);
    expect(await inbox(`?channel=${other}&status=all`)).toEqual([pendingB]);
    expect(await inbox('?type=selection&status=all')).toEqual([pendingB]);
    expect(await inbox('?type=approval')).toEqual([pendingA]);
    expect(await inbox(`?channel=${other}&type=approval&status=all`)).toEqual([]);

    const page = await api('/reviews?status=all', { headers: s.human });
    const byId = new Map((page.body.data as Message[]).map((m) => [m.id, m]));
    expect(byId.get(pendingB)).toMatchObject({
      channelId: other,
      review: { type: 'selection', status: 'pending' },
    });
    expect(byId.get(completedA)).toMatchObject({
      review: { status: 'completed', response: { selectedOption: 'approve' }, respondedBy: s.owner.id },
    });
    expect(byId.get(expiredA)).toMatchObject({ review: { status: 'expired' } });

    // The second owner's channel is a 404; their review is no cursor of ours.
    const foreign = await api(`/reviews?channel=${second.channelId}`, { headers: s.human });
    expect(foreign.status).toBe(404);
    const theirs = await api('/reviews?status=all', { headers: asUser(second.userId) });
    const theirId = (theirs.body.data as Message[])[0]!.id;
    const badCursor = await api(`/reviews?cursor=${theirId}`, { headers: s.human });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.issues.map((i: { path: string }) => i.path)).toContain('cursor');
    expect(JSON.stringify(badCursor.body)).not.toContain(second.channelId);
  });

  it('pages 120 reviews by cursor: each exactly once, newest first, across ties in createdAt', async () => {
    await start();
    const agent = await agentOf(s.key);
    const second = await secondOwner();
    const secondAgent = await agentOf(second.key);
    const created: string[] = [];
    for (let i = 0; i < 120; i++) {
      // Three reviews per second: pages also break inside a run of equal createdAt.
      if (i % 3 === 0) await clock.advance(1000);
      const message = await s.placet.messages.create(agent, {
        channelId: s.channelId,
        text: `Review ${i}`,
        review: approval,
      });
      created.push(message.id);
      if (i % 10 === 0) {
        await s.placet.messages.create(secondAgent, {
          channelId: second.channelId,
          text: 'Not yours',
          review: approval,
        });
      }
    }
    const newestFirst = [...created].reverse();

    for (const limit of [undefined, 7]) {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 50; page++) {
        const query = new URLSearchParams({
          ...(limit ? { limit: String(limit) } : {}),
          ...(cursor ? { cursor } : {}),
        });
        const res = await api(`/reviews?${query}`, { headers: s.human });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        const ids = Message.array()
          .parse(res.body.data)
          .map((m) => m.id);
        seen.push(...ids);
        sizes.push(ids.length);
        cursor = res.body.nextCursor;
        if (cursor === null) break;
        expect(cursor).toBe(ids.at(-1));
      }
      expect(cursor, 'the last page has no next cursor').toBeNull();
      expect(seen).toEqual(newestFirst);
      expect(new Set(seen).size).toBe(120);
      if (limit === undefined)
        expect(sizes).toEqual([50, 50, 20]); // the default limit is 50
      else expect(sizes).toEqual([...Array(17).fill(7), 1]);
    }
  });

  it('a member’s inbox holds only their own reviews', async () => {
    await start();
    await agentSays(s.channelId, 'Owner review', approval);
    const memberId = await memberOfOwner();
    expect(await inbox('?status=all', asUser(memberId))).toEqual([]);
    const { key } = await s.placet.apiKeys.create(memberId, { label: 'member' });
    const channel = await s.placet.channels.create(await agentOf(key), { name: 'member-bot' });
    const own = await agentSays(channel.id, 'Member review', approval, key);
    expect(await inbox('?status=all', asUser(memberId))).toEqual([own]);
    expect(await inbox('?status=all')).not.toContain(own);
  });
});

describe('GET /agents for a human: unread counts and the last message', () => {
  it('counts agent messages after the read mark; user messages never count; read zeroes it', async () => {
    await start();
    // The agent sees the original's plain list; the human the activity fields.
    const plain = await api('/agents', { headers: s.agent });
    expect(plain.body[0]).not.toHaveProperty('unreadCount');
    expect(plain.body[0]).not.toHaveProperty('lastMessage');

    expect((await channelsOf()).get(s.channelId)).toMatchObject({
      id: s.channelId,
      unreadCount: 0,
      lastMessage: null,
      lastMessageAt: null,
    });

    await agentSays(s.channelId, 'Build started');
    const review = await agentSays(s.channelId, 'Deploy?', approval);
    expect(await unreadOf(s.channelId)).toBe(2);

    await clock.advance(1000);
    const userMessage = await api('/messages', {
      method: 'POST',
      headers: s.human,
      body: { channelId: s.channelId, text: 'Looking now' },
    });
    expect(userMessage.status).toBe(201);
    expect(userMessage.body).toMatchObject({ senderType: 'user', text: 'Looking now' });
    expect(await unreadOf(s.channelId)).toBe(2);

    const read = await api(`/agents/${s.channelId}/read`, { method: 'POST', headers: s.human });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ read: true, lastReadAt: clock.now().toISOString() });
    expect(await unreadOf(s.channelId)).toBe(0);

    // A user message after the mark still does not count; the next agent message does.
    await clock.advance(1000);
    await api('/messages', {
      method: 'POST',
      headers: s.human,
      body: { channelId: s.channelId, text: 'ok?' },
    });
    expect(await unreadOf(s.channelId)).toBe(0);
    await agentSays(s.channelId, 'Done');
    expect(await unreadOf(s.channelId)).toBe(1);

    // Reading again is idempotent; the review answered in between does not change counts.
    await s.placet.reviews.respond(s.placet.userPrincipal(s.owner), review, {
      response: { selectedOption: 'approve' },
    });
    expect(await unreadOf(s.channelId)).toBe(1);
    await api(`/agents/${s.channelId}/read`, { method: 'POST', headers: s.human });
    await api(`/agents/${s.channelId}/read`, { method: 'POST', headers: s.human });
    expect(await unreadOf(s.channelId)).toBe(0);
  });

  it('read marks are per channel', async () => {
    await start();
    const other = (await s.placet.channels.create(await agentOf(s.key), { name: 'other-bot' })).id;
    await agentSays(s.channelId, 'one');
    await agentSays(other, 'two');
    await agentSays(other, 'three');
    await api(`/agents/${s.channelId}/read`, { method: 'POST', headers: s.human });
    const channels = await channelsOf();
    expect(channels.get(s.channelId)?.unreadCount).toBe(0);
    expect(channels.get(other)?.unreadCount).toBe(2);
  });

  it('lastMessage and lastMessageAt follow the newest message, whoever sent it', async () => {
    await start();
    const first = await agentSays(s.channelId, 'First');
    let channel = (await channelsOf()).get(s.channelId);
    const firstAt = clock.now().toISOString();
    expect(channel).toMatchObject({
      lastMessage: { id: first, text: 'First', senderType: 'agent', createdAt: firstAt },
      lastMessageAt: firstAt,
    });

    await clock.advance(1000);
    const reply = await api('/messages', {
      method: 'POST',
      headers: s.human,
      body: { channelId: s.channelId, text: 'Reply' },
    });
    channel = (await channelsOf()).get(s.channelId);
    expect(channel).toMatchObject({
      lastMessage: { id: reply.body.id, text: 'Reply', senderType: 'user', createdAt: reply.body.createdAt },
      lastMessageAt: reply.body.createdAt,
    });
    expect(channel?.lastMessageAt).toBe(clock.now().toISOString());
  });

  // The read mark is a timestamp and the count is `createdAt > lastReadAt`: an agent message written in
  // the same millisecond as (but after) the read is never counted as unread.
  it('a message in the same millisecond as the read mark still counts as unread', async () => {
    await start();
    await api(`/agents/${s.channelId}/read`, { method: 'POST', headers: s.human });
    // No clock advance: the message is created after the read, at the same instant.
    await s.placet.messages.create(await agentOf(s.key), { channelId: s.channelId, text: 'Right after' });
    expect(await unreadOf(s.channelId)).toBe(1);
  });
});

describe('/api-keys', () => {
  it('create returns the key once; list never shows it or its hash; rotate and delete revoke', async () => {
    await start();
    const created = await api('/api-keys', { method: 'POST', headers: s.human, body: { label: 'laptop' } });
    expect(created.status).toBe(201);
    const { key, id } = created.body as { key: string; id: string };
    expect(key).toMatch(API_KEY);
    expect(created.body).toMatchObject({
      label: 'laptop',
      userId: s.owner.id,
      channelId: null,
      lastUsedAt: null,
    });
    expect(created.body.keyPrefix).toBe(key.slice(0, created.body.keyPrefix.length));
    expect(created.body).not.toHaveProperty('keyHash');
    expect((await api('/agents', { headers: asKey(key) })).status).toBe(200);

    const listed = await api('/api-keys', { headers: s.human });
    expect(listed.status).toBe(200);
    const mine = (listed.body as Record<string, unknown>[]).find((k) => k.id === id);
    expect(mine).toMatchObject({ id, label: 'laptop' });
    for (const item of listed.body as Record<string, unknown>[]) {
      expect(item).not.toHaveProperty('key');
      expect(item).not.toHaveProperty('keyHash');
    }
    for (const raw of [key, s.key]) {
      expect(JSON.stringify(listed.body)).not.toContain(raw);
      expect(JSON.stringify(listed.body)).not.toContain(hashApiKey(raw));
    }

    const rotated = await api(`/api-keys/${id}/rotate`, { method: 'POST', headers: s.human });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ id, label: 'laptop' });
    const next = rotated.body.key as string;
    expect(next).toMatch(API_KEY);
    expect(next).not.toBe(key);
    const old = await api('/agents', { headers: asKey(key) });
    expect(old.status).toBe(401);
    expect(old.body).toMatchObject({ code: 'UNAUTHORIZED', message: 'Invalid API key' });
    expect((await api('/agents', { headers: asKey(next) })).status).toBe(200);
    const relisted = await api('/api-keys', { headers: s.human });
    expect(JSON.stringify(relisted.body)).not.toContain(next);
    expect((relisted.body as { id: string }[]).filter((k) => k.id === id)).toHaveLength(1);

    const deleted = await api(`/api-keys/${id}`, { method: 'DELETE', headers: s.human });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true });
    expect((await api('/agents', { headers: asKey(next) })).status).toBe(401);
    const after = await api('/api-keys', { headers: s.human });
    expect((after.body as { id: string }[]).map((k) => k.id)).not.toContain(id);
    expect((await api(`/api-keys/${id}`, { method: 'DELETE', headers: s.human })).status).toBe(404);
    expect((await api(`/api-keys/${id}/rotate`, { method: 'POST', headers: s.human })).status).toBe(404);
    // The owner's other key is untouched.
    expect((await api('/agents', { headers: s.agent })).status).toBe(200);
  });

  it('a client cannot choose its raw key', async () => {
    await start();
    const pinned = `hp_${'1'.repeat(48)}`;
    const created = await api('/api-keys', {
      method: 'POST',
      headers: s.human,
      body: { label: 'x', key: pinned },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).not.toBe(pinned);
    expect((await api('/agents', { headers: asKey(pinned) })).status).toBe(401);
  });

  it('a key scoped to a channel acts on that channel only', async () => {
    await start();
    const other = (await s.placet.channels.create(await agentOf(s.key), { name: 'other-bot' })).id;
    const created = await api('/api-keys', {
      method: 'POST',
      headers: s.human,
      body: { label: 'scoped', channelId: s.channelId },
    });
    expect(created.status).toBe(201);
    expect(created.body.channelId).toBe(s.channelId);
    const scoped = asKey(created.body.key);
    expect((await api(`/messages?channel=${s.channelId}`, { headers: scoped })).status).toBe(200);
    expect((await api(`/messages?channel=${other}`, { headers: scoped })).status).toBe(404);
  });
});

describe('/users and GET /me', () => {
  it('GET /me answers the signed-in human, without secrets', async () => {
    await start();
    const me = await api('/me', { headers: s.human });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      user: {
        id: s.owner.id,
        email: expect.stringMatching(/^owner-.*@example\.test$/),
        displayName: 'Owner',
        role: 'owner',
        externalId: null,
        mustChangePassword: false,
        createdAt: expect.any(String),
      },
      // The engine's default `maxFileBytes`: what an upload accepts (the dashboard checks it first).
      limits: { fileBytes: 100 * 1024 * 1024 },
    });
    expect((await api('/me', { headers: s.agent })).status).toBe(403);
    expect((await api('/me')).status).toBe(401);
  });

  it("GET /me tells the router's upload limit when it is below the engine's", async () => {
    s = await startServer({ router: { limits: { fileBytes: 4096 } } });
    const me = await api('/me', { headers: s.human });
    expect(me.body.limits).toEqual({ fileBytes: 4096 });
  });

  it('the owner creates a member; the member cannot list, create or delete users', async () => {
    await start();
    const email = `Member-${Math.random()}@Example.test`;
    const created = await api('/users', {
      method: 'POST',
      headers: s.human,
      body: { email, displayName: 'Member', password: 'member-password' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ email: email.toLowerCase(), displayName: 'Member', role: 'member' });
    expect(created.body).not.toHaveProperty('passwordHash');
    const memberId = created.body.id as string;
    const member = asUser(memberId);

    const dup = await api('/users', {
      method: 'POST',
      headers: s.human,
      body: { email, displayName: 'Again' },
    });
    expect(dup.status).toBe(409);

    const me = await api('/me', { headers: member });
    expect(me.body.user).toMatchObject({ id: memberId, role: 'member' });

    const listed = await api('/users', { headers: s.human });
    expect((listed.body as { id: string }[]).map((u) => u.id)).toEqual(
      expect.arrayContaining([s.owner.id, memberId]),
    );
    expect(JSON.stringify(listed.body)).not.toContain('scrypt');

    for (const [method, path, body] of [
      ['GET', '/users', undefined],
      ['POST', '/users', { email: `x-${Math.random()}@example.test`, displayName: 'X', role: 'owner' }],
      ['DELETE', `/users/${s.owner.id}`, undefined],
      ['DELETE', `/users/${memberId}`, undefined],
    ] as const) {
      const res = await api(path, { method, headers: member, ...(body ? { body } : {}) });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body).toMatchObject({ code: 'FORBIDDEN' });
    }
    const still = await api('/users', { headers: s.human });
    expect(still.body).toHaveLength(2);
  });

  it('the owner cannot delete themselves; deleting a member revokes their access and keys', async () => {
    await start();
    const self = await api(`/users/${s.owner.id}`, { method: 'DELETE', headers: s.human });
    expect(self.status).toBe(403);
    expect(self.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await api('/me', { headers: s.human })).status).toBe(200);

    const memberId = await memberOfOwner();
    const key = await api('/api-keys', { method: 'POST', headers: asUser(memberId), body: { label: 'm' } });
    expect(key.status).toBe(201);
    const deleted = await api(`/users/${memberId}`, { method: 'DELETE', headers: s.human });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ deleted: true });
    expect((await api('/me', { headers: asUser(memberId) })).status).toBe(401);
    expect((await api('/agents', { headers: asKey(key.body.key) })).status).toBe(401);
    expect((await api(`/users/${memberId}`, { method: 'DELETE', headers: s.human })).status).toBe(404);
  });

  it('a member sees only their own channels, and none of the owner’s', async () => {
    await start();
    await agentSays(s.channelId, 'Owner’s channel message');
    const memberId = await memberOfOwner();
    const member = asUser(memberId);
    expect((await api('/agents', { headers: member })).body).toEqual([]);

    const key = await api('/api-keys', { method: 'POST', headers: member, body: { label: 'm' } });
    const channel = await api('/agents', {
      method: 'POST',
      headers: asKey(key.body.key),
      body: { name: 'mine' },
    });
    expect(channel.status).toBe(201);
    const seen = await api('/agents', { headers: member });
    expect((seen.body as { id: string }[]).map((c) => c.id)).toEqual([channel.body.id]);
    expect((await channelsOf()).has(channel.body.id)).toBe(false);

    for (const res of [
      await api(`/agents/${s.channelId}`, { headers: member }),
      await api(`/agents/${s.channelId}/read`, { method: 'POST', headers: member }),
      await api(`/messages?channel=${s.channelId}`, { headers: member }),
      await api(`/reviews?channel=${s.channelId}`, { headers: member }),
      await api('/messages', {
        method: 'POST',
        headers: member,
        body: { channelId: s.channelId, text: 'hi' },
      }),
    ]) {
      expect(res.status, JSON.stringify(res.body)).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(s.channelId);
    }
    expect(await unreadOf(s.channelId)).toBe(1);
  });
});

describe('POST /messages by a human', () => {
  it('creates a user message; the same clientId twice gives the same message', async () => {
    await start();
    const send = (clientId: string, text: string) =>
      api('/messages', {
        method: 'POST',
        headers: s.human,
        body: { channelId: s.channelId, text, clientId },
      });
    const first = await send('client-1', 'Ship it');
    expect(first.status).toBe(201);
    expect(Message.parse(first.body)).toMatchObject({
      channelId: s.channelId,
      text: 'Ship it',
      senderType: 'user',
      clientId: 'client-1',
    });
    const again = await send('client-1', 'Ship it');
    expect(again.status).toBeLessThan(300);
    expect(again.body.id).toBe(first.body.id);
    const different = await send('client-2', 'Ship it');
    expect(different.body.id).not.toBe(first.body.id);

    const listed = await api(`/messages?channel=${s.channelId}`, { headers: s.agent });
    const ids = (listed.body.data as Message[]).map((m) => m.id);
    expect(ids.filter((id) => id === first.body.id)).toHaveLength(1);
    expect(ids).toHaveLength(2);

    const empty = await api('/messages', {
      method: 'POST',
      headers: s.human,
      body: { channelId: s.channelId },
    });
    expect(empty.status).toBe(400);
  });
});
