import { z } from 'zod';
import { HttpHeaders, HttpUrl, Id, IsoDateTime, JsonObject, ReviewStatus } from './common.js';
import {
  AssigneeRef,
  EscalationStepInput,
  MAX_ASSIGNEES,
  MAX_ESCALATION_STEPS,
  OnTimeout,
  PolicyInput,
  ProposalEdits,
  ProposalInput,
  ReviewPolicy,
  ReviewProposal,
  ReviewVote,
} from './policy.js';

/** Methods a legacy review callback may use. Compared case-insensitively and stored upper-case. */
export const CALLBACK_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const CallbackMethod = z
  .string()
  .trim()
  .toUpperCase()
  .refine((method) => (CALLBACK_METHODS as readonly string[]).includes(method), {
    message: `method must be one of: ${CALLBACK_METHODS.join(', ')}`,
  });

/** Legacy per-review webhook. `method` defaults to POST where the callback is sent. */
export const ReviewCallback = z.object({
  url: HttpUrl,
  method: CallbackMethod.optional(),
  headers: HttpHeaders.optional(),
});
export type ReviewCallback = z.infer<typeof ReviewCallback>;

/** Maps an original attachment id to the id of its edited or annotated replacement. */
export const ModifiedFileIds = z.record(Id, Id);
export type ModifiedFileIds = z.infer<typeof ModifiedFileIds>;

/** Longest free-text feedback a human (or agent) may attach to a review. */
export const MAX_REVIEW_FEEDBACK_LENGTH = 10_000;

/**
 * The `review` an agent sends with a message. `type` is checked against the registered plugins and
 * `payload` against that type's schema by the engine, not here; `payload` keeps every key.
 * Expiry values are only type-checked here: `resolveReviewExpiry` gives the original's 400 messages.
 * `expiresAt: null` is accepted as "not given" (the original's stored schema allows null).
 * `assignees`, `policy` and `onTimeout` are Placet's approval policies (not in the original): a review
 * without them behaves exactly as the original's.
 */
export const ReviewInput = z.object({
  type: z.string().min(1),
  payload: JsonObject.optional(),
  expiresInSeconds: z.number().optional(),
  expiresAt: z.string().nullable().optional(),
  callback: ReviewCallback.nullable().optional(),
  feedback: z.string().max(MAX_REVIEW_FEEDBACK_LENGTH).nullable().optional(),
  modifiedFileIds: ModifiedFileIds.nullable().optional(),
  /** Who may answer: user ids, e-mails, roles. Unassigned: the channel's owner, as in the original. */
  assignees: z.array(AssigneeRef).min(1).max(MAX_ASSIGNEES).optional(),
  /** How many assignees must agree (needs `assignees` unless `mode` is `any`). */
  policy: PolicyInput.optional(),
  /** What happens when nobody decided by the expiry: `expire` (default) or a default response. */
  onTimeout: OnTimeout.optional(),
  /** Steps taken while nobody decides: remind, add assignees (in time order, before the expiry). */
  escalation: z.array(EscalationStepInput).min(1).max(MAX_ESCALATION_STEPS).optional(),
  /** A value the human may edit (the `editable` fields) before approving it. */
  proposal: ProposalInput.optional(),
});
export type ReviewInput = z.infer<typeof ReviewInput>;

/**
 * A review as returned inside a message. `payload` is always an object (the engine stores `{}` when the
 * agent sent none); `callback` is returned as stored.
 */
export const Review = z.object({
  type: z.string(),
  payload: JsonObject,
  status: ReviewStatus,
  response: JsonObject.nullable(),
  callback: ReviewCallback.nullable(),
  expiresAt: IsoDateTime.nullable(),
  completedAt: IsoDateTime.nullable(),
  feedback: z.string().nullable(),
  modifiedFileIds: ModifiedFileIds.nullable(),
  /** The user who answered (or cast the deciding vote); null while pending, and for a default outcome. */
  respondedBy: z.string().nullable(),
  /** Only on reviews with an approval policy: the policy, and how it was decided. */
  policy: ReviewPolicy.optional(),
  /** Only on reviews with an approval policy: every vote so far, oldest first. */
  votes: z.array(ReviewVote).optional(),
  /** Only on reviews with an approval policy: the editable proposal, or null. */
  proposal: ReviewProposal.nullable().optional(),
  /** Only on reviews with an approval policy: what the deciding answer edited (null: nothing). */
  edits: ProposalEdits.nullable().optional(),
  /**
   * Only on reviews with an approval policy: the hash of what a human is shown (see `reviewHash()`);
   * an answer that names another hash is refused with `REVIEW_CHANGED`.
   */
  reviewHash: z.string().optional(),
  /** Only on reviews with an approval policy: the signed receipt once decided (else null). */
  receipt: z.string().nullable().optional(),
});
export type Review = z.infer<typeof Review>;

/** The body of a human's answer (`POST /api/messages/:id/respond`). `response` is checked per type later. */
export const RespondReview = z.object({
  response: JsonObject,
  modifiedFileIds: ModifiedFileIds.optional(),
  feedback: z.string().max(MAX_REVIEW_FEEDBACK_LENGTH).optional(),
  /**
   * The `reviewHash` of what the human was shown. When given and the review changed since (the agent
   * edited, iterated or streamed into the message), the answer is refused with `REVIEW_CHANGED`.
   */
  reviewHash: z.string().min(1).max(200).optional(),
  /** New values of the proposal's editable fields (a review with `proposal` only). */
  edits: JsonObject.optional(),
});
export type RespondReviewInput = z.input<typeof RespondReview>;
export type RespondReview = z.infer<typeof RespondReview>;

/** Most characters of an inbox search term (after trimming). */
export const MAX_INBOX_SEARCH_LENGTH = 200;

/**
 * An inbox search term: 1 to 200 characters once trimmed. It matches a review whose message text contains
 * it, ignoring case (of ASCII letters on every store; SQLite folds no other letters), with `%`, `_` and `\`
 * taken literally. Only the message text: not the agent's name, the review's payload or its response.
 */
export const InboxSearch = z.string().trim().min(1).max(MAX_INBOX_SEARCH_LENGTH);

/** Query of the human inbox `GET /api/v1/reviews`. */
export const InboxQuery = z.object({
  /**
   * `mine` (default): reviews in the caller's own channels. `assigned`: reviews of any owner that name
   * the caller as an assignee (`channel` does not apply).
   */
  scope: z.enum(['mine', 'assigned']).default('mine'),
  status: z.enum(['pending', 'completed', 'expired', 'all']).default('pending'),
  channel: Id.optional(),
  type: z.string().min(1).max(100).optional(),
  /** See `InboxSearch`. */
  search: InboxSearch.optional(),
  /**
   * `newest` (default): newest first (createdAt desc, then message id desc). `oldest`: oldest first
   * (createdAt asc, then message id asc). `cursor` (the `nextCursor` of the previous page) pages either way.
   */
  order: z.enum(['newest', 'oldest']).default('newest'),
  cursor: Id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type InboxQueryInput = z.input<typeof InboxQuery>;
export type InboxQuery = z.output<typeof InboxQuery>;
