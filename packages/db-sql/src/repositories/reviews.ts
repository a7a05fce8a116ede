import type { ReviewRepository } from '@placet/core/adapter';
import { REVIEW_COMPLETION_FIELDS, toPatch } from '../patch.js';
import { insertRow } from './compiled-insert.js';
import { guarded, type RepoContext } from './context.js';
import { reviewConditions } from './review-filter.js';

export function reviewRepository(ctx: RepoContext): ReviewRepository {
  const { db, d, m } = ctx;
  return {
    insert: (review) =>
      guarded(ctx, async () => void (await insertRow(ctx, 'placet_reviews', m.review.toRow(review)))),
    async findByMessageId(id) {
      const row = await db
        .selectFrom('placet_reviews')
        .selectAll()
        .where('message_id', '=', id)
        .executeTakeFirst();
      return row && m.review.fromRow(row);
    },
    async findByMessageIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('placet_reviews')
        .selectAll()
        .where('message_id', 'in', [...ids])
        .execute();
      return rows.map(m.review.fromRow);
    },
    async complete(messageId, completion) {
      // Exactly once: only a pending review that has not expired at the moment of the answer.
      const row = await db
        .updateTable('placet_reviews')
        .set({ ...toPatch(REVIEW_COMPLETION_FIELDS, { ...completion }, d), status: 'completed' })
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', d.date(completion.completedAt))
        .returningAll()
        .executeTakeFirst();
      return row && m.review.fromRow(row);
    },
    async completeDue(messageId, completion) {
      // The default outcome: the same update, only once the review is due (and still pending).
      const row = await db
        .updateTable('placet_reviews')
        .set({ ...toPatch(REVIEW_COMPLETION_FIELDS, { ...completion }, d), status: 'completed' })
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .where('expires_at', '<=', d.date(completion.completedAt))
        .returningAll()
        .executeTakeFirst();
      return row && m.review.fromRow(row);
    },
    async lockForVote(messageId, now) {
      // A write, so that it takes the row's lock until the transaction ends (Postgres): a second voter
      // waits here, then re-checks the condition on the committed row and sees the first one's vote.
      const row = await db
        .updateTable('placet_reviews')
        .set((eb) => ({ vote_count: eb('vote_count', '+', 1) }))
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', d.date(now))
        .returningAll()
        .executeTakeFirst();
      return row && m.review.fromRow(row);
    },
    async expire(messageId, now) {
      const row = await db
        .updateTable('placet_reviews')
        .set({ status: 'expired', expired_at: d.date(now) })
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .where('expires_at', '<=', d.date(now))
        .returningAll()
        .executeTakeFirst();
      return row && m.review.fromRow(row);
    },

    async list({ ownerId, channelId, order, before, after, limit, ...filter }) {
      // A range of placet_reviews_owner_created (or a pending index), read forwards or backwards.
      let query = db.selectFrom('placet_reviews').selectAll().where('owner_id', '=', ownerId);
      if (channelId) query = query.where('channel_id', '=', channelId);
      for (const condition of reviewConditions(filter)) query = query.where(condition);
      if (before) {
        query = query.where((eb) =>
          eb(
            eb.refTuple('created_at', 'message_id'),
            '<',
            eb.tuple(d.date(before.createdAt), before.messageId),
          ),
        );
      }
      if (after) {
        query = query.where((eb) =>
          eb(
            eb.refTuple('created_at', 'message_id'),
            '>',
            eb.tuple(d.date(after.createdAt), after.messageId),
          ),
        );
      }
      const direction = order === 'oldest' ? 'asc' : 'desc';
      const rows = await query
        .orderBy('created_at', direction)
        .orderBy('message_id', direction)
        .limit(limit)
        .execute();
      return rows.map(m.review.fromRow);
    },
    async count({ ownerId, channelId, readerId, ...filter }) {
      // One aggregate over the owner's matching reviews (placet_reviews_owner_status, or a pending index),
      // each probing the reader's mark (and, with a search, its message) by primary key.
      let query = db
        .selectFrom('placet_reviews')
        .leftJoin('placet_review_reads', (join) =>
          join
            .onRef('placet_review_reads.message_id', '=', 'placet_reviews.message_id')
            .on('placet_review_reads.user_id', '=', readerId),
        )
        .select((eb) => [
          eb.fn.countAll<number | string>().as('total'),
          eb.fn.count<number | string>('placet_review_reads.message_id').as('read'),
        ])
        .where('placet_reviews.owner_id', '=', ownerId);
      if (channelId) query = query.where('placet_reviews.channel_id', '=', channelId);
      for (const condition of reviewConditions(filter)) query = query.where(condition);
      const row = await query.executeTakeFirstOrThrow();
      const total = Number(row.total);
      return { total, unread: total - Number(row.read) };
    },
    async listDue(now, limit) {
      const rows = await db
        .selectFrom('placet_reviews')
        .selectAll()
        .where('status', '=', 'pending')
        .where('expires_at', '<=', d.date(now))
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(m.review.fromRow);
    },
    async listPendingCreated({ from, until, after, limit }) {
      let query = db
        .selectFrom('placet_reviews')
        .selectAll()
        .where('status', '=', 'pending')
        .where('created_at', '>=', d.date(from))
        .where('created_at', '<', d.date(until));
      if (after) {
        query = query.where((eb) =>
          eb(
            eb.refTuple('created_at', 'message_id'),
            '>',
            eb.tuple(d.date(after.createdAt), after.messageId),
          ),
        );
      }
      const rows = await query.orderBy('created_at').orderBy('message_id').limit(limit).execute();
      return rows.map(m.review.fromRow);
    },
    async listEscalationDue(now, limit) {
      const rows = await db
        .selectFrom('placet_reviews')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_escalation_at', 'is not', null)
        .where('next_escalation_at', '<=', d.date(now))
        .orderBy('next_escalation_at')
        .limit(limit)
        .execute();
      return rows.map(m.review.fromRow);
    },
    async nextEscalation() {
      const row = await db
        .selectFrom('placet_reviews')
        .select('next_escalation_at')
        .where('status', '=', 'pending')
        .where('next_escalation_at', 'is not', null)
        .orderBy('next_escalation_at')
        .limit(1)
        .executeTakeFirst();
      return row?.next_escalation_at === null || row?.next_escalation_at === undefined
        ? undefined
        : d.readDate(row.next_escalation_at);
    },
    async escalate(messageId, { fromStep, toStep, nextEscalationAt, policy }) {
      // Exactly once per step: only the caller that still sees the review at `fromStep` moves it on.
      const row = await db
        .updateTable('placet_reviews')
        .set({
          escalation_step: toStep,
          next_escalation_at: d.dateOrNull(nextEscalationAt),
          policy: d.json(policy),
        })
        .where('message_id', '=', messageId)
        .where('status', '=', 'pending')
        .where('escalation_step', '=', fromStep)
        .returningAll()
        .executeTakeFirst();
      return row && m.review.fromRow(row);
    },
    async nextExpiry() {
      const row = await db
        .selectFrom('placet_reviews')
        .select('expires_at')
        .where('status', '=', 'pending')
        .orderBy('expires_at')
        .limit(1)
        .executeTakeFirst();
      return row ? d.readDate(row.expires_at) : undefined;
    },
  };
}
