export type TimerHandle = { readonly id: number };

/** How a timer treats the process it runs in. */
export interface TimerOptions {
  /**
   * Keep the process alive while this timer is pending, like a plain `setTimeout` or `timers/promises`
   * (a pending `reviews.wait()` does, so a script that only awaits it does not exit early). Default
   * `false`: background timers (sweeps, retries) never keep a process alive.
   */
  keepAlive?: boolean;
}

/**
 * Time and timers, injected so that expiry, sweeps and retries are testable without sleeping
 * (`FakeClock` in `@placet/test-utils`).
 *
 * Contract: `setTimer(fn, ms)` MUST call `fn` once, asynchronously, no earlier than `now() + ms` in this
 * clock's time; `clearTimer` MUST prevent a pending call; `now()` MUST never go backwards. A clock on real
 * time MUST NOT let a pending timer keep the process alive unless it was set with `keepAlive: true`, and
 * then MUST keep it alive until the timer fires or is cleared (a manual clock may ignore the option).
 */
export interface Clock {
  now(): Date;
  setTimer(fn: () => void, ms: number, options?: TimerOptions): TimerHandle;
  clearTimer(handle: TimerHandle): void;
}
