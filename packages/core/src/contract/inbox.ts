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
 * default), no paging. `excludeOwn` (with `scope=assigned` only) leaves out the reviews of the caller's
 * own channels, so that `scope=mine` plus `scope=assigned&excludeOwn=true` counts the inbox's union once.
 */
export const InboxCountQuery = InboxQuery.pick({
  scope: true,
  status: true,
  channel: true,
  type: true,
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
