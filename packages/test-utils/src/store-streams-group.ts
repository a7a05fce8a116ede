import { CONSTRAINTS, isUniqueViolation } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeMessage, randomId } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  ids,
  rejectionOf,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  useStoreHarness,
} from './store-harness.js';

/** Streamed drafts (findByStreamId, the updateStream and updateStreamOf compare-and-set) and iteration chains. */
export function storeStreamsGroup(options: StoreSuiteOptions): void {
  describe(`Store streams and iterations: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('messages.findByStreamId finds the draft of that channel only', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const streamId = randomId('stream');
      const draft = await seedMessage(store, channel, {
        streamId,
        streamState: 'streaming',
        createdAt: at(1),
      });
      const twin = await seedMessage(store, other, { streamId, streamState: 'complete', createdAt: at(2) });
      await seedMessage(store, channel, { streamId: randomId('stream'), streamState: 'streaming' });
      await seedMessage(store, channel, { streamId: null });

      expectSameRecord(await store.messages.findByStreamId(channel.id, streamId), draft);
      expectSameRecord(await store.messages.findByStreamId(other.id, streamId), twin);
      expect(await store.messages.findByStreamId(channel.id, randomId('stream'))).toBeUndefined();
      expect(await store.messages.findByStreamId(randomId('channel'), streamId)).toBeUndefined();
    });

    it('messages.updateStreamOf updates the draft of that channel and stream only, while it is streaming', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const streamId = randomId('stream');
      const draft = await seedMessage(store, channel, { streamId, streamState: 'streaming', text: 'Hel' });
      const twin = await seedMessage(store, other, { streamId, streamState: 'streaming', text: 'twin' });
      const growing = { text: 'Hello', streamState: 'streaming' as const, updatedAt: at(1_000) };
      expectSameRecord(await store.messages.updateStreamOf(channel.id, streamId, growing), {
        ...draft,
        ...growing,
      });
      expectSameRecord(await inspect.message(twin.id), twin);
      const { text: _kept, ...done } = { ...growing, streamState: 'complete' as const, updatedAt: at(2_000) };
      expectSameRecord(await store.messages.updateStreamOf(channel.id, streamId, done), {
        ...draft,
        ...done,
        text: 'Hello',
      });
      const late = { text: 'late', streamState: 'streaming' as const, updatedAt: at(3_000) };
      expect(await store.messages.updateStreamOf(channel.id, streamId, late)).toBeUndefined();
      expect(await store.messages.updateStreamOf(channel.id, randomId('stream'), late)).toBeUndefined();
      expect((await inspect.message(draft.id))?.text).toBe('Hello');
    });

    it('messages.updateStream writes text, streamState and updatedAt while the draft is streaming', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const draft = await seedMessage(store, channel, {
        streamId: randomId('stream'),
        streamState: 'streaming',
        text: 'Hel',
        metadata: { kept: [1, 2] },
        createdAt: at(0),
      });
      const growing = { text: 'Hello wor', streamState: 'streaming' as const, updatedAt: at(1_000) };
      expectSameRecord(await store.messages.updateStream(draft.id, growing), { ...draft, ...growing });
      expectSameRecord(await inspect.message(draft.id), { ...draft, ...growing });

      const done = { text: 'Hello world', streamState: 'complete' as const, updatedAt: at(2_000) };
      expectSameRecord(await store.messages.updateStream(draft.id, done), { ...draft, ...done });
      expectSameRecord(await inspect.message(draft.id), { ...draft, ...done });
      expectSameRecord(await store.messages.findByStreamId(channel.id, draft.streamId ?? ''), {
        ...draft,
        ...done,
      });
    });

    for (const finished of ['complete', 'aborted'] as const) {
      it(`messages.updateStream returns undefined and changes nothing once the draft is ${finished}`, async () => {
        const { store, inspect } = h();
        const { channel } = await seedOwnerChannel(store);
        const draft = await seedMessage(store, channel, {
          streamId: randomId('stream'),
          streamState: 'streaming',
          text: 'partial',
          createdAt: at(0),
        });
        const end = { text: 'final', streamState: finished, updatedAt: at(1_000) };
        expect((await store.messages.updateStream(draft.id, end))?.streamState).toBe(finished);
        const stored = { ...draft, ...end };

        for (const streamState of ['streaming', 'complete', 'aborted'] as const) {
          const late = { text: `late ${streamState}`, streamState, updatedAt: at(5_000) };
          expect(await store.messages.updateStream(draft.id, late)).toBeUndefined();
          expectSameRecord(await inspect.message(draft.id), stored);
        }
        // Inside a transaction too: the compare-and-set does not depend on autocommit.
        const inTx = await store.transaction((tx) =>
          tx.messages.updateStream(draft.id, { text: 'tx', streamState: 'complete', updatedAt: at(6_000) }),
        );
        expect(inTx).toBeUndefined();
        expectSameRecord(await inspect.message(draft.id), stored);
      });
    }

    it('messages.updateStream ignores messages that were never streamed, and unknown ids', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const plain = await seedMessage(store, channel, { streamId: null, streamState: null, text: 'plain' });
      const patch = { text: 'hijacked', streamState: 'complete' as const, updatedAt: at(1) };
      expect(await store.messages.updateStream(plain.id, patch)).toBeUndefined();
      expectSameRecord(await inspect.message(plain.id), plain);
      expect(await store.messages.updateStream(randomId('message'), patch)).toBeUndefined();
      expect(await inspect.count('messages')).toBe(1);
    });

    it('messages.maxIteration and listByIterationGroup: the chain in iteration order, one group only', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const groupId = randomId('group');
      const otherGroup = randomId('group');
      expect(await store.messages.maxIteration(groupId)).toBeUndefined();
      expect(await store.messages.listByIterationGroup(groupId)).toEqual([]);

      // Inserted out of order; createdAt disagrees with iteration so that the order must come from iteration.
      const byIteration = new Map<number, string>();
      for (const [i, iteration] of [3, 1, 4, 2].entries()) {
        const row = await seedMessage(store, channel, {
          iterationGroupId: groupId,
          iteration,
          createdAt: at(10_000 - i * 1_000),
        });
        byIteration.set(iteration, row.id);
      }
      await seedMessage(store, channel, { iterationGroupId: otherGroup, iteration: 9 });
      await seedMessage(store, channel, { iterationGroupId: null, iteration: null });

      expect(await store.messages.maxIteration(groupId)).toBe(4);
      expect(await store.messages.maxIteration(otherGroup)).toBe(9);
      const chain = await store.messages.listByIterationGroup(groupId);
      expect(ids(chain)).toEqual([1, 2, 3, 4].map((n) => byIteration.get(n)));
      expect(chain.map((m) => m.iteration)).toEqual([1, 2, 3, 4]);
      expect(chain.every((m) => m.iterationGroupId === groupId)).toBe(true);

      // A chain whose only iteration is 0 has a maximum of 0, not undefined.
      const zeroGroup = randomId('group');
      const zero = await seedMessage(store, channel, { iterationGroupId: zeroGroup, iteration: 0 });
      expect(await store.messages.maxIteration(zeroGroup)).toBe(0);
      expectSameRecord((await store.messages.listByIterationGroup(zeroGroup))[0], zero);
    });

    it('messages: (iterationGroupId, iteration) is unique; null values never conflict', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const groupId = randomId('group');
      const first = await seedMessage(store, channel, { iterationGroupId: groupId, iteration: 1 });

      const dup = await rejectionOf(
        store.messages.insert(makeMessage(channel, { iterationGroupId: groupId, iteration: 1 })),
      );
      expect(isUniqueViolation(dup, CONSTRAINTS.messageIteration), String(dup)).toBe(true);
      const dupElsewhere = await rejectionOf(
        store.messages.insert(makeMessage(other, { iterationGroupId: groupId, iteration: 1 })),
      );
      expect(isUniqueViolation(dupElsewhere, CONSTRAINTS.messageIteration), String(dupElsewhere)).toBe(true);
      const dupInTx = await rejectionOf(
        store.transaction((tx) =>
          tx.messages.insert(makeMessage(channel, { iterationGroupId: groupId, iteration: 1 })),
        ),
      );
      expect(isUniqueViolation(dupInTx, CONSTRAINTS.messageIteration), String(dupInTx)).toBe(true);
      expect(await inspect.count('messages')).toBe(1);

      await seedMessage(store, channel, { iterationGroupId: groupId, iteration: 2 });
      await seedMessage(store, channel, { iterationGroupId: randomId('group'), iteration: 1 });
      for (let i = 0; i < 2; i++) {
        await seedMessage(store, channel, { iterationGroupId: null, iteration: null });
        await seedMessage(store, channel, { iterationGroupId: groupId, iteration: null });
        await seedMessage(store, channel, { iterationGroupId: null, iteration: 1 });
      }
      expect(await inspect.count('messages')).toBe(9);
      expect(await store.messages.maxIteration(groupId)).toBe(2);
      expect((await store.messages.listByIterationGroup(groupId)).map((m) => m.iteration)).toContain(
        first.iteration,
      );
    });
  });
}
