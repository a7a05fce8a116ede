import { isPlacetError, PlacetError } from './placet-error.js';

/** What a client is told to wait before retrying when the store cannot be reached. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

/**
 * The error a store adapter throws instead of its driver's error when the database cannot be reached
 * (refused, lost or timed-out connections, a server shutting down): `SERVICE_UNAVAILABLE`, HTTP 503
 * with `Retry-After`. Its message is Placet's own; the driver's error is kept as `cause` (for logs only).
 * An outage is not a bad credential: callers never turn this into `401`.
 */
export function serviceUnavailable(
  message = 'The database is unavailable; retry later',
  options: { cause?: unknown; retryAfterSeconds?: number } = {},
): PlacetError {
  return new PlacetError('SERVICE_UNAVAILABLE', message, {
    cause: options.cause,
    retryAfterSeconds: options.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS,
  });
}

/** Whether `error` says "the store (or another dependency) is unreachable" rather than "this failed". */
export function isServiceUnavailable(error: unknown): error is PlacetError {
  return isPlacetError(error) && error.code === 'SERVICE_UNAVAILABLE';
}

/** The driver's own message behind an unavailability (for logs), or the error's message. */
export function describeCause(error: unknown): string {
  const cause = isPlacetError(error) && error.cause !== undefined ? error.cause : error;
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return cause.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join('; ');
  }
  return cause instanceof Error ? cause.message || cause.name : String(cause);
}
