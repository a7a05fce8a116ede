export type TimerHandle = { readonly id: number };

/**
 * Time and timers, injected so that expiry, sweeps and retries are testable without sleeping
 * (`FakeClock` in `@placet/test-utils`).
 *
 * Contract: `setTimer(fn, ms)` MUST call `fn` once, asynchronously, no earlier than `now() + ms` in this
 * clock's time; `clearTimer` MUST prevent a pending call; `now()` MUST never go backwards.
 */
export interface Clock {
  now(): Date;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
