import { inject, injectable } from 'tsyringe';
import type { EventRecord } from '../domain/records.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import { EventHub } from './event-hub.js';

export type SleepOutcome = 'woken' | 'timeout' | 'aborted';

export interface SleepOptions {
  clock: Clock;
  timeoutMs: number;
  signal?: AbortSignal;
  /** When the review expires before the timeout, `onExpiryDue` runs then (its event wakes the waiter). */
  expiresInMs?: number;
  onExpiryDue?: () => void;
}

export interface Waiter {
  sleep(options: SleepOptions): Promise<SleepOutcome>;
  release(): void;
  /** The event that woke the waiter (after `sleep` answered `woken`). */
  readonly event: EventRecord | undefined;
}

const WAKING_EVENTS = new Set(['review:responded', 'review:expired', 'message:deleted']);

/**
 * Long-poll waiters, keyed by message id, woken by outbox events (which the transport signals, also
 * across processes). Registering and sleeping cost no store reads.
 */
@injectable()
export class Waiters {
  readonly #bySubject = new Map<string, Set<(event?: EventRecord) => void>>();
  #count = 0;

  constructor(@inject(EventHub) hub: EventHub) {
    hub.onEvent((event) => {
      if (event.subjectId === null || !WAKING_EVENTS.has(event.type)) return;
      const wakers = this.#bySubject.get(event.subjectId);
      if (wakers) for (const wake of [...wakers]) wake(event);
    });
  }

  count(): number {
    return this.#count;
  }

  /** Releases every waiter (shutdown): they answer `timeout` at once, without touching the store. */
  releaseAll(): void {
    for (const wakers of this.#bySubject.values()) for (const wake of [...wakers]) wake();
  }

  register(subjectId: string): Waiter {
    let woken = false;
    let wokenBy: EventRecord | undefined;
    let resolveSleep: ((outcome: SleepOutcome) => void) | undefined;
    let released = false;
    // Woken by an event; without one, released (shutdown).
    const wake = (event?: EventRecord) => {
      if (!event) {
        released = true;
        resolveSleep?.('timeout');
        return;
      }
      woken = true;
      wokenBy ??= event;
      resolveSleep?.('woken');
    };
    const set = this.#bySubject.get(subjectId) ?? new Set();
    set.add(wake);
    this.#bySubject.set(subjectId, set);
    this.#count++;
    let done = false;

    return {
      get event() {
        return wokenBy;
      },
      sleep: ({ clock, timeoutMs, signal, expiresInMs, onExpiryDue }) =>
        new Promise<SleepOutcome>((resolve) => {
          if (released) return resolve('timeout');
          if (woken) return resolve('woken');
          if (signal?.aborted) return resolve('aborted');
          const timers: TimerHandle[] = [];
          const finish = (outcome: SleepOutcome) => {
            resolveSleep = undefined;
            for (const timer of timers) clock.clearTimer(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve(outcome);
          };
          const onAbort = () => finish('aborted');
          resolveSleep = (outcome) => finish(outcome);
          // The timeout timer keeps the process alive while the wait is pending (like `timers/promises`):
          // a script that only awaits a wait must not exit before it settles. `finish` clears it.
          timers.push(clock.setTimer(() => finish('timeout'), timeoutMs, { keepAlive: true }));
          if (onExpiryDue && expiresInMs !== undefined && expiresInMs < timeoutMs) {
            timers.push(clock.setTimer(onExpiryDue, Math.max(0, expiresInMs)));
          }
          signal?.addEventListener('abort', onAbort, { once: true });
        }),
      release: () => {
        if (done) return;
        done = true;
        this.#count--;
        set.delete(wake);
        if (set.size === 0 && this.#bySubject.get(subjectId) === set) this.#bySubject.delete(subjectId);
      },
    };
  }
}
