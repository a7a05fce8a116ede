import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DbBool, DbDate, PlacetDatabase } from './schema.js';

/**
 * What differs between the SQL dialects. Everything else — every query — is written once.
 */
export interface SqlDialect {
  readonly name: 'sqlite' | 'postgres';
  /** Column type names used by the migrations. */
  readonly types: {
    date: 'integer' | 'timestamptz';
    json: 'text' | 'jsonb';
    bool: 'integer' | 'boolean';
    bigint: 'integer' | 'bigint';
  };
  date(value: Date): DbDate;
  dateOrNull(value: Date | null): DbDate | null;
  readDate(value: DbDate): Date;
  json(value: unknown): unknown;
  readJson<T>(value: unknown): T;
  bool(value: boolean): DbBool;
  /**
   * Serialises event appends so that readers only ever see a prefix of the seq order (Postgres: a
   * transaction-scoped advisory lock held until commit; SQLite: writers are already serialised).
   */
  lockOutbox(db: Kysely<PlacetDatabase> | Transaction<PlacetDatabase>): Promise<void>;
  /**
   * Takes the outbox lock and appends one event in one statement, when the dialect can: one round trip
   * less while the lock is held, which every event-appending transaction waits for. Absent:
   * `lockOutbox`, then an insert.
   */
  appendEvent?(
    db: Kysely<PlacetDatabase> | Transaction<PlacetDatabase>,
    row: Insertable<PlacetDatabase['placet_events']>,
  ): Promise<Selectable<PlacetDatabase['placet_events']>>;
  /** Serialises status-step appends of one (channel, stream). */
  lockStream(
    db: Kysely<PlacetDatabase> | Transaction<PlacetDatabase>,
    channelId: string,
    streamId: string,
  ): Promise<void>;
  /** The Placet constraint name of a unique violation, or undefined when `error` is something else. */
  uniqueConstraint(error: unknown): string | undefined;
  /** Whether a failed transaction may simply be run again (deadlock, serialization failure, busy). */
  isTransient(error: unknown): boolean;
  /**
   * Whether a driver error means "the database cannot be reached" (refused, lost or timed-out
   * connections, a server shutting down). The store turns such errors into `SERVICE_UNAVAILABLE` (503 with
   * `Retry-After`). Absent: never (an embedded database is either there or broken).
   */
  isUnavailable?(error: unknown): boolean;
}

export function readBool(value: DbBool): boolean {
  return value === true || value === 1;
}

export function readInt(value: number | string): number {
  return typeof value === 'number' ? value : Number(value);
}
