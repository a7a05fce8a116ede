import { describe, expect, it } from 'vitest';
import { isPlacetError, type PlacetError } from '../errors/placet-error.js';
import {
  DEFAULT_REVIEW_DURATION_SECONDS,
  MAX_REVIEW_DURATION_SECONDS,
  resolveReviewExpiry,
} from './review-expiry.js';

const now = new Date('2025-03-01T12:00:00.000Z');
const HOUR = 3_600_000;
const after = (ms: number) => new Date(now.getTime() + ms);

function failure(fn: () => unknown): PlacetError {
  try {
    fn();
  } catch (error) {
    if (isPlacetError(error)) return error;
    throw error;
  }
  throw new Error('expected resolveReviewExpiry to throw');
}

describe('resolveReviewExpiry', () => {
  it('exports the original durations', () => {
    expect(DEFAULT_REVIEW_DURATION_SECONDS).toBe(86_400);
    expect(MAX_REVIEW_DURATION_SECONDS).toBe(129_600);
  });

  it('defaults to 24 hours when nothing is given', () => {
    expect(resolveReviewExpiry({}, now)).toEqual(after(24 * HOUR));
    expect(resolveReviewExpiry({ expiresInSeconds: undefined, expiresAt: null }, now)).toEqual(
      after(24 * HOUR),
    );
  });

  it('uses expiresInSeconds, which beats expiresAt', () => {
    expect(resolveReviewExpiry({ expiresInSeconds: 3600 }, now)).toEqual(after(HOUR));
    const both = { expiresInSeconds: 60, expiresAt: after(2 * HOUR).toISOString() };
    expect(resolveReviewExpiry(both, now)).toEqual(after(60_000));
  });

  it('reports a bad expiresInSeconds even when expiresAt is valid', () => {
    const err = failure(() =>
      resolveReviewExpiry({ expiresInSeconds: 0, expiresAt: after(HOUR).toISOString() }, now),
    );
    expect(err.message).toBe('expiresInSeconds must be a positive integer');
  });

  it('uses expiresAt when expiresInSeconds is absent', () => {
    expect(resolveReviewExpiry({ expiresAt: '2025-03-01T15:30:00.000Z' }, now)).toEqual(
      new Date('2025-03-01T15:30:00.000Z'),
    );
    expect(resolveReviewExpiry({ expiresAt: '2025-03-01T14:00:00+01:00' }, now)).toEqual(after(HOUR));
  });

  it('clamps anything beyond 36 hours to now + 36 hours', () => {
    expect(resolveReviewExpiry({ expiresInSeconds: 36 * 3600 + 1 }, now)).toEqual(after(36 * HOUR));
    expect(resolveReviewExpiry({ expiresInSeconds: 1e300 }, now)).toEqual(after(36 * HOUR));
    expect(resolveReviewExpiry({ expiresAt: '2030-01-01T00:00:00Z' }, now)).toEqual(after(36 * HOUR));
    expect(resolveReviewExpiry({ expiresInSeconds: 36 * 3600 }, now)).toEqual(after(36 * HOUR));
  });

  it.each([0, -5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'rejects expiresInSeconds %s with INVALID_EXPIRY',
    (expiresInSeconds) => {
      const err = failure(() => resolveReviewExpiry({ expiresInSeconds }, now));
      expect(err.code).toBe('INVALID_EXPIRY');
      expect(err.status).toBe(400);
      expect(err.message).toBe('expiresInSeconds must be a positive integer');
      expect(err.issues).toEqual([
        { path: 'review.expiresInSeconds', message: 'expiresInSeconds must be a positive integer' },
      ]);
    },
  );

  it('accepts fractional positive seconds', () => {
    expect(resolveReviewExpiry({ expiresInSeconds: 1.5 }, now)).toEqual(after(1500));
  });

  it.each(['tomorrow', '', '2025-13-45T00:00:00Z'])('rejects the unparseable expiresAt %j', (expiresAt) => {
    const err = failure(() => resolveReviewExpiry({ expiresAt }, now));
    expect(err.code).toBe('INVALID_EXPIRY');
    expect(err.status).toBe(400);
    expect(err.message).toBe('expiresAt must be a valid ISO date string');
    expect(err.issues?.[0]?.path).toBe('review.expiresAt');
  });

  it('rejects expiries that are not in the future', () => {
    for (const expiresAt of [now.toISOString(), '2025-03-01T11:59:59.999Z', '2020-01-01T00:00:00Z']) {
      const err = failure(() => resolveReviewExpiry({ expiresAt }, now));
      expect(err.code).toBe('INVALID_EXPIRY');
      expect(err.message).toBe('Review expiration must be in the future');
      expect(err.issues?.[0]?.path).toBe('review.expiresAt');
    }
    // Less than one millisecond away is "now" once stored.
    const err = failure(() => resolveReviewExpiry({ expiresInSeconds: 0.0001 }, now));
    expect(err.message).toBe('Review expiration must be in the future');
  });

  it('accepts an expiry one millisecond in the future', () => {
    expect(resolveReviewExpiry({ expiresAt: '2025-03-01T12:00:00.001Z' }, now)).toEqual(after(1));
  });
});
