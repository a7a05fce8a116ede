import type { ApiKeyRepository, UserRepository } from '@placet/core/adapter';
import { API_KEY_FIELDS, toPatch, USER_FIELDS } from '../patch.js';
import { guarded, type RepoContext } from './context.js';

export function userRepository(ctx: RepoContext): UserRepository {
  const { db, d, m } = ctx;
  return {
    insert: (user) =>
      guarded(
        ctx,
        async () =>
          void (await db
            .insertInto('placet_users')
            .values(m.user.toRow({ ...user, email: user.email.toLowerCase() }))
            .execute()),
      ),
    async findById(id) {
      const row = await db.selectFrom('placet_users').selectAll().where('id', '=', id).executeTakeFirst();
      return row && m.user.fromRow(row);
    },
    async findByEmail(email) {
      const row = await db
        .selectFrom('placet_users')
        .selectAll()
        .where('email', '=', email.toLowerCase())
        .executeTakeFirst();
      return row && m.user.fromRow(row);
    },
    async findByExternalId(externalId) {
      const row = await db
        .selectFrom('placet_users')
        .selectAll()
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return row && m.user.fromRow(row);
    },
    async list() {
      const rows = await db
        .selectFrom('placet_users')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(m.user.fromRow);
    },
    update: (id, patch) =>
      guarded(ctx, async () => {
        const values = toPatch(
          USER_FIELDS,
          { ...patch, ...(patch.email ? { email: patch.email.toLowerCase() } : {}) },
          d,
        );
        if (Object.keys(values).length === 0) return this_find(ctx, id);
        const row = await db
          .updateTable('placet_users')
          .set(values)
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        return row && m.user.fromRow(row);
      }),
    async delete(id) {
      const result = await db.deleteFrom('placet_users').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

async function this_find(ctx: RepoContext, id: string) {
  const row = await ctx.db.selectFrom('placet_users').selectAll().where('id', '=', id).executeTakeFirst();
  return row && ctx.m.user.fromRow(row);
}

export function apiKeyRepository(ctx: RepoContext): ApiKeyRepository {
  const { db, d, m } = ctx;
  return {
    insert: (key) =>
      guarded(
        ctx,
        async () => void (await db.insertInto('placet_api_keys').values(m.apiKey.toRow(key)).execute()),
      ),
    async findById(id) {
      const row = await db.selectFrom('placet_api_keys').selectAll().where('id', '=', id).executeTakeFirst();
      return row && m.apiKey.fromRow(row);
    },
    async findByHash(hash) {
      const row = await db
        .selectFrom('placet_api_keys')
        .selectAll()
        .where('key_hash', '=', hash)
        .executeTakeFirst();
      return row && m.apiKey.fromRow(row);
    },
    async listByUser(userId) {
      const rows = await db
        .selectFrom('placet_api_keys')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      return rows.map(m.apiKey.fromRow);
    },
    update: (id, patch) =>
      guarded(ctx, async () => {
        const row = await db
          .updateTable('placet_api_keys')
          .set(toPatch(API_KEY_FIELDS, patch, d))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        return row && m.apiKey.fromRow(row);
      }),
    async touch(id, now, minIntervalMs) {
      const result = await db
        .updateTable('placet_api_keys')
        .set({ last_used_at: d.date(now) })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([
            eb('last_used_at', 'is', null),
            eb('last_used_at', '<=', d.date(new Date(now.getTime() - minIntervalMs))),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async delete(id) {
      const result = await db.deleteFrom('placet_api_keys').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}
