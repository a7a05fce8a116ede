import type { MessageRecord, Repositories, Store } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeApiKey, makeAttachment, makeMessage } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  ids,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  seedUser,
  sorted,
  useStoreHarness,
} from './store-harness.js';

/** The argument of `messages.list` (derived from the port so that its exported name does not matter). */
type MessageListQuery = Parameters<Repositories['messages']['list']>[0];

/** The order `messages.list` promises: createdAt desc, then id desc. */
function newestFirst(a: MessageRecord, b: MessageRecord): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

async function walkPages(store: Store, query: Omit<MessageListQuery, 'before'>): Promise<string[][]> {
  const pages: string[][] = [];
  let before: MessageListQuery['before'];
  for (let guard = 0; guard < 1000; guard++) {
    const page = await store.messages.list(before ? { ...query, before } : query);
    expect(page.length).toBeLessThanOrEqual(query.limit);
    if (page.length === 0) return pages;
    pages.push(ids(page));
    const last = page[page.length - 1];
    if (last === undefined) return pages;
    before = { createdAt: last.createdAt, id: last.id };
  }
  throw new Error('page walk did not terminate');
}

/** List queries: ordering, keyset pagination, filters, owner scoping. */
export function storeQueryGroup(options: StoreSuiteOptions): void {
  describe(`Store queries: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('messages.list: newest first by (createdAt desc, id desc), one channel only, limit and before', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const inserted: MessageRecord[] = [];
      // Inserted in a scrambled time order; offsets repeat so that ties are broken by id.
      for (const offset of [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]) {
        inserted.push(await seedMessage(store, channel, { createdAt: at(offset * 1000) }));
      }
      await seedMessage(store, other, { createdAt: at(4000) });
      const expected = [...inserted].sort(newestFirst);

      expect(ids(await store.messages.list({ channelId: channel.id, limit: 100 }))).toEqual(ids(expected));
      expect(ids(await store.messages.list({ channelId: channel.id, limit: 4 }))).toEqual(
        ids(expected.slice(0, 4)),
      );
      for (const index of [0, 3, 4, 7, expected.length - 1]) {
        const cursor = expected[index];
        if (cursor === undefined) throw new Error('bad index');
        const before = { createdAt: cursor.createdAt, id: cursor.id };
        expect(ids(await store.messages.list({ channelId: channel.id, before, limit: 100 }))).toEqual(
          ids(expected.slice(index + 1)),
        );
        expect(ids(await store.messages.list({ channelId: channel.id, before, limit: 2 }))).toEqual(
          ids(expected.slice(index + 1, index + 3)),
        );
      }
      expect(await store.messages.list({ channelId: 'no-such-channel', limit: 10 })).toEqual([]);
    });

    it('messages.list: a page walk over 120 messages (with equal createdAt) visits each exactly once, in order', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const inserted: MessageRecord[] = [];
      for (let i = 0; i < 120; i++) {
        // Groups of up to four messages share a timestamp; insertion order is not time order.
        const offset = ((i * 37) % 120) >> 2;
        inserted.push(await seedMessage(store, channel, { createdAt: at(offset * 1000) }));
      }
      const expected = ids([...inserted].sort(newestFirst));
      for (const limit of [7, 50, 120]) {
        const pages = await walkPages(store, { channelId: channel.id, limit });
        const visited = pages.flat();
        expect(visited).toEqual(expected);
        expect(new Set(visited).size).toBe(120);
      }
    });

    it('messages.list: search is a case-insensitive literal substring (% and _ are not wildcards)', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const texts = [
        'Hello World',
        'say hello there',
        '100% sure',
        '100 percent',
        'snake_case name',
        'snakeXcase name',
        'path C:\\temp',
        'HÉLLO accents',
        null,
      ];
      const byText = new Map<string | null, MessageRecord>();
      for (const [i, text] of texts.entries()) {
        byText.set(text, await seedMessage(store, channel, { text, createdAt: at(i * 1000) }));
      }
      const search = async (term: string): Promise<string[]> =>
        sorted(ids(await store.messages.list({ channelId: channel.id, search: term, limit: 100 })));
      const idsOf = (...wanted: string[]): string[] => sorted(wanted.map((t) => byText.get(t)?.id ?? t));

      expect(await search('HELLO')).toEqual(idsOf('Hello World', 'say hello there'));
      expect(await search('lo wor')).toEqual(idsOf('Hello World'));
      expect(await search('%')).toEqual(idsOf('100% sure'));
      expect(await search('0%')).toEqual(idsOf('100% sure'));
      expect(await search('100%')).toEqual(idsOf('100% sure'));
      expect(await search('_')).toEqual(idsOf('snake_case name'));
      expect(await search('e_c')).toEqual(idsOf('snake_case name'));
      expect(await search('\\')).toEqual(idsOf('path C:\\temp'));
      expect(await search('no such text anywhere')).toEqual([]);

      // search combines with ordering, limit and the keyset cursor
      const page1 = await store.messages.list({ channelId: channel.id, search: 'o', limit: 2 });
      const all = await store.messages.list({ channelId: channel.id, search: 'o', limit: 100 });
      expect(ids(page1)).toEqual(ids(all.slice(0, 2)));
      const last = page1[1];
      if (last === undefined) throw new Error('expected two results');
      const page2 = await store.messages.list({
        channelId: channel.id,
        search: 'o',
        limit: 100,
        before: { createdAt: last.createdAt, id: last.id },
      });
      expect(ids(page2)).toEqual(ids(all.slice(2)));
    });

    it('messages.list: hasAttachments keeps only messages with attachmentCount > 0', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const counts = [0, 2, 0, 1, 0, 5];
      const inserted: MessageRecord[] = [];
      for (const [i, attachmentCount] of counts.entries()) {
        inserted.push(await seedMessage(store, channel, { attachmentCount, createdAt: at(i * 1000) }));
      }
      const withFiles = inserted.filter((m) => m.attachmentCount > 0).sort(newestFirst);
      expect(
        ids(await store.messages.list({ channelId: channel.id, hasAttachments: true, limit: 100 })),
      ).toEqual(ids(withFiles));
      expect(
        ids(await store.messages.list({ channelId: channel.id, hasAttachments: true, limit: 2 })),
      ).toEqual(ids(withFiles.slice(0, 2)));
      expect(await store.messages.list({ channelId: channel.id, limit: 100 })).toHaveLength(counts.length);
    });

    it('reviews.list with status pending: only that owner’s (optionally one channel), newest first', async () => {
      const { store } = h();
      const { owner, channel: a1 } = await seedOwnerChannel(store);
      const a2 = await seedChannel(store, owner.id);
      const { channel: b1 } = await seedOwnerChannel(store);
      const r1 = (await seedReview(store, a1, { createdAt: at(1000) })).review;
      const r2 = (await seedReview(store, a2, { createdAt: at(3000) })).review;
      const r3 = (await seedReview(store, a1, { createdAt: at(2000) })).review;
      await seedReview(store, a1, {
        createdAt: at(4000),
        status: 'completed',
        completedAt: at(4500),
        response: {},
      });
      await seedReview(store, a2, { createdAt: at(5000), status: 'expired', expiredAt: at(5500) });
      await seedReview(store, b1, { createdAt: at(6000) });

      const messageIds = (rows: { messageId: string }[]) => rows.map((r) => r.messageId);
      expect(
        messageIds(await store.reviews.list({ ownerId: owner.id, status: 'pending', limit: 100 })),
      ).toEqual([r2.messageId, r3.messageId, r1.messageId]);
      expect(
        messageIds(await store.reviews.list({ ownerId: owner.id, status: 'pending', limit: 2 })),
      ).toEqual([r2.messageId, r3.messageId]);
      expect(
        messageIds(
          await store.reviews.list({ ownerId: owner.id, status: 'pending', channelId: a1.id, limit: 100 }),
        ),
      ).toEqual([r3.messageId, r1.messageId]);
      // Another owner's channel id never leaks that owner's reviews.
      expect(
        await store.reviews.list({ ownerId: owner.id, status: 'pending', channelId: b1.id, limit: 100 }),
      ).toEqual([]);
    });

    it('reviews.listDue and nextExpiry: only pending reviews with expiresAt <= now, oldest expiry first', async () => {
      const { store } = h();
      expect(await store.reviews.nextExpiry()).toBeUndefined();
      const { channel } = await seedOwnerChannel(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const now = at(100_000);
      const late = (await seedReview(store, channel, { expiresAt: at(90_000) })).review;
      const exact = (await seedReview(store, foreign, { expiresAt: now })).review;
      const early = (await seedReview(store, channel, { expiresAt: at(10_000) })).review;
      await seedReview(store, channel, { expiresAt: at(100_001) });
      await seedReview(store, channel, {
        expiresAt: at(1_000),
        status: 'completed',
        completedAt: at(500),
        response: { ok: true },
      });
      await seedReview(store, channel, { expiresAt: at(2_000), status: 'expired', expiredAt: at(2_000) });

      const due = await store.reviews.listDue(now, 100);
      expect(due.map((r) => r.messageId)).toEqual([early.messageId, late.messageId, exact.messageId]);
      expect(due.every((r) => r.status === 'pending')).toBe(true);
      expect((await store.reviews.listDue(now, 2)).map((r) => r.messageId)).toEqual([
        early.messageId,
        late.messageId,
      ]);
      expect(await store.reviews.listDue(at(5_000), 100)).toEqual([]);
      expect((await store.reviews.nextExpiry())?.getTime()).toBe(early.expiresAt.getTime());
    });

    it('reviews.listPendingCreated: pending reviews of every owner created in [from, until), oldest first, keyset-paged', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const before = await seedReview(store, channel, { createdAt: at(999) });
      const first = await seedReview(store, foreign, { createdAt: at(1_000) });
      const second = await seedReview(store, channel, { createdAt: at(2_000) });
      const third = await seedReview(store, channel, { createdAt: at(2_000) });
      await seedReview(store, channel, {
        createdAt: at(1_500),
        status: 'completed',
        completedAt: at(1_600),
        response: { ok: true },
      });
      await seedReview(store, channel, { createdAt: at(3_000) });
      const query = { from: at(1_000), until: at(3_000) };
      const all = await store.reviews.listPendingCreated({ ...query, limit: 100 });
      const tied = [second, third].map((r) => r.review.messageId).sort();
      expect(all.map((r) => r.messageId)).toEqual([first.review.messageId, ...tied]);
      expect(all.map((r) => r.messageId)).not.toContain(before.review.messageId);
      // The keyset cursor continues after (createdAt, messageId), also between two of the same instant.
      const page = await store.reviews.listPendingCreated({ ...query, limit: 2 });
      const last = page.at(-1)!;
      const rest = await store.reviews.listPendingCreated({
        ...query,
        after: { createdAt: last.createdAt, messageId: last.messageId },
        limit: 100,
      });
      expect([...page, ...rest].map((r) => r.messageId)).toEqual(all.map((r) => r.messageId));
    });

    it('attachments.linkOrphans links only orphans of that channel and returns exactly the linked ids', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const otherChannel = await seedChannel(store, owner.id);
      const target = await seedMessage(store, channel);
      const earlier = await seedMessage(store, channel);
      const o1 = makeAttachment(channel);
      const o2 = makeAttachment(channel);
      const taken = makeAttachment(channel, { messageId: earlier.id });
      const foreign = makeAttachment(otherChannel);
      const untouched = makeAttachment(channel);
      for (const a of [o1, o2, taken, foreign, untouched]) await store.attachments.insert(a);

      const linked = await store.attachments.linkOrphans(
        [o1.id, o2.id, taken.id, foreign.id, 'no-such-attachment'],
        channel.id,
        target.id,
      );
      expect(sorted(linked)).toEqual(sorted([o1.id, o2.id]));
      expect((await inspect.attachment(o1.id))?.messageId).toBe(target.id);
      expect((await inspect.attachment(o2.id))?.messageId).toBe(target.id);
      expect((await inspect.attachment(taken.id))?.messageId).toBe(earlier.id);
      expect((await inspect.attachment(foreign.id))?.messageId).toBeNull();
      expect((await inspect.attachment(untouched.id))?.messageId).toBeNull();
      expect(await store.attachments.linkOrphans([o1.id, o2.id], channel.id, earlier.id)).toEqual([]);
      expect(await store.attachments.linkOrphans([], channel.id, target.id)).toEqual([]);
    });

    it('attachments.listByMessageIds (oldest first) and listByChannel (newest first)', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: otherChannel } = await seedOwnerChannel(store);
      const m1 = await seedMessage(store, channel);
      const m2 = await seedMessage(store, channel);
      const m3 = await seedMessage(store, channel);
      const a = makeAttachment(channel, { messageId: m2.id, createdAt: at(3000) });
      const b = makeAttachment(channel, { messageId: m1.id, createdAt: at(1000) });
      const c = makeAttachment(channel, { messageId: m1.id, createdAt: at(2000) });
      const d = makeAttachment(channel, { messageId: m3.id, createdAt: at(500) });
      const orphan = makeAttachment(channel, { createdAt: at(4000) });
      const foreign = makeAttachment(otherChannel, { createdAt: at(5000) });
      for (const row of [a, b, c, d, orphan, foreign]) await store.attachments.insert(row);

      expect(ids(await store.attachments.listByMessageIds([m1.id, m2.id]))).toEqual([b.id, c.id, a.id]);
      expect(await store.attachments.listByMessageIds([])).toEqual([]);
      expect(ids(await store.attachments.listByChannel(channel.id, { limit: 10 }))).toEqual([
        orphan.id,
        a.id,
        c.id,
        b.id,
        d.id,
      ]);
      // Keyset pages: newest first, strictly older than the cursor, never another channel's.
      expect(ids(await store.attachments.listByChannel(channel.id, { limit: 2 }))).toEqual([orphan.id, a.id]);
      expect(
        ids(
          await store.attachments.listByChannel(channel.id, {
            limit: 2,
            before: { createdAt: a.createdAt, id: a.id },
          }),
        ),
      ).toEqual([c.id, b.id]);
      expect(
        ids(
          await store.attachments.listByChannel(channel.id, {
            limit: 10,
            before: { createdAt: d.createdAt, id: d.id },
          }),
        ),
      ).toEqual([]);
      expect(await store.attachments.listByChannel(otherChannel.id, { limit: 10 })).toHaveLength(1);
    });

    it('apiKeys.listByUser and channels.listByOwner: newest first, one user only', async () => {
      const { store } = h();
      const user = await seedUser(store);
      const other = await seedUser(store);
      const keys = [
        makeApiKey(user.id, { createdAt: at(2000) }),
        makeApiKey(user.id, { createdAt: at(1000) }),
      ];
      keys.push(makeApiKey(user.id, { createdAt: at(3000) }));
      for (const key of keys) await store.apiKeys.insert(key);
      await store.apiKeys.insert(makeApiKey(other.id, { createdAt: at(2500) }));
      expect(ids(await store.apiKeys.listByUser(user.id))).toEqual([keys[2]?.id, keys[0]?.id, keys[1]?.id]);
      expect(await store.apiKeys.listByUser('no-such-user')).toEqual([]);

      const c1 = await seedChannel(store, user.id, { createdAt: at(1000) });
      const c2 = await seedChannel(store, user.id, { createdAt: at(3000) });
      const c3 = await seedChannel(store, user.id, { createdAt: at(2000) });
      await seedChannel(store, other.id, { createdAt: at(2500) });
      expect(ids(await store.channels.listByOwner(user.id))).toEqual([c2.id, c3.id, c1.id]);
      expect(await store.channels.listByOwner('no-such-user')).toEqual([]);
    });

    it('messages.list rows carry every field', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = makeMessage(channel, {
        metadata: { k: [1, { v: null }] },
        clientId: 'c-1',
        iteration: 2,
      });
      await store.messages.insert(message);
      const [row] = await store.messages.list({ channelId: channel.id, limit: 1 });
      expectSameRecord(row, message);
    });
  });
}
