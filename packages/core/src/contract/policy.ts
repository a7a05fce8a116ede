import { z } from 'zod';
import { Id, IsoDateTime, JsonObject } from './common.js';

/** Role names an assignee may be given as (`role:owner`, or just `owner`); `admin` names the owners. */
export const ASSIGNEE_ROLES = ['owner', 'admin', 'member'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

/** Most assignees one review may name (before roles are expanded to their users). */
export const MAX_ASSIGNEES = 50;

/**
 * One assignee as an agent names it: a user id, a user's e-mail, a role (`role:member`, `member`) or a
 * named group (`group:oncall`, managed in the human API). Every form is resolved to users when the review
 * is created; who may answer does not change later.
 */
export const AssigneeRef = z
  .string()
  .trim()
  .min(1)
  .max(320)
  .meta({ examples: ['alice@example.com', 'role:owner', 'group:oncall'] });

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

/** Most steps an escalation ladder may have. */
export const MAX_ESCALATION_STEPS = 10;

/** A duration as agents write it: a whole number of seconds, minutes, hours or days (`90s`, `30m`, `2h`, `1d`). */
export const Duration = z
  .string()
  .regex(/^[1-9][0-9]{0,5}(s|m|h|d)$/, 'a whole number and a unit: 90s, 30m, 2h, 1d')
  .meta({ examples: ['30m', '2h'] });

/** Milliseconds of a {@link Duration}. */
export function durationMs(duration: string): number {
  const unit = duration.at(-1);
  const n = Number(duration.slice(0, -1));
  const scale = unit === 's' ? 1_000 : unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000;
  return n * scale;
}

/**
 * One step of `review.escalation`: `after` the review was created (and while it is still pending),
 * remind the assignees and/or add assignees (user ids, e-mails, roles, groups, resolved when the step
 * fires).
 */
export const EscalationStepInput = z
  .strictObject({
    after: Duration,
    remind: z.boolean().default(false),
    addAssignees: z.array(AssigneeRef).min(1).max(MAX_ASSIGNEES).optional(),
  })
  .refine((step) => step.remind || step.addAssignees !== undefined, {
    message: 'a step must remind or add assignees',
  });
export type EscalationStepInput = z.input<typeof EscalationStepInput>;

/** Largest proposal schema (its JSON), and the keywords refused in it (regular expressions run server-side). */
export const MAX_PROPOSAL_SCHEMA_BYTES = 16_384;

/**
 * `review.proposal`: what the agent proposes (`value`), which of its top-level fields a human may change
 * before approving (`editable`), and optionally a JSON Schema the edited value must still satisfy.
 */
export const ProposalInput = z.strictObject({
  value: JsonObject,
  editable: z.array(z.string().min(1).max(200)).min(1).max(50),
  schema: JsonObject.optional(),
});
export type ProposalInput = z.input<typeof ProposalInput>;

/** The proposal as the API shows it. */
export const ReviewProposal = z.object({
  value: JsonObject,
  editable: z.array(z.string()),
  schema: JsonObject.nullable(),
});

/** What the deciding human changed: the approved value, and `{ path, from, to }` per changed field. */
export const ProposalEdits = z.object({
  value: JsonObject,
  diff: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
});
export type ProposalEdits = z.infer<typeof ProposalEdits>;

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
  /** The escalation ladder as given. */
  escalation: z.array(
    z.object({ after: z.string(), remind: z.boolean(), addAssignees: z.array(z.string()) }),
  ),
  /** How many of its steps have fired. */
  escalated: z.number().int(),
  /** When the next step fires (while pending), else null. */
  nextEscalationAt: IsoDateTime.nullable(),
  /** How it was decided; null while pending or when it expired. */
  outcome: ReviewOutcome.nullable(),
  /** The display names of the assignees and voters (users deleted since are left out). */
  people: z.array(z.object({ id: Id, displayName: z.string() })),
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
