import type { ReviewReadRepository } from '@placet/core/adapter';
import type { Expression, ExpressionBuilder } from 'kysely';
import type { PlacetDatabase } from '../schema.js';
import type { RepoContext } from './context.js';
import { reviewConditions } from './review-filter.js';

export function reviewReadRepository(ctx: RepoContext): ReviewReadRepository {
  const { db, d } = ctx;
  return {
    async mark(userId, messageId, at) {
      // Insert-if-absent, and only for a message that carries a review: a conflict on the key leaves the
      // first mark as it is (concurrent callers wait for the winner's row, then do nothing).
      await db
        .insertInto('placet_review_reads')
        .columns(['user_id', 'message_id', 'read_at'])
        .expression((eb) =>
          eb
            .selectFrom('placet_reviews')
            .select([
              eb.cast<string>(eb.val(userId), 'text').as('user_id'),
              'placet_reviews.message_id',
              eb.cast(eb.val(d.date(at)), d.types.date).as('read_at'),
            ])
            .where('placet_reviews.message_id', '=', messageId),
        )
        .onConflict((oc) => oc.columns(['user_id', 'message_id']).doNothing())
        .execute();
      // Whoever wrote it: the stored mark (the same for every caller).
      const row = await db
        .selectFrom('placet_review_reads')
        .select('read_at')
        .where('user_id', '=', userId)
        .where('message_id', '=', messageId)
        .executeTakeFirst();
      return row ? d.readDate(row.read_at) : undefined;
    },
    async markMatching(userId, filter, at) {
      // One insert from a select over the inbox's own query (the owner's or the assignee's index, each
      // review by primary key); a review already marked conflicts on the key and keeps its first mark, so
      // the rows written — what the driver reports — are the ones this call marked.
      const { assigneeId, exceptOwnerId, ownerId, channelId, ...rest } = filter;
      const reader = (eb: ExpressionBuilder<PlacetDatabase, 'placet_reviews'>) => [
        eb.cast<string>(eb.val(userId), 'text').as('user_id'),
        eb.ref('placet_reviews.message_id').as('message_id'),
        eb.cast(eb.val(d.date(at)), d.types.date).as('read_at'),
      ];
      let source: Expression<unknown>;
      if (assigneeId !== undefined) {
        let query = db
          .selectFrom('placet_review_assignees')
          .innerJoin('placet_reviews', 'placet_reviews.message_id', 'placet_review_assignees.message_id')
          .select(reader)
          .where('placet_review_assignees.user_id', '=', assigneeId);
        if (exceptOwnerId !== undefined)
          query = query.where('placet_review_assignees.owner_id', '<>', exceptOwnerId);
        for (const condition of reviewConditions(rest)) query = query.where(condition);
        source = query;
      } else {
        let query = db
          .selectFrom('placet_reviews')
          .select(reader)
          .where('placet_reviews.owner_id', '=', ownerId as string);
        if (channelId !== undefined) query = query.where('placet_reviews.channel_id', '=', channelId);
        for (const condition of reviewConditions(rest)) query = query.where(condition);
        source = query;
      }
      const result = await db
        .insertInto('placet_review_reads')
        .columns(['user_id', 'message_id', 'read_at'])
        .expression(source)
        .onConflict((oc) => oc.columns(['user_id', 'message_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0);
    },
    async readIds(userId, messageIds) {
      if (messageIds.length === 0) return [];
      const rows = await db
        .selectFrom('placet_review_reads')
        .select('message_id')
        .where('user_id', '=', userId)
        .where('message_id', 'in', [...new Set(messageIds)])
        .execute();
      const read = new Set(rows.map((row) => row.message_id));
      return messageIds.filter((id) => read.has(id));
    },
  };
}
