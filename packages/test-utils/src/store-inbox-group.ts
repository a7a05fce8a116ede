import type { ChannelRecord, ReviewRecord, Store } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeAssignee, makeReview } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  seedUser,
  useStoreHarness,
} from './store-harness.js';

/** A review on a message with this text. */
async function textReview(
  store: Store,
  channel: ChannelRecord,
  text: string | null,
  overrides: Partial<ReviewRecord> = {},
): Promise<ReviewRecord> {
  const createdAt = overrides.createdAt ?? at(0);
  const message = await seedMessage(store, channel, { text, createdAt });
  const review = makeReview(message, { ...overrides, createdAt });
  await store.reviews.insert(review);
  return review;
}

const idsOf = (rows: readonly ReviewRecord[]) => rows.map((r) => r.messageId);

/**
 * The inbox's search, order and "mark all read" (`reviews.list` / `reviews.count`,
 * `reviewAssignees.listReviews` / `count` with `search` and `order`, `reviewReads.markMatching`): the
 * search is a case-insensitive substring of the message text with `%`, `_` and `\` literal; `oldest`
 * pages with `after` without gaps or repeats (also between reviews created in the same millisecond);
 * `markMatching` marks only the matching unread reviews of the right owner or assignee, counts what it
 * wrote, and writes nothing a second time.
 */
