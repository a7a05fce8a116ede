import type { AttachmentRepository, StatusStepRepository } from '@placet/core/adapter';
import { sql } from 'kysely';
import { guarded, type RepoContext } from './context.js';

export function attachmentRepository(ctx: RepoContext): AttachmentRepository {
  const { db, d, m } = ctx;
  const bump = (messageId: string, delta: number) =>
    db
      .updateTable('placet_messages')
      .set({ attachment_count: sql`max(attachment_count + ${delta}, 0)` as never })
      .where('id', '=', messageId)
      .execute();
  const bumpPortable = (messageId: string, delta: number) =>
    db
      .updateTable('placet_messages')
      .set({ attachment_count: sql`greatest(attachment_count + ${delta}, 0)` as never })
      .where('id', '=', messageId)
      .execute();
  const count = d.name === 'postgres' ? bumpPortable : bump;
  return {
    insert: (attachment) =>
      guarded(ctx, async () => {
        await db.insertInto('placet_attachments').values(m.attachment.toRow(attachment)).execute();
        if (attachment.messageId !== null) await count(attachment.messageId, 1);
      }),
    async findById(id) {
      const row = await db
        .selectFrom('placet_attachments')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && m.attachment.fromRow(row);
    },
    async findByIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('placet_attachments')
        .selectAll()
        .where('id', 'in', [...ids])
        .execute();
      return rows.map(m.attachment.fromRow);
    },
    async listByMessageIds(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('placet_attachments')
        .selectAll()
        .where('message_id', 'in', [...ids])
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(m.attachment.fromRow);
    },
    async listByChannel(channelId, { limit, before }) {
      let query = db.selectFrom('placet_attachments').selectAll().where('channel_id', '=', channelId);
      if (before) {
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(d.date(before.createdAt), before.id)),
        );
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(m.attachment.fromRow);
    },
    async listOrphansBefore(before, limit) {
      const rows = await db
        .selectFrom('placet_attachments')
        .selectAll()
        .where('message_id', 'is', null)
        .where('created_at', '<', d.date(before))
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(m.attachment.fromRow);
    },
    async deleteOrphan(id) {
      const result = await db
        .deleteFrom('placet_attachments')
        .where('id', '=', id)
        .where('message_id', 'is', null)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async linkOrphans(ids, channelId, messageId) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      const rows = await db
        .updateTable('placet_attachments')
        .set({ message_id: messageId })
        .where('id', 'in', unique)
        .where('channel_id', '=', channelId)
        .where('message_id', 'is', null)
        .returning('id')
        .execute();
      if (rows.length > 0) await count(messageId, rows.length);
      return rows.map((r) => r.id);
    },
    async delete(id) {
      const row = await db
        .deleteFrom('placet_attachments')
        .where('id', '=', id)
        .returning('message_id')
        .executeTakeFirst();
      if (!row) return false;
      if (row.message_id !== null) await count(row.message_id, -1);
      return true;
    },
  };
}

export function statusStepRepository(ctx: RepoContext): StatusStepRepository {
  const { db, d, m } = ctx;
  return {
    append: (step) =>
      guarded(ctx, async () => {
        await d.lockStream(db, step.channelId, step.streamId);
        // The next index in the same statement as the insert; the lock (or SQLite's single writer)
        // keeps concurrent appends of one stream from computing the same number.
        const row = await db
          .insertInto('placet_status_steps')
          .columns(['id', 'channel_id', 'owner_id', 'stream_id', 'idx', 'text', 'tool_hint', 'created_at'])
          .expression((eb) =>
            eb
              .selectFrom('placet_status_steps')
              .select([
                eb.val(step.id).as('id'),
                eb.val(step.channelId).as('channel_id'),
                eb.val(step.ownerId).as('owner_id'),
                eb.val(step.streamId).as('stream_id'),
                sql<number>`coalesce(max(idx) + 1, 0)`.as('idx'),
                eb.val(step.text).as('text'),
                eb.val(d.bool(step.toolHint)).as('tool_hint'),
                eb.val(d.date(step.createdAt)).as('created_at'),
              ])
              .where('channel_id', '=', step.channelId)
              .where('stream_id', '=', step.streamId),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return m.step.fromRow(row);
      }),
    async listByStreams(channelId, streamIds) {
      if (streamIds.length === 0) return [];
      const rows = await db
        .selectFrom('placet_status_steps')
        .selectAll()
        .where('channel_id', '=', channelId)
        .where('stream_id', 'in', [...new Set(streamIds)])
        .orderBy('stream_id')
        .orderBy('idx')
        .execute();
      return rows.map(m.step.fromRow);
    },
  };
}
