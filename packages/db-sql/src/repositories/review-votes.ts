import type { ReviewVoteRepository } from '@placet/core/adapter';
import { guarded, type RepoContext } from './context.js';

export function reviewVoteRepository(ctx: RepoContext): ReviewVoteRepository {
  const { db, m } = ctx;
  return {
    // A second vote of one user on one review hits the primary key (`placet_review_votes_pkey`), which
    // the dialects report as the `review_votes` constraint.
    insert: (vote) =>
      guarded(
        ctx,
        async () => void (await db.insertInto('placet_review_votes').values(m.vote.toRow(vote)).execute()),
      ),
    async listByMessageIds(messageIds) {
      if (messageIds.length === 0) return [];
      const rows = await db
        .selectFrom('placet_review_votes')
        .selectAll()
        .where('message_id', 'in', [...new Set(messageIds)])
        .orderBy('voted_at')
        .orderBy('user_id')
        .execute();
      return rows.map(m.vote.fromRow);
    },
  };
}
