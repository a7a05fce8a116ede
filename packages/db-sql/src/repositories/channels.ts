import type {
  ChannelReadRepository,
  ChannelRepository,
  ReadMark,
  StatusHistoryRepository,
} from '@placet/core/adapter';
import { CHANNEL_FIELDS, toPatch } from '../patch.js';
import { guarded, type RepoContext } from './context.js';

export function channelRepository(ctx: RepoContext): ChannelRepository {
  const { db, d, m } = ctx;
  const find = async (id: string) => {
    const row = await db.selectFrom('placet_channels').selectAll().where('id', '=', id).executeTakeFirst();
    return row && m.channel.fromRow(row);
  };
  return {
    insert: (channel) =>
      guarded(
        ctx,
        async () => void (await db.insertInto('placet_channels').values(m.channel.toRow(channel)).execute()),
      ),
    findById: find,
    async listByOwner(ownerId) {
      const rows = await db
        .selectFrom('placet_channels')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(m.channel.fromRow);
    },
    async listSilent(before, limit) {
      const rows = await db
        .selectFrom('placet_channels')
        .selectAll()
        .where('status', '<>', 'offline')
        .where('last_active_at', '<', d.date(before))
        .orderBy('last_active_at')
        .limit(limit)
        .execute();
      return rows.map(m.channel.fromRow);
    },
    async markOffline(id, lastActiveAt, now) {
      const row = await db
        .updateTable('placet_channels')
        .set({ status: 'offline', status_since: d.date(now), status_message: null, updated_at: d.date(now) })
        .where('id', '=', id)
        .where('status', '<>', 'offline')
        .where('last_active_at', '=', d.date(lastActiveAt))
        .returningAll()
        .executeTakeFirst();
      return row && m.channel.fromRow(row);
    },
    async update(id, patch) {
      const values = toPatch(CHANNEL_FIELDS, patch, d);
      if (Object.keys(values).length === 0) return find(id);
      const row = await db
        .updateTable('placet_channels')
        .set(values)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && m.channel.fromRow(row);
    },
    async delete(id) {
      // Cascades through foreign keys: messages → reviews, attachments; steps; history.
      const result = await db.deleteFrom('placet_channels').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export function statusHistoryRepository(ctx: RepoContext): StatusHistoryRepository {
  const { db, m } = ctx;
  return {
    insert: (entry) =>
      guarded(
        ctx,
        async () =>
          void (await db.insertInto('placet_status_history').values(m.history.toRow(entry)).execute()),
      ),
    async listByChannel(channelId, limit) {
      const rows = await db
        .selectFrom('placet_status_history')
        .selectAll()
        .where('channel_id', '=', channelId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(m.history.fromRow);
    },
  };
}

export function channelReadRepository(ctx: RepoContext): ChannelReadRepository {
  const { db, d } = ctx;
  return {
    async markRead(userId, channelId, mark) {
      const at = d.date(mark.at);
      const id = mark.messageId;
      await db
        .insertInto('placet_channel_reads')
        .values({ user_id: userId, channel_id: channelId, last_read_at: at, last_read_message_id: id })
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'channel_id'])
            .doUpdateSet({ last_read_at: at, last_read_message_id: id })
            // Never backwards: only a later (at, id) position replaces the mark.
            .where((eb) =>
              eb(
                eb.tuple(
                  eb.ref('placet_channel_reads.last_read_at'),
                  eb.fn.coalesce('placet_channel_reads.last_read_message_id', eb.val('')),
                ),
                '<',
                eb.tuple(at, id ?? ''),
              ),
            ),
        )
        .execute();
    },
    async lastReadAt(userId, channelIds) {
      const out = new Map<string, ReadMark>();
      if (channelIds.length === 0) return out;
      const rows = await db
        .selectFrom('placet_channel_reads')
        .select(['channel_id', 'last_read_at', 'last_read_message_id'])
        .where('user_id', '=', userId)
        .where('channel_id', 'in', [...channelIds])
        .execute();
      for (const row of rows)
        out.set(row.channel_id, { at: d.readDate(row.last_read_at), messageId: row.last_read_message_id });
      return out;
    },
  };
}
