import type { ReviewReadRepository } from '@placet/core/adapter';
import type { RepoContext } from './context.js';

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
