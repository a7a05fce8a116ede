import { CONSTRAINTS } from '@placet/core/adapter';
import { constraintOfColumns, type SqlDialect } from '@placet/db-sql';

/** SQLite: dates as epoch milliseconds, JSON as text, booleans as 0/1; one writer at a time. */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  types: { date: 'integer', json: 'text', bool: 'integer', bigint: 'integer' },
  date: (value) => value.getTime(),
  dateOrNull: (value) => (value === null ? null : value.getTime()),
  readDate: (value) =>
    new Date(typeof value === 'number' ? value : value instanceof Date ? value.getTime() : Number(value)),
  json: (value) => JSON.stringify(value),
  readJson: <T>(value: unknown) => (typeof value === 'string' ? (JSON.parse(value) as T) : (value as T)),
  bool: (value) => (value ? 1 : 0),
  // better-sqlite3 runs one statement at a time on one connection and kysely holds it for the whole
  // transaction: appends and commits are already serialised, so visibility follows seq order.
  lockOutbox: async () => {},
  lockStream: async () => {},
  uniqueConstraint(error) {
    const code = (error as { code?: unknown })?.code;
    if (code !== 'SQLITE_CONSTRAINT_PRIMARYKEY' && code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
    // "UNIQUE constraint failed: placet_messages.channel_id, placet_messages.client_id" (a composite
    // primary key is reported the same way, with the PRIMARYKEY code)
    const list = String((error as Error).message).split('failed:')[1] ?? '';
    const parts = list.split(',').map((p) => p.trim().split('.'));
    const table = parts[0]?.[0] ?? '';
    const constraint = constraintOfColumns(
      table,
      parts.map((p) => p[1] ?? ''),
    );
    return constraint ?? (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ? CONSTRAINTS.primaryKey : 'unique');
  },
  isTransient: (error) => {
    const code = (error as { code?: unknown })?.code;
    return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT';
  },
};
