import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WAIT_TIMEOUT_MS,
  MAX_WAIT_TIMEOUT_MS,
  MIN_WAIT_TIMEOUT_MS,
  WaitQuery,
  WaitResult,
} from './wait.js';

describe('WaitQuery', () => {
  const timeoutOf = (timeout: unknown) => {
    const result = WaitQuery.safeParse(
      timeout === undefined ? { channel: 'ch_1' } : { channel: 'ch_1', timeout },
    );
    expect(result.success).toBe(true);
    return result.data?.timeout;
  };

  it('exports the original limits', () => {
    expect(DEFAULT_WAIT_TIMEOUT_MS).toBe(30_000);
    expect(MAX_WAIT_TIMEOUT_MS).toBe(30_000);
    expect(MIN_WAIT_TIMEOUT_MS).toBe(1_000);
  });

  it.each([
    ['absent', undefined, 30_000],
    ['non-numeric', 'abc', 30_000],
    ['negative', '-5', 30_000],
    ['zero', '0', 30_000],
    ['fractional', '1500.7', 1500],
    ['above the cap', '120000', 30_000],
    ['a number above the cap', 45_000, 30_000],
    ['a number', 2500, 2500],
    ['empty', '', 30_000],
    ['NaN', Number.NaN, 30_000],
    ['below one millisecond', '0.5', 30_000],
    ['repeated', ['1000', '2000'], 30_000],
    ['exactly the cap', '30000', 30_000],
    ['one millisecond (raised to the floor)', '1', 1_000],
    ['a number below the floor', 999, 1_000],
    ['a fraction above one millisecond', '1.9', 1_000],
    ['exactly the floor', '1000', 1_000],
  ])('turns a %s timeout into a usable value, never a 400', (_label, timeout, expected) => {
    expect(timeoutOf(timeout)).toBe(expected);
  });

  it('still requires channel', () => {
    const result = WaitQuery.safeParse({ timeout: '1000' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['channel']);
  });
});

describe('WaitResult', () => {
  it('accepts a timeout without a message and rejects unknown states', () => {
    expect(WaitResult.safeParse({ status: 'timeout' }).success).toBe(true);
    expect(WaitResult.safeParse({ status: 'pending' }).success).toBe(false);
  });
});
