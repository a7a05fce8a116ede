import type { ReviewOutcome, ReviewPolicyRecord, ReviewVoteRecord } from './records.js';

/** What the votes so far decide. */
export type QuorumDecision =
  | { decided: false }
  | {
      decided: true;
      outcome: Extract<ReviewOutcome, 'quorum' | 'veto' | 'answered'>;
      deciding: ReviewVoteRecord;
    };

/**
 * Decides a review with a policy after `vote` (the newest of `votes`, which includes it):
 * - `veto` and the vote rejects → decided by veto, with that vote;
 * - the vote's choice now has `required` votes → decided with it (`answered` when one vote suffices);
 * - otherwise still pending. A quorum that can no longer be reached stays pending until the expiry,
 *   where `onTimeout` decides (a `veto` is the way to stop early on a "no").
 */
export function decide(
  policy: Pick<ReviewPolicyRecord, 'required' | 'veto'>,
  votes: readonly ReviewVoteRecord[],
  vote: ReviewVoteRecord,
): QuorumDecision {
  if (policy.veto && vote.rejects) return { decided: true, outcome: 'veto', deciding: vote };
  const same = votes.filter((v) => v.choice === vote.choice).length;
  if (same >= policy.required)
    return { decided: true, outcome: policy.required === 1 ? 'answered' : 'quorum', deciding: vote };
  return { decided: false };
}

/** Votes needed by a mode: `any` 1, `all` every assignee, `quorum` the given N. */
export function requiredVotes(
  mode: ReviewPolicyRecord['mode'],
  assignees: number,
  required: number | undefined,
): number {
  if (mode === 'any') return 1;
  if (mode === 'all') return Math.max(assignees, 1);
  return required ?? 1;
}
