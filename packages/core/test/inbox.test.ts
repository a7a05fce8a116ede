import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundRequest, WebhookSender } from '../src/adapter.js';
import { type AgentPrincipal, memoryStore, type UserPrincipal } from '../src/index.js';
import { choiceReview, codeOf, countingStore, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

/** A second owner with a key, a channel and a review in it. */
async function stranger(): Promise<{
  user: UserPrincipal;
  agent: AgentPrincipal;
  channelId: string;
  reviewId: string;
}> {
  const other = await w.placet.users.create({
    email: `stranger-${Math.random()}@example.test`,
    displayName: 'Stranger',
    role: 'owner',
  });
  const { key } = await w.placet.apiKeys.create(other.id, { label: 'stranger' });
  const agent = (await w.placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const channel = await w.placet.channels.create(agent, { name: 'stranger-bot' });
  const review = await w.placet.messages.create(agent, { channelId: channel.id, review: choiceReview() });
  return { user: w.placet.userPrincipal(other), agent, channelId: channel.id, reviewId: review.id };
}

async function review(channelId = w.channelId, extra: Record<string, unknown> = {}) {
  return w.placet.messages.create(w.agent, { channelId, text: 'Deploy?', review: choiceReview(extra) });
}

describe('inbox read state', () => {
  it('markRead stores the first read per user and review; a second call keeps its readAt', async () => {
    w = await world();
    const msg = await review();
    const first = await w.placet.reviews.markRead(w.user, msg.id);
    expect(first).toEqual({ read: true, readAt: w.clock.now().toISOString() });
    await w.clock.advance(60_000);
    expect(await w.placet.reviews.markRead(w.user, msg.id)).toEqual(first);
  });

  it('the inbox page names the reviews on it the caller has read (readIds), and keeps data and nextCursor', async () => {
    w = await world();
    const a = await review();
    await w.clock.advance(1);
    const b = await review();
    await w.clock.advance(1);
    const c = await review();
    const before = await w.placet.reviews.list(w.user, {});
    expect(Object.keys(before).sort()).toEqual(['data', 'nextCursor', 'readIds']);
    expect(before.data.map((m) => m.id)).toEqual([c.id, b.id, a.id]);
    expect(before.readIds).toEqual([]);

    await w.placet.reviews.markRead(w.user, a.id);
    await w.placet.reviews.markRead(w.user, c.id);
    const page1 = await w.placet.reviews.list(w.user, { limit: '2' });
    expect(page1.data.map((m) => m.id)).toEqual([c.id, b.id]);
    expect(page1.readIds).toEqual([c.id]);
    expect(page1.nextCursor).toBe(b.id);
    const page2 = await w.placet.reviews.list(w.user, { limit: '2', cursor: page1.nextCursor! });
    expect(page2.data.map((m) => m.id)).toEqual([a.id]);
    expect(page2.readIds).toEqual([a.id]);
    expect(page2.nextCursor).toBeNull();
  });

  it('read state is per user: another user of the server never sees or changes it', async () => {
    w = await world();
    const msg = await review();
    await w.placet.reviews.markRead(w.user, msg.id);
    const member = await w.placet.users.create({
      email: `member-${Math.random()}@example.test`,
      displayName: 'Member',
      role: 'member',
    });
    const memberPrincipal = w.placet.userPrincipal(member);
    // The member cannot see the owner's review: 404, and nothing is written.
    expect(await codeOf(w.placet.reviews.markRead(memberPrincipal, msg.id))).toBe('NOT_FOUND');
    expect(await w.store.reviewReads.readIds(member.id, [msg.id])).toEqual([]);
    expect((await w.placet.reviews.list(memberPrincipal, {})).data).toEqual([]);
    expect(await w.placet.reviews.count(memberPrincipal, {})).toEqual({ count: 0, unread: 0 });
  });

  it('markRead refuses agents (403), and is 404 for a plain message, an unknown id and a foreign review', async () => {
    w = await world();
    const msg = await review();
    const plain = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'just text' });
    const other = await stranger();
    expect(await codeOf(w.placet.reviews.markRead(w.agent, msg.id))).toBe('FORBIDDEN');
    expect(await codeOf(w.placet.reviews.markRead(w.user, plain.id))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.reviews.markRead(w.user, 'no-such-message'))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.reviews.markRead(w.user, other.reviewId))).toBe('NOT_FOUND');
    // The stranger's review stays unread for its owner.
    expect(await w.placet.reviews.count(other.user, {})).toEqual({ count: 1, unread: 1 });
  });

  it('count: the inbox filters (pending by default), and unread = those of the count the caller has not read', async () => {
    w = await world();
    const second = (await w.placet.channels.create(w.agent, { name: 'second-bot' })).id;
    const a = await review();
    const b = await review();
    const c = await review(second);
    await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: { type: 'freeform', payload: {} },
    });
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 4, unread: 4 });
    await w.placet.reviews.markRead(w.user, a.id);
    await w.placet.reviews.markRead(w.user, c.id);
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 4, unread: 2 });
    expect(await w.placet.reviews.count(w.user, { channel: second })).toEqual({ count: 1, unread: 0 });
    expect(await w.placet.reviews.count(w.user, { type: 'freeform' })).toEqual({ count: 1, unread: 1 });

    await w.placet.reviews.respond(w.user, b.id, { response: { selectedOption: 'approve' } });
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 3, unread: 1 });
    expect(await w.placet.reviews.count(w.user, { status: 'completed' })).toEqual({ count: 1, unread: 1 });
    expect(await w.placet.reviews.count(w.user, { status: 'all' })).toEqual({ count: 4, unread: 2 });
    expect(await w.placet.reviews.count(w.user, { status: 'expired' })).toEqual({ count: 0, unread: 0 });
  });

  it('count validates its query (400 with the path) and is 404 for a foreign channel', async () => {
    w = await world();
    const other = await stranger();
    // @ts-expect-error an invalid status: the engine refuses it whatever the static type.
    await expect(w.placet.reviews.count(w.user, { status: 'nope' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'status' }],
    });
    expect(await codeOf(w.placet.reviews.count(w.user, { channel: other.channelId }))).toBe('NOT_FOUND');
  });

  it('count is one aggregate store call, never a page walk, and the inbox reads its read marks in one call', async () => {
    const counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    for (let i = 0; i < 30; i++) await review();
    counting.calls.clear();
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 30, unread: 30 });
    expect(Object.fromEntries(counting.calls)).toEqual({ 'reviews.count': 1 });

    counting.calls.clear();
    await w.placet.reviews.list(w.user, { limit: '10' });
    expect(counting.calls.get('reviewReads.readIds')).toBe(1);
    expect(counting.calls.get('reviews.list')).toBe(1);
  });

  it('a page of the inbox or of the pending list costs the same store calls for 5 items as for 50 (no N+1)', async () => {
    const counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    for (let i = 0; i < 55; i++) await review();
    const callsOf = async (read: () => Promise<unknown>) => {
      counting.calls.clear();
      await read();
      return Object.fromEntries(counting.calls);
    };
    const inbox5 = await callsOf(() => w.placet.reviews.list(w.user, { limit: '5' }));
    const inbox50 = await callsOf(() => w.placet.reviews.list(w.user, { limit: '50' }));
    expect(inbox50).toEqual(inbox5);
    expect(inbox50['messages.findByIds']).toBe(1);
    expect(inbox50['messages.findById']).toBeUndefined();
    const pending5 = await callsOf(() => w.placet.reviews.listPending(w.agent, { limit: 5 }));
    const pending50 = await callsOf(() => w.placet.reviews.listPending(w.agent, { limit: 50 }));
    expect(pending50).toEqual(pending5);
    expect(pending50['messages.findByIds']).toBe(1);
  });

  it('deleting a review message drops its read marks with it (the count stays right)', async () => {
    w = await world();
    const a = await review();
    await review();
    await w.placet.reviews.markRead(w.user, a.id);
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 2, unread: 1 });
    await w.placet.messages.delete(w.agent, a.id, w.channelId);
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 1, unread: 1 });
  });
});

