import type { EventRecord } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeEvent } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import { at, comparable, expectSameRecord, seedOwnerChannel, useStoreHarness } from './store-harness.js';

function seqs(rows: readonly EventRecord[]): number[] {
  return rows.map((row) => row.seq);
}

/** The events outbox: strictly increasing seq, ordered reads, payload round-trips. */
export function storeOutboxGroup(options: StoreSuiteOptions): void {
  describe(`Store outbox: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('an empty outbox: lastSeq() is 0 and after() is empty', async () => {
      const { store, inspect } = h();
      expect(await store.events.lastSeq()).toBe(0);
      expect(await store.events.after(0, 100)).toEqual([]);
      expect(await inspect.events()).toEqual([]);
    });

    it('append returns the row with strictly increasing integer seq; after() is ascending and limited', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const appended: EventRecord[] = [];
      for (let i = 0; i < 12; i++) {
        const event = makeEvent({
          type: i % 2 === 0 ? 'message:created' : 'review:responded',
          ownerId: owner.id,
          channelId: i % 3 === 0 ? null : channel.id,
          subjectId: i % 4 === 0 ? null : `subject-${i}`,
          payload: { i },
          createdAt: at(i),
        });
        const row = await store.events.append(event);
        expectSameRecord(row, { ...event, seq: row.seq });
        appended.push(row);
      }
      for (const [i, row] of appended.entries()) {
        expect(Number.isSafeInteger(row.seq)).toBe(true);
        expect(row.seq).toBeGreaterThan(0);
        if (i > 0) expect(row.seq).toBeGreaterThan(appended[i - 1]?.seq ?? Number.POSITIVE_INFINITY);
      }
      const all = seqs(appended);
      const last = all[all.length - 1] ?? 0;
      expect(await store.events.lastSeq()).toBe(last);

      const everything = await store.events.after(0, 1000);
      expect(comparable(everything)).toStrictEqual(comparable(appended));
      expect(comparable(await inspect.events())).toStrictEqual(comparable(appended));
      expect(seqs(await store.events.after(0, 5))).toEqual(all.slice(0, 5));
      const third = all[2] ?? 0;
      expect(seqs(await store.events.after(third, 4))).toEqual(all.slice(3, 7));
      expect(seqs(await store.events.after(third, 1000))).toEqual(all.slice(3));
      expect(await store.events.after(last, 10)).toEqual([]);
    });

    it('payloads round-trip as JSON', async () => {
      const { store, inspect } = h();
      const { owner } = await seedOwnerChannel(store);
      const payload = {
        message: { id: 'm1', text: 'héllo ✓ "quoted" \\ \n newline', attachments: [] },
        numbers: [0, -1, 1.25, 1e6],
        flags: { a: true, b: false },
        nothing: null,
        deep: { a: { b: { c: [{ d: 'e' }] } } },
      };
      const row = await store.events.append(makeEvent({ ownerId: owner.id, payload }));
      const [read] = await store.events.after(row.seq - 1, 10);
      expect(read?.payload).toStrictEqual(payload);
      const [inspected] = await inspect.events();
      expect(inspected?.payload).toStrictEqual(payload);
      const list = await store.events.append(
        makeEvent({ ownerId: owner.id, payload: [1, 'two', { three: 3 }] }),
      );
      expect((await store.events.after(list.seq - 1, 1))[0]?.payload).toStrictEqual([1, 'two', { three: 3 }]);
    });
  });
}
