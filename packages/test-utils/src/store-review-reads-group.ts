import { describe, expect, it } from 'vitest';
import { makeAssignee } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
  rejectionOf,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  seedUser,
  useStoreHarness,
} from './store-harness.js';

const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzzunknown';

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * Per-user review read marks (`reviewReads`) and the inbox counts (`reviews.count`, and the assignee's
 * `reviewAssignees.count`): first write wins,
 * only reviews are marked, marks go with their message, channel and user, and N parallel marks leave
 * one row and one `readAt`.
 */
export function storeReviewReadsGroup(options: StoreSuiteOptions): void {
  describe(`Store review reads: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('mark stores the first time and keeps it: a later mark returns the first readAt', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { message } = await seedReview(store, channel);

      const first = await store.reviewReads.mark(owner.id, message.id, at(1_234));
      expect(first).toBeInstanceOf(Date);
      expect(first?.getTime()).toBe(at(1_234).getTime());
      const again = await store.reviewReads.mark(owner.id, message.id, at(9_999));
      expect(again?.getTime()).toBe(at(1_234).getTime());
      const earlier = await store.reviewReads.mark(owner.id, message.id, at(1));
      expect(earlier?.getTime()).toBe(at(1_234).getTime());
      expect(await inspect.count('review_reads')).toBe(1);
      expect(await store.reviewReads.readIds(owner.id, [message.id])).toEqual([message.id]);
    });

    it('a review read by a user is not unread for that user in its channel (countFromAgentSince)', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedUser(store);
      await seedMessage(store, channel, { senderType: 'agent' });
      const { message } = await seedReview(store, channel);
      expect(await store.messages.countFromAgentSince(channel.id, null)).toBe(2);
      expect(await store.messages.countFromAgentSince(channel.id, null, owner.id)).toBe(2);
      await store.reviewReads.mark(owner.id, message.id, at(1_000));
      expect(await store.messages.countFromAgentSince(channel.id, null, owner.id)).toBe(1);
      // Only for the reader; without one, every agent message counts.
      expect(await store.messages.countFromAgentSince(channel.id, null, other.id)).toBe(2);
      expect(await store.messages.countFromAgentSince(channel.id, null)).toBe(2);
    });

    it('marks are per user: another user reading the review leaves the first user’s state alone', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const reader = await seedUser(store);
      const { message } = await seedReview(store, channel);

      expect((await store.reviewReads.mark(reader.id, message.id, at(500)))?.getTime()).toBe(
        at(500).getTime(),
      );
      expect(await store.reviewReads.readIds(owner.id, [message.id])).toEqual([]);
      expect(await store.reviewReads.readIds(reader.id, [message.id])).toEqual([message.id]);
      expect((await store.reviewReads.mark(owner.id, message.id, at(700)))?.getTime()).toBe(
        at(700).getTime(),
      );
      expect(await inspect.count('review_reads')).toBe(2);
    });

    it('mark writes nothing for a message without a review, or an unknown message', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const plain = await seedMessage(store, channel);
      expect(await store.reviewReads.mark(owner.id, plain.id, at(1_000))).toBeUndefined();
      expect(await store.reviewReads.mark(owner.id, UNKNOWN, at(1_000))).toBeUndefined();
      expect(await inspect.count('review_reads')).toBe(0);
      expect(await store.reviewReads.readIds(owner.id, [plain.id, UNKNOWN])).toEqual([]);
    });

    it('readIds: only the read ones, in the order given; unknown ids ignored; empty in, empty out', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const reviews = [];
      for (const n of range(5))
        reviews.push((await seedReview(store, channel, { createdAt: at(n) })).message);
      const [a, b, c, d, e] = reviews.map((m) => m.id) as [string, string, string, string, string];
      for (const id of [d, a, c]) await store.reviewReads.mark(owner.id, id, at(10_000));

      expect(await store.reviewReads.readIds(owner.id, [a, b, c, d, e])).toEqual([a, c, d]);
      expect(await store.reviewReads.readIds(owner.id, [e, d, UNKNOWN, c, b, a])).toEqual([d, c, a]);
      expect(await store.reviewReads.readIds(owner.id, [])).toEqual([]);
      expect(await store.reviewReads.readIds(UNKNOWN, [a, b, c])).toEqual([]);
    });

    it('reviews.count: total and unread of one owner by status, channel and type; only the reader’s marks count', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const second = await seedChannel(store, owner.id);
      const reader = await seedUser(store);
      const { owner: stranger, channel: foreign } = await seedOwnerChannel(store);

      const p1 = (await seedReview(store, channel, { createdAt: at(1) })).message;
      const p2 = (await seedReview(store, channel, { createdAt: at(2), type: 'form' })).message;
      await seedReview(store, second, { createdAt: at(3) });
      const done = (await seedReview(store, channel, { createdAt: at(4), expiresAt: at(3_600_000) })).message;
      expect(await store.reviews.complete(done.id, completion(owner.id, at(10), { ok: true }))).toBeDefined();
      const expired = (await seedReview(store, second, { createdAt: at(5), expiresAt: at(6) })).message;
      expect(await store.reviews.expire(expired.id, at(7))).toBeDefined();
      await seedReview(store, foreign, { createdAt: at(8) });
      await seedMessage(store, channel); // no review: never counted

      await store.reviewReads.mark(owner.id, p1.id, at(20));
      await store.reviewReads.mark(owner.id, done.id, at(20));
      await store.reviewReads.mark(reader.id, p2.id, at(20)); // someone else's mark

      const count = (q: Omit<Parameters<typeof store.reviews.count>[0], 'ownerId' | 'readerId'>) =>
        store.reviews.count({ ownerId: owner.id, readerId: owner.id, ...q });
      expect(await count({ status: 'pending' })).toEqual({ total: 3, unread: 2 });
      expect(await count({})).toEqual({ total: 5, unread: 3 });
      expect(await count({ status: 'completed' })).toEqual({ total: 1, unread: 0 });
      expect(await count({ status: 'expired' })).toEqual({ total: 1, unread: 1 });
      expect(await count({ status: 'pending', channelId: channel.id })).toEqual({ total: 2, unread: 1 });
      expect(await count({ status: 'pending', channelId: second.id })).toEqual({ total: 1, unread: 1 });
      expect(await count({ type: 'form' })).toEqual({ total: 1, unread: 1 });
      expect(await count({ status: 'pending', channelId: foreign.id })).toEqual({ total: 0, unread: 0 });
      expect(
        await store.reviews.count({ ownerId: owner.id, readerId: reader.id, status: 'pending' }),
      ).toEqual({ total: 3, unread: 2 });
      expect(await store.reviews.count({ ownerId: stranger.id, readerId: stranger.id })).toEqual({
        total: 1,
        unread: 1,
      });
      expect(await store.reviews.count({ ownerId: UNKNOWN, readerId: owner.id })).toEqual({
        total: 0,
        unread: 0,
      });
    });

    it('reviewAssignees.count: total and unread of the reviews assigned to a user, of any owner, by status and type', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { owner: otherOwner, channel: otherChannel } = await seedOwnerChannel(store);
      const me = await seedUser(store);
      const colleague = await seedUser(store);
      const myChannel = await seedChannel(store, me.id);

      const p1 = (await seedReview(store, channel, { createdAt: at(1) })).review;
      const p2 = (await seedReview(store, otherChannel, { createdAt: at(2), type: 'form' })).review;
      const mine = (await seedReview(store, myChannel, { createdAt: at(3) })).review;
      const done = (await seedReview(store, channel, { createdAt: at(4), expiresAt: at(3_600_000) })).review;
      const notMine = (await seedReview(store, otherChannel, { createdAt: at(5) })).review;
      await seedReview(store, channel, { createdAt: at(6) }); // assigned to nobody
      await store.reviewAssignees.insert([
        makeAssignee(p1, me.id),
        makeAssignee(p1, colleague.id),
        makeAssignee(p2, me.id),
        makeAssignee(mine, me.id),
        makeAssignee(done, me.id),
        makeAssignee(notMine, colleague.id),
      ]);
      expect(
        await store.reviews.complete(done.messageId, completion(me.id, at(10), { ok: 1 })),
      ).toBeDefined();
      await store.reviewReads.mark(me.id, p2.messageId, at(20));
      await store.reviewReads.mark(me.id, done.messageId, at(20));
      await store.reviewReads.mark(colleague.id, p1.messageId, at(20)); // someone else's mark

      const count = (
        q: Omit<Parameters<typeof store.reviewAssignees.count>[0], 'userId' | 'readerId'> = {},
      ) => store.reviewAssignees.count({ userId: me.id, readerId: me.id, ...q });
      expect(await count()).toEqual({ total: 4, unread: 2 });
      expect(await count({ status: 'pending' })).toEqual({ total: 3, unread: 2 });
      expect(await count({ status: 'completed' })).toEqual({ total: 1, unread: 0 });
      expect(await count({ status: 'expired' })).toEqual({ total: 0, unread: 0 });
      expect(await count({ type: 'form' })).toEqual({ total: 1, unread: 0 });
      expect(await count({ status: 'pending', type: 'approval' })).toEqual({ total: 2, unread: 2 });
      // Without the reviews of one's own channels (counted by reviews.count): no double count.
      expect(await count({ status: 'pending', exceptOwnerId: me.id })).toEqual({ total: 2, unread: 1 });
      expect(await count({ exceptOwnerId: owner.id })).toEqual({ total: 2, unread: 1 });
      expect(await count({ exceptOwnerId: otherOwner.id })).toEqual({ total: 3, unread: 2 });
      expect(
        await store.reviewAssignees.count({
          userId: colleague.id,
          readerId: colleague.id,
          status: 'pending',
        }),
      ).toEqual({ total: 2, unread: 1 });
      expect(await store.reviewAssignees.count({ userId: owner.id, readerId: owner.id })).toEqual({
        total: 0,
        unread: 0,
      });
      expect(await store.reviewAssignees.count({ userId: UNKNOWN, readerId: me.id })).toEqual({
        total: 0,
        unread: 0,
      });
      // The reader's marks decide `unread`, whoever's assignments are counted.
      expect(await store.reviewAssignees.count({ userId: me.id, readerId: colleague.id })).toEqual({
        total: 4,
        unread: 3,
      });
      expect(
        await store.transaction((tx) =>
          tx.reviewAssignees.count({ userId: me.id, readerId: me.id, status: 'pending' }),
        ),
      ).toEqual({ total: 3, unread: 2 });
    });

    it('marks go with their message, its channel and its user; other marks stay', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const reader = await seedUser(store);
      const m1 = (await seedReview(store, channel)).message;
      const m2 = (await seedReview(store, channel)).message;
      const m3 = (await seedReview(store, other)).message;
      for (const m of [m1, m2, m3]) {
        await store.reviewReads.mark(owner.id, m.id, at(1));
        await store.reviewReads.mark(reader.id, m.id, at(2));
      }
      expect(await inspect.count('review_reads')).toBe(6);

      expect(await store.messages.delete(m1.id)).toBe(true);
      expect(await inspect.count('review_reads')).toBe(4);
      expect(await store.reviewReads.readIds(owner.id, [m1.id, m2.id, m3.id])).toEqual([m2.id, m3.id]);

      expect(await store.users.delete(reader.id)).toBe(true);
      expect(await inspect.count('review_reads')).toBe(2);
      expect(await store.reviewReads.readIds(owner.id, [m2.id, m3.id])).toEqual([m2.id, m3.id]);

      expect(await store.channels.delete(channel.id)).toBe(true);
      expect(await inspect.count('review_reads')).toBe(1);
      expect(await store.reviewReads.readIds(owner.id, [m2.id, m3.id])).toEqual([m3.id]);

      expect(await store.users.delete(owner.id)).toBe(true);
      expect(await inspect.count('review_reads')).toBe(0);
    });

    it('a mark inside a rolled-back transaction leaves nothing; a committed one is visible', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { message } = await seedReview(store, channel);
      const boom = new Error('roll back');
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          expect((await tx.reviewReads.mark(owner.id, message.id, at(1)))?.getTime()).toBe(at(1).getTime());
          expect(await tx.reviewReads.readIds(owner.id, [message.id])).toEqual([message.id]);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(await inspect.count('review_reads')).toBe(0);
      expect(await store.reviewReads.readIds(owner.id, [message.id])).toEqual([]);

      const kept = await store.transaction((tx) => tx.reviewReads.mark(owner.id, message.id, at(2)));
      expect(kept?.getTime()).toBe(at(2).getTime());
      expect((await store.reviewReads.mark(owner.id, message.id, at(3)))?.getTime()).toBe(at(2).getTime());
    });

    for (const mode of ['plain calls', 'parallel transactions'] as const) {
      it(`20 parallel marks of one review by one user, ${mode}: one row, one readAt for every caller`, async () => {
        const { store, inspect } = h();
        const { owner, channel } = await seedOwnerChannel(store);
        const { message } = await seedReview(store, channel);
        const mark = (n: number) =>
          mode === 'plain calls'
            ? store.reviewReads.mark(owner.id, message.id, at(1_000 + n))
            : store.transaction((tx) => tx.reviewReads.mark(owner.id, message.id, at(1_000 + n)));
        const results = await Promise.all(range(20).map(mark));
        const times = new Set(results.map((r) => r?.getTime()));
        expect(times.size).toBe(1);
        const [readAt] = [...times];
        expect(range(20).map((n) => at(1_000 + n).getTime())).toContain(readAt);
        expect(await inspect.count('review_reads')).toBe(1);
        expect((await store.reviewReads.mark(owner.id, message.id, at(99_999)))?.getTime()).toBe(readAt);
      });
    }
  });
}
