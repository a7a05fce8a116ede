import type { Clock, TimerHandle } from '@placet/core/adapter';

interface PendingTimer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
}

/** Macrotask turns awaited after each fired timer, so that async work it started can settle. */
const SETTLE_TURNS = 5;
/** Guards `advance`/`runAll` against a timer that keeps re-arming itself with a zero delay. */
const MAX_FIRINGS = 100_000;

function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function settleTurns(): Promise<void> {
  for (let i = 0; i < SETTLE_TURNS; i++) await macrotask();
}

/**
 * A manually driven {@link Clock}: time only moves when a test calls {@link FakeClock.advance},
 * {@link FakeClock.runAll} or {@link FakeClock.set}, so expiry, sweeps and retries are tested without
 * sleeping. Timers fire in due-time order (ties in creation order), each with `now()` equal to its due
 * time, and a few macrotask turns are awaited after each so that async work triggered by a timer can
 * settle and arm new timers — which fire too when they fall due within the same window.
 *
 * A timer callback that throws makes `advance`/`runAll` reject with that error.
 */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  readonly #timers = new Map<number, PendingTimer>();

  constructor(start: Date = new Date('2026-01-01T00:00:00Z')) {
    const ms = start.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('FakeClock: invalid start date');
    this.#now = ms;
  }

  now(): Date {
    return new Date(this.#now);
  }

  setTimer(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const id = this.#nextId++;
    this.#timers.set(id, { id, due: this.#now + delay, fn });
    return { id };
  }

  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle.id);
  }

  /** Number of timers armed and not yet fired or cleared. */
  pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way — including timers armed
   * by the fired ones (or by async work they started) that fall due within the window.
   */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`FakeClock.advance: invalid duration ${ms}`);
    const target = this.#now + ms;
    await settleTurns();
    let firings = 0;
    for (;;) {
      const next = this.#earliest(target);
      if (next === undefined) {
        if (this.#now >= target) break;
        // Reach the end of the window, then give async work one more chance to arm timers due by then.
        this.#now = target;
        await settleTurns();
        continue;
      }
      if (++firings > MAX_FIRINGS)
        throw new Error('FakeClock.advance: too many timer firings (a timer loop?)');
      await this.#fire(next);
    }
  }

  /** Fires every pending timer (and those they arm) in order, moving time to each one's due time. */
  async runAll(): Promise<void> {
    await settleTurns();
    let firings = 0;
    for (;;) {
      const next = this.#earliest(Number.POSITIVE_INFINITY);
      if (next === undefined) break;
      if (++firings > MAX_FIRINGS)
        throw new Error('FakeClock.runAll: too many timer firings (a timer loop?)');
      await this.#fire(next);
    }
  }

  /**
   * Jumps to `date` without firing timers (call `advance(0)` to fire those now due). Time never goes
   * backwards: an earlier date throws a `RangeError`.
   */
  set(date: Date): void {
    const ms = date.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('FakeClock.set: invalid date');
    if (ms < this.#now) {
      throw new RangeError(
        `FakeClock.set: time never goes backwards (${date.toISOString()} < ${new Date(this.#now).toISOString()})`,
      );
    }
    this.#now = ms;
  }

  #earliest(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.due > limit) continue;
      // Map iteration follows insertion (= creation) order, so `<` keeps the first of equal due times.
      if (best === undefined || timer.due < best.due) best = timer;
    }
    return best;
  }

  async #fire(timer: PendingTimer): Promise<void> {
    this.#timers.delete(timer.id);
    if (timer.due > this.#now) this.#now = timer.due;
    timer.fn();
    await settleTurns();
  }
}
