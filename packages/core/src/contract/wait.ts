import { z } from 'zod';
import { Id } from './common.js';
import { Message } from './message.js';

/** Wait used when `timeout` is absent or unusable, in milliseconds. */
export const DEFAULT_WAIT_TIMEOUT_MS = 30_000;
/** Longest single long-poll, in milliseconds; larger values are capped, as in the original. */
export const MAX_WAIT_TIMEOUT_MS = 30_000;
/**
 * Shortest single long-poll, in milliseconds: smaller positive values are raised to it, so that a loop
 * of `timeout=1` calls cannot turn the long-poll into a busy poll (the original has no floor).
 */
export const MIN_WAIT_TIMEOUT_MS = 1_000;

/**
 * `timeout` of `GET /api/v1/reviews/:id/wait`, in milliseconds, lenient like the original: it never gives
 * a 400. Absent, non-numeric, NaN or non-positive values become 30000; larger values are capped at 30000;
 * the rest are floored to whole milliseconds (a value that floors to 0, such as `0.5`, is treated like
 * `0`) and raised to at least 1000.
 */
const WaitTimeout = z
  .unknown()
  .optional()
  .transform((value): number => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : NaN;
    if (Number.isNaN(n)) return DEFAULT_WAIT_TIMEOUT_MS;
    const ms = Math.floor(Math.min(n, MAX_WAIT_TIMEOUT_MS));
    return ms < 1 ? DEFAULT_WAIT_TIMEOUT_MS : Math.max(ms, MIN_WAIT_TIMEOUT_MS);
  });

/** Query of `GET /api/v1/reviews/:id/wait`. */
export const WaitQuery = z.object({
  channel: Id,
  timeout: WaitTimeout,
});
export type WaitQuery = z.output<typeof WaitQuery>;
export type WaitQueryInput = z.input<typeof WaitQuery>;

export const WaitStatus = z.enum(['completed', 'expired', 'timeout']);
export type WaitStatus = z.infer<typeof WaitStatus>;

/** Long-poll result: `message` is present for `completed` and `expired`, absent for `timeout`. */
export const WaitResult = z.object({
  status: WaitStatus,
  message: Message.optional(),
});
export type WaitResult = z.infer<typeof WaitResult>;
