import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../src/adapter.js';
import { type AgentPrincipal, memoryStore, type UserPrincipal } from '../src/index.js';
import { choiceReview, codeOf, countingStore, type World, world } from './fixtures.js';

/**
 * The inbox's `search` and `order` (`reviews.list`, `reviews.count`) and "mark all read"
 * (`reviews.markAllRead`, `POST /reviews/read`) through the engine.
 */

let w: World;
afterEach(async () => w?.placet.stop());

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

async function review(text: string, channelId = w.channelId, extra: Record<string, unknown> = {}) {
  const message = await w.placet.messages.create(w.agent, { channelId, text, review: choiceReview(extra) });
  await w.clock.advance(1);
  return message.id;
}

/** A second owner with a key and a channel. */
async function otherOwner(): Promise<{ user: UserPrincipal; agent: AgentPrincipal; channelId: string }> {
  const other = await w.placet.users.create({
    email: `other-${Math.random()}@example.test`,
    displayName: 'Other',
    role: 'owner',
  });
  const { key } = await w.placet.apiKeys.create(other.id, { label: 'other' });
  const agent = (await w.placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const channel = await w.placet.channels.create(agent, { name: 'other-bot' });
  return { user: w.placet.userPrincipal(other), agent, channelId: channel.id };
}

describe('inbox search and order', () => {
  it('search narrows the list and the count to reviews whose text contains it, ignoring case', async () => {
    w = await world();
    const a = await review('Deploy web to production');
    await review('Rotate the keys');
    const c = await review('deploy API (50% canary)');
    const page = await w.placet.reviews.list(w.user, { search: 'DEPLOY' });
    expect(page.data.map((m) => m.id)).toEqual([c, a]);
    expect((await w.placet.reviews.list(w.user, { search: '  50%  ' })).data.map((m) => m.id)).toEqual([c]);
    expect(await w.placet.reviews.count(w.user, { search: 'deploy' })).toEqual({ count: 2, unread: 2 });
    expect(await w.placet.reviews.count(w.user, { search: 'nothing' })).toEqual({ count: 0, unread: 0 });
  });

  it('order=oldest pages oldest first with nextCursor, without gaps or repeats; newest stays the default', async () => {
    w = await world();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await review(`review ${i}`));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let n = 0; n < 5; n++) {
      const page = await w.placet.reviews.list(w.user, {
        order: 'oldest',
        limit: '2',
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.data.map((m) => m.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(ids);
    expect((await w.placet.reviews.list(w.user, {})).data.map((m) => m.id)).toEqual([...ids].reverse());
  });

  it('scope=assigned takes search and order too', async () => {
    w = await world();
    const other = await otherOwner();
    const assign = async (text: string) => {
      const m = await w.placet.messages.create(other.agent, {
        channelId: other.channelId,
        text,
        review: choiceReview({ assignees: [w.owner.id] }),
      });
      await w.clock.advance(1);
      return m.id;
    };
    const x = await assign('Invoice 1');
    await assign('Refund');
    const z = await assign('invoice 2');
    const q = { scope: 'assigned', search: 'INVOICE' } as const;
    expect((await w.placet.reviews.list(w.user, q)).data.map((m) => m.id)).toEqual([z, x]);
    expect((await w.placet.reviews.list(w.user, { ...q, order: 'oldest' })).data.map((m) => m.id)).toEqual([
      x,
      z,
    ]);
    const first = await w.placet.reviews.list(w.user, { ...q, order: 'oldest', limit: '1' });
    expect(first.nextCursor).toBe(x);
    const second = await w.placet.reviews.list(w.user, { ...q, order: 'oldest', limit: '1', cursor: x });
    expect(second.data.map((m) => m.id)).toEqual([z]);
    expect(await w.placet.reviews.count(w.user, q)).toEqual({ count: 2, unread: 2 });
  });

  it('validates search (1..200 after trimming) and order, naming the path', async () => {
    w = await world();
    for (const search of ['', '   ', 'x'.repeat(201)]) {
      await expect(w.placet.reviews.list(w.user, { search })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [{ path: 'search' }],
      });
      await expect(w.placet.reviews.count(w.user, { search })).rejects.toMatchObject({
        issues: [{ path: 'search' }],
      });
      await expect(w.placet.reviews.markAllRead(w.user, { search })).rejects.toMatchObject({
        issues: [{ path: 'search' }],
      });
    }
    expect(await w.placet.reviews.count(w.user, { search: ` ${'x'.repeat(200)} ` })).toEqual({
      count: 0,
      unread: 0,
    });
    await expect(w.placet.reviews.list(w.user, { order: 'sideways' as never })).rejects.toMatchObject({
      issues: [{ path: 'order' }],
    });
  });
});

describe('mark all read', () => {
  it('marks the matching unread reviews of both scopes, answers how many, keeps first marks; idempotent', async () => {
    w = await world();
    const other = await otherOwner();
    const read = await review('Deploy one');
    await review('Deploy two');
    const rotate = await review('Rotate keys');
    const assigned = await w.placet.messages.create(other.agent, {
      channelId: other.channelId,
      text: 'Deploy theirs',
      review: choiceReview({ assignees: [w.owner.id] }),
    });
    const theirs = await w.placet.messages.create(other.agent, {
      channelId: other.channelId,
      text: 'Deploy not yours',
      review: choiceReview(),
    });
    const { readAt } = await w.placet.reviews.markRead(w.user, read);
    await w.clock.advance(1_000);

    expect(await w.placet.reviews.markAllRead(w.user, { search: 'deploy' })).toEqual({ marked: 2 });
    expect(await w.placet.reviews.count(w.user, {})).toEqual({ count: 3, unread: 1 });
    expect(await w.placet.reviews.count(w.user, { scope: 'assigned' })).toEqual({ count: 1, unread: 0 });
    expect((await w.placet.reviews.list(w.user, {})).readIds).not.toContain(rotate);
    // First write wins: the earlier mark keeps its time.
    expect(await w.placet.reviews.markRead(w.user, read)).toEqual({ read: true, readAt });
    expect(await w.placet.reviews.markAllRead(w.user, { search: 'deploy' })).toEqual({ marked: 0 });
    // The other owner's own inbox is untouched.
    expect(await w.placet.reviews.count(other.user, {})).toEqual({ count: 2, unread: 2 });
    expect(theirs.id).toBeDefined();
    expect(assigned.id).toBeDefined();
    // Everything else (no body): the one left.
    expect(await w.placet.reviews.markAllRead(w.user)).toEqual({ marked: 1 });
  });

  it('scope, channel, type and status narrow it; channel is refused with scope=assigned; 404 for a foreign channel', async () => {
    w = await world();
    const other = await otherOwner();
    const second = (await w.placet.channels.create(w.agent, { name: 'second-bot' })).id;
    await review('in first');
    await review('in second', second);
    await w.placet.messages.create(other.agent, {
      channelId: other.channelId,
      text: 'assigned',
      review: choiceReview({ assignees: [w.owner.id] }),
    });
    expect(await w.placet.reviews.markAllRead(w.user, { status: 'completed' })).toEqual({ marked: 0 });
    expect(await w.placet.reviews.markAllRead(w.user, { type: 'freeform' })).toEqual({ marked: 0 });
    expect(await w.placet.reviews.markAllRead(w.user, { channel: second })).toEqual({ marked: 1 });
    expect(await w.placet.reviews.markAllRead(w.user, { scope: 'assigned' })).toEqual({ marked: 1 });
    expect(await w.placet.reviews.markAllRead(w.user, { scope: 'mine' })).toEqual({ marked: 1 });
    await expect(
      w.placet.reviews.markAllRead(w.user, { scope: 'assigned', channel: second }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'channel' }] });
    expect(await codeOf(w.placet.reviews.markAllRead(w.user, { channel: other.channelId }))).toBe(
      'NOT_FOUND',
    );
    await expect(w.placet.reviews.markAllRead(w.user, { status: 'nope' as never })).rejects.toMatchObject({
      issues: [{ path: 'status' }],
    });
    expect(await codeOf(w.placet.reviews.markAllRead(w.agent, {}))).toBe('FORBIDDEN');
    // The other owner's review stays unread for its owner.
    expect(await w.placet.reviews.count(other.user, {})).toEqual({ count: 1, unread: 1 });
  });

  it('emits one inbox:read event in the caller’s own stream when it marked any, none otherwise', async () => {
    w = await world();
    const other = await otherOwner();
    await review('Deploy one');
    await review('Deploy two');
    const mine: EventRecord[] = [];
    const theirs: EventRecord[] = [];
    const offs = [
      w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => mine.push(e)),
      w.placet.events.subscribe({ ownerId: other.user.userId }, (e) => theirs.push(e)),
    ];
    expect(await w.placet.reviews.markAllRead(w.user, { search: 'deploy', scope: 'mine' })).toEqual({
      marked: 2,
    });
    expect(await w.placet.reviews.markAllRead(w.user, { search: 'deploy' })).toEqual({ marked: 0 });
    await settle();
    for (const off of offs) off();
    expect(mine.map((e) => e.type)).toEqual(['inbox:read']);
    expect(mine[0]).toMatchObject({ ownerId: w.owner.id, channelId: null, subjectId: null });
    expect(mine[0]!.payload).toEqual({
      userId: w.owner.id,
      filter: { scope: 'mine', status: 'pending', channel: null, type: null, search: 'deploy' },
      marked: 2,
      readAt: w.clock.now().toISOString(),
    });
    expect(theirs).toEqual([]);
  });

  it('is one store write per scope, however many reviews match (never a page walk)', async () => {
    const counting = countingStore(memoryStore());
    w = await world({ store: counting.store });
    for (let i = 0; i < 30; i++) await review(`review ${i}`);
    counting.calls.clear();
    expect(await w.placet.reviews.markAllRead(w.user, {})).toEqual({ marked: 30 });
    expect(counting.calls.get('tx.reviewReads.markMatching')).toBe(2);
    expect(counting.calls.get('reviews.list')).toBeUndefined();
    expect(counting.calls.get('tx.reviewReads.mark')).toBeUndefined();
    counting.calls.clear();
    expect(await w.placet.reviews.markAllRead(w.user, { scope: 'mine' })).toEqual({ marked: 0 });
    expect(counting.calls.get('tx.reviewReads.markMatching')).toBe(1);
  });
});
