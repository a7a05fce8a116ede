import type { EventRepository } from '@placet/core/adapter';
import { insertRow } from './compiled-insert.js';
import type { RepoContext } from './context.js';

export function eventRepository(ctx: RepoContext): EventRepository {
  const { db, d, m } = ctx;
  return {
    async append(event) {
      const values = {
        type: event.type,
        owner_id: event.ownerId,
        channel_id: event.channelId,
        subject_id: event.subjectId,
        payload: d.json(event.payload),
        created_at: d.date(event.createdAt),
      };
      if (d.appendEvent) return m.event.fromRow(await d.appendEvent(db, values as never));
      await d.lockOutbox(db);
      const [row] = await insertRow(ctx, 'placet_events', values, { returning: true });
      if (!row) throw new Error('appending an event inserted no row');
      return m.event.fromRow(row);
    },
    async after(afterSeq, limit) {
      const rows = await db
        .selectFrom('placet_events')
        .selectAll()
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(m.event.fromRow);
    },
    async afterForOwner(ownerId, afterSeq, limit) {
      const rows = await db
        .selectFrom('placet_events')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(m.event.fromRow);
    },
    async pruneBefore(before, limit) {
      // The newest event always stays: it carries the sequence across restarts of every dialect.
      const newest = db.selectFrom('placet_events').select((eb) => eb.fn.max('seq').as('max'));
      const rows = await db
        .selectFrom('placet_events')
        .select('seq')
        .where('created_at', '<', d.date(before))
        .where('seq', '<', newest)
        .orderBy('seq')
        .limit(limit)
        .execute();
      if (rows.length === 0) return 0;
      const seqs = rows.map((r) => Number(r.seq));
      await db.deleteFrom('placet_events').where('seq', 'in', seqs).execute();
      return Math.max(...seqs);
    },
    async lastSeq() {
      const row = await db
        .selectFrom('placet_events')
        .select((eb) => eb.fn.max('seq').as('max'))
        .executeTakeFirst();
      return row?.max === null || row?.max === undefined ? 0 : Number(row.max);
    },
  };
}
