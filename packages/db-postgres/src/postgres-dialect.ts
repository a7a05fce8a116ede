import { CONSTRAINTS } from '@placet/core/adapter';
import { constraintOfIndex, type SqlDialect } from '@placet/db-sql';
import { sql } from 'kysely';
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
