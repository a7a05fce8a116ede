import type { SessionRecord } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeEvent, randomId } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import { at, expectSameRecord, seedOwnerChannel, seedUser, useStoreHarness } from './store-harness.js';

function session(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { id: randomId('s'), userId, createdAt: at(0), expiresAt: at(60_000), ...overrides };
}

/**
 * Sessions (server-side, ended in every process at once), the key-value store (single-use claims that
 * hold across processes), one owner's replay of the outbox and the outbox's retention.
 */
export function storeSessionsGroup(options: StoreSuiteOptions): void {
  describe(`Store sessions, key-value and outbox retention: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('sessions: insert, find, delete one, delete a user’s others, cascade with the user, expire', async () => {
      const { store, inspect } = h();
      const alice = await seedUser(store);
      const bob = await seedUser(store);
      const a1 = session(alice.id);
      const a2 = session(alice.id);
      const a3 = session(alice.id, { expiresAt: at(10) });
      const b1 = session(bob.id);
      for (const s of [a1, a2, a3, b1]) await store.sessions.insert(s);
      expectSameRecord(await store.sessions.findById(a1.id), a1);
      expect(await store.sessions.findById(randomId('s'))).toBeUndefined();
      expect(await inspect.count('sessions')).toBe(4);

      expect(await store.sessions.delete(a1.id)).toBe(true);
      expect(await store.sessions.delete(a1.id)).toBe(false);
      expect((await store.sessions.deleteByUser(alice.id, a2.id)).sort()).toEqual([a3.id]);
      expectSameRecord(await store.sessions.findById(a2.id), a2);
      expect(await store.sessions.deleteByUser(alice.id)).toEqual([a2.id]);
      expect(await store.sessions.findById(b1.id)).toBeDefined();

      const b2 = session(bob.id, { expiresAt: at(5) });
      await store.sessions.insert(b2);
      expect(await store.sessions.deleteExpired(at(5), 100)).toBe(1);
      expect(await store.sessions.findById(b2.id)).toBeUndefined();
      expect(await store.users.delete(bob.id)).toBe(true);
      expect(await store.sessions.findById(b1.id)).toBeUndefined();
      expect(await inspect.count('sessions')).toBe(0);
    });

    it('key-value: get skips expired entries, set replaces, delete, deleteExpired', async () => {
      const { store, inspect } = h();
      const ns = randomId('ns');
      await store.kv.set({ namespace: ns, key: 'a', value: { n: 1, list: ['x'] }, expiresAt: null });
      await store.kv.set({ namespace: ns, key: 'b', value: 'text', expiresAt: at(100) });
      await store.kv.set({ namespace: `${ns}-other`, key: 'a', value: 2, expiresAt: null });
      expect((await store.kv.get(ns, 'a', at(0)))?.value).toEqual({ n: 1, list: ['x'] });
      expect((await store.kv.get(ns, 'b', at(99)))?.value).toBe('text');
      expect(await store.kv.get(ns, 'b', at(100))).toBeUndefined();
      await store.kv.set({ namespace: ns, key: 'a', value: 3, expiresAt: null });
      expect((await store.kv.get(ns, 'a', at(0)))?.value).toBe(3);
      expect((await store.kv.get(`${ns}-other`, 'a', at(0)))?.value).toBe(2);
      expect(await store.kv.deleteExpired(at(100), 100)).toBe(1);
      expect(await inspect.count('kv')).toBe(2);
      expect(await store.kv.delete(ns, 'a')).toBe(true);
      expect(await store.kv.delete(ns, 'a')).toBe(false);
    });

    it('key-value: insertIfAbsent claims once; an expired entry can be claimed again', async () => {
      const { store } = h();
      const ns = randomId('ns');
      const entry = { namespace: ns, key: 'nonce', value: true, expiresAt: at(1000) };
      expect(await store.kv.insertIfAbsent(entry, at(0))).toBe(true);
      expect(await store.kv.insertIfAbsent(entry, at(500))).toBe(false);
      expect(await store.kv.insertIfAbsent({ ...entry, expiresAt: at(5000) }, at(1000))).toBe(true);
      expect(await store.kv.insertIfAbsent(entry, at(4000))).toBe(false);
    });

    it('key-value: of 20 concurrent claims of one key exactly one wins', async () => {
      const { store } = h();
      const ns = randomId('ns');
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          store.kv.insertIfAbsent({ namespace: ns, key: 'k', value: 1, expiresAt: at(60_000) }, at(0)),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('events.afterForOwner reads one owner’s events only, ascending and limited', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedUser(store);
      const mine: number[] = [];
      for (let i = 0; i < 10; i++) {
        const ownerId = i % 2 === 0 ? owner.id : other.id;
        const row = await store.events.append(
          makeEvent({ ownerId, channelId: ownerId === owner.id ? channel.id : null, createdAt: at(i) }),
        );
        if (ownerId === owner.id) mine.push(row.seq);
      }
      expect((await store.events.afterForOwner(owner.id, 0, 100)).map((e) => e.seq)).toEqual(mine);
      expect((await store.events.afterForOwner(owner.id, mine[1]!, 2)).map((e) => e.seq)).toEqual(
        mine.slice(2, 4),
      );
      expect(await store.events.afterForOwner(randomId('nobody'), 0, 100)).toEqual([]);
    });

    it('events.pruneBefore deletes the oldest events before a time, never the newest, and says the highest seq', async () => {
      const { store } = h();
      const owner = await seedUser(store);
      const rows = [];
      for (let i = 0; i < 6; i++)
        rows.push(await store.events.append(makeEvent({ ownerId: owner.id, createdAt: at(i * 1000) })));
      const seq = rows.map((r) => r.seq);
      expect(await store.events.pruneBefore(at(0), 100)).toBe(0);
      expect(await store.events.pruneBefore(at(2500), 2)).toBe(seq[1]);
      expect((await store.events.after(0, 100)).map((e) => e.seq)).toEqual(seq.slice(2));
      // Everything is old now: all but the newest go.
      expect(await store.events.pruneBefore(at(100_000), 100)).toBe(seq[4]);
      expect((await store.events.after(0, 100)).map((e) => e.seq)).toEqual([seq[5]]);
      expect(await store.events.lastSeq()).toBe(seq[5]);
      const next = await store.events.append(makeEvent({ ownerId: owner.id }));
      expect(next.seq).toBeGreaterThan(seq[5]!);
    });
  });
}
