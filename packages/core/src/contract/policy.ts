import { z } from 'zod';
import { Id, IsoDateTime, JsonObject } from './common.js';

/** Role names an assignee may be given as (`role:owner`, or just `owner`); `admin` names the owners. */
export const ASSIGNEE_ROLES = ['owner', 'admin', 'member'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

/** Most assignees one review may name (before roles are expanded to their users). */
export const MAX_ASSIGNEES = 50;

/**
 * One assignee as an agent names it: a user id, a user's e-mail, or a role (`role:member`, `member`).
 * Every form is resolved to users when the review is created; who may answer does not change later.
 */
export const AssigneeRef = z
  .string()
  .trim()
  .min(1)
  .max(320)
  .meta({ examples: ['alice@example.com', 'role:owner', 'member'] });

/** The quorum modes: the first vote decides (`any`), every assignee must agree (`all`), or N must. */
export const POLICY_MODES = ['any', 'all', 'quorum'] as const;

/**
 * `review.policy`: how many assignees must agree. `required` is needed by (and only allowed with)
 * `quorum`; `veto: true` lets one rejecting vote complete the review as rejected.
 */
export const PolicyInput = z.strictObject({
  mode: z.enum(POLICY_MODES).default('any'),
  required: z.number().int().min(1).max(MAX_ASSIGNEES).optional(),
  veto: z.boolean().default(false),
});
export type PolicyInput = z.input<typeof PolicyInput>;

/**
 * `review.onTimeout`: what happens when nobody decided by `expiresAt`: `expire` (the original's
 * behaviour, the default) or `{ response }`, a response of the review type applied as the decision.
 */
export const OnTimeout = z.union([z.literal('expire'), z.strictObject({ response: JsonObject })]);
export type OnTimeout = z.infer<typeof OnTimeout>;

/** How a review with a policy was decided: by one answer, a quorum of votes, a veto, or the default. */
export const ReviewOutcome = z.enum(['answered', 'quorum', 'veto', 'default']);

/** The approval policy of a review as the API shows it (only on reviews an agent gave one). */
export const ReviewPolicy = z.object({
  /** As the agent named them. */
  assignees: z.array(z.string()),
  /** Who may answer: the users those named when the review was created. Empty: the channel's owner. */
  assigneeIds: z.array(Id),
  mode: z.enum(POLICY_MODES),
  /** Votes for one choice that complete the review. */
  required: z.number().int(),
  veto: z.boolean(),
  onTimeout: OnTimeout,
  /** How it was decided; null while pending or when it expired. */
  outcome: ReviewOutcome.nullable(),
});
export type ReviewPolicy = z.infer<typeof ReviewPolicy>;

/** One assignee's vote: a full response of the review type. */
export const ReviewVote = z.object({
  userId: Id,
  response: JsonObject,
  /** What it chose, as the review type judges it (an approval's option id). */
  choice: z.string(),
  /** Whether it says no (what `veto` acts on). */
  rejects: z.boolean(),
  votedAt: IsoDateTime,
});
export type ReviewVote = z.infer<typeof ReviewVote>;
