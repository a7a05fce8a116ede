import type { ReviewAssigneeRecord, ReviewAssigneeRepository } from '@placet/core/adapter';
import type { RepoContext } from './context.js';
import { reviewConditions } from './review-filter.js';

/** Rows per insert statement: well under every driver's bound on bound parameters. */
const CHUNK = 500;

export function reviewAssigneeRepository(ctx: RepoContext): ReviewAssigneeRepository {
  const { db, d, m } = ctx;
  return {
    async insert(rows) {
      // One row per (review, user), first write wins: a pair already there is left as it is.
      const unique = new Map<string, ReviewAssigneeRecord>();
      for (const row of rows) unique.set(`${row.messageId}/${row.userId}`, row);
      const all = [...unique.values()];
      for (let i = 0; i < all.length; i += CHUNK) {
        await db
          .insertInto('placet_review_assignees')
          .values(all.slice(i, i + CHUNK).map(m.assignee.toRow))
          .onConflict((oc) => oc.columns(['message_id', 'user_id']).doNothing())
          .execute();
      }
    },
    async listReviews({ userId, order, before, after, limit, ...filter }) {
      // A range of placet_review_assignees_user (read forwards or backwards), each joined to its review by
      // primary key.
      let query = db
        .selectFrom('placet_review_assignees')
        .innerJoin('placet_reviews', 'placet_reviews.message_id', 'placet_review_assignees.message_id')
        .selectAll('placet_reviews')
        .where('placet_review_assignees.user_id', '=', userId);
      if (before) {
        query = query.where((eb) =>
          eb(
            eb.refTuple('placet_review_assignees.created_at', 'placet_review_assignees.message_id'),
            '<',
            eb.tuple(d.date(before.createdAt), before.messageId),
          ),
        );
      }
      if (after) {
        query = query.where((eb) =>
          eb(
            eb.refTuple('placet_review_assignees.created_at', 'placet_review_assignees.message_id'),
            '>',
            eb.tuple(d.date(after.createdAt), after.messageId),
          ),
        );
      }
      for (const condition of reviewConditions(filter)) query = query.where(condition);
      const direction = order === 'oldest' ? 'asc' : 'desc';
      const rows = await query
        .orderBy('placet_review_assignees.created_at', direction)
        .orderBy('placet_review_assignees.message_id', direction)
        .limit(limit)
        .execute();
      return rows.map(m.review.fromRow);
    },
    async count({ userId, readerId, exceptOwnerId, ...filter }) {
      // One aggregate over a range of placet_review_assignees_user, each row joined to its review, to the
      // reader's mark (and, with a search, to its message) by primary key.
      let query = db
        .selectFrom('placet_review_assignees')
        .innerJoin('placet_reviews', 'placet_reviews.message_id', 'placet_review_assignees.message_id')
        .leftJoin('placet_review_reads', (join) =>
          join
            .onRef('placet_review_reads.message_id', '=', 'placet_review_assignees.message_id')
            .on('placet_review_reads.user_id', '=', readerId),
        )
        .select((eb) => [
          eb.fn.countAll<number | string>().as('total'),
          eb.fn.count<number | string>('placet_review_reads.message_id').as('read'),
        ])
        .where('placet_review_assignees.user_id', '=', userId);
      if (exceptOwnerId !== undefined)
        query = query.where('placet_review_assignees.owner_id', '<>', exceptOwnerId);
      for (const condition of reviewConditions(filter)) query = query.where(condition);
      const row = await query.executeTakeFirstOrThrow();
      const total = Number(row.total);
      return { total, unread: total - Number(row.read) };
    },
  };
}
