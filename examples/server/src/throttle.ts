/**
 * The example server's credential throttles: bounded in memory (least recently used keys are dropped
 * first) and swept on a timer, never on the request path.
 */

/** A Map that keeps at most `maxKeys` entries, dropping the least recently used. */
export class LruMap<V> {
  readonly #map = new Map<string, V>();

  constructor(readonly maxKeys: number) {}

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.maxKeys) this.#map.delete(this.#map.keys().next().value as string);
  }

  delete(key: string): void {
    this.#map.delete(key);
  }

  /** Drops every entry for which `expired` is true. */
  sweep(expired: (value: V) => boolean): void {
    for (const [key, value] of this.#map) if (expired(value)) this.#map.delete(key);
  }
}

/** At most `limit` attempts per key in a fixed window; then the seconds to wait. */
export class AttemptLimiter {
  readonly #windows: LruMap<{ start: number; count: number }>;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    maxKeys = 10_000,
  ) {
    this.#windows = new LruMap(maxKeys);
  }

  get size(): number {
    return this.#windows.size;
  }

  /** Counts an attempt; returns 0 when it is allowed, else the seconds until the window ends. */
  hit(key: string, now = Date.now()): number {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.#windows.set(key, w);
    }
    w.count++;
    return w.count > this.limit ? Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000)) : 0;
  }

  sweep(now = Date.now()): void {
    this.#windows.sweep((w) => now - w.start >= this.windowMs);
  }
}

/**
 * A progressive delay per account instead of a lock-out: the first `free` failures cost nothing, then
 * each attempt waits 1 s, 2 s, 4 s … up to `maxDelayMs`. Attempts still in flight count as failures when
 * the next one arrives, so parallel guesses are delayed too. A success clears the account; failures are
 * forgotten `forgetAfterMs` after the last one. Anyone can slow an account's sign-in down, nobody can
 * lock its owner out.
 */
export class ProgressiveDelay {
  readonly #accounts: LruMap<{ failures: number; inFlight: number; last: number }>;

  constructor(
    readonly free = 10,
    readonly maxDelayMs = 15_000,
    readonly forgetAfterMs = 15 * 60_000,
    maxKeys = 10_000,
  ) {
    this.#accounts = new LruMap(maxKeys);
  }

  /** Registers an attempt; returns how long it must wait, and `done(ok)` to call with its outcome. */
  begin(key: string, now = Date.now()): { delayMs: number; done: (ok: boolean) => void } {
    let a = this.#accounts.get(key);
    if (!a || (a.inFlight === 0 && now - a.last >= this.forgetAfterMs)) {
      a = { failures: 0, inFlight: 0, last: now };
      this.#accounts.set(key, a);
    }
    const over = a.failures + a.inFlight - this.free;
    const delayMs = over < 0 ? 0 : Math.min(this.maxDelayMs, 1000 * 2 ** over);
    a.inFlight++;
    a.last = now;
    const account = a;
    let finished = false;
    return {
      delayMs,
      done: (ok) => {
        if (finished) return;
        finished = true;
        account.inFlight--;
        if (ok) account.failures = 0;
        else account.failures++;
      },
    };
  }

  sweep(now = Date.now()): void {
    this.#accounts.sweep((a) => a.inFlight === 0 && now - a.last >= this.forgetAfterMs);
  }
}
