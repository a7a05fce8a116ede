import type { AuditEntryRecord, AuditHeadRecord, Repositories } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { deferred } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  rejectionOf,
  seedOwnerChannel,
  seedReview,
  seedUser,
  track,
  useStoreHarness,
  waitBounded,
} from './store-harness.js';

const ZEROS = '0'.repeat(64);
/** A fake 64-hex-digit hash, distinct per (owner, seq): the store stores hashes, it does not compute them. */
const fakeHash = (ownerId: string, seq: number) =>
  Array.from(`${ownerId}:${seq}`)
    .reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7)
    .toString(16)
    .padStart(8, '0')
    .repeat(8);

/** `count` entries continuing `head` for `ownerId` (review `messageId` unless given per entry). */
function entriesAfter(
  ownerId: string,
  head: AuditHeadRecord,
  count: number,
  overrides: (n: number) => Partial<AuditEntryRecord> = () => ({}),
): AuditEntryRecord[] {
  const out: AuditEntryRecord[] = [];
  let { seq, hash } = head;
  for (let n = 0; n < count; n++) {
    const next: AuditEntryRecord = {
      ownerId,
      seq: seq + 1,
      at: at(1_000 * (seq + 1)),
      type: 'review.created',
      messageId: 'm-unset',
      actor: { kind: 'agent', id: 'channel-1' },
      via: 'api',
      data: { n },
      prevHash: hash,
      hash: fakeHash(ownerId, seq + 1),
      ...overrides(n),
    };
    out.push(next);
    seq = next.seq;
    hash = next.hash;
  }
  return out;
}

/** Locks the owner's head and appends `count` entries after it, in one transaction. */
async function appendIn(
  tx: Repositories,
  ownerId: string,
  count: number,
  overrides?: (n: number) => Partial<AuditEntryRecord>,
): Promise<AuditEntryRecord[]> {
  const head = await tx.audit.lockHead(ownerId);
  const entries = entriesAfter(ownerId, head, count, overrides);
  await tx.audit.append(entries);
  return entries;
}

/**
 * The audit log's store side: each owner's chain of entries and its head, `lockHead` serialising the
 * appenders of one owner, `append` refusing what does not continue the head, `list` by owner, seq and
 * review, and what deleting a message, a channel or the owner does to the chain.
 */
