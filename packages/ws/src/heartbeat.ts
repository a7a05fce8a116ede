import type { Clock, TimerHandle } from '@placet/core/adapter';

/**
 * Pings every `intervalMs`; if no pong arrived since the previous ping, the peer is dead and `onDead`
 * runs. Timers run on the injected clock, so tests drive them without sleeping.
 */
export class Heartbeat {
  #timer: TimerHandle | undefined;
  #alive = true;
  #stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly ping: () => void,
    private readonly onDead: () => void,
  ) {
    this.#schedule();
  }

  /** The peer answered (a pong, or any frame). */
  alive(): void {
    this.#alive = true;
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.clock.clearTimer(this.#timer);
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = this.clock.setTimer(() => {
      if (this.#stopped) return;
      if (!this.#alive) {
        this.stop();
        this.onDead();
        return;
      }
      this.#alive = false;
      this.ping();
      this.#schedule();
    }, this.intervalMs);
  }
}
