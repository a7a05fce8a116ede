/** Node socket errors of a database that cannot be reached (or whose connection broke). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENOTCONN',
]);

/**
 * SQLSTATEs of a server that cannot serve now: class 08 (connection exception), `53300`
 * (too_many_connections), `57P01` (admin_shutdown), `57P02` (crash_shutdown), `57P03`
 * (cannot_connect_now: starting up, shutting down, in recovery).
 */
const SQLSTATE = /^(08[0-9A-Z]{3}|53300|57P0[123])$/;

/** node-postgres' own errors for a connection that is gone or never came (they carry no code). */
const MESSAGES =
  /^(Connection terminated|Connection terminated unexpectedly|Connection terminated due to connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Query read timeout)$/;

/**
 * Whether a `pg` error means "the database cannot be reached right now" — as opposed to a failing query
 * (a constraint, a syntax error, a serialization failure). Such errors become `SERVICE_UNAVAILABLE`
 * (503 with `Retry-After`); hosts may use it to keep their own logs quiet during an outage.
 */
export function isPostgresUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || SQLSTATE.test(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.test(e.message)) return true;
  // `localhost` resolving to ::1 and 127.0.0.1: Node reports both refusals in one AggregateError.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isPostgresUnavailable);
}