export function storeAuditGroup(options: StoreSuiteOptions): void {
  describe(`Store audit log: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('lockHead makes an empty head once; append stores every field and moves the head; list reads it back', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      expect(await store.transaction((tx) => tx.audit.lockHead(owner.id))).toEqual({ seq: 0, hash: ZEROS });
      expect(await store.transaction((tx) => tx.audit.lockHead(owner.id))).toEqual({ seq: 0, hash: ZEROS });
      expect(await inspect.count('audit_heads')).toBe(1);
      expect(await inspect.count('audit_entries')).toBe(0);

      const written = await store.transaction((tx) =>
        appendIn(tx, owner.id, 3, (n) => ({
          messageId: `review-${n % 2}`,
          type: ['review.created', 'review.voted', 'receipt.issued'][n]!,
          actor: n === 2 ? { kind: 'system', id: null } : { kind: 'user', id: `user-${n}` },
          via: n === 1 ? 'email' : 'api',
          data:
            n === 1
              ? { response: { note: 'ünïcode – "quoted", comma', list: [1, null, true] }, n: 1.5, empty: {} }
              : {},
        })),
      );
      expect(await store.transaction((tx) => tx.audit.lockHead(owner.id))).toEqual({
        seq: 3,
        hash: written[2]!.hash,
      });
      const stored = await inspect.auditEntries(owner.id);
      expect(stored).toHaveLength(3);
      for (const [i, entry] of written.entries()) expectSameRecord(stored[i], entry);
      const listed = await store.audit.list({ ownerId: owner.id, limit: 10 });
      for (const [i, entry] of written.entries()) expectSameRecord(listed[i], entry);
      expect(await store.transaction((tx) => tx.audit.list({ ownerId: owner.id, limit: 10 }))).toHaveLength(
        3,
      );
    });

    it('list: one owner, ascending seq, after a seq, of one review, at most limit', async () => {
      const { store } = h();
      const owner = await seedUser(store);
      const other = await seedUser(store);
      // Interleaved appends of two owners, reviews a, b, c in turn.
      for (let round = 0; round < 4; round++) {
        await store.transaction((tx) =>
          appendIn(tx, owner.id, 3, (n) => ({ messageId: ['a', 'b', 'c'][n]!, data: { round } })),
        );
        await store.transaction((tx) => appendIn(tx, other.id, 2, () => ({ messageId: 'a' })));
      }
      const seqs = (rows: AuditEntryRecord[]) => rows.map((r) => r.seq);
      expect(seqs(await store.audit.list({ ownerId: owner.id, limit: 100 }))).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      expect(seqs(await store.audit.list({ ownerId: other.id, limit: 100 }))).toEqual([
        1, 2, 3, 4, 5, 6, 7, 8,
      ]);
      expect(seqs(await store.audit.list({ ownerId: owner.id, afterSeq: 9, limit: 100 }))).toEqual([
        10, 11, 12,
      ]);
      expect(seqs(await store.audit.list({ ownerId: owner.id, afterSeq: 2, limit: 4 }))).toEqual([
        3, 4, 5, 6,
      ]);
      expect(seqs(await store.audit.list({ ownerId: owner.id, messageId: 'b', limit: 100 }))).toEqual([
        2, 5, 8, 11,
      ]);
      expect(
        seqs(await store.audit.list({ ownerId: owner.id, messageId: 'b', afterSeq: 5, limit: 1 })),
      ).toEqual([8]);
      expect(await store.audit.list({ ownerId: owner.id, messageId: 'zzz', limit: 100 })).toEqual([]);
      expect(await store.audit.list({ ownerId: owner.id, afterSeq: 12, limit: 100 })).toEqual([]);
      expect(await store.audit.list({ ownerId: 'nobody', limit: 100 })).toEqual([]);
    });

    it('append refuses entries that do not continue the head, and writes nothing then', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      const first = await store.transaction((tx) => appendIn(tx, owner.id, 2));
      const head = { seq: 2, hash: first[1]!.hash };
      // Skipping a seq, going back, repeating one: refused, the chain and head stay as they were.
      const gap = entriesAfter(owner.id, { ...head, seq: 3 }, 1);
      const stale = entriesAfter(owner.id, { seq: 1, hash: first[0]!.hash }, 1);
      for (const bad of [gap, stale]) {
        expect(await rejectionOf(store.transaction((tx) => tx.audit.append(bad)))).toBeInstanceOf(Error);
        expect(await rejectionOf(store.audit.append(bad))).toBeInstanceOf(Error);
      }
      expect(await inspect.count('audit_entries')).toBe(2);
      expect(await store.transaction((tx) => tx.audit.lockHead(owner.id))).toEqual(head);
      // Without a head at all (never locked): refused.
      const stranger = await seedUser(store);
      expect(
        await rejectionOf(store.audit.append(entriesAfter(stranger.id, { seq: 0, hash: ZEROS }, 1))),
      ).toBeInstanceOf(Error);
      expect(await inspect.auditEntries(stranger.id)).toEqual([]);
      // The right continuation is accepted.
      await store.transaction((tx) => tx.audit.append(entriesAfter(owner.id, head, 1)));
      expect((await inspect.auditEntries(owner.id)).map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('an appender waits for the transaction that holds the head, then continues after its entries', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      await store.transaction((tx) => tx.audit.lockHead(owner.id));
      const locked = deferred();
      const release = deferred();
      const first = store.transaction(async (tx) => {
        const entries = await appendIn(tx, owner.id, 2);
        locked.resolve();
        await release.promise;
        return entries;
      });
      first.catch((error: unknown) => locked.reject(error));
      await locked.promise;
      const second = track(store.transaction((tx) => tx.audit.lockHead(owner.id)));
      let settledEarly = true;
      try {
        await waitBounded(() => second.settled, 200);
        settledEarly = second.settled;
      } finally {
        release.resolve();
      }
      const written = await first;
      expect(await second.promise).toEqual({ seq: 2, hash: written[1]!.hash });
      expect(settledEarly).toBe(false);
      expect(await inspect.count('audit_entries')).toBe(2);
    });

    for (const fresh of [true, false]) {
      it(`10 parallel lock → append transactions of one owner (${fresh ? 'no head yet' : 'head exists'}) make one chain 1..20`, async () => {
        const { store, inspect } = h();
        const owner = await seedUser(store);
        if (!fresh) await store.transaction((tx) => tx.audit.lockHead(owner.id));
        await Promise.all(
          Array.from({ length: 10 }, () =>
            store.transaction(async (tx) => {
              const head = await tx.audit.lockHead(owner.id);
              // Give the others every chance to run in between (without the lock they would).
              await new Promise<void>((resolve) => setImmediate(resolve));
              await tx.audit.append(entriesAfter(owner.id, head, 2));
            }),
          ),
        );
        const chain = await inspect.auditEntries(owner.id);
        expect(chain.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        for (const [i, entry] of chain.entries())
          expect(entry.prevHash).toBe(i === 0 ? ZEROS : chain[i - 1]!.hash);
        expect(await inspect.count('audit_heads')).toBe(1);
      });
    }

    it('a rolled-back transaction leaves no entry, and the head as it was (or none)', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      const boom = new Error('boom');
      expect(
        await rejectionOf(
          store.transaction(async (tx) => {
            await appendIn(tx, owner.id, 2);
            expect(await tx.audit.list({ ownerId: owner.id, limit: 10 })).toHaveLength(2);
            throw boom;
          }),
        ),
      ).toBe(boom);
      expect(await inspect.count('audit_entries')).toBe(0);
      expect(await inspect.count('audit_heads')).toBe(0);
      const kept = await store.transaction((tx) => appendIn(tx, owner.id, 1));
      await rejectionOf(
        store.transaction(async (tx) => {
          await appendIn(tx, owner.id, 3);
          throw boom;
        }),
      );
      expect(await inspect.auditEntries(owner.id)).toHaveLength(1);
      expect(await store.transaction((tx) => tx.audit.lockHead(owner.id))).toEqual({
        seq: 1,
        hash: kept[0]!.hash,
      });
    });

    it('deleting a message or a channel keeps the entries naming it; deleting the owner deletes their chain', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedUser(store);
      const { review } = await seedReview(store, channel);
      await store.transaction((tx) => appendIn(tx, owner.id, 3, () => ({ messageId: review.messageId })));
      await store.transaction((tx) => appendIn(tx, other.id, 2));

      expect(await store.messages.delete(review.messageId)).toBe(true);
      expect(await store.channels.delete(channel.id)).toBe(true);
      expect(
        (await store.audit.list({ ownerId: owner.id, messageId: review.messageId, limit: 10 })).length,
      ).toBe(3);
      expect(await inspect.count('audit_entries')).toBe(5);

      expect(await store.users.delete(owner.id)).toBe(true);
      expect(await inspect.auditEntries(owner.id)).toEqual([]);
      expect(await inspect.count('audit_entries')).toBe(2);
      expect(await inspect.count('audit_heads')).toBe(1);
      expect(await inspect.auditEntries(other.id)).toHaveLength(2);
    });
  });
}