export function storeInboxGroup(options: StoreSuiteOptions): void {
  describe(`Store inbox search, order and mark all read: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('search: a case-insensitive substring of the message text; %, _ and \\ are literal', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const deploy = await textReview(store, channel, 'Deploy the API to PRODUCTION?', { createdAt: at(1) });
      const percent = await textReview(store, channel, 'Raise the quota by 50% today', { createdAt: at(2) });
      const under = await textReview(store, channel, 'rename user_id column', { createdAt: at(3) });
      const slash = await textReview(store, channel, 'path C:\\temp\\x', { createdAt: at(4) });
      const plain = await textReview(store, channel, 'Raise the quota by 500 today', { createdAt: at(5) });
      const userid = await textReview(store, channel, 'rename userXid column', { createdAt: at(6) });
      await textReview(store, channel, null, { createdAt: at(7) }); // no text: never found
      await textReview(store, foreign, 'Deploy the API to production?', { createdAt: at(8) });

      const list = (search: string) =>
        store.reviews.list({ ownerId: owner.id, search, limit: 50 }).then(idsOf);
      expect(await list('deploy the api')).toEqual([deploy.messageId]);
      expect(await list('PRODUCTION')).toEqual([deploy.messageId]);
      expect(await list('production')).toEqual([deploy.messageId]);
      expect(await list('50%')).toEqual([percent.messageId]);
      expect(await list('%')).toEqual([percent.messageId]);
      expect(await list('user_id')).toEqual([under.messageId]);
      expect(await list('_')).toEqual([under.messageId]);
      expect(await list('C:\\temp')).toEqual([slash.messageId]);
      expect(await list('\\')).toEqual([slash.messageId]);
      expect(await list('quota by 50')).toEqual([plain.messageId, percent.messageId]);
      expect(await list('userxid')).toEqual([userid.messageId]);
      expect(await list('nothing like this')).toEqual([]);
      // With the other filters, and in the count (total and unread).
      expect(
        idsOf(await store.reviews.list({ ownerId: owner.id, search: 'rename', type: 'form', limit: 50 })),
      ).toEqual([]);
      expect(
        idsOf(
          await store.reviews.list({ ownerId: owner.id, search: 'RENAME', channelId: channel.id, limit: 1 }),
        ),
      ).toEqual([userid.messageId]);
      await store.reviewReads.mark(owner.id, percent.messageId, at(100));
      expect(
        await store.reviews.count({
          ownerId: owner.id,
          readerId: owner.id,
          search: 'QUOTA',
          status: 'pending',
        }),
      ).toEqual({ total: 2, unread: 1 });
      expect(await store.reviews.count({ ownerId: owner.id, readerId: owner.id, search: '%' })).toEqual({
        total: 1,
        unread: 0,
      });
    });

    it('search in the assignee inbox: listReviews and count, of any owner', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: other } = await seedOwnerChannel(store);
      const me = await seedUser(store);
      const a = await textReview(store, channel, 'Approve the Invoice #42', { createdAt: at(1) });
      const b = await textReview(store, other, 'invoice_batch 100%', { createdAt: at(2) });
      const c = await textReview(store, other, 'Something else', { createdAt: at(3) });
      const notMine = await textReview(store, other, 'invoice too', { createdAt: at(4) });
      await store.reviewAssignees.insert([
        makeAssignee(a, me.id),
        makeAssignee(b, me.id),
        makeAssignee(c, me.id),
      ]);
      expect(notMine.messageId).toBeDefined();

      const list = (search: string) =>
        store.reviewAssignees.listReviews({ userId: me.id, search, limit: 50 }).then(idsOf);
      expect(await list('INVOICE')).toEqual([b.messageId, a.messageId]);
      expect(await list('_batch')).toEqual([b.messageId]);
      expect(await list('100%')).toEqual([b.messageId]);
      expect(await list('%')).toEqual([b.messageId]);
      expect(
        await store.reviewAssignees.count({ userId: me.id, readerId: me.id, search: 'invoice' }),
      ).toEqual({
        total: 2,
        unread: 2,
      });
      expect(
        await store.reviewAssignees.count({
          userId: me.id,
          readerId: me.id,
          search: 'invoice',
          exceptOwnerId: channel.ownerId,
        }),
      ).toEqual({ total: 1, unread: 1 });
    });

    it('order oldest: createdAt asc, then messageId asc; pages with `after` without gaps or repeats', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const me = await seedUser(store);
      // 9 reviews over 4 instants: several share a createdAt, so the message id decides between them.
      const all: ReviewRecord[] = [];
      for (let i = 0; i < 9; i++)
        all.push(await textReview(store, channel, `review ${i}`, { createdAt: at(Math.floor(i / 3) * 10) }));
      await store.reviewAssignees.insert(all.map((r) => makeAssignee(r, me.id)));
      const ascending = [...all]
        .sort(
          (x, y) =>
            x.createdAt.getTime() - y.createdAt.getTime() ||
            (x.messageId < y.messageId ? -1 : x.messageId > y.messageId ? 1 : 0),
        )
        .map((r) => r.messageId);

      type Page = (after: ReviewRecord | undefined) => Promise<ReviewRecord[]>;
      const walk = async (page: Page) => {
        const seen: string[] = [];
        let after: ReviewRecord | undefined;
        for (let n = 0; n < 10; n++) {
          const rows = await page(after);
          seen.push(...idsOf(rows));
          if (rows.length < 2) break;
          after = rows.at(-1);
        }
        return seen;
      };
      const bound = (r: ReviewRecord | undefined) =>
        r ? { after: { createdAt: r.createdAt, messageId: r.messageId } } : {};
      expect(
        await walk((r) => store.reviews.list({ ownerId: owner.id, order: 'oldest', limit: 2, ...bound(r) })),
      ).toEqual(ascending);
      expect(
        await walk((r) =>
          store.reviewAssignees.listReviews({ userId: me.id, order: 'oldest', limit: 2, ...bound(r) }),
        ),
      ).toEqual(ascending);
      // Newest is the exact reverse; `before` pages it as before.
      expect(idsOf(await store.reviews.list({ ownerId: owner.id, order: 'newest', limit: 50 }))).toEqual(
        [...ascending].reverse(),
      );
      const middle = all.find((r) => r.messageId === ascending[4])!;
      const position = { createdAt: middle.createdAt, messageId: middle.messageId };
      expect(idsOf(await store.reviews.list({ ownerId: owner.id, before: position, limit: 50 }))).toEqual(
        ascending.slice(0, 4).reverse(),
      );
      // Both bounds, in either order: the reviews strictly between them.
      const last = all.find((r) => r.messageId === ascending[7])!;
      const range = {
        after: position,
        before: { createdAt: last.createdAt, messageId: last.messageId },
        limit: 50,
      };
      expect(idsOf(await store.reviews.list({ ownerId: owner.id, order: 'oldest', ...range }))).toEqual(
        ascending.slice(5, 7),
      );
      expect(
        idsOf(await store.reviewAssignees.listReviews({ userId: me.id, order: 'newest', ...range })),
      ).toEqual(ascending.slice(5, 7).reverse());
      // With a search and a status, oldest first.
      expect(
        idsOf(
          await store.reviews.list({
            ownerId: owner.id,
            order: 'oldest',
            status: 'pending',
            search: 'REVIEW 1',
            limit: 50,
          }),
        ),
      ).toEqual([all[1]!.messageId]);
    });

    it("markMatching (owner): marks the owner's matching unread reviews only, counts them, keeps first marks", async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const second = await seedChannel(store, owner.id);
      const { owner: stranger, channel: foreign } = await seedOwnerChannel(store);
      const p1 = await textReview(store, channel, 'Deploy web', { createdAt: at(1) });
      const p2 = await textReview(store, channel, 'Deploy api', { createdAt: at(2), type: 'form' });
      const p3 = await textReview(store, second, 'Rotate keys', { createdAt: at(3) });
      const done = await textReview(store, channel, 'Deploy db', {
        createdAt: at(4),
        expiresAt: at(3_600_000),
      });
      expect(
        await store.reviews.complete(done.messageId, completion(owner.id, at(5), { ok: 1 })),
      ).toBeDefined();
      const theirs = await textReview(store, foreign, 'Deploy web', { createdAt: at(6) });
      await seedMessage(store, channel, { text: 'Deploy, no review' });
      await store.reviewReads.mark(owner.id, p1.messageId, at(50)); // read already: kept, not counted
      await store.reviewReads.mark(stranger.id, theirs.messageId, at(50));

      // Pending reviews of the owner whose text has "deploy": p1 (read already) and p2.
      expect(
        await store.reviewReads.markMatching(
          owner.id,
          { ownerId: owner.id, status: 'pending', search: 'DEPLOY' },
          at(100),
        ),
      ).toBe(1);
      expect(await store.reviewReads.readIds(owner.id, [p1.messageId, p2.messageId, p3.messageId])).toEqual([
        p1.messageId,
        p2.messageId,
      ]);
      // Idempotent: nothing left to mark, nothing written, the first marks keep their times.
      expect(
        await store.reviewReads.markMatching(
          owner.id,
          { ownerId: owner.id, status: 'pending', search: 'deploy' },
          at(200),
        ),
      ).toBe(0);
      expect((await store.reviewReads.mark(owner.id, p1.messageId, at(999)))?.getTime()).toBe(
        at(50).getTime(),
      );
      expect((await store.reviewReads.mark(owner.id, p2.messageId, at(999)))?.getTime()).toBe(
        at(100).getTime(),
      );
      // By channel and by type.
      expect(
        await store.reviewReads.markMatching(owner.id, { ownerId: owner.id, channelId: second.id }, at(300)),
      ).toBe(1);
      expect(
        await store.reviewReads.markMatching(owner.id, { ownerId: owner.id, type: 'form' }, at(300)),
      ).toBe(0);
      // Every status: the completed one is left.
      expect(await store.reviewReads.markMatching(owner.id, { ownerId: owner.id }, at(400))).toBe(1);
      expect(await store.reviewReads.readIds(owner.id, [done.messageId])).toEqual([done.messageId]);
      // Never another owner's reviews, whatever the filter names: the stranger's review has one mark, theirs.
      expect(await store.reviewReads.readIds(owner.id, [theirs.messageId])).toEqual([]);
      expect(
        await store.reviewReads.markMatching(owner.id, { ownerId: owner.id, channelId: foreign.id }, at(500)),
      ).toBe(0);
      expect(await inspect.count('review_reads')).toBe(5);
      expect(await store.reviews.count({ ownerId: owner.id, readerId: owner.id })).toEqual({
        total: 4,
        unread: 0,
      });
      expect(await store.reviews.count({ ownerId: stranger.id, readerId: owner.id })).toEqual({
        total: 1,
        unread: 1,
      });
    });

    it('markMatching (assignee): the reviews assigned to the user, of any owner, optionally but one', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { channel: other } = await seedOwnerChannel(store);
      const me = await seedUser(store);
      const colleague = await seedUser(store);
      const mine = await seedChannel(store, me.id);
      const a = await textReview(store, channel, 'Ship it', { createdAt: at(1) });
      const b = await textReview(store, other, 'Ship it too', { createdAt: at(2) });
      const own = await textReview(store, mine, 'Ship my own', { createdAt: at(3) });
      const notAssigned = await textReview(store, other, 'Ship nothing', { createdAt: at(4) });
      const colleagues = await textReview(store, channel, 'Ship theirs', { createdAt: at(5) });
      await store.reviewAssignees.insert([
        makeAssignee(a, me.id),
        makeAssignee(b, me.id),
        makeAssignee(own, me.id),
        makeAssignee(a, colleague.id),
        makeAssignee(colleagues, colleague.id),
      ]);

      expect(
        await store.reviewReads.markMatching(
          me.id,
          { assigneeId: me.id, exceptOwnerId: me.id, search: 'ship' },
          at(10),
        ),
      ).toBe(2);
      expect(
        await store.reviewReads.readIds(me.id, [
          a.messageId,
          b.messageId,
          own.messageId,
          notAssigned.messageId,
          colleagues.messageId,
        ]),
      ).toEqual([a.messageId, b.messageId]);
      expect(await store.reviewReads.markMatching(me.id, { assigneeId: me.id }, at(20))).toBe(1);
      expect(await store.reviewReads.markMatching(me.id, { assigneeId: me.id }, at(30))).toBe(0);
      // Only the reader's marks: the colleague's inbox is untouched.
      expect(await store.reviewAssignees.count({ userId: colleague.id, readerId: colleague.id })).toEqual({
        total: 2,
        unread: 2,
      });
      expect(await store.reviews.count({ ownerId: owner.id, readerId: owner.id })).toEqual({
        total: 2,
        unread: 2,
      });
    });

    it('markMatching inside a rolled-back transaction leaves nothing; parallel calls count each mark once', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      for (let i = 0; i < 6; i++) await textReview(store, channel, `review ${i}`, { createdAt: at(i) });
      const boom = new Error('roll back');
      await expect(
        store.transaction(async (tx) => {
          expect(await tx.reviewReads.markMatching(owner.id, { ownerId: owner.id }, at(10))).toBe(6);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await inspect.count('review_reads')).toBe(0);

      const counts = await Promise.all(
        Array.from({ length: 5 }, (_, n) =>
          n % 2 === 0
            ? store.reviewReads.markMatching(owner.id, { ownerId: owner.id }, at(20 + n))
            : store.transaction((tx) =>
                tx.reviewReads.markMatching(owner.id, { ownerId: owner.id }, at(20 + n)),
              ),
        ),
      );
      expect(counts.reduce((sum, n) => sum + n, 0)).toBe(6);
      expect(await inspect.count('review_reads')).toBe(6);
    });
  });
}
