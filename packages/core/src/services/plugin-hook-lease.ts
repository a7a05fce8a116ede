import type { Clock, TimerHandle } from '../ports/clock.js';
import type { KeyValueRepository } from '../ports/store.js';

export interface HookLeaseOptions {
  kv: KeyValueRepository;
  clock: Clock;
  namespace: string;
  key: string;
  /** Who holds it (a Placet instance's id). */
  owner: string;
  leaseMs: number;
}

/**
 * A claim on one plugin's hooks among processes sharing a store, made of the kv repository's atomic
 * `insertIfAbsent` with an expiry: of N processes one gets it, and another may take it once it has run
 * out (its holder died). It is renewed while a hook runs. It is not a fence: a holder stalled past
 * `leaseMs` may still finish a hook another process has started too (hooks run at least once).
 */
export class HookLease {
  #until = 0;
  /** Set by the runner's stop(): a hook still running after it no longer keeps the plugin's claim. */
  #stopped = false;

  /** Stops renewing: the lease runs out, and another process may take the plugin's hooks over. */
  stop(): void {
    this.#stopped = true;
  }

  constructor(
    private readonly options: HookLeaseOptions,
    /** Called when another process holds the lease, with how long until it runs out. */
    private readonly onBusy: (retryInMs: number) => void,
  ) {}

  /** Takes the lease (or renews this process's own); false when another process holds it. */
  async acquire(): Promise<boolean> {
    const { kv, clock, namespace, key, owner, leaseMs } = this.options;
    for (let tries = 0; tries < 2; tries++) {
      const now = clock.now();
      const until = new Date(now.getTime() + leaseMs);
      if (await kv.insertIfAbsent({ namespace, key, value: { owner }, expiresAt: until }, now)) {
        this.#until = until.getTime();
        return true;
      }
      const held = await kv.get(namespace, key, now);
      if (held === undefined) continue; // It ran out in between: try again.
      if ((held.value as { owner?: unknown } | null)?.owner === owner) {
        await this.#write();
        return true;
      }
      const expiresAt = held.expiresAt?.getTime() ?? now.getTime() + leaseMs;
      this.onBusy(Math.max(0, expiresAt - now.getTime()) + 1);
      return false;
    }
    return false;
  }

  /** True while this process holds the lease; renews it once half of it is used up. */
  async hold(): Promise<boolean> {
    const { clock, leaseMs } = this.options;
    if (this.#until - clock.now().getTime() >= leaseMs / 2) return true;
    return this.acquire();
  }

  /** Runs `fn`, renewing the lease every third of `leaseMs` while it runs (a slow hook keeps its claim). */
  async during(fn: () => Promise<unknown>): Promise<void> {
    const { clock, leaseMs } = this.options;
    let timer: TimerHandle | undefined;
    const renewLater = () => {
      if (this.#stopped) return;
      timer = clock.setTimer(
        () => {
          if (this.#stopped) return;
          void this.#write().catch(() => {});
          renewLater();
        },
        Math.max(1, Math.floor(leaseMs / 3)),
      );
    };
    renewLater();
    try {
      await fn();
    } finally {
      if (timer) clock.clearTimer(timer);
    }
  }

  /** Gives the lease back, if this process still holds it. */
  async release(): Promise<void> {
    const { kv, clock, namespace, key, owner } = this.options;
    this.#until = 0;
    const held = await kv.get(namespace, key, clock.now());
    if ((held?.value as { owner?: unknown } | undefined)?.owner === owner) await kv.delete(namespace, key);
  }

  async #write(): Promise<void> {
    const { kv, clock, namespace, key, owner, leaseMs } = this.options;
    const until = new Date(clock.now().getTime() + leaseMs);
    await kv.set({ namespace, key, value: { owner }, expiresAt: until });
    this.#until = until.getTime();
  }
}
