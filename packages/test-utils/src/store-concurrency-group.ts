import { CONSTRAINTS, isUniqueViolation } from '@placet/core';
import { describe, expect, it } from 'vitest';
import { deferred, makeApiKey, makeEvent, makeMessage, randomId, settle } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
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

    for (const mode of ['plain inserts', 'parallel transactions'] as const) {
      it(`20 racing inserts with one (channelId, clientId), ${mode}: exactly one succeeds`, async () => {
        const { store, inspect } = h();
        const { channel } = await seedOwnerChannel(store);
        const clientId = randomId('client');
        const messages = range(20).map(() => makeMessage(channel, { clientId }));
        const outcomes = await Promise.allSettled(
          messages.map((m) =>
            mode === 'plain inserts'
              ? store.messages.insert(m)
              : store.transaction((tx) => tx.messages.insert(m)),
          ),
        );
        const fulfilled = outcomes.filter((o) => o.status === 'fulfilled');
        const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(fulfilled).toHaveLength(1);
        expect(rejected).toHaveLength(19);
        for (const reason of rejected) {
          expect(isUniqueViolation(reason, CONSTRAINTS.messageClient), String(reason)).toBe(true);
        }
        expect(await inspect.count('messages')).toBe(1);
        const winner = messages[outcomes.findIndex((o) => o.status === 'fulfilled')];
        expect((await store.messages.findByClientId(channel.id, clientId))?.id).toBe(winner?.id);
      });
    }

    it('20 racing inserts with one (channelId, streamId): exactly one succeeds', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const streamId = randomId('stream');
      const outcomes = await Promise.allSettled(
        range(20).map(() =>
          store.messages.insert(makeMessage(channel, { streamId, streamState: 'streaming' })),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected')
          expect(isUniqueViolation(o.reason, CONSTRAINTS.messageStream)).toBe(true);
      }
      expect(await inspect.count('messages')).toBe(1);
    });

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
