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
 * across processes). Registering and sleeping cost no store reads. Thousands sleep at once, so a waiter
 * is one object (no closures but its timer's), and a message with one waiter keeps no set.
 */
@injectable()
export class Waiters {
  readonly #bySubject = new Map<string, PendingWait | Set<PendingWait>>();
  #count = 0;

  constructor(@inject(EventHub) hub: EventHub) {
    hub.onEvent((event) => {
      if (event.subjectId === null || !WAKING_EVENTS.has(event.type)) return;
      this.#each(event.subjectId, (waiter) => waiter.wake(event));
    });
  }

  count(): number {
    return this.#count;
  }

  /** Releases every waiter (shutdown): they answer `timeout` at once, without touching the store. */
  releaseAll(): void {
    for (const subjectId of [...this.#bySubject.keys()]) this.#each(subjectId, (waiter) => waiter.wake());
  }

  register(subjectId: string): Waiter {
    const waiter = new PendingWait(subjectId, this.#remove);
    const slot = this.#bySubject.get(subjectId);
    if (slot === undefined) this.#bySubject.set(subjectId, waiter);
    else if (slot instanceof Set) slot.add(waiter);
    else this.#bySubject.set(subjectId, new Set([slot, waiter]));
    this.#count++;
    return waiter;
  }

  #each(subjectId: string, visit: (waiter: PendingWait) => void): void {
    const slot = this.#bySubject.get(subjectId);
    if (slot instanceof Set) for (const waiter of [...slot]) visit(waiter);
    else if (slot) visit(slot);
  }

  readonly #remove = (waiter: PendingWait): void => {
    this.#count--;
    const slot = this.#bySubject.get(waiter.subjectId);
    if (slot === waiter) this.#bySubject.delete(waiter.subjectId);
    else if (slot instanceof Set) {
      slot.delete(waiter);
      if (slot.size === 0) this.#bySubject.delete(waiter.subjectId);
    }
  };
}

/** One registered waiter: woken by an event, released at shutdown, or left to its sleep's timers. */
class PendingWait implements Waiter {
  event: EventRecord | undefined;
  #state: 'waiting' | 'woken' | 'released' = 'waiting';
  #done = false;
  /** The current sleep's: how it ends, and what it holds until then. */
  #resolve: ((outcome: SleepOutcome) => void) | undefined;
  #clock: Clock | undefined;
  #timeout: TimerHandle | undefined;
  #expiry: TimerHandle | undefined;
  #signal: AbortSignal | undefined;

  constructor(
    readonly subjectId: string,
    private readonly remove: (waiter: PendingWait) => void,
  ) {}

  /** Woken by an event; without one, released (shutdown). */
  wake(event?: EventRecord): void {
    if (event) {
      if (this.#state === 'waiting') this.#state = 'woken'; // A release (shutdown) wins.
      this.event ??= event;
      this.#finish('woken');
    } else {
      this.#state = 'released';
      this.#finish('timeout');
    }
  }

  sleep({ clock, timeoutMs, signal, expiresInMs, onExpiryDue }: SleepOptions): Promise<SleepOutcome> {
    return new Promise<SleepOutcome>((resolve) => {
      if (this.#state === 'released') return resolve('timeout');
      if (this.#state === 'woken') return resolve('woken');
      if (signal?.aborted) return resolve('aborted');
      this.#resolve = resolve;
      this.#clock = clock;
      // The timeout timer keeps the process alive while the wait is pending (like `timers/promises`):
      // a script that only awaits a wait must not exit before it settles. `#finish` clears it.
      this.#timeout = clock.setTimer(() => this.#finish('timeout'), timeoutMs, { keepAlive: true });
      if (onExpiryDue && expiresInMs !== undefined && expiresInMs < timeoutMs) {
        this.#expiry = clock.setTimer(onExpiryDue, Math.max(0, expiresInMs));
      }
      if (signal) {
        this.#signal = signal;
        signal.addEventListener('abort', this, { once: true });
      }
    });
  }

  /** The abort signal's listener (an object listener: no closure per waiter). */
  handleEvent(): void {
    this.#finish('aborted');
  }

  release(): void {
    if (this.#done) return;
    this.#done = true;
    this.remove(this);
  }

  #finish(outcome: SleepOutcome): void {
    const resolve = this.#resolve;
    if (!resolve) return;
    this.#resolve = undefined;
    if (this.#timeout) this.#clock?.clearTimer(this.#timeout);
    if (this.#expiry) this.#clock?.clearTimer(this.#expiry);
    this.#signal?.removeEventListener('abort', this);
    this.#timeout = this.#expiry = this.#signal = this.#clock = undefined;
    resolve(outcome);
  }
}
