import type { z } from 'zod';
import type { ErrorBodySchema } from '../contract/account.js';
import { type ErrorCode, errorCodeInfo, HTTP_REASONS } from './codes.js';

const BRAND = Symbol.for('@placet/core:PlacetError');

/** One problem found in an input, addressed by a dotted path such as `review.payload.options.0.id`. */
export interface Issue {
  path: string;
  message: string;
}

export interface PlacetErrorOptions {
  /** Override the status of the code table (rarely needed; plugin codes declare their own). */
  status?: number;
  /** Whether `message` may be shown to clients. Defaults to `status < 500` (and 501, 503). */
  expose?: boolean;
  issues?: readonly Issue[];
  cause?: unknown;
  /** For 429 and 503: when to try again (HTTP adapters send it as `Retry-After`). */
  retryAfterSeconds?: number;
}

/**
 * The one error class of Placet. `code` is stable and documented; `status` is its HTTP status;
 * `expose` says whether `message` may reach a client (5xx messages never do).
 */
export class PlacetError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly issues: readonly Issue[] | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode | (string & {}), message: string, options: PlacetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PlacetError';
    this.code = code;
    // The core's codes and those registered plugins declared (`errorCodes`) carry their own status.
    this.status = options.status ?? errorCodeInfo(code)?.status ?? 500;
    // 501 says what is not supported and 503 that a retry will do: a client needs those messages (written
    // by Placet, never a driver's text); other 5xx stay private.
    this.expose = options.expose ?? (this.status < 500 || this.status === 501 || this.status === 503);
    this.issues = options.issues;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Brand check that works across copies of the core (never `instanceof`). */
export function isPlacetError(value: unknown): value is PlacetError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** The HTTP error body: the original's `{ statusCode, message, error }` plus `code` and `issues`. */
export type ErrorBody = z.output<typeof ErrorBodySchema>;

/**
 * Turns any thrown value into a client-safe body. Unknown throws become `INTERNAL`; their text never
 * reaches the client.
 */
export function toErrorBody(error: unknown): ErrorBody {
  const err = isPlacetError(error)
    ? error
    : new PlacetError('INTERNAL', 'Internal server error', { cause: error });
  const body: ErrorBody = {
    statusCode: err.status,
    error: HTTP_REASONS[err.status] ?? (err.status >= 500 ? 'Internal Server Error' : 'Error'),
    code: err.code,
    message: err.expose ? err.message : 'Internal server error',
  };
  if (err.expose && err.issues && err.issues.length > 0) body.issues = [...err.issues];
  return body;
}
