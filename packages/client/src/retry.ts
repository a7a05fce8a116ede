/** How the client retries requests that failed for a reason that may pass (no answer, 429, 502/503/504). */
export interface RetryOptions {
  /**
   * Tries of one request before its error is thrown (default 4: the first and three retries). The wait
   * loop of `ask()` and `reviews.wait()` never gives up on a transient failure: it is bounded by the
   * review's expiry and your `signal`.
   */
  attempts?: number;
  /** The first backoff, doubled at each retry with full jitter (default 250 ms). */
  minDelayMs?: number;
  /** The longest backoff, and the most a `Retry-After` is honoured for (default 30 000 ms). */
  maxDelayMs?: number;
  /** Called before each retry: log it, count it. */
  onRetry?: (info: RetryInfo) => void;
  /**
   * Waits `ms` unless `signal` aborts first (then rejects with its reason). Default: a timer. Tests and
   * hosts with their own scheduler pass another.
   */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

export interface RetryInfo {
  /** `METHOD /path` of the request. */
  request: string;
  /** The retry about to happen, from 1. */
  attempt: number;
  /** How long the client waits first: the server's `Retry-After` when it sent one, else the backoff. */
  delayMs: number;
  /** The failure: `NETWORK_ERROR`, `SERVICE_UNAVAILABLE`, `RATE_LIMITED`, `BAD_GATEWAY`, … */
  code: string;
  status: number;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly onRetry: ((info: RetryInfo) => void) | undefined;
  readonly sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const positive = (value: number | undefined, fallback: number) =>
    value !== undefined && Number.isFinite(value) && value >= 0 ? value : fallback;
  return Object.freeze({
    attempts: Math.max(1, Math.floor(positive(options.attempts, 4))),
    minDelayMs: positive(options.minDelayMs, 250),
    maxDelayMs: positive(options.maxDelayMs, 30_000),
    onRetry: options.onRetry,
    sleep: options.sleep ?? sleep,
  });
}

/** The wait before retry `attempt` (from 1): `Retry-After` when given, else exponential backoff with full jitter. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterSeconds?: number): number {
  if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds * 1000, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.minDelayMs * 2 ** Math.min(attempt - 1, 20));
  return Math.max(policy.minDelayMs / 2, Math.random() * ceiling);
}

/** `Retry-After` in seconds: a delay, or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** Waits `ms`, or rejects with `signal.reason` as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
