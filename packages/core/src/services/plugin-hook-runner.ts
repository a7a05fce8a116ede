import type { Message } from '../contract/message.js';
import { type EventRecord, INTERNAL_EVENT_TYPES } from '../domain/records.js';
import { isServiceUnavailable } from '../errors/unavailable.js';
import type { PlacetPlugin } from '../plugins/types.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import type { Availability } from './availability.js';
import type { EventHub } from './event-hub.js';
import { OUTBOX_FLOOR } from './event-hub.js';
import { type HookCall, hookCallsFor } from './plugin-hook-events.js';
import { HookLease } from './plugin-hook-lease.js';

/** Where the hook runners keep their state: `<plugin>/cursor`, `<plugin>/retry`, `<plugin>/lease`. */
export const PLUGIN_HOOKS_NAMESPACE = 'placet:plugin-hooks';

const PAGE = 200;
/** After a failed read of the store, look again after this long, doubling up to `STORE_RETRY_MAX_MS`. */
const STORE_RETRY_FIRST_MS = 250;
const STORE_RETRY_MAX_MS = 5_000;
/** How long `stop()` waits for a hook that is running (real time: a hung hook must not hang shutdown). */
const STOP_GRACE_MS = 5_000;

export interface HookRunnerSettings {
  /** Attempts of one hook for one event before it is given up (logged) and the runner moves on. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** Several processes: how long the process that claimed a plugin's hooks owns them without renewing. */
  leaseMs: number;
}

export interface HookRunnerDeps {
  store: Store;
  clock: Clock;
  logger: Logger;
  hub: EventHub;
  availability: Availability;
  settings: HookRunnerSettings;
  /** This Placet instance, as the lease's owner. */
  instanceId: string;
  loadMessage(messageId: string): Promise<Message | null>;
}

/** A hook of the head event that failed: when it may run again, and which hooks of it already ran. */
interface RetryState {
  seq: number;
  hook: string;
  attempts: number;
  notBefore: string;
  done: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: hooks are called with the event type that matches their name.
type AnyHook = (event: any, ctx: unknown) => unknown;

/**
 * Runs one plugin's after-commit hooks from the outbox. Its cursor (the last seq handled) is kept in the
 * store's kv, so a hook whose event committed before a crash runs after the restart: at least once.
 * Events run strictly in seq order; a hook that throws is retried with exponential backoff and the
 * plugin's later events wait for it (up to `maxAttempts`, then it is logged and given up). Woken by the
 * event hub, never by a timer, except for retries. With a store that several processes share, the runner
 * first claims the plugin's lease (`kv.insertIfAbsent`), so one process at a time runs its hooks.
 */
export class PluginHookRunner {
  #stopped = true;
  #running: Promise<void> | undefined;
  #again = false;
  #retry: TimerHandle | undefined;
  #storeRetryMs = STORE_RETRY_FIRST_MS;
  #cursor: number | undefined;
  #off: (() => void) | undefined;
  #offAvailability: (() => void) | undefined;
  readonly #multiProcess: boolean;
  readonly #lease: HookLease;

  constructor(
    private readonly plugin: PlacetPlugin,
    private readonly ctx: unknown,
    private readonly deps: HookRunnerDeps,
  ) {
    this.#multiProcess = deps.store.capabilities.multiProcess;
    this.#lease = new HookLease(
      {
        kv: deps.store.kv,
        clock: deps.clock,
        namespace: PLUGIN_HOOKS_NAMESPACE,
        key: this.#key('lease'),
        owner: deps.instanceId,
        leaseMs: deps.settings.leaseMs,
      },
      // Another process holds it, and may die: look again when its lease runs out.
      (ms) => {
        if (!this.#retry) this.#schedule(ms);
      },
    );
  }

  #key(name: 'cursor' | 'retry' | 'lease'): string {
    return `${this.plugin.name}/${name}`;
  }

