import type { GroupRepository } from '@placet/core/adapter';
import { type RawBuilder, sql } from 'kysely';
import { guarded, type RepoContext } from './context.js';

/** Rows per insert statement: well under every driver's bound on bound parameters. */
const CHUNK = 500;

export function groupRepository(ctx: RepoContext): GroupRepository {
  const { db, d, m } = ctx;
  // Names and ids are ASCII: sort them by code point on both dialects (Postgres's default collation may
  // not be "C": it would put `a-b` after `ab`).
  const binary = (column: string): RawBuilder<unknown> =>
    d.name === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql`${sql.ref(column)}`;
  return {
    insert: (group) =>
      guarded(
        ctx,
        async () => void (await db.insertInto('placet_groups').values(m.group.toRow(group)).execute()),
      ),
    async find(name) {
      const row = await db
        .selectFrom('placet_groups')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row && m.group.fromRow(row);
    },
    async list() {
      const rows = await db.selectFrom('placet_groups').selectAll().orderBy(binary('name')).execute();
      return rows.map(m.group.fromRow);
    },
    async update(name, { displayName }) {
      const row = await db
        .updateTable('placet_groups')
        .set({ display_name: displayName })
        .where('name', '=', name)
        .returningAll()
        .executeTakeFirst();
      return row && m.group.fromRow(row);
    },
    async delete(name) {
      // The member rows go by the foreign key's cascade.
      const result = await db.deleteFrom('placet_groups').where('name', '=', name).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async setMembers(name, userIds) {
      // A write to the group's row takes its lock until the transaction ends: replacements of one group
      // are serialised (the later one deletes what the earlier one inserted), and a missing group is seen.
      const locked = await db
        .updateTable('placet_groups')
        .set((eb) => ({ display_name: eb.ref('display_name') }))
        .where('name', '=', name)
        .executeTakeFirst();
      if (Number(locked.numUpdatedRows) === 0) return false;
      await db.deleteFrom('placet_group_members').where('group_name', '=', name).execute();
      const ids = [...new Set(userIds)];
      for (let i = 0; i < ids.length; i += CHUNK) {
        // Only ids of users that exist (one deleted meanwhile is skipped, never a foreign-key error).
        await db
          .insertInto('placet_group_members')
          .columns(['group_name', 'user_id'])
          .expression((eb) =>
            eb
              .selectFrom('placet_users')
              .select([sql<string>`cast(${name} as text)`.as('group_name'), 'id'])
              .where('id', 'in', ids.slice(i, i + CHUNK)),
          )
          .execute();
      }
      return true;
    },
    async members(names) {
      if (names.length === 0) return [];
      const rows = await db
        .selectFrom('placet_group_members')
        .select(['group_name', 'user_id'])
        .where('group_name', 'in', [...new Set(names)])
        .orderBy(binary('group_name'))
        .orderBy(binary('user_id'))
        .execute();
      return rows.map((r) => ({ groupName: r.group_name, userId: r.user_id }));
    },
  };
}
