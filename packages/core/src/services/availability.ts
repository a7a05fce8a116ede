import { describeCause, isServiceUnavailable } from '../errors/unavailable.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';

/** Probing a store that went away: first after this long, doubling up to `MAX_PROBE_MS`. */
const FIRST_PROBE_MS = 250;
const MAX_PROBE_MS = 5_000;

/**
 * Whether the store can be reached, as the engine saw it last. Every store call that fails with
 * `SERVICE_UNAVAILABLE` reports here (see `observeStore`); the first one turns the state to "down" and
 * logs one line; from then on the store is probed (`ping()`, else `events.lastSeq()`) with backoff, and
 * the first probe that answers turns it "up" again with one more line. Requests that fail meanwhile log
 * nothing: the outage is one event, not a stack per request. Only a probe (or a readiness check) turns the
 * state back up, so calls that happen to succeed during a flapping outage do not make it flicker.
 */
export class Availability {
  #down: { since: Date; cause: string } | undefined;
  #probe: TimerHandle | undefined;
  #probeMs = FIRST_PROBE_MS;
  #stopped = false;
  readonly #listeners = new Set<(available: boolean) => void>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** False from the first unavailability until a probe answers again. */
  get available(): boolean {
    return this.#down === undefined;
  }

  /** When the store went away (undefined while it is available). */
  get downSince(): Date | undefined {
    return this.#down?.since;
  }

  /**
   * Reports a failure: returns true (and, on the first one, logs and starts probing) when it says the
   * store is unreachable; false for any other error, which the caller handles as before.
   */
  reportFailure(error: unknown): boolean {
    if (!isServiceUnavailable(error)) return false;
    if (this.#down || this.#stopped) return true;
    this.#down = { since: this.clock.now(), cause: describeCause(error) };
    this.logger.error('store unavailable: requests answer 503 until it is back', {
      error: this.#down.cause,
    });
    this.#probeMs = FIRST_PROBE_MS;
    this.#scheduleProbe();
    for (const listener of [...this.#listeners]) this.#notify(listener, false);
    return true;
  }

  /** Reports that the store answered a probe or a readiness check. */
  reportAvailable(): void {
    const down = this.#down;
    if (!down) return;
    this.#down = undefined;
    if (this.#probe) this.clock.clearTimer(this.#probe);
    this.#probe = undefined;
    this.logger.info('store available again', {
      downForMs: this.clock.now().getTime() - down.since.getTime(),
    });
    for (const listener of [...this.#listeners]) this.#notify(listener, true);
  }

  /** One round trip to the store now: resolves, or rejects with what the store threw. */
  async ping(): Promise<void> {
    if (this.store.ping) await this.store.ping();
    else await this.store.events.lastSeq();
  }

  /** Called on every change (`false`: went away, `true`: back). Returns the unsubscribe function. */
  onChange(listener: (available: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#probe) this.clock.clearTimer(this.#probe);
    this.#probe = undefined;
    this.#listeners.clear();
  }

  #scheduleProbe(): void {
    if (this.#stopped || this.#probe) return;
    this.#probe = this.clock.setTimer(() => {
      this.#probe = undefined;
      if (!this.#down || this.#stopped) return;
      this.ping().then(
        () => this.reportAvailable(),
        (error: unknown) => {
          // Still away (or failing otherwise, which readiness reports): probe again, less often.
          if (!isServiceUnavailable(error)) this.logger.debug('store probe failed', { error: String(error) });
          this.#probeMs = Math.min(MAX_PROBE_MS, this.#probeMs * 2);
          this.#scheduleProbe();
        },
      );
    }, this.#probeMs);
  }

  #notify(listener: (available: boolean) => void, available: boolean): void {
    try {
      listener(available);
    } catch (error) {
      this.logger.error('availability listener failed', { error: String(error) });
    }
  }
}
