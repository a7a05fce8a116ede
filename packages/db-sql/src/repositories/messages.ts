import type { MessageRepository } from '@placet/core/adapter';
import { sql } from 'kysely';
import { MESSAGE_FIELDS, toPatch } from '../patch.js';
import { insertRow } from './compiled-insert.js';
import { guarded, type RepoContext, textContains } from './context.js';

export function messageRepository(ctx: RepoContext): MessageRepository {
  const { db, d, m } = ctx;
  const find = async (id: string) => {
    const row = await db.selectFrom('placet_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && m.message.fromRow(row);
  };
  return {
    insert: (message) =>
      guarded(ctx, async () => void (await insertRow(ctx, 'placet_messages', m.message.toRow(message)))),
    findById: find,
    async findByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('placet_messages')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map((row) => m.message.fromRow(row));
    },
    async findByClientId(channelId, clientId) {
      const row = await db
        .selectFrom('placet_messages')
        .selectAll()
        .where('channel_id', '=', channelId)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return row && m.message.fromRow(row);
    },
    async findByStreamId(channelId, streamId) {
      const row = await db
        .selectFrom('placet_messages')
        .selectAll()
        .where('channel_id', '=', channelId)
        .where('stream_id', '=', streamId)
        .executeTakeFirst();
      return row && m.message.fromRow(row);
    },
    async list({ channelId, before, limit, search, hasAttachments }) {
      // Keyset page on the (channel_id, created_at desc, id desc) index: cost independent of table size.
      let query = db.selectFrom('placet_messages').selectAll().where('channel_id', '=', channelId);
      if (before) {
        // A row-value comparison, so that the cursor is a range on the index, not a filter.
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(d.date(before.createdAt), before.id)),
        );
      }
      if (hasAttachments) query = query.where('attachment_count', '>', 0);
      if (search !== undefined && search !== '') {
        query = query.where(textContains(sql.ref('text'), search));
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(m.message.fromRow);
    },
    update: (id, patch) =>
      guarded(ctx, async () => {
        const values = toPatch(MESSAGE_FIELDS, patch, d);
        if (Object.keys(values).length === 0) return find(id);
        const row = await db
          .updateTable('placet_messages')
          .set(values)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        return row && m.message.fromRow(row);
      }),
    async setDeliveryStatus(id, status, now) {
      const row = await db
        .updateTable('placet_messages')
        .set({ delivery_status: status, updated_at: d.date(now) })
        .where('id', '=', id)
        .where('delivery_status', '<>', 'agent_received')
        .returningAll()
        .executeTakeFirst();
      return row && m.message.fromRow(row);
    },
    async updateStream(id, patch, condition = {}) {
      let query = db
        .updateTable('placet_messages')
        .set(toPatch(MESSAGE_FIELDS, patch, d))
        .where('id', '=', id)
        .where('stream_state', '=', 'streaming');
      if (condition.idleBefore) query = query.where('updated_at', '<', d.date(condition.idleBefore));
      const row = await query.returningAll().executeTakeFirst();
      return row && m.message.fromRow(row);
    },
    async updateStreamOf(channelId, streamId, patch) {
      const row = await db
        .updateTable('placet_messages')
        .set(toPatch(MESSAGE_FIELDS, patch, d))
        .where('channel_id', '=', channelId)
        .where('stream_id', '=', streamId)
        .where('stream_state', '=', 'streaming')
        .returningAll()
        .executeTakeFirst();
      return row && m.message.fromRow(row);
    },
    async listStaleStreams(before, limit) {
      const rows = await db
        .selectFrom('placet_messages')
        .selectAll()
        .where('stream_state', '=', 'streaming')
        .where('updated_at', '<', d.date(before))
        .orderBy('updated_at')
        .limit(limit)
        .execute();
      return rows.map(m.message.fromRow);
    },
    async maxIteration(groupId) {
      const row = await db
        .selectFrom('placet_messages')
        .select((eb) => eb.fn.max('iteration').as('max'))
        .where('iteration_group_id', '=', groupId)
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? undefined : Number(row.max);
    },
    async countFromAgentSince(channelId, since, readerId) {
      let query = db
        .selectFrom('placet_messages')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('channel_id', '=', channelId)
        .where('sender_type', '=', 'agent');
      if (readerId !== undefined) {
        query = query.where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('placet_review_reads')
                .select('placet_review_reads.message_id')
                .whereRef('placet_review_reads.message_id', '=', 'placet_messages.id')
                .where('placet_review_reads.user_id', '=', readerId),
            ),
          ),
        );
      }
      if (since) {
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(d.date(since.at), since.messageId ?? '')),
        );
      }
      const row = await query.executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async listByIterationGroup(groupId) {
      const rows = await db
        .selectFrom('placet_messages')
        .selectAll()
        .where('iteration_group_id', '=', groupId)
        .orderBy('iteration')
        .execute();
      return rows.map(m.message.fromRow);
    },
    async delete(id) {
      const result = await db.deleteFrom('placet_messages').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
