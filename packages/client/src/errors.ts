/**
 * The error codes the server answers over HTTP, with their status: the core's `ERROR_CODES` without the
 * start-up codes (`INVALID_OPTIONS`, `INVALID_PLUGIN`, …), which never reach a client. The core's table
 * is not in a browser-safe entry yet, so the list is kept here and `test/errors.test.ts` checks it against
 * `ERROR_CODES` (same codes, same statuses): a code added to the core fails the client's tests until it is
 * added here.
 */
export const SERVER_ERROR_CODES = {
  VALIDATION_FAILED: 400,
  UNKNOWN_REVIEW_TYPE: 400,
  INVALID_REVIEW_PAYLOAD: 400,
  INVALID_REVIEW_RESPONSE: 400,
  INVALID_EXPIRY: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_ASSIGNED: 403,
  PASSWORD_CHANGE_REQUIRED: 403,
  NOT_FOUND: 404,
  RECEIPT_NOT_ISSUED: 404,
  CONFLICT: 409,
  REVIEW_NOT_PENDING: 409,
  REVIEW_CHANGED: 409,
  ALREADY_VOTED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503,
} as const;

/** A code the Placet server answers with (plugins may add their own, prefixed with their name). */
export type ServerErrorCode = keyof typeof SERVER_ERROR_CODES;

/**
 * Codes of failures the client names itself, when no Placet error body arrived: `NETWORK_ERROR` (no
 * answer: refused, reset, timed out), `BAD_GATEWAY` (a proxy's 502/504, or a non-Placet error page),
 * `INVALID_RESPONSE` (a success answer that is not the JSON expected), `STREAM_CLOSED` (a finished
 * stream was written to).
 */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_GATEWAY' | 'INVALID_RESPONSE' | 'STREAM_CLOSED';

/** Every code a {@link PlacetClientError} may carry; `string & {}` keeps plugin codes typeable. */
export type PlacetErrorCode = ServerErrorCode | ClientErrorCode | (string & {});

/** One problem of a `400 VALIDATION_FAILED` (or a plugin's payload/response check): its path and message. */
export interface PlacetErrorIssue {
  path: string;
  message: string;
}

export interface PlacetClientErrorInit {
  status: number;
  code: PlacetErrorCode;
  issues?: readonly PlacetErrorIssue[];
  /** Seconds the server asked to wait (`Retry-After` of a 429 or 503). */
  retryAfterSeconds?: number;
  /** `METHOD /path` of the request that failed. */
  request?: string;
  cause?: unknown;
}

const BRAND = Symbol.for('@placet/client:PlacetClientError');

/**
 * Any failure of a Placet request: `status` (0 when no HTTP answer arrived), the server's `code`, and
 * for validation failures the `issues` with their paths. Subclasses group codes by what a caller does
 * about them; check with `instanceof`, or with {@link isPlacetClientError}, which also narrows `code`.
 */
export class PlacetClientError extends Error {
  override name = 'PlacetClientError';
  readonly status: number;
  readonly code: PlacetErrorCode;
  readonly issues: readonly PlacetErrorIssue[];
  readonly retryAfterSeconds: number | undefined;
  readonly request: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, init: PlacetClientErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.issues = init.issues ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.request = init.request;
  }

  /** Whether trying again later may succeed (no answer, 429, 502/503/504). */
  get transient(): boolean {
    return (
      this.status === 0 ||
      this.status === 429 ||
      this.status === 502 ||
      this.status === 503 ||
      this.status === 504
    );
  }
}

/** 400: the request does not match the contract or the review type's schema (see `issues`). */
export class PlacetValidationError extends PlacetClientError {
  override name = 'PlacetValidationError';
}
/** 401/403: the API key is missing, wrong or revoked, or may not do this. Retrying does not help. */
export class PlacetAuthError extends PlacetClientError {
  override name = 'PlacetAuthError';
}
/** 404: not found, or another owner's (also `RECEIPT_NOT_ISSUED`). */
export class PlacetNotFoundError extends PlacetClientError {
  override name = 'PlacetNotFoundError';
}
/** 409: the state changed (`REVIEW_NOT_PENDING`, `CONFLICT` of a finished stream, …). */
export class PlacetConflictError extends PlacetClientError {
  override name = 'PlacetConflictError';
}
/** 429: too many requests; `retryAfterSeconds` says when to come back. */
export class PlacetRateLimitError extends PlacetClientError {
  override name = 'PlacetRateLimitError';
}
/**
 * The server could not be reached or could not serve (`NETWORK_ERROR`, `BAD_GATEWAY`,
 * `SERVICE_UNAVAILABLE`): the client retries these where a retry is safe, and throws this after its
 * attempts.
 */
export class PlacetUnavailableError extends PlacetClientError {
  override name = 'PlacetUnavailableError';
}

/** Whether `error` is a {@link PlacetClientError} (by brand, across copies of this package), optionally with `code`. */
export function isPlacetClientError<C extends PlacetErrorCode>(
  error: unknown,
  code?: C,
): error is PlacetClientError & { code: C } {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (error as PlacetClientError).code === code)
  );
}

/** The error class for an answer of `status` (or no answer: 0). */
export function errorFor(message: string, init: PlacetClientErrorInit): PlacetClientError {
  const { status } = init;
  if (status === 400 || status === 413) return new PlacetValidationError(message, init);
  if (status === 401 || status === 403) return new PlacetAuthError(message, init);
  if (status === 404) return new PlacetNotFoundError(message, init);
  if (status === 409) return new PlacetConflictError(message, init);
  if (status === 429) return new PlacetRateLimitError(message, init);
  if (status === 0 || status === 502 || status === 503 || status === 504)
    return new PlacetUnavailableError(message, init);
  return new PlacetClientError(message, init);
}
