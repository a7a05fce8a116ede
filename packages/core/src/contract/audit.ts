import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';

/**
 * What the audit log records about a review: created, shown (first opened by each human), voted, edited
 * (the deciding answer changed the agent's proposal), escalated, defaulted (the policy's default outcome
 * at expiry), completed, expired, receipt issued. A verifier accepts any type (newer servers may add some).
 */
export const AUDIT_EVENT_TYPES = [
  'review.created',
  'review.shown',
  'review.voted',
  'review.edited',
  'review.escalated',
  'review.defaulted',
  'review.completed',
  'review.expired',
  'receipt.issued',
] as const;
export const AuditEventType = z.enum(AUDIT_EVENT_TYPES);
export type AuditEventType = z.infer<typeof AuditEventType>;

/** The `prevHash` of an owner's first entry: 64 zeros. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** Most entries in one export response (`GET /audit`); the rest follow with `after`. */
export const MAX_AUDIT_EXPORT = 10_000;
/** Entries of one review per page (`GET /reviews/:id/audit`): default and most. */
export const DEFAULT_AUDIT_PAGE_SIZE = 100;
export const MAX_AUDIT_PAGE_SIZE = 1_000;

/** A SHA-256 digest as 64 lowercase hex digits. */
export const AuditHash = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 hash: 64 lowercase hex digits');

/** Who did it: a human (user id), an agent (its channel id), or the engine (`system`, id null). */
export const AuditActor = z.object({
  kind: z.enum(['user', 'agent', 'system']),
  id: z.string().nullable(),
});
export type AuditActor = z.infer<typeof AuditActor>;

/**
 * One entry of an owner's audit chain. `seq` counts 1, 2, 3… per owner without gaps; `prevHash` is the
 * `hash` of the entry before (64 zeros before the first); `hash` is the SHA-256 (hex) of the canonical JSON
 * (RFC 8785) of every other field: `{ ownerId, seq, at, type, messageId, actor: { kind, id }, via, data,
 * prevHash }`. Changing any field of an entry, removing one or reordering them breaks the chain.
 */
export const AuditEntry = z.object({
  seq: z.number().int().min(1),
  /** When it happened (ISO 8601, as the server wrote it: the hash covers this exact string). */
  at: IsoDateTime,
  /** One of `AUDIT_EVENT_TYPES` (newer servers may add types). */
  type: z.string().min(1),
  /** The review (its message id); it may have been deleted since. */
  messageId: z.string().min(1),
  actor: AuditActor,
  /** The path: `api`, `dashboard`, `email`, `push`, `sweeper` (the engine), a plugin's name. */
  via: z.string().min(1),
  /** The details of the event (the response of a vote, the outcome of a completion, …). */
  data: z.record(z.string(), z.unknown()),
  /** The owner whose chain this is. */
  ownerId: z.string().min(1),
  prevHash: AuditHash,
  hash: AuditHash,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `GET /reviews/:id/audit`: a page of one review's entries, oldest first. */
export const AuditPage = z.object({
  entries: z.array(AuditEntry),
  /** Pass as `after` for the next page; null when this page is the last. */
  nextAfter: z.number().int().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

const After = z.coerce
  .number()
  .int()
  .min(0)
  .default(0)
  .describe('Only entries with a greater `seq` (the last `seq` you have; 0: from the start).');

/** Query of `GET /audit`: the caller's chain as NDJSON (default) or CSV, from `after`, at most `limit`. */
export const AuditExportQuery = z.object({
  format: z
    .enum(['ndjson', 'csv'])
    .default('ndjson')
    .describe('`ndjson` (one JSON entry per line, the default) or `csv` (RFC 4180, with a header row).'),
  review: Id.optional().describe("Only this review's entries (a review of yours, by its message id)."),
  after: After,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_AUDIT_EXPORT)
    .default(MAX_AUDIT_EXPORT)
    .describe(`Most entries in this response (at most ${MAX_AUDIT_EXPORT}, the default).`),
});
export type AuditExportQuery = z.output<typeof AuditExportQuery>;
export type AuditExportQueryInput = z.input<typeof AuditExportQuery>;

/** Query of `GET /reviews/:id/audit`. */
export const AuditPageQuery = z.object({
  after: After,
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_AUDIT_PAGE_SIZE)
    .default(DEFAULT_AUDIT_PAGE_SIZE)
    .describe(`Page size (${DEFAULT_AUDIT_PAGE_SIZE} by default, at most ${MAX_AUDIT_PAGE_SIZE}).`),
});
export type AuditPageQuery = z.output<typeof AuditPageQuery>;
export type AuditPageQueryInput = z.input<typeof AuditPageQuery>;
