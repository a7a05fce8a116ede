import { CONSTRAINTS } from '@placet/core/adapter';
import { constraintOfIndex, type PlacetDatabase, type SqlDialect } from '@placet/db-sql';
import { type Selectable, sql } from 'kysely';
import { jsonHasNul, nulRefused } from './nul-guard.js';
import { isPostgresUnavailable } from './unavailable.js';

/** Advisory-lock namespace of Placet ("plac" as int4); the second key tells the locks apart. */
const LOCK_NAMESPACE = 0x706c6163;
const OUTBOX_KEY = 1;

/** Postgres: `timestamptz`, `jsonb`, `boolean`; transaction-scoped advisory locks for ordering. */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  types: { date: 'timestamptz', json: 'jsonb', bool: 'boolean', bigint: 'bigint' },
  date: (value) => value,
  dateOrNull: (value) => value,
  readDate: (value) => (value instanceof Date ? value : new Date(value)),
  // Always serialised here: node-postgres would turn a JS array into a Postgres array, not JSON.
  // jsonb refuses an escaped NUL (`\u0000`): refused here as the client's error instead.
  json: (value) => {
    const text = JSON.stringify(value);
    if (text !== undefined && jsonHasNul(text)) throw nulRefused();
    return text;
  },
  readJson: <T>(value: unknown) => value as T,
  bool: (value) => value,
  async lockOutbox(db) {
    // Held until the transaction ends: event-appending transactions commit one after another, in seq
    // order, so a reader of `seq > n` can never see seq n+2 while n+1 is still in flight.
    await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, ${OUTBOX_KEY}::int4)`.execute(db);
  },
  async appendEvent(db, row) {
    // The lock in a CTE the insert selects from: taken before the row (and its seq) exists, held until
    // the transaction ends, like `lockOutbox`, in the same round trip as the insert.
    const result = await sql<Selectable<PlacetDatabase['placet_events']>>`
      with outbox_lock as (select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, ${OUTBOX_KEY}::int4))
      insert into placet_events (type, owner_id, channel_id, subject_id, payload, created_at)
      select ${row.type}::text, ${row.owner_id}::text, ${row.channel_id}::text, ${row.subject_id}::text,
        ${row.payload}::jsonb, ${row.created_at}::timestamptz
      from outbox_lock
      returning *`.execute(db);
    const inserted = result.rows[0];
    if (!inserted) throw new Error('appending an event inserted no row');
    return inserted;
  },
  async lockStream(db, channelId, streamId) {
    await sql`select pg_advisory_xact_lock(${LOCK_NAMESPACE}::int4, hashtext(${`${channelId}:${streamId}`}))`.execute(
      db,
    );
  },
  uniqueConstraint(error) {
    const e = error as { code?: unknown; constraint?: unknown };
    if (e?.code !== '23505') return undefined;
    const name = String(e.constraint ?? '');
    // A primary key that is a constraint of its own (`placet_review_votes_pkey`) first, then any other.
    const constraint = constraintOfIndex(name);
    if (constraint !== undefined) return constraint;
    return name.endsWith('_pkey') ? CONSTRAINTS.primaryKey : 'unique';
  },
  isTransient(error) {
    const code = (error as { code?: unknown })?.code;
    return code === '40P01' || code === '40001';
  },
  isUnavailable: isPostgresUnavailable,
};
