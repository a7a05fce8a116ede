import { CONSTRAINTS, isUniqueViolation, type ReviewRecord } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { deferred, makeAssignee, makePolicy, makeVote } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
  expectSameRecord,
  type ReviewCompletion,
  rejectionOf,
  seedChannel,
  seedOwnerChannel,
  seedReview,
  seedUser,
  track,
  useStoreHarness,
  waitBounded,
} from './store-harness.js';

const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzzunknown';
const HOUR = 3_600_000;

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The newest-first order of the inbox: createdAt desc, then messageId desc. */
function newestFirst(a: ReviewRecord, b: ReviewRecord): number {
  return (
    b.createdAt.getTime() - a.createdAt.getTime() ||
    (a.messageId < b.messageId ? 1 : a.messageId > b.messageId ? -1 : 0)
  );
}

/**
 * Review approval policies: the policy stored with a review, the default outcome (`completeDue`), the
 * vote lock that serialises voters (`lockForVote`), one vote per user and review (`reviewVotes`), the
 * assignee's inbox (`reviewAssignees`) and what deleting a message, channel or user takes with it.
 */
export function storePoliciesGroup(options: StoreSuiteOptions): void {
  describe(`Store review policies: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('a policy round-trips as JSON; a completion with `policy` replaces it, one without keeps it', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const policy = makePolicy({
        assignees: ['role:owner', 'Ana@Example.test', owner.id],
        assigneeIds: [owner.id, 'u-2', 'u-3'],
        mode: 'all',
        required: 3,
        veto: true,
        onTimeout: { response: { selectedOption: 'reject', note: 'ünïcode – "quoted"', list: [1, null] } },
      });
      const { review } = await seedReview(store, channel, { createdAt: at(0), policy });
      const { review: plain } = await seedReview(store, channel, { createdAt: at(1) });
      expect(plain.policy).toBeNull();
      expectSameRecord(await inspect.review(review.messageId), review);
      expectSameRecord(await store.reviews.findByMessageId(review.messageId), review);
      expectSameRecord(await inspect.review(plain.messageId), plain);
      const found = await store.reviews.findByMessageIds([review.messageId, plain.messageId]);
      expectSameRecord(
        found.find((r) => r.messageId === review.messageId),
        review,
      );
      expectSameRecord(
        found.find((r) => r.messageId === plain.messageId),
        plain,
      );
      expectSameRecord(
        (await store.reviews.list({ ownerId: owner.id, limit: 10 })).find(
          (r) => r.messageId === review.messageId,
        ),
        review,
      );

      const decided = { ...policy, outcome: 'quorum' as const };
      const answer: ReviewCompletion = {
        ...completion(owner.id, at(5_000), { selectedOption: 'approve' }),
        policy: decided,
      };
      const expected = {
        ...review,
        status: 'completed' as const,
        response: { selectedOption: 'approve' },
        respondedBy: owner.id,
        completedAt: at(5_000),
        policy: decided,
      };
      expectSameRecord(await store.reviews.complete(review.messageId, answer), expected);
      expectSameRecord(await inspect.review(review.messageId), expected);

      // Without `policy` the stored one stays as it is.
      const { review: kept } = await seedReview(store, channel, { createdAt: at(2), policy });
      const done = await store.reviews.complete(kept.messageId, completion(owner.id, at(6_000), { ok: 1 }));
      expect(done?.policy).toEqual(policy);
      expect((await inspect.review(kept.messageId))?.policy).toEqual(policy);
    });

    it('a completion may have no responder (respondedBy null), with or without a policy', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { createdAt: at(0), policy: makePolicy() });
      const answer: ReviewCompletion = {
        response: { selectedOption: 'approve' },
        respondedBy: null,
        completedAt: at(1_000),
        feedback: null,
        modifiedFileIds: null,
      };
      const expected = { ...review, ...answer, status: 'completed' as const };
      expectSameRecord(await store.reviews.complete(review.messageId, answer), expected);
      expectSameRecord(await inspect.review(review.messageId), expected);
    });

    it('completeDue completes only a pending review that is due, once, with a null responder', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const policy = makePolicy({ onTimeout: { response: { selectedOption: 'approve' } } });
      const { review } = await seedReview(store, channel, {
        createdAt: at(0),
        expiresAt: at(60_000),
        policy,
      });
      const byDefault = (completedAt: Date): ReviewCompletion => ({
        response: { selectedOption: 'approve' },
        respondedBy: null,
        completedAt,
        feedback: null,
        modifiedFileIds: null,
        policy: { ...policy, outcome: 'default' },
      });
      expect(await store.reviews.completeDue(review.messageId, byDefault(at(59_999)))).toBeUndefined();
      expectSameRecord(await inspect.review(review.messageId), review);

      const expected = {
        ...review,
        status: 'completed' as const,
        response: { selectedOption: 'approve' },
        respondedBy: null,
        completedAt: at(60_000),
        policy: { ...policy, outcome: 'default' as const },
      };
      expectSameRecord(await store.reviews.completeDue(review.messageId, byDefault(at(60_000))), expected);
      expectSameRecord(await inspect.review(review.messageId), expected);
      expect(await store.reviews.completeDue(review.messageId, byDefault(at(70_000)))).toBeUndefined();
      expect(await store.reviews.expire(review.messageId, at(70_000))).toBeUndefined();
      expectSameRecord(await inspect.review(review.messageId), expected);

      const { review: expired } = await seedReview(store, channel, {
        expiresAt: at(60_000),
        status: 'expired',
        expiredAt: at(60_000),
      });
      expect(await store.reviews.completeDue(expired.messageId, byDefault(at(90_000)))).toBeUndefined();
      expectSameRecord(await inspect.review(expired.messageId), expired);
      const { review: answered } = await seedReview(store, channel, { expiresAt: at(60_000) });
      expect(
        await store.reviews.complete(answered.messageId, completion(owner.id, at(1_000), { ok: 1 })),
      ).toBeDefined();
      expect(await store.reviews.completeDue(answered.messageId, byDefault(at(90_000)))).toBeUndefined();
      expect((await inspect.review(answered.messageId))?.respondedBy).toBe(owner.id);
      expect(await store.reviews.completeDue(UNKNOWN, byDefault(at(90_000)))).toBeUndefined();
    });

    it('10 parallel completeDue and 10 parallel expire on one due review: exactly one wins', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { expiresAt: at(1_000), policy: makePolicy() });
      const results = await Promise.all([
        ...range(10).map((n) =>
          store.reviews.completeDue(review.messageId, {
            response: { n },
            respondedBy: null,
            completedAt: at(2_000 + n),
            feedback: null,
            modifiedFileIds: null,
          }),
        ),
        ...range(10).map((n) => store.reviews.expire(review.messageId, at(2_000 + n))),
      ]);
      const winners = results.flatMap((r, i) => (r === undefined ? [] : [{ i, r }]));
      expect(winners).toHaveLength(1);
      const { i, r } = winners[0]!;
      const stored = await inspect.review(review.messageId);
      if (i < 10) {
        expect(r.status).toBe('completed');
        expect(stored?.status).toBe('completed');
        expect(stored?.response).toEqual({ n: i });
        expect(stored?.expiredAt).toBeNull();
      } else {
        expect(r.status).toBe('expired');
        expect(stored?.status).toBe('expired');
        expect(stored?.response).toBeNull();
      }
    });

    it('lockForVote returns a pending review before its expiry, and nothing otherwise; it changes no field', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const policy = makePolicy();
      const { review } = await seedReview(store, channel, {
        createdAt: at(0),
        expiresAt: at(60_000),
        policy,
      });
      expectSameRecord(await store.reviews.lockForVote(review.messageId, at(1_000)), review);
      expectSameRecord(
        await store.transaction((tx) => tx.reviews.lockForVote(review.messageId, at(59_999))),
        review,
      );
      expectSameRecord(await inspect.review(review.messageId), review);
      // Due (at or past its expiry), even while still pending.
      expect(await store.reviews.lockForVote(review.messageId, at(60_000))).toBeUndefined();
      expect(await store.reviews.lockForVote(review.messageId, at(90_000))).toBeUndefined();

      const { review: answered } = await seedReview(store, channel, { expiresAt: at(60_000), policy });
      await store.reviews.complete(answered.messageId, completion(owner.id, at(1_000), { ok: 1 }));
      expect(await store.reviews.lockForVote(answered.messageId, at(2_000))).toBeUndefined();
      const { review: expired } = await seedReview(store, channel, {
        expiresAt: at(60_000),
        status: 'expired',
        expiredAt: at(60_000),
      });
      expect(await store.reviews.lockForVote(expired.messageId, at(2_000))).toBeUndefined();
      expect(await store.reviews.lockForVote(UNKNOWN, at(2_000))).toBeUndefined();
      expectSameRecord(await inspect.review(expired.messageId), expired);
    });

    it('a voter waiting behind a transaction that completes the review gets nothing', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { expiresAt: at(HOUR), policy: makePolicy() });
      const locked = deferred();
      const release = deferred();
      const first = store.transaction(async (tx) => {
        expect(await tx.reviews.lockForVote(review.messageId, at(1_000))).toBeDefined();
        await tx.reviewVotes.insert(makeVote(review.messageId, owner.id, { votedAt: at(1_000) }));
        const done = await tx.reviews.complete(
          review.messageId,
          completion(owner.id, at(1_000), { selectedOption: 'approve' }),
        );
        locked.resolve();
        await release.promise;
        return done;
      });
      first.catch((error: unknown) => locked.reject(error));
      await locked.promise;
      const second = track(store.transaction((tx) => tx.reviews.lockForVote(review.messageId, at(1_500))));
      // It waits for the first voter's transaction (its row lock, or the store's one writer) …
      let settledEarly = true;
      try {
        await waitBounded(() => second.settled, 200);
        settledEarly = second.settled;
      } finally {
        release.resolve();
      }
      expect(await first).toBeDefined();
      // … then finds the review completed: it never takes a review that another voter decided.
      expect(await second.promise).toBeUndefined();
      expect(settledEarly).toBe(false);
      expect((await inspect.review(review.messageId))?.status).toBe('completed');
      expect(await store.reviews.lockForVote(review.messageId, at(2_000))).toBeUndefined();
    });

    it('votes: insert and list round-trip every field, oldest first (votedAt, then userId), across reviews', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const { review: r1 } = await seedReview(store, channel, { policy: makePolicy() });
      const { review: r2 } = await seedReview(store, channel, { policy: makePolicy() });
      const { review: r3 } = await seedReview(store, channel, { policy: makePolicy() });
      const users = await Promise.all(range(3).map(() => seedUser(store)));
      const [ua, ub, uc] = users.map((u) => u.id).sort() as [string, string, string];
      const v1c = makeVote(r1.messageId, uc, { votedAt: at(300) });
      const v1b = makeVote(r1.messageId, ub, {
        votedAt: at(100),
        response: { selectedOption: 'reject', reason: 'no – "quoted"', nested: { list: [1, 'x'] } },
        choice: 'reject',
        rejects: true,
      });
      const v2a = makeVote(r2.messageId, ua, { votedAt: at(200) });
      const v1a = makeVote(r1.messageId, ua, { votedAt: at(300) });
      const v3a = makeVote(r3.messageId, ua, { votedAt: at(50) });
      for (const vote of [v1c, v1b, v2a, v1a, v3a]) await store.reviewVotes.insert(vote);
      expect(await inspect.count('review_votes')).toBe(5);

      const listed = await store.reviewVotes.listByMessageIds([r1.messageId, r2.messageId]);
      expect(listed).toHaveLength(4);
      for (const [i, vote] of [v1b, v2a, v1a, v1c].entries()) expectSameRecord(listed[i], vote);
      const one = await store.reviewVotes.listByMessageIds([r1.messageId, UNKNOWN, r1.messageId]);
      expect(one.map((v) => v.userId)).toEqual([ub, ua, uc]);
      expect(await store.reviewVotes.listByMessageIds([])).toEqual([]);
      expect(await store.reviewVotes.listByMessageIds([UNKNOWN])).toEqual([]);
      expect(await store.transaction((tx) => tx.reviewVotes.listByMessageIds([r2.messageId]))).toHaveLength(
        1,
      );
    });

    it('votes: a second vote of one user on one review is a UniqueViolation (review_votes)', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedUser(store);
      const { review } = await seedReview(store, channel, { policy: makePolicy() });
      const { review: second } = await seedReview(store, channel, { policy: makePolicy() });
      const first = makeVote(review.messageId, owner.id, { votedAt: at(1) });
      await store.reviewVotes.insert(first);
      const again = makeVote(review.messageId, owner.id, { votedAt: at(2), choice: 'reject', rejects: true });
      const error = await rejectionOf(store.reviewVotes.insert(again));
      expect(isUniqueViolation(error, CONSTRAINTS.reviewVote), String(error)).toBe(true);
      const inTx = await rejectionOf(store.transaction((tx) => tx.reviewVotes.insert(again)));
      expect(isUniqueViolation(inTx, CONSTRAINTS.reviewVote), String(inTx)).toBe(true);
      // The same user on another review, and another user on this one, are fine.
      await store.reviewVotes.insert(makeVote(second.messageId, owner.id));
      await store.reviewVotes.insert(makeVote(review.messageId, other.id));
      expect(await inspect.count('review_votes')).toBe(3);
      const listed = await store.reviewVotes.listByMessageIds([review.messageId]);
      expectSameRecord(
        listed.find((v) => v.userId === owner.id),
        first,
      );
    });

    for (const mode of ['plain calls', 'parallel transactions'] as const) {
      it(`votes: 10 racing inserts of one user's vote on one review, ${mode}: exactly one succeeds`, async () => {
        const { store, inspect } = h();
        const { owner, channel } = await seedOwnerChannel(store);
        const { review } = await seedReview(store, channel, { policy: makePolicy() });
        const votes = range(10).map((n) => makeVote(review.messageId, owner.id, { response: { n } }));
        const outcomes = await Promise.allSettled(
          votes.map((vote) =>
            mode === 'plain calls'
              ? store.reviewVotes.insert(vote)
              : store.transaction((tx) => tx.reviewVotes.insert(vote)),
          ),
        );
        const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const reason of rejected)
          expect(isUniqueViolation(reason, CONSTRAINTS.reviewVote), String(reason)).toBe(true);
        expect(await inspect.count('review_votes')).toBe(1);
        const winner = votes[outcomes.findIndex((o) => o.status === 'fulfilled')];
        expectSameRecord((await store.reviewVotes.listByMessageIds([review.messageId]))[0], winner);
      });
    }

    it('lockForVote serialises voters: 10 parallel lock → vote → count transactions see 1..10, each once', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const voters = await Promise.all(range(10).map(() => seedUser(store)));
      const { review } = await seedReview(store, channel, {
        expiresAt: at(HOUR),
        policy: makePolicy({ assigneeIds: voters.map((v) => v.id), required: 10 }),
      });
      const counts = await Promise.all(
        voters.map((voter, n) =>
          store.transaction(async (tx) => {
            const locked = await tx.reviews.lockForVote(review.messageId, at(1_000 + n));
            if (locked === undefined) throw new Error('lockForVote refused a pending review');
            // Give the others every chance to run in between (without a lock they would).
            await new Promise<void>((resolve) => setImmediate(resolve));
            await tx.reviewVotes.insert(makeVote(review.messageId, voter.id, { votedAt: at(1_000 + n) }));
            await new Promise<void>((resolve) => setImmediate(resolve));
            return (await tx.reviewVotes.listByMessageIds([review.messageId])).length;
          }),
        ),
      );
      expect([...counts].sort((a, b) => a - b)).toEqual(range(10).map((n) => n + 1));
      expect(await inspect.count('review_votes')).toBe(10);
      const stored = await inspect.review(review.messageId);
      expectSameRecord(stored, review);
    });

    it('assignees: insert is idempotent per (review, user); an existing pair is left as it is', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const alice = await seedUser(store);
      const bob = await seedUser(store);
      const { review: older } = await seedReview(store, channel, { createdAt: at(100) });
      const { review: newer } = await seedReview(store, channel, { createdAt: at(500) });
      await store.reviewAssignees.insert([makeAssignee(older, alice.id), makeAssignee(older, bob.id)]);
      await store.reviewAssignees.insert([]);
      // The same pair again, with a later time (and twice in one call): ignored, the first row stays.
      const moved = makeAssignee(older, alice.id, { createdAt: at(900) });
      await store.reviewAssignees.insert([moved, makeAssignee(newer, alice.id), moved]);
      await store.transaction((tx) => tx.reviewAssignees.insert([makeAssignee(older, bob.id)]));
      expect(await inspect.count('review_assignees')).toBe(3);
      const listed = await store.reviewAssignees.listReviews({ userId: alice.id, limit: 10 });
      expect(listed.map((r) => r.messageId)).toEqual([newer.messageId, older.messageId]);
      expectSameRecord(listed[0], newer);
      expectSameRecord(listed[1], older);
    });

    it("assignees: listReviews is the user's reviews of any owner, newest first, keyset-paged, filtered", async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const otherOwner = await seedUser(store);
      const otherChannel = await seedChannel(store, otherOwner.id);
      const me = await seedUser(store);
      const someoneElse = await seedUser(store);
      const mine: ReviewRecord[] = [];
      for (const n of range(9)) {
        // Pairs share a createdAt, so that messageId breaks the ties.
        const { review } = await seedReview(store, n % 2 === 0 ? channel : otherChannel, {
          createdAt: at(Math.floor(n / 2) * 1_000),
          type: n % 3 === 0 ? 'form' : 'approval',
          policy: makePolicy({ assigneeIds: [me.id] }),
        });
        mine.push(review);
      }
      const { review: notMine } = await seedReview(store, channel, { createdAt: at(50_000) });
      await store.reviewAssignees.insert(mine.map((r) => makeAssignee(r, me.id)));
      await store.reviewAssignees.insert([makeAssignee(notMine, someoneElse.id)]);
      const answered = mine[4]!;
      const done = await store.reviews.complete(
        answered.messageId,
        completion(me.id, at(60_000), { selectedOption: 'approve' }),
      );
      expect(done).toBeDefined();
      const current = mine.map((r) => (r.messageId === answered.messageId ? done! : r));
      const expected = [...current].sort(newestFirst);

      const all = await store.reviewAssignees.listReviews({ userId: me.id, limit: 100 });
      expect(all.map((r) => r.messageId)).toEqual(expected.map((r) => r.messageId));
      for (const [i, r] of all.entries()) expectSameRecord(r, expected[i]);

      const paged: string[] = [];
      let before: { createdAt: Date; messageId: string } | undefined;
      for (let page = 0; page < 10; page++) {
        const rows = await store.reviewAssignees.listReviews({ userId: me.id, limit: 2, before });
        expect(rows.length).toBeLessThanOrEqual(2);
        if (rows.length === 0) break;
        paged.push(...rows.map((r) => r.messageId));
        const last = rows[rows.length - 1]!;
        before = { createdAt: last.createdAt, messageId: last.messageId };
      }
      expect(paged).toEqual(expected.map((r) => r.messageId));

      const pending = await store.reviewAssignees.listReviews({
        userId: me.id,
        status: 'pending',
        limit: 100,
      });
      expect(pending.map((r) => r.messageId)).toEqual(
        expected.filter((r) => r.status === 'pending').map((r) => r.messageId),
      );
      const completed = await store.reviewAssignees.listReviews({
        userId: me.id,
        status: 'completed',
        limit: 100,
      });
      expect(completed.map((r) => r.messageId)).toEqual([answered.messageId]);
      const forms = await store.reviewAssignees.listReviews({ userId: me.id, type: 'form', limit: 100 });
      expect(forms.map((r) => r.messageId)).toEqual(
        expected.filter((r) => r.type === 'form').map((r) => r.messageId),
      );
      const pendingForms = await store.reviewAssignees.listReviews({
        userId: me.id,
        status: 'pending',
        type: 'form',
        limit: 1,
      });
      expect(pendingForms.map((r) => r.messageId)).toEqual(
        expected
          .filter((r) => r.type === 'form' && r.status === 'pending')
          .slice(0, 1)
          .map((r) => r.messageId),
      );
      expect(
        (await store.reviewAssignees.listReviews({ userId: someoneElse.id, limit: 10 })).map(
          (r) => r.messageId,
        ),
      ).toEqual([notMine.messageId]);
      expect(await store.reviewAssignees.listReviews({ userId: owner.id, limit: 10 })).toEqual([]);
      expect(await store.reviewAssignees.listReviews({ userId: UNKNOWN, limit: 10 })).toEqual([]);
    });

    it('deleting a message or its channel deletes its votes and assignee rows, nothing else', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const otherChannel = await seedChannel(store, owner.id);
      const voter = await seedUser(store);
      const seeded = [
        await seedReview(store, channel, { policy: makePolicy() }),
        await seedReview(store, channel, { policy: makePolicy() }),
        await seedReview(store, otherChannel, { policy: makePolicy() }),
      ];
      for (const { review } of seeded) {
        await store.reviewVotes.insert(makeVote(review.messageId, owner.id));
        await store.reviewVotes.insert(makeVote(review.messageId, voter.id));
        await store.reviewAssignees.insert([makeAssignee(review, owner.id), makeAssignee(review, voter.id)]);
      }
      expect(await inspect.count('review_votes')).toBe(6);
      expect(await inspect.count('review_assignees')).toBe(6);
      const [first, second, third] = seeded as [(typeof seeded)[0], (typeof seeded)[0], (typeof seeded)[0]];

      expect(await store.messages.delete(first.message.id)).toBe(true);
      expect(await inspect.count('review_votes')).toBe(4);
      expect(await inspect.count('review_assignees')).toBe(4);
      expect(await store.reviewVotes.listByMessageIds([first.message.id])).toEqual([]);
      expect(await store.reviewVotes.listByMessageIds([second.message.id])).toHaveLength(2);

      expect(await store.channels.delete(channel.id)).toBe(true);
      expect(await inspect.count('review_votes')).toBe(2);
      expect(await inspect.count('review_assignees')).toBe(2);
      expect(await store.reviewVotes.listByMessageIds([third.message.id])).toHaveLength(2);
      expect(
        (await store.reviewAssignees.listReviews({ userId: voter.id, limit: 10 })).map((r) => r.messageId),
      ).toEqual([third.review.messageId]);
    });

    it("deleting a user deletes the assignee rows naming them and keeps their votes on others' reviews", async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const voter = await seedUser(store);
      const colleague = await seedUser(store);
      const { review } = await seedReview(store, channel, { policy: makePolicy() });
      await store.reviewAssignees.insert([
        makeAssignee(review, voter.id),
        makeAssignee(review, colleague.id),
      ]);
      const vote = makeVote(review.messageId, voter.id, { votedAt: at(10) });
      await store.reviewVotes.insert(vote);
      await store.reviewVotes.insert(makeVote(review.messageId, colleague.id, { votedAt: at(20) }));

      expect(await store.users.delete(voter.id)).toBe(true);
      expect(await inspect.count('review_assignees')).toBe(1);
      expect(await store.reviewAssignees.listReviews({ userId: voter.id, limit: 10 })).toEqual([]);
      expect(await store.reviewAssignees.listReviews({ userId: colleague.id, limit: 10 })).toHaveLength(1);
      expect(await inspect.count('review_votes')).toBe(2);
      expectSameRecord((await store.reviewVotes.listByMessageIds([review.messageId]))[0], vote);

      // The owner's deletion takes their channels, reviews, and every vote and assignment on them.
      expect(await store.users.delete(owner.id)).toBe(true);
      expect(await inspect.count('review_votes')).toBe(0);
      expect(await inspect.count('review_assignees')).toBe(0);
      expect(await inspect.count('reviews')).toBe(0);
    });

    it('a rolled-back transaction leaves no vote and no assignee row', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { policy: makePolicy(), expiresAt: at(HOUR) });
      const boom = new Error('boom');
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          expect(await tx.reviews.lockForVote(review.messageId, at(1))).toBeDefined();
          await tx.reviewVotes.insert(makeVote(review.messageId, owner.id));
          await tx.reviewAssignees.insert([makeAssignee(review, owner.id)]);
          expect(await tx.reviewVotes.listByMessageIds([review.messageId])).toHaveLength(1);
          throw boom;
        }),
      );
      expect(error).toBe(boom);
      expect(await inspect.count('review_votes')).toBe(0);
      expect(await inspect.count('review_assignees')).toBe(0);
      expectSameRecord(await inspect.review(review.messageId), review);
    });
  });
}
