import { CONSTRAINTS, isUniqueViolation } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import {
  deferred,
  makeApiKey,
  makeEvent,
  makeMessage,
  makeStatusStep,
  randomId,
  type StatusStepInput,
  settle,
} from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
  expectSameRecord,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  track,
  useStoreHarness,
  waitBounded,
} from './store-harness.js';

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function isPrefix(candidate: readonly number[], of: readonly number[]): boolean {
  return candidate.length <= of.length && candidate.every((value, i) => of[i] === value);
}

/** N parallel callers, exactly one wins; outbox visibility under interleaved transactions. */
export function storeConcurrencyGroup(options: StoreSuiteOptions): void {
  describe(`Store concurrency: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('50 parallel reviews.complete on one review: exactly one wins and its response is stored', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { expiresAt: at(3_600_000) });
      const results = await Promise.all(
        range(50).map((n) =>
          store.reviews.complete(review.messageId, completion(owner.id, at(1000 + n), { n })),
        ),
      );
      const winners = results.flatMap((r, n) => (r === undefined ? [] : [{ n, r }]));
      expect(winners).toHaveLength(1);
      const winner = winners[0];
      expect(winner?.r.response).toEqual({ n: winner?.n });
      const stored = await inspect.review(review.messageId);
      expect(stored?.status).toBe('completed');
      expect(stored?.response).toEqual({ n: winner?.n });
      expect(stored?.completedAt?.getTime()).toBe(at(1000 + (winner?.n ?? 0)).getTime());
      expect(await inspect.count('reviews')).toBe(1);
    });

    it('20 parallel reviews.expire on one due review: exactly one wins', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { expiresAt: at(1000) });
      const results = await Promise.all(
        range(20).map((n) => store.reviews.expire(review.messageId, at(2000 + n))),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      expect((await inspect.review(review.messageId))?.status).toBe('expired');
    });

    const MODES = ['plain calls', 'parallel transactions'] as const;
    const UNIQUE_KEYS = [
      {
        key: '(channelId, clientId)',
        constraint: CONSTRAINTS.messageClient,
        fields: () => ({ clientId: randomId('client') }),
      },
      {
        key: '(channelId, streamId)',
        constraint: CONSTRAINTS.messageStream,
        fields: () => ({ streamId: randomId('stream'), streamState: 'streaming' as const }),
      },
      {
        key: '(iterationGroupId, iteration)',
        constraint: CONSTRAINTS.messageIteration,
        fields: () => ({ iterationGroupId: randomId('group'), iteration: 2 }),
      },
    ];

    for (const { key, constraint, fields } of UNIQUE_KEYS) {
      for (const mode of MODES) {
        it(`20 racing inserts with one ${key}, ${mode}: exactly one succeeds`, async () => {
          const { store, inspect } = h();
          const { channel } = await seedOwnerChannel(store);
          const shared = fields();
          const messages = range(20).map(() => makeMessage(channel, shared));
          const outcomes = await Promise.allSettled(
            messages.map((m) =>
              mode === 'plain calls'
                ? store.messages.insert(m)
                : store.transaction((tx) => tx.messages.insert(m)),
            ),
          );
          const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
          const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
          expect(fulfilled).toHaveLength(1);
          expect(rejected).toHaveLength(19);
          for (const reason of rejected) {
            expect(isUniqueViolation(reason, constraint), String(reason)).toBe(true);
          }
          expect(await inspect.count('messages')).toBe(1);
          const winner = messages[outcomes.findIndex((o) => o.status === 'fulfilled')];
          expectSameRecord(await inspect.message(winner?.id ?? ''), winner);
        });
      }
    }

    for (const mode of MODES) {
      it(`20 parallel statusSteps.append on one stream, ${mode}: indexes exactly 0..19`, async () => {
        const { store, inspect } = h();
        const { channel } = await seedOwnerChannel(store);
        const streamId = randomId('stream');
        const otherStream = randomId('stream');
        const append = (step: StatusStepInput) =>
          mode === 'plain calls'
            ? store.statusSteps.append(step)
            : store.transaction((tx) => tx.statusSteps.append(step));
        // Five appends to a second stream of the same channel run in between and must not disturb it.
        const [main, side] = await Promise.all([
          Promise.all(range(20).map((n) => append(makeStatusStep(channel, { streamId, text: `step ${n}` })))),
          Promise.all(range(5).map(() => append(makeStatusStep(channel, { streamId: otherStream })))),
        ]);
        expect(main.map((s) => s.index).sort((a, b) => a - b)).toEqual(range(20));
        expect(side.map((s) => s.index).sort((a, b) => a - b)).toEqual(range(5));
        const listed = await store.statusSteps.listByStreams(channel.id, [streamId]);
        expect(listed.map((s) => s.index)).toEqual(range(20));
        expect(new Set(listed.map((s) => s.id))).toEqual(new Set(main.map((s) => s.id)));
        for (const step of main) expect(listed[step.index]?.id).toBe(step.id);
        expect(await inspect.count('status_steps')).toBe(25);
      });

      it(`20 parallel messages.updateStream to complete, ${mode}: exactly one returns a row`, async () => {
        const { store, inspect } = h();
        const { channel } = await seedOwnerChannel(store);
        const draft = await seedMessage(store, channel, {
          streamId: randomId('stream'),
          streamState: 'streaming',
          text: 'draft',
          createdAt: at(0),
        });
        const finish = (n: number) => ({
          text: `final ${n}`,
          streamState: 'complete' as const,
          updatedAt: at(1000 + n),
        });
        const results = await Promise.all(
          range(20).map((n) =>
            mode === 'plain calls'
              ? store.messages.updateStream(draft.id, finish(n))
              : store.transaction(async (tx) => {
                  const current = await tx.messages.findById(draft.id);
                  if (current === undefined) return undefined;
                  return tx.messages.updateStream(current.id, finish(n));
                }),
          ),
        );
        const winners = results.flatMap((r, n) => (r === undefined ? [] : [{ n, r }]));
        expect(winners).toHaveLength(1);
        const n = winners[0]?.n ?? -1;
        expectSameRecord(winners[0]?.r, { ...draft, ...finish(n) });
        expectSameRecord(await inspect.message(draft.id), { ...draft, ...finish(n) });
      });
    }

    it('20 parallel apiKeys.touch: exactly one writes', async () => {
      const { store, inspect } = h();
      const { owner } = await seedOwnerChannel(store);
      const key = makeApiKey(owner.id);
      await store.apiKeys.insert(key);
      const results = await Promise.all(range(20).map(() => store.apiKeys.touch(key.id, at(5000), 60_000)));
      expect(results.filter((r) => r)).toHaveLength(1);
      expect((await inspect.apiKey(key.id))?.lastUsedAt?.getTime()).toBe(at(5000).getTime());
    });

    it('outbox visibility: readers only ever see a prefix of the final seq order', async () => {
      const { store, inspect } = h();
      const { owner } = await seedOwnerChannel(store);
      const appendedA = deferred<number>();
      const releaseA = deferred();
      const a = store.transaction(async (tx) => {
        const row = await tx.events.append(makeEvent({ ownerId: owner.id, payload: { tx: 'A' } }));
        appendedA.resolve(row.seq);
        await releaseA.promise;
        return row.seq;
      });
      a.catch((error: unknown) => appendedA.reject(error));
      await appendedA.promise;

      const snapshots: Promise<number[]>[] = [];
      const read = (): void => {
        snapshots.push(store.events.after(0, 1000).then((rows) => rows.map((r) => r.seq)));
      };
      read();
      // B appends and commits while A is still open (an adapter may make B wait for A; then it stays pending).
      const b = track(
        store.transaction(
          async (tx) => (await tx.events.append(makeEvent({ ownerId: owner.id, payload: { tx: 'B' } }))).seq,
        ),
      );
      await settle();
      await waitBounded(() => b.settled, 500);
      read();
      await settle();
      read();
      releaseA.resolve();
      const seqA = await a;
      const seqB = await b.promise;
      read();

      const final = (await store.events.after(0, 1000)).map((r) => r.seq);
      expect([...final].sort((x, y) => x - y)).toEqual(final);
      expect(new Set(final).size).toBe(final.length);
      expect(final).toContain(seqA);
      expect(final).toContain(seqB);
      expect(final).toHaveLength(2);
      for (const snapshot of await Promise.all(snapshots)) {
        expect(
          isPrefix(snapshot, final),
          `visible ${JSON.stringify(snapshot)} is not a prefix of ${JSON.stringify(final)}`,
        ).toBe(true);
      }
      expect((await inspect.events()).map((e) => e.seq)).toEqual(final);
      expect(await store.events.lastSeq()).toBe(final[final.length - 1]);
    });

    it('outbox visibility: lastSeq() never reports a seq above one that is still uncommitted', async () => {
      const { store } = h();
      const { owner } = await seedOwnerChannel(store);
      const appendedA = deferred<number>();
      const releaseA = deferred();
      const a = store.transaction(async (tx) => {
        const row = await tx.events.append(makeEvent({ ownerId: owner.id }));
        appendedA.resolve(row.seq);
        await releaseA.promise;
      });
      a.catch((error: unknown) => appendedA.reject(error));
      const seqA = await appendedA.promise;
      const b = track(store.events.append(makeEvent({ ownerId: owner.id })));
      await waitBounded(() => b.settled, 500);
      const last = track(store.events.lastSeq());
      await waitBounded(() => last.settled, 500);
      // A cursor taken from lastSeq() while A is open must not skip A's event once it commits.
      const lastWhileOpen = last.settled ? last.value : undefined;
      releaseA.resolve();
      await a;
      await b.promise;
      await last.promise;
      if (lastWhileOpen !== undefined) expect(lastWhileOpen).toBeLessThan(seqA);
      expect(await store.events.after(0, 1000)).toHaveLength(2);
    });
  });
}
