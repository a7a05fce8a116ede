import { z } from 'zod';
import { Id, IsoDateTime } from './common.js';
import { MessagePage } from './message.js';
import { InboxQuery } from './review.js';

/**
 * `GET /api/v1/reviews`: a page of the inbox. `readIds` are the ids of the messages on this page that
 * the calling user has marked read (`POST /reviews/:id/read`); the others are unread for them.
 */
export const InboxPage = MessagePage.extend({ readIds: z.array(Id) });
export type InboxPage = z.infer<typeof InboxPage>;

/** A query flag: `true`/`false` (strings on the wire, booleans from code). */
const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((value) => value === 'true')]);

/**
 * Query of `GET /api/v1/reviews/count`: the inbox filters (`scope` mine by default, `status` pending by
 * default, `channel`, `type`, `search`), no paging. `excludeOwn` (with `scope=assigned` only) leaves out the reviews of the caller's
 * own channels, so that `scope=mine` plus `scope=assigned&excludeOwn=true` counts the inbox's union once.
 */
export const InboxCountQuery = InboxQuery.pick({
  scope: true,
  status: true,
  channel: true,
  type: true,
  search: true,
}).extend({
  excludeOwn: Flag.optional(),
});
export type InboxCountQueryInput = z.input<typeof InboxCountQuery>;
export type InboxCountQuery = z.output<typeof InboxCountQuery>;

/** `GET /api/v1/reviews/count`: how many reviews match, and how many of those the caller has not read. */
export const InboxCount = z.object({
  count: z.number().int().nonnegative(),
  unread: z.number().int().nonnegative(),
});
export type InboxCount = z.infer<typeof InboxCount>;

/** `POST /api/v1/reviews/:id/read`: when the caller first read the review (a second call keeps it). */
export const ReviewReadResult = z.object({ read: z.literal(true), readAt: IsoDateTime });
export type ReviewReadResult = z.infer<typeof ReviewReadResult>;

/**
 * Body of `POST /api/v1/reviews/read` ("mark all read"): the inbox filters, as `GET /reviews/count` takes
 * them (`status` pending by default; `channel` not with `scope=assigned`). Without `scope`, both the
 * caller's own reviews (`mine`) and those assigned to them (`assigned`), as the inbox shows them in one
 * list (with `channel`, one of the caller's channels, that is the caller's own reviews in it).
 */
export const InboxReadFilter = InboxQuery.pick({
  status: true,
  channel: true,
  type: true,
  search: true,
}).extend({
  scope: z.enum(['mine', 'assigned']).optional(),
});
export type InboxReadFilterInput = z.input<typeof InboxReadFilter>;
export type InboxReadFilter = z.output<typeof InboxReadFilter>;

/** `POST /api/v1/reviews/read`: how many reviews this call marked read (those already read are not counted). */
export const InboxReadResult = z.object({ marked: z.number().int().nonnegative() });
export type InboxReadResult = z.infer<typeof InboxReadResult>;

/**
 * The payload of the `inbox:read` event: a human marked the reviews matching `filter` read at `readAt`
 * (`POST /reviews/read`), `marked` of them for the first time. It is in that human's own event stream only
 * (never an agent's, a webhook's or a notifier's), once per call that marked at least one: their other
 * tabs and devices reload the inbox's read marks, its counts and the agents' unread counts.
 */
export const InboxReadEvent = z.object({
  userId: Id,
  filter: z.object({
    /** null: both scopes. */
    scope: z.enum(['mine', 'assigned']).nullable(),
    status: z.enum(['pending', 'completed', 'expired', 'all']),
    channel: Id.nullable(),
    type: z.string().nullable(),
    search: z.string().nullable(),
  }),
  marked: z.number().int().positive(),
  readAt: IsoDateTime,
});
export type InboxReadEvent = z.infer<typeof InboxReadEvent>;
