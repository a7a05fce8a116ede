import type { KeyValueRepository, SessionRepository } from '@placet/core/adapter';
import { guarded, type RepoContext } from './context.js';

export function sessionRepository(ctx: RepoContext): SessionRepository {
  const { db, d, m } = ctx;
  return {
    insert: (session) =>
      guarded(
        ctx,
        async () => void (await db.insertInto('placet_sessions').values(m.session.toRow(session)).execute()),
      ),
    async findById(id) {
      const row = await db.selectFrom('placet_sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && m.session.fromRow(row);
    },
    async delete(id) {
      const result = await db.deleteFrom('placet_sessions').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteByUser(userId, exceptId) {
      let query = db.deleteFrom('placet_sessions').where('user_id', '=', userId);
      if (exceptId !== undefined) query = query.where('id', '<>', exceptId);
      const rows = await query.returning('id').execute();
      return rows.map((r) => r.id);
    },
    async deleteExpired(now, limit) {
      const result = await db
        .deleteFrom('placet_sessions')
        .where(
          'id',
          'in',
          db.selectFrom('placet_sessions').select('id').where('expires_at', '<=', d.date(now)).limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export function keyValueRepository(ctx: RepoContext): KeyValueRepository {
  const { db, d, m } = ctx;
  return {
    async get(namespace, key, now) {
      const row = await db
        .selectFrom('placet_kv')
        .selectAll()
        .where('namespace', '=', namespace)
        .where('key', '=', key)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', d.date(now))]))
        .executeTakeFirst();
      return row && m.kv.fromRow(row);
    },
    async set(entry) {
      const row = m.kv.toRow(entry);
      await db
        .insertInto('placet_kv')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['namespace', 'key']).doUpdateSet({ value: row.value, expires_at: row.expires_at }),
        )
        .execute();
    },
    async insertIfAbsent(entry, now) {
      const row = m.kv.toRow(entry);
      // One statement: the insert, or — when the key exists but has expired — the replacement. A live
      // entry matches neither, and no row comes back.
      const inserted = await db
        .insertInto('placet_kv')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['namespace', 'key'])
            .doUpdateSet({ value: row.value, expires_at: row.expires_at })
            .where('placet_kv.expires_at', 'is not', null)
            .where('placet_kv.expires_at', '<=', d.date(now)),
        )
        .returning('key')
        .executeTakeFirst();
      return inserted !== undefined;
    },
    async delete(namespace, key) {
      const result = await db
        .deleteFrom('placet_kv')
        .where('namespace', '=', namespace)
        .where('key', '=', key)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async deleteExpired(now, limit) {
      const expired = await db
        .selectFrom('placet_kv')
        .select(['namespace', 'key'])
        .where('expires_at', 'is not', null)
        .where('expires_at', '<=', d.date(now))
        .limit(limit)
        .execute();
      let deleted = 0;
      for (const { namespace, key } of expired) {
        const result = await db
          .deleteFrom('placet_kv')
          .where('namespace', '=', namespace)
          .where('key', '=', key)
          .where('expires_at', '<=', d.date(now))
          .executeTakeFirst();
        deleted += Number(result.numDeletedRows);
      }
      return deleted;
    },
  };
}