  async start(): Promise<void> {
    const { store, clock, hub, availability } = this.deps;
    // The first start of this plugin on this store: its hooks run for what commits from now on.
    await store.kv.insertIfAbsent(
      {
        namespace: PLUGIN_HOOKS_NAMESPACE,
        key: this.#key('cursor'),
        value: await store.events.lastSeq(),
        expiresAt: null,
      },
      clock.now(),
    );
    this.#stopped = false;
    this.#off = hub.onEvent((event) => {
      if (this.#calls(event).length > 0) this.kick();
    });
    // The store is back: go on now rather than when the retry timer fires (a hook's backoff still holds:
    // its time is kept in the store and checked again).
    this.#offAvailability = availability.onChange((available) => {
      if (!available) return;
      if (this.#retry) this.deps.clock.clearTimer(this.#retry);
      this.#retry = undefined;
      this.kick();
    });
    this.kick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#lease.stop();
    this.#off?.();
    this.#offAvailability?.();
    if (this.#retry) this.deps.clock.clearTimer(this.#retry);
    this.#retry = undefined;
    const running = this.#running;
    if (!running) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const grace = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_GRACE_MS);
      timer.unref?.();
    });
    if ((await Promise.race([running, grace])) === 'late') {
      this.deps.logger.warn(
        'plugin hooks: a hook is still running at stop; it runs again after the restart',
        {
          plugin: this.plugin.name,
        },
      );
    }
    clearTimeout(timer);
  }

  /** Runs a round now (coalesced with one already running); a pending retry waits for its time. */
  kick(): void {
    if (this.#stopped || this.#retry) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#round()
      .then(() => {
        this.#storeRetryMs = STORE_RETRY_FIRST_MS;
      })
      .catch((error: unknown) => {
        if (!this.deps.availability.reportFailure(error)) {
          this.deps.logger.error('plugin hooks: a round failed', {
            plugin: this.plugin.name,
            error: String(error),
          });
        }
        this.#schedule(this.#storeRetryMs);
        this.#storeRetryMs = Math.min(STORE_RETRY_MAX_MS, this.#storeRetryMs * 2);
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  #calls(event: EventRecord): HookCall[] {
    if (INTERNAL_EVENT_TYPES.has(event.type)) return [];
    return hookCallsFor(event, this.plugin.hooks ?? {}, this.deps.loadMessage);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    if (this.#retry) this.deps.clock.clearTimer(this.#retry);
    this.#retry = this.deps.clock.setTimer(() => {
      this.#retry = undefined;
      this.kick();
    }, ms);
  }

  async #round(): Promise<void> {
    if (this.#multiProcess && !(await this.#lease.acquire())) return;
    try {
      const { store } = this.deps;
      let cursor = await this.#readCursor();
      let persisted = cursor;
      const retry = await this.#readRetry(cursor);
      for (let more = true; more && !this.#stopped; ) {
        const events = await store.events.after(cursor, PAGE);
        more = events.length === PAGE;
        for (const event of events) {
          if (this.#stopped) break;
          const calls = this.#calls(event);
          if (calls.length > 0) {
            if (!(await this.#run(event, calls, retry?.seq === event.seq ? retry : undefined))) {
              more = false;
              break;
            }
            if (!(await this.#writeCursor(event.seq))) {
              more = false;
              break;
            }
            persisted = event.seq;
            if (retry?.seq === event.seq) await store.kv.delete(PLUGIN_HOOKS_NAMESPACE, this.#key('retry'));
          }
          cursor = event.seq;
        }
      }
      if (cursor > persisted) await this.#writeCursor(cursor);
    } finally {
      if (this.#multiProcess) await this.#lease.release();
    }
  }

  /** Runs the hooks of one event; false when one failed and waits for a retry (scheduled). */
  async #run(event: EventRecord, calls: HookCall[], retry: RetryState | undefined): Promise<boolean> {
    const { clock, logger, settings, store } = this.deps;
    if (retry && Date.parse(retry.notBefore) > clock.now().getTime()) {
      this.#schedule(Date.parse(retry.notBefore) - clock.now().getTime());
      return false;
    }
    const done = new Set(retry?.done ?? []);
    for (const call of calls) {
      if (done.has(call.hook)) continue;
      const hook = this.plugin.hooks?.[call.hook] as AnyHook | undefined;
      if (!hook) continue;
      if (this.#multiProcess && !(await this.#lease.hold())) return false;
      try {
        const payload = await call.event();
        if (this.#multiProcess) await this.#lease.during(async () => hook(payload, this.ctx));
        else await hook(payload, this.ctx);
        done.add(call.hook);
      } catch (error) {
        // An unreachable store is an outage, not this hook's failure: it does not use up attempts. The
        // engine's store reports its own failures to the tracker; a SERVICE_UNAVAILABLE the hook itself
        // threw (an upstream 503) while the store answers is the hook's failure like any other.
        const outage = isServiceUnavailable(error) && !this.deps.availability.available;
        const attempts = (retry?.hook === call.hook ? retry.attempts : 0) + (outage ? 0 : 1);
        const fields = {
          plugin: this.plugin.name,
          hook: call.hook,
          seq: event.seq,
          messageId: event.subjectId,
          attempt: attempts,
          error: error instanceof Error ? error.message : String(error),
        };
        if (attempts >= settings.maxAttempts) {
          logger.error('plugin hook failed for the last time: given up, later events go on', fields);
          done.add(call.hook);
          continue;
        }
        const delay = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** Math.max(0, attempts - 1));
        if (!outage)
          logger.warn('plugin hook failed; later events of the plugin wait for its retry', {
            ...fields,
            retryInMs: delay,
          });
        const state: RetryState = {
          seq: event.seq,
          hook: call.hook,
          attempts,
          notBefore: new Date(clock.now().getTime() + delay).toISOString(),
          done: [...done],
        };
        await store.kv
          .set({ namespace: PLUGIN_HOOKS_NAMESPACE, key: this.#key('retry'), value: state, expiresAt: null })
          .catch(() => {});
        this.#schedule(delay);
        return false;
      }
    }
    return true;
  }

  async #readCursor(): Promise<number> {
    const { store, clock, logger } = this.deps;
    // One process owns the store: its own cursor is the truth. Several: another may have moved it.
    if (this.#cursor === undefined || this.#multiProcess) {
      const entry = await store.kv.get(PLUGIN_HOOKS_NAMESPACE, this.#key('cursor'), clock.now());
      this.#cursor = typeof entry?.value === 'number' ? entry.value : await store.events.lastSeq();
    }
    const floor = await store.kv.get(OUTBOX_FLOOR.namespace, OUTBOX_FLOOR.key, clock.now());
    if (typeof floor?.value === 'number' && floor.value > this.#cursor) {
      logger.error('plugin hooks: outbox retention deleted events before their hooks ran', {
        plugin: this.plugin.name,
        fromSeq: this.#cursor + 1,
        toSeq: floor.value,
      });
      this.#cursor = floor.value;
    }
    return this.#cursor;
  }

  /**
   * Moves the cursor to `seq`. With several processes, only while this one still holds the lease (one
   * that stalled past it has lost the plugin's hooks to another) and never backwards over another
   * process's progress; false when this process must stop its round.
   */
  async #writeCursor(seq: number): Promise<boolean> {
    const { store, clock } = this.deps;
    if (this.#multiProcess) {
      if (!(await this.#lease.hold())) return false;
      const current = await store.kv.get(PLUGIN_HOOKS_NAMESPACE, this.#key('cursor'), clock.now());
      if (typeof current?.value === 'number' && current.value >= seq) {
        this.#cursor = current.value;
        return true;
      }
    }
    await store.kv.set({
      namespace: PLUGIN_HOOKS_NAMESPACE,
      key: this.#key('cursor'),
      value: seq,
      expiresAt: null,
    });
    this.#cursor = seq;
    return true;
  }

  async #readRetry(cursor: number): Promise<RetryState | undefined> {
    const { store, clock } = this.deps;
    const entry = await store.kv.get(PLUGIN_HOOKS_NAMESPACE, this.#key('retry'), clock.now());
    const state = entry?.value as RetryState | undefined;
    return state && typeof state.seq === 'number' && state.seq > cursor ? state : undefined;
  }
}
