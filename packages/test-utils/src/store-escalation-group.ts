import type { EscalationChange, ReviewPolicyRecord } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { makeAssignee, makePolicy } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
  expectSameRecord,
  rejectionOf,
  seedOwnerChannel,
  seedReview,
  seedUser,
  useStoreHarness,
} from './store-harness.js';

const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzzunknown';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** A policy with a two-step ladder: remind at 30 minutes, add an assignee at 2 hours. */
function ladderPolicy(overrides: Partial<ReviewPolicyRecord> = {}): ReviewPolicyRecord {
  return makePolicy({
    escalation: [
      { after: '30m', afterMs: 30 * MINUTE, remind: true, addAssignees: [] },
      { after: '2h', afterMs: 2 * HOUR, remind: false, addAssignees: ['ana@example.test', 'role:admin'] },
    ],
    ...overrides,
  });
}

/**
 * The escalation ladder's store side: `escalationStep` and `nextEscalationAt` round-trip, the sweeper's
 * `listEscalationDue` and `nextEscalation` (pending reviews only, by due time), and `escalate`, the
 * compare-and-set that fires each step exactly once.
 */
export function storeEscalationGroup(options: StoreSuiteOptions): void {
  describe(`Store review escalation: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('escalationStep, nextEscalationAt and the ladder round-trip through every read', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const policy = ladderPolicy({ assigneeIds: [owner.id] });
      const { review } = await seedReview(store, channel, {
        createdAt: at(0),
        policy,
        escalationStep: 1,
        nextEscalationAt: at(2 * HOUR),
      });
      const { review: plain } = await seedReview(store, channel, { createdAt: at(1) });
      expect(plain.escalationStep).toBe(0);
      expect(plain.nextEscalationAt).toBeNull();
      await store.reviewAssignees.insert([makeAssignee(review, owner.id)]);

      expectSameRecord(await inspect.review(review.messageId), review);
      expectSameRecord(await store.reviews.findByMessageId(review.messageId), review);
      expectSameRecord(await inspect.review(plain.messageId), plain);
      expectSameRecord(await store.reviews.findByMessageId(plain.messageId), plain);
      const found = await store.reviews.findByMessageIds([review.messageId, plain.messageId]);
      expectSameRecord(
        found.find((r) => r.messageId === review.messageId),
        review,
      );
      expectSameRecord(
        found.find((r) => r.messageId === plain.messageId),
        plain,
      );
      const listed = await store.reviews.list({ ownerId: owner.id, limit: 10 });
      expectSameRecord(
        listed.find((r) => r.messageId === review.messageId),
        review,
      );
      expectSameRecord((await store.reviewAssignees.listReviews({ userId: owner.id, limit: 10 }))[0], review);
      expectSameRecord(await store.reviews.lockForVote(review.messageId, at(1_000)), review);

      // A completion leaves the ladder's position as it was.
      const done = await store.reviews.complete(review.messageId, completion(owner.id, at(5_000), { ok: 1 }));
      expect(done?.escalationStep).toBe(1);
      expect(done?.nextEscalationAt).toEqual(at(2 * HOUR));
      expectSameRecord(await inspect.review(review.messageId), done);
    });

    it('listEscalationDue: pending reviews due at `now`, earliest first, at most `limit`', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const policy = ladderPolicy();
      const due = [];
      // Inserted out of order, so that the order comes from the query.
      for (const minutes of [40, 10, 30, 20, 50]) {
        const { review } = await seedReview(store, channel, {
          policy,
          nextEscalationAt: at(minutes * MINUTE),
        });
        due.push(review);
      }
      const expected = [...due].sort((a, b) => a.nextEscalationAt!.getTime() - b.nextEscalationAt!.getTime());
      // Not due yet, none left, answered, expired: never listed.
      await seedReview(store, channel, { policy, nextEscalationAt: at(61 * MINUTE) });
      await seedReview(store, channel, { policy, escalationStep: 2, nextEscalationAt: null });
      await seedReview(store, channel, {});
      const { review: answered } = await seedReview(store, channel, {
        policy,
        nextEscalationAt: at(5 * MINUTE),
      });
      expect(
        await store.reviews.complete(answered.messageId, completion(owner.id, at(1_000), { ok: 1 })),
      ).toBeDefined();
      await seedReview(store, channel, {
        policy,
        nextEscalationAt: at(5 * MINUTE),
        status: 'expired',
        expiredAt: at(5 * MINUTE),
      });

      const all = await store.reviews.listEscalationDue(at(60 * MINUTE), 100);
      expect(all.map((r) => r.messageId)).toEqual(expected.map((r) => r.messageId));
      for (const [i, r] of all.entries()) expectSameRecord(r, expected[i]);
      expect((await store.reviews.listEscalationDue(at(60 * MINUTE), 2)).map((r) => r.messageId)).toEqual(
        expected.slice(0, 2).map((r) => r.messageId),
      );
      // Due at exactly `now` counts; a millisecond earlier it does not.
      expect((await store.reviews.listEscalationDue(at(30 * MINUTE), 100)).map((r) => r.messageId)).toEqual(
        expected.slice(0, 3).map((r) => r.messageId),
      );
      expect((await store.reviews.listEscalationDue(at(10 * MINUTE - 1), 100)).length).toBe(0);
      expect(
        await store.transaction((tx) => tx.reviews.listEscalationDue(at(20 * MINUTE), 100)),
      ).toHaveLength(2);
    });

    it('nextEscalation: the earliest nextEscalationAt of a pending review, or undefined', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      expect(await store.reviews.nextEscalation()).toBeUndefined();
      await seedReview(store, channel, {});
      await seedReview(store, channel, { policy: ladderPolicy(), nextEscalationAt: null, escalationStep: 2 });
      expect(await store.reviews.nextEscalation()).toBeUndefined();

      const { review: answered } = await seedReview(store, channel, {
        policy: ladderPolicy(),
        nextEscalationAt: at(1 * MINUTE),
      });
      await store.reviews.complete(answered.messageId, completion(owner.id, at(1), { ok: 1 }));
      await seedReview(store, channel, {
        policy: ladderPolicy(),
        nextEscalationAt: at(2 * MINUTE),
        status: 'expired',
        expiredAt: at(2 * MINUTE),
      });
      expect(await store.reviews.nextEscalation()).toBeUndefined();

      await seedReview(store, channel, { policy: ladderPolicy(), nextEscalationAt: at(45 * MINUTE) });
      const { review: first } = await seedReview(store, channel, {
        policy: ladderPolicy(),
        nextEscalationAt: at(15 * MINUTE),
      });
      const next = await store.reviews.nextEscalation();
      expect(next).toBeInstanceOf(Date);
      expect(next?.getTime()).toBe(at(15 * MINUTE).getTime());

      // Once that step fired (and the review has none left), the next one is the other review's.
      const fired = await store.reviews.escalate(first.messageId, {
        fromStep: 0,
        toStep: 2,
        nextEscalationAt: null,
        policy: first.policy!,
      });
      expect(fired).toBeDefined();
      expect((await store.reviews.nextEscalation())?.getTime()).toBe(at(45 * MINUTE).getTime());
    });

    it('escalate moves a pending review from `fromStep` on, once; it refuses a wrong step, a finished or unknown review', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const added = await seedUser(store);
      const policy = ladderPolicy({ assigneeIds: [owner.id] });
      const { review } = await seedReview(store, channel, {
        createdAt: at(0),
        policy,
        nextEscalationAt: at(30 * MINUTE),
      });
      const step1: EscalationChange = {
        fromStep: 0,
        toStep: 1,
        nextEscalationAt: at(2 * HOUR),
        policy,
      };
      // A wrong fromStep writes nothing.
      expect(await store.reviews.escalate(review.messageId, { ...step1, fromStep: 1 })).toBeUndefined();
      expectSameRecord(await inspect.review(review.messageId), review);

      const afterStep1 = { ...review, escalationStep: 1, nextEscalationAt: at(2 * HOUR) };
      expectSameRecord(await store.reviews.escalate(review.messageId, step1), afterStep1);
      expectSameRecord(await inspect.review(review.messageId), afterStep1);
      // The same step again: already fired.
      expect(await store.reviews.escalate(review.messageId, step1)).toBeUndefined();

      // The last step adds an assignee to the policy and leaves no step due.
      const widened = { ...policy, assigneeIds: [owner.id, added.id] };
      const step2: EscalationChange = { fromStep: 1, toStep: 2, nextEscalationAt: null, policy: widened };
      const afterStep2 = { ...afterStep1, escalationStep: 2, nextEscalationAt: null, policy: widened };
      expectSameRecord(
        await store.transaction((tx) => tx.reviews.escalate(review.messageId, step2)),
        afterStep2,
      );
      expectSameRecord(await inspect.review(review.messageId), afterStep2);
      expectSameRecord(await store.reviews.findByMessageId(review.messageId), afterStep2);

      // Answered or expired reviews never escalate; nor does an unknown one.
      const { review: answered } = await seedReview(store, channel, {
        policy,
        nextEscalationAt: at(MINUTE),
      });
      const done = await store.reviews.complete(answered.messageId, completion(owner.id, at(1), { ok: 1 }));
      expect(await store.reviews.escalate(answered.messageId, step1)).toBeUndefined();
      expectSameRecord(await inspect.review(answered.messageId), done);
      const { review: expired } = await seedReview(store, channel, {
        policy,
        nextEscalationAt: at(MINUTE),
        status: 'expired',
        expiredAt: at(MINUTE),
      });
      expect(await store.reviews.escalate(expired.messageId, step1)).toBeUndefined();
      expectSameRecord(await inspect.review(expired.messageId), expired);
      expect(await store.reviews.escalate(UNKNOWN, step1)).toBeUndefined();
    });

    for (const mode of ['plain calls', 'parallel transactions'] as const) {
      it(`escalate: 10 racing callers of one step, ${mode}: exactly one wins`, async () => {
        const { store, inspect } = h();
        const { channel } = await seedOwnerChannel(store);
        const policy = ladderPolicy();
        const { review } = await seedReview(store, channel, {
          policy,
          nextEscalationAt: at(30 * MINUTE),
        });
        const changes = range(10).map(
          (n): EscalationChange => ({
            fromStep: 0,
            toStep: 1,
            nextEscalationAt: at(2 * HOUR + n),
            policy: { ...policy, assignees: [...policy.assignees, `caller-${n}`] },
          }),
        );
        const results = await Promise.all(
          changes.map((change) =>
            mode === 'plain calls'
              ? store.reviews.escalate(review.messageId, change)
              : store.transaction(async (tx) => {
                  const fired = await tx.reviews.escalate(review.messageId, change);
                  await new Promise<void>((resolve) => setImmediate(resolve));
                  return fired;
                }),
          ),
        );
        const winners = results.flatMap((r, i) => (r === undefined ? [] : [i]));
        expect(winners).toHaveLength(1);
        const winner = changes[winners[0]!]!;
        const expected = {
          ...review,
          escalationStep: 1,
          nextEscalationAt: winner.nextEscalationAt,
          policy: winner.policy,
        };
        expectSameRecord(results[winners[0]!], expected);
        expectSameRecord(await inspect.review(review.messageId), expected);
      });
    }

    it('an escalation in a rolled-back transaction leaves the review as it was', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const policy = ladderPolicy();
      const { review } = await seedReview(store, channel, { policy, nextEscalationAt: at(MINUTE) });
      const boom = new Error('boom');
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          const fired = await tx.reviews.escalate(review.messageId, {
            fromStep: 0,
            toStep: 1,
            nextEscalationAt: null,
            policy: { ...policy, assigneeIds: [] },
          });
          expect(fired?.escalationStep).toBe(1);
          expect((await tx.reviews.findByMessageId(review.messageId))?.escalationStep).toBe(1);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expectSameRecord(await inspect.review(review.messageId), review);
      expect(await store.reviews.listEscalationDue(at(MINUTE), 10)).toHaveLength(1);
    });
  });
}
