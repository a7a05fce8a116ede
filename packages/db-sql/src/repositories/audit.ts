import type { AuditRepository } from '@placet/core/adapter';
import { readInt } from '../codec.js';
import { guarded, type RepoContext } from './context.js';

/** The head of an empty chain: seq 0, 64 zeros. */
const EMPTY_HASH = '0'.repeat(64);

export function auditRepository(ctx: RepoContext): AuditRepository {
  const { db, m } = ctx;
  return {
    async lockHead(ownerId) {
      // Created once (a concurrent creator's row wins quietly), then taken with a write that changes
      // nothing: on Postgres the row stays locked to the end of the transaction, so the next appender of
      // this owner waits here and then reads the head the first one moved (SQLite has one writer).
      await db
        .insertInto('placet_audit_heads')
        .values({ owner_id: ownerId, seq: 0, hash: EMPTY_HASH })
        .onConflict((oc) => oc.column('owner_id').doNothing())
        .execute();
      const row = await db
        .updateTable('placet_audit_heads')
        .set((eb) => ({ seq: eb.ref('seq') }))
        .where('owner_id', '=', ownerId)
        .returning(['seq', 'hash'])
        .executeTakeFirstOrThrow();
      return { seq: readInt(row.seq), hash: row.hash };
    },
    append: (entries) =>
      guarded(ctx, async () => {
        const first = entries[0];
        const last = entries.at(-1);
        if (!first || !last) return;
        const { ownerId } = first;
        entries.forEach((entry, i) => {
          if (entry.ownerId !== ownerId) throw new Error('audit.append: entries of more than one owner');
          if (entry.seq !== first.seq + i) throw new Error('audit.append: seqs are not consecutive');
        });
        // The head moves only from where these entries continue it: anything else writes nothing.
        const moved = await db
          .updateTable('placet_audit_heads')
          .set({ seq: last.seq, hash: last.hash })
          .where('owner_id', '=', ownerId)
          .where('seq', '=', first.seq - 1)
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1)
          throw new Error(
            `audit.append: seq ${first.seq} does not continue the chain of ${ownerId} (lock its head first)`,
          );
        await db.insertInto('placet_audit_entries').values(entries.map(m.audit.toRow)).execute();
      }),
    async list({ ownerId, afterSeq = 0, messageId, limit }) {
      let query = db
        .selectFrom('placet_audit_entries')
        .selectAll()
        .where('owner_id', '=', ownerId)
        .where('seq', '>', afterSeq);
      if (messageId !== undefined) query = query.where('message_id', '=', messageId);
      const rows = await query.orderBy('seq').limit(limit).execute();
      return rows.map(m.audit.fromRow);
    },
  };
}
