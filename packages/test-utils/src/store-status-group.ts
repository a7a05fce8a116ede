import { describe, expect, it } from 'vitest';
import { makeAttachment, makeStatusHistory, makeStatusStep, randomId } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  ids,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  useStoreHarness,
} from './store-harness.js';

/** Status steps of streamed replies (gap-free index per stream), the status history, and their cascades. */
export function storeStatusGroup(options: StoreSuiteOptions): void {
  describe(`Store status steps and history: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('statusSteps.append numbers steps 0, 1, 2 per stream and returns the stored row', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      // Fixed prefixes make the streamId order known: `a-…` sorts before `b-…`.
      const streamA = `a-${randomId()}`;
      const streamB = `b-${randomId()}`;
      const first = makeStatusStep(channel, {
        streamId: streamA,
        text: 'Running `npm test` — ✓ 日本',
        toolHint: true,
        createdAt: at(1),
      });
      const a0 = await store.statusSteps.append(first);
      expectSameRecord(a0, { ...first, index: 0 });
      const b0 = await store.statusSteps.append(
        makeStatusStep(channel, { streamId: streamB, createdAt: at(2) }),
      );
      const a1 = await store.statusSteps.append(
        makeStatusStep(channel, { streamId: streamA, createdAt: at(3) }),
      );
      const x0 = await store.statusSteps.append(
        makeStatusStep(other, { streamId: streamA, createdAt: at(4) }),
      );
      const b1 = await store.statusSteps.append(
        makeStatusStep(channel, { streamId: streamB, createdAt: at(5) }),
      );
      const a2 = await store.statusSteps.append(
        makeStatusStep(channel, { streamId: streamA, createdAt: at(6) }),
      );
      expect([a0, a1, a2].map((s) => s.index)).toEqual([0, 1, 2]);
      expect([b0, b1].map((s) => s.index)).toEqual([0, 1]);
      expect(x0.index).toBe(0);
      expect(await inspect.count('status_steps')).toBe(6);

      const listed = await store.statusSteps.listByStreams(channel.id, [streamB, streamA]);
      expect(ids(listed)).toEqual(ids([a0, a1, a2, b0, b1]));
      expect(listed.map((s) => [s.streamId, s.index])).toEqual([
        [streamA, 0],
        [streamA, 1],
        [streamA, 2],
        [streamB, 0],
        [streamB, 1],
      ]);
      expectSameRecord(listed[0], { ...first, index: 0 });
      expectSameRecord(listed[3], b0);
    });

    it('statusSteps.listByStreams never returns another channel’s steps for the same streamId', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: foreign } = await seedOwnerChannel(store);
      const streamId = randomId('stream');
      const mine = await store.statusSteps.append(makeStatusStep(channel, { streamId }));
      const theirs = [
        await store.statusSteps.append(makeStatusStep(foreign, { streamId })),
        await store.statusSteps.append(makeStatusStep(foreign, { streamId })),
      ];
      expect(theirs.map((s) => s.index)).toEqual([0, 1]);

      expect(ids(await store.statusSteps.listByStreams(channel.id, [streamId]))).toEqual([mine.id]);
      expect(ids(await store.statusSteps.listByStreams(foreign.id, [streamId]))).toEqual(ids(theirs));
      expect(await store.statusSteps.listByStreams(channel.id, [])).toEqual([]);
      expect(await store.statusSteps.listByStreams(channel.id, [randomId('stream')])).toEqual([]);
      expect(await store.statusSteps.listByStreams(randomId('channel'), [streamId])).toEqual([]);
    });

    it('statusSteps.append inside a transaction sees the transaction’s own steps; a rollback frees the index', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const streamId = randomId('stream');
      const inTx = await store.transaction(async (tx) => {
        const s0 = await tx.statusSteps.append(makeStatusStep(channel, { streamId }));
        const s1 = await tx.statusSteps.append(makeStatusStep(channel, { streamId }));
        expect(ids(await tx.statusSteps.listByStreams(channel.id, [streamId]))).toEqual(ids([s0, s1]));
        return [s0.index, s1.index];
      });
      expect(inTx).toEqual([0, 1]);

      await expect(
        store.transaction(async (tx) => {
          expect((await tx.statusSteps.append(makeStatusStep(channel, { streamId }))).index).toBe(2);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await inspect.count('status_steps')).toBe(2);
      expect((await store.statusSteps.append(makeStatusStep(channel, { streamId }))).index).toBe(2);
      const listed = await store.statusSteps.listByStreams(channel.id, [streamId]);
      expect(listed.map((s) => s.index)).toEqual([0, 1, 2]);
    });

    it('statusHistory.listByChannel: one channel, newest first, limited; rows round-trip', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const busy = makeStatusHistory(channel, {
        status: 'busy',
        message: 'Deploying ✓',
        createdAt: at(3_000),
      });
      const active = makeStatusHistory(channel, { status: 'active', createdAt: at(1_000) });
      const offline = makeStatusHistory(channel, { status: 'offline', createdAt: at(4_000) });
      const error = makeStatusHistory(channel, { status: 'error', message: 'crashed', createdAt: at(2_000) });
      for (const row of [busy, active, offline, error]) await store.statusHistory.insert(row);
      await store.statusHistory.insert(makeStatusHistory(other, { createdAt: at(5_000) }));
      expect(await inspect.count('status_history')).toBe(5);

      const all = await store.statusHistory.listByChannel(channel.id, 100);
      expect(ids(all)).toEqual(ids([offline, busy, error, active]));
      expectSameRecord(all[1], busy);
      expectSameRecord(all[3], active);
      expect(ids(await store.statusHistory.listByChannel(channel.id, 2))).toEqual(ids([offline, busy]));
      expect(await store.statusHistory.listByChannel(randomId('channel'), 100)).toEqual([]);
      expect(await store.statusHistory.listByChannel(other.id, 100)).toHaveLength(1);
    });

    it('deleting a channel deletes its status steps and history, nothing else', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const streamId = randomId('stream');
      await seedMessage(store, channel, { streamId, streamState: 'streaming' });
      await seedReview(store, channel);
      await store.attachments.insert(makeAttachment(channel));
      for (let i = 0; i < 3; i++) await store.statusSteps.append(makeStatusStep(channel, { streamId }));
      await store.statusHistory.insert(makeStatusHistory(channel, { status: 'busy' }));
      await store.statusHistory.insert(makeStatusHistory(channel, { status: 'offline' }));
      const keepStep = await store.statusSteps.append(makeStatusStep(other, { streamId }));
      const keepHistory = makeStatusHistory(other, { status: 'error' });
      await store.statusHistory.insert(keepHistory);

      expect(await store.channels.delete(channel.id)).toBe(true);
      expect(await inspect.channel(channel.id)).toBeUndefined();
      expect(await inspect.count('status_steps')).toBe(1);
      expect(await inspect.count('status_history')).toBe(1);
      expect(await inspect.count('messages')).toBe(0);
      expect(await inspect.count('reviews')).toBe(0);
      expect(await inspect.count('attachments')).toBe(0);
      expect(await store.statusSteps.listByStreams(channel.id, [streamId])).toEqual([]);
      expect(await store.statusHistory.listByChannel(channel.id, 100)).toEqual([]);
      expect(ids(await store.statusSteps.listByStreams(other.id, [streamId]))).toEqual([keepStep.id]);
      expectSameRecord((await store.statusHistory.listByChannel(other.id, 100))[0], keepHistory);
    });

    it('deleting a user deletes the status steps and history of their channels, nothing else', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const second = await seedChannel(store, owner.id);
      const { channel: foreign } = await seedOwnerChannel(store);
      const streamId = randomId('stream');
      for (const c of [channel, second, foreign]) {
        await store.statusSteps.append(makeStatusStep(c, { streamId }));
        await store.statusHistory.insert(makeStatusHistory(c));
      }
      expect(await store.users.delete(owner.id)).toBe(true);
      expect(await inspect.count('status_steps')).toBe(1);
      expect(await inspect.count('status_history')).toBe(1);
      expect(await store.statusSteps.listByStreams(foreign.id, [streamId])).toHaveLength(1);
      expect(await store.statusHistory.listByChannel(foreign.id, 100)).toHaveLength(1);
    });
  });
}