/** A receiver answering 200 to every webhook, recording the requests. */
function okReceiver(): WebhookSender & { requests: OutboundRequest[] } {
  const requests: OutboundRequest[] = [];
  return {
    requests,
    async send(request) {
      requests.push(request);
      return { status: 200, error: null, durationMs: 2 };
    },
  };
}

describe("a channel's delivery log", () => {
  async function hookedWorld() {
    const sender = okReceiver();
    w = await world({ placet: { webhookSender: sender } });
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/log',
      headers: { 'X-Secret': 'hush' },
    });
    return sender;
  }

  /** `n` answered reviews, one clock tick apart: their delivery ids, newest first. */
  async function answered(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const msg = await review();
      await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
      await settle();
      const [delivery] = await w.placet.deliveries.listForMessage(w.user, msg.id);
      ids.unshift(delivery!.id);
      await w.clock.advance(1000);
    }
    return ids;
  }

  it('lists every delivery with its attempts, newest first, keyset-paged; never a header value', async () => {
    await hookedWorld();
    const expected = await answered(5);
    const page1 = await w.placet.deliveries.listForChannel(w.user, w.channelId, { limit: '2' });
    expect(page1.data.map((d) => d.id)).toEqual(expected.slice(0, 2));
    expect(page1.nextCursor).toBe(expected[1]);
    const page2 = await w.placet.deliveries.listForChannel(w.user, w.channelId, {
      limit: '2',
      cursor: page1.nextCursor!,
    });
    expect(page2.data.map((d) => d.id)).toEqual(expected.slice(2, 4));
    const page3 = await w.placet.deliveries.listForChannel(w.user, w.channelId, {
      limit: '2',
      cursor: page2.nextCursor!,
    });
    expect(page3.data.map((d) => d.id)).toEqual(expected.slice(4));
    expect(page3.nextCursor).toBeNull();

    const [first] = page1.data;
    expect(first).toMatchObject({
      event: 'review:responded',
      url: 'https://hooks.example.test/log',
      method: 'POST',
      state: 'delivered',
      nextAttemptAt: null,
      attempts: [{ attempt: 1, status: 200, error: null, durationMs: 2 }],
    });
    expect(JSON.stringify([page1, page2, page3])).not.toMatch(/X-Secret|hush/);
    // The same view as the message's log.
    const [viaMessage] = await w.placet.deliveries.listForMessage(w.user, first!.messageId!);
    expect(first).toEqual(viaMessage);
  });

  it('defaults to 25 per page; an empty channel has an empty page', async () => {
    await hookedWorld();
    const all = await answered(26);
    const page = await w.placet.deliveries.listForChannel(w.user, w.channelId, {});
    expect(page.data.map((d) => d.id)).toEqual(all.slice(0, 25));
    expect(page.nextCursor).toBe(all[24]);
    const empty = (await w.placet.channels.create(w.agent, { name: 'quiet-bot' })).id;
    expect(await w.placet.deliveries.listForChannel(w.user, empty, {})).toEqual({
      data: [],
      nextCursor: null,
    });
  });

  it('validates limit and cursor (400 with the path); 404 for another owner’s channel', async () => {
    await hookedWorld();
    await answered(1);
    const other = await stranger();
    for (const limit of ['0', '101', 'many']) {
      await expect(w.placet.deliveries.listForChannel(w.user, w.channelId, { limit })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ path: 'limit' }],
      });
    }
    await expect(
      w.placet.deliveries.listForChannel(w.user, w.channelId, { cursor: 'no-such-delivery' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'cursor' }] });
    // A delivery of another channel is no cursor of this one.
    const [own] = (await w.placet.deliveries.listForChannel(w.user, w.channelId, {})).data;
    const quiet = (await w.placet.channels.create(w.agent, { name: 'quiet-bot' })).id;
    await expect(
      w.placet.deliveries.listForChannel(w.user, quiet, { cursor: own!.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'cursor' }] });
    expect(await codeOf(w.placet.deliveries.listForChannel(w.user, other.channelId, {}))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.deliveries.listForChannel(w.user, 'no-such-channel', {}))).toBe('NOT_FOUND');
  });
});
