import { PlacetError } from '../errors/placet-error.js';

/** Lifetime of a review when the agent gives no expiry: 24 hours. */
export const DEFAULT_REVIEW_DURATION_SECONDS = 86_400;
/** Longest lifetime a review may have: 36 hours. Later expiries are silently clamped to it. */
export const MAX_REVIEW_DURATION_SECONDS = 129_600;

/** The expiry fields of a review input (`ReviewInput`); `null` counts as "not given". */
export interface ReviewExpiryInput {
  expiresInSeconds?: number | null | undefined;
  expiresAt?: string | null | undefined;
}

function invalidExpiry(path: string, message: string): PlacetError {
  return new PlacetError('INVALID_EXPIRY', message, { issues: [{ path, message }] });
}

/**
 * When a new review expires. Precedence: `expiresInSeconds`, then `expiresAt`, then now + 24 h. A result
 * beyond now + 36 h is clamped to now + 36 h. Throws `INVALID_EXPIRY` (400) with the original's messages
 * when `expiresInSeconds` is not a finite number > 0, when `expiresAt` does not parse, or when the result
 * is not after `now`.
 */
export function resolveReviewExpiry(input: ReviewExpiryInput, now: Date): Date {
  const nowMs = now.getTime();
  let expiresMs: number;
  let path: string;

  if (input.expiresInSeconds !== undefined && input.expiresInSeconds !== null) {
    const seconds: unknown = input.expiresInSeconds;
    path = 'review.expiresInSeconds';
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
      throw invalidExpiry(path, 'expiresInSeconds must be a positive integer');
    }
    expiresMs = nowMs + seconds * 1000;
  } else if (input.expiresAt !== undefined && input.expiresAt !== null) {
    const raw: unknown = input.expiresAt;
    path = 'review.expiresAt';
    const parsed = typeof raw === 'string' ? new Date(raw).getTime() : Number.NaN;
    if (Number.isNaN(parsed)) {
      throw invalidExpiry(path, 'expiresAt must be a valid ISO date string');
    }
    expiresMs = parsed;
  } else {
    return new Date(nowMs + DEFAULT_REVIEW_DURATION_SECONDS * 1000);
  }

  const latestMs = nowMs + MAX_REVIEW_DURATION_SECONDS * 1000;
  if (expiresMs > latestMs) expiresMs = latestMs;
  // Truncate to whole milliseconds first, as `Date` does, so "in the future" is judged on the stored value.
  expiresMs = Math.trunc(expiresMs);
  if (expiresMs <= nowMs) {
    throw invalidExpiry(path, 'Review expiration must be in the future');
  }
  return new Date(expiresMs);
}
