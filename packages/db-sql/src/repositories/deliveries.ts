import {
  type DeliveryAttemptRecord,
  type DeliveryRecord,
  type DeliveryRepository,
  newId,
} from '@placet/core/adapter';
import { type Selectable, sql } from 'kysely';
import { readBool, readInt } from '../codec.js';
import type { DeliveriesTable, DeliveryAttemptsTable } from '../schema.js';
import { guarded, likeLiteral, type RepoContext } from './context.js';

export function deliveryRepository(ctx: RepoContext): DeliveryRepository {
  const { db, d } = ctx;
  const dateOrNull = (v: unknown) => (v === null || v === undefined ? null : d.readDate(v as Date));
  const fromRow = (r: Selectable<DeliveriesTable>): DeliveryRecord => ({
    id: r.id,
    ownerId: r.owner_id,
    channelId: r.channel_id,
    messageId: r.message_id,
    event: r.event,
    url: r.url,
    method: r.method,
    headers: d.readJson(r.headers),
    body: r.body,
    signed: readBool(r.signed),
    state: r.state as DeliveryRecord['state'],
    attempts: readInt(r.attempts),
    nextAttemptAt: dateOrNull(r.next_attempt_at),
    lockedUntil: dateOrNull(r.locked_until),
    lastStatus: r.last_status === null ? null : readInt(r.last_status),
    lastError: r.last_error,
    createdAt: d.readDate(r.created_at),
    updatedAt: d.readDate(r.updated_at),
  });
  const attemptFromRow = (r: Selectable<DeliveryAttemptsTable>): DeliveryAttemptRecord => ({
    id: r.id,
    deliveryId: r.delivery_id,
    attempt: readInt(r.attempt),
    at: d.readDate(r.at),
    status: r.status === null ? null : readInt(r.status),
    error: r.error,
    durationMs: readInt(r.duration_ms),
  });
  return {
    insert: (v) =>
      guarded(ctx, async () => {
        await db
          .insertInto('placet_deliveries')
          .values({
            id: v.id,
            owner_id: v.ownerId,
            channel_id: v.channelId,
            message_id: v.messageId,
            event: v.event,
            url: v.url,
            method: v.method,
            headers: d.json(v.headers),
            body: v.body,
            signed: d.bool(v.signed),
            state: v.state,
            attempts: v.attempts,
            next_attempt_at: d.dateOrNull(v.nextAttemptAt),
            locked_until: d.dateOrNull(v.lockedUntil),
            last_status: v.lastStatus,
            last_error: v.lastError,
            created_at: d.date(v.createdAt),
            updated_at: d.date(v.updatedAt),
          })
          .execute();
      }),
    async findById(id) {
      const row = await db
        .selectFrom('placet_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async listByMessage(messageId) {
      const rows = await db
        .selectFrom('placet_deliveries')
        .selectAll()
        .where('message_id', '=', messageId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(fromRow);
    },
    async listByChannel(channelId, { limit, before }) {
      let query = db.selectFrom('placet_deliveries').selectAll().where('channel_id', '=', channelId);
      if (before) {
        query = query.where((eb) =>
          eb(eb.refTuple('created_at', 'id'), '<', eb.tuple(d.date(before.createdAt), before.id)),
        );
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
      return rows.map(fromRow);
    },
    async claimDue(now, leaseUntil, limit, filter = {}) {
      // Select the due ids (Postgres: skipping rows another process holds), then lease them in the same
      // statement; the lease check in the WHERE keeps a concurrent claimer off a row it did not lock.
      let ids = db
        .selectFrom('placet_deliveries')
        .select('id')
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', d.date(now))
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', d.date(now))]))
        .$if(filter.urlPrefix !== undefined, (q) => q.where(urlStartsWith(filter.urlPrefix!)))
        .orderBy('next_attempt_at')
        .limit(limit);
      if (d.name === 'postgres') ids = ids.forUpdate().skipLocked();
      const rows = await db
        .updateTable('placet_deliveries')
        .set({ locked_until: d.date(leaseUntil) })
        .where('id', 'in', ids)
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', d.date(now))]))
        .returningAll()
        .execute();
      // UPDATE … RETURNING gives no order: oldest due first, as the port promises callers.
      return rows.map(fromRow).sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime());
    },
    async recordAttempt(attempt, next) {
      // The delivery first: when it is gone (its channel deleted meanwhile) no attempt row is written.
      // Only a pending delivery changes state: one cancelled while the attempt was in flight keeps its
      // cancellation, and the attempt (it was sent) is still logged.
      const row = await db
        .updateTable('placet_deliveries')
        .set({
          state: next.state,
          attempts: next.attempts,
          next_attempt_at: d.dateOrNull(next.nextAttemptAt),
          last_status: next.lastStatus,
          last_error: next.lastError,
          updated_at: d.date(next.updatedAt),
          locked_until: null,
        })
        .where('id', '=', attempt.deliveryId)
        .where('state', '=', 'pending')
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        const exists = await db
          .selectFrom('placet_deliveries')
          .select('id')
          .where('id', '=', attempt.deliveryId)
          .executeTakeFirst();
        if (!exists) return undefined;
      }
      await db
        .insertInto('placet_delivery_attempts')
        .values({
          id: attempt.id,
          delivery_id: attempt.deliveryId,
          attempt: attempt.attempt,
          at: d.date(attempt.at),
          status: attempt.status,
          error: attempt.error,
          duration_ms: attempt.durationMs,
        })
        .execute();
      return row && fromRow(row);
    },
    async cancelPending(channelId, url, reason, now) {
      // One conditional UPDATE: a row a claimer holds (Postgres row lock) is waited for and re-checked,
      // so a delivery is cancelled at most once and never after an attempt made it delivered/failed.
      const rows = await db
        .updateTable('placet_deliveries')
        .set({
          state: 'failed',
          next_attempt_at: null,
          locked_until: null,
          last_error: reason,
          updated_at: d.date(now),
        })
        .where('channel_id', '=', channelId)
        .where('url', '=', url)
        .where('state', '=', 'pending')
        .returningAll()
        .execute();
      const cancelled = rows.map(fromRow);
      if (cancelled.length > 0) {
        await db
          .insertInto('placet_delivery_attempts')
          .values(
            cancelled.map((c) => ({
              id: newId(),
              delivery_id: c.id,
              attempt: c.attempts + 1,
              at: d.date(now),
              status: null,
              error: reason,
              duration_ms: 0,
            })),
          )
          .execute();
      }
      return cancelled;
    },
    async listAttemptsFor(deliveryIds) {
      if (deliveryIds.length === 0) return [];
      const rows = await db
        .selectFrom('placet_delivery_attempts')
        .selectAll()
        .where('delivery_id', 'in', [...new Set(deliveryIds)])
        .orderBy('delivery_id')
        .orderBy('attempt')
        .orderBy('at')
        .execute();
      return rows.map(attemptFromRow);
    },
    async redrive(id, now) {
      const row = await db
        .updateTable('placet_deliveries')
        .set({ state: 'pending', next_attempt_at: d.date(now), locked_until: null, updated_at: d.date(now) })
        .where('id', '=', id)
        .where('state', '<>', 'pending')
        .returningAll()
        .executeTakeFirst();
      return row && fromRow(row);
    },
    async nextDue(filter = {}) {
      // A delivery another process holds is not due before its lease ends (no busy loop meanwhile).
      const rows = await db
        .selectFrom('placet_deliveries')
        .select(['next_attempt_at', 'locked_until'])
        .where('state', '=', 'pending')
        .where('next_attempt_at', 'is not', null)
        .$if(filter.urlPrefix !== undefined, (q) => q.where(urlStartsWith(filter.urlPrefix!)))
        .orderBy('next_attempt_at')
        .limit(50)
        .execute();
      let next: Date | undefined;
      for (const row of rows) {
        const due = d.readDate(row.next_attempt_at!);
        const lease = row.locked_until ? d.readDate(row.locked_until) : undefined;
        const at = lease && lease > due ? lease : due;
        if (!next || at < next) next = at;
      }
      return next;
    },
    async countPending() {
      // By the partial index of pending deliveries: finished ones are never scanned.
      const row = await db
        .selectFrom('placet_deliveries')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('state', '=', 'pending')
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}

/** `url LIKE 'prefix%'` with the prefix's own `%`, `_` and `\` taken literally (both dialects). */
function urlStartsWith(prefix: string) {
  return sql<boolean>`${sql.ref('url')} like ${`${likeLiteral(prefix)}%`} escape '\\'`;
}
