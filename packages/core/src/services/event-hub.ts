import { inject, injectable } from 'tsyringe';
import { OUTBOX_FLOOR } from '../domain/outbox-floor.js';
import type { EventRecord } from '../domain/records.js';
import type { Clock, TimerHandle } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import type { Transport } from '../ports/transport.js';
import { TOKENS } from '../tokens.js';
import { Availability } from './availability.js';

const PAGE = 500;
/** After a failed read of the outbox, the hub reads again after this long, doubling up to `RETRY_MAX_MS`. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

// Kept in its own module so that `@placet/core/adapter` can export it without loading the engine.
export { OUTBOX_FLOOR };

/** Why a replay could not be given: the client must reload its state, then continue live. */
export interface Resync {
  /**
   * `retention`: events after `fromSeq` were deleted (older than the outbox keeps); `ahead`: `fromSeq` is
   * beyond every committed event (the database was restored from a backup); `epoch`: the client's epoch
   * is not the outbox's (see `OutboxEpoch`); `unavailable`: the store failed during the replay.
   */
  reason: 'retention' | 'ahead' | 'epoch' | 'unavailable';
  /** The seq the client asked to resume from. */
  fromSeq: number;
  /** `retention`: events up to this seq may have been deleted. */
  floorSeq?: number;
  /** `ahead`: the highest committed seq. */
  lastSeq?: number;
}

export interface EventFilter {
  ownerId: string;
  channelIds?: readonly string[];
  /** Replay committed events with `seq > fromSeq` first, then continue live without duplicates. */
  fromSeq?: number;
  /**
   * Called instead of a replay when `fromSeq` is older than the outbox keeps (retention deleted events
   * after it): the subscription continues live from now, and the client must reload what it shows.
   */
  onResync?: (resync: Resync) => void;
}

export type EventListener = (event: EventRecord) => void;

interface Subscription {
  filter: EventFilter;
  channels: Set<string> | undefined;
  listener: EventListener;
  /** Highest seq delivered to this subscription. */
  position: number;
  /** While replaying, live events wait here. */
  buffer: EventRecord[] | undefined;
  /** The hub's cursor when the subscription was made: where "live" starts. */
  liveFrom: number;
  active: boolean;
}

/**
 * Reads the outbox when the transport signals new events — never on a timer — and dispatches each
 * event once, in seq order, to internal listeners (waiters, plugins' event streams) and subscriptions.
 */
@injectable()
export class EventHub {
  #cursor = 0;
  #target = 0;
  #draining: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  /** A read after a failed one, pending (the outbox could not be read: the store may be away). */
  #retry: TimerHandle | undefined;
  #retryMs = RETRY_FIRST_MS;
  #offAvailability: (() => void) | undefined;
  readonly #internal = new Set<EventListener>();
  readonly #subscriptions = new Set<Subscription>();

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Transport) private readonly transport: Transport,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(Availability) private readonly availability: Availability,
  ) {}

  /** The highest seq dispatched so far. */
  get cursor(): number {
    return this.#cursor;
  }

  async start(): Promise<void> {
    this.#cursor = await this.store.events.lastSeq();
    this.#target = this.#cursor;
    this.#unsubscribe = this.transport.subscribe((signal) => this.#onSignal(signal.seq));
    // The store is back: read what was committed meanwhile now, not when the retry timer fires.
    this.#offAvailability = this.availability.onChange((available) => {
      if (available && this.#retry) this.#retryNow();
    });
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#offAvailability?.();
    if (this.#retry) this.clock.clearTimer(this.#retry);
    this.#retry = undefined;
    await this.#draining;
    for (const sub of this.#subscriptions) sub.active = false;
    this.#subscriptions.clear();
    this.#internal.clear();
  }

  /**
   * Events this process just committed, handed over by the unit of work so that they need not be read
   * back: dispatched at once when they follow the last dispatched one without a gap (the common case in
   * one process). Otherwise — another writer's events in between, a read in progress, the store away —
   * they are ignored, and the transport's signal reads them from the outbox as before.
   */
  offer(events: readonly EventRecord[]): void {
    if (!this.#unsubscribe || this.#draining || this.#retry) return;
    let expected = this.#cursor + 1;
    for (const event of events) if (event.seq !== expected++) return;
    for (const event of events) {
      this.#cursor = event.seq;
      this.#dispatch(event);
    }
    if (this.#target < this.#cursor) this.#target = this.#cursor;
  }

  /** Engine-internal listener for every event (waiters, dispatchers). */
  onEvent(listener: EventListener): () => void {
    this.#internal.add(listener);
    return () => this.#internal.delete(listener);
  }

  /** Events of one owner (optionally some channels), from `fromSeq` or from now, in seq order. */
  subscribe(filter: EventFilter, listener: EventListener): () => void {
    const sub: Subscription = {
      filter,
      channels: filter.channelIds ? new Set(filter.channelIds) : undefined,
      listener,
      position: filter.fromSeq ?? this.#cursor,
      buffer: filter.fromSeq !== undefined && filter.fromSeq < this.#cursor ? [] : undefined,
      liveFrom: this.#cursor,
      active: true,
    };
    this.#subscriptions.add(sub);
    if (sub.buffer) void this.#replay(sub);
    return () => {
      sub.active = false;
      this.#subscriptions.delete(sub);
    };
  }

  #onSignal(seq: number): void {
    if (seq > this.#target) this.#target = seq;
    if (this.#cursor >= this.#target || this.#draining || this.#retry) return;
    this.#draining = this.#drain().then((ok) => {
      this.#draining = undefined;
      if (!this.#unsubscribe) return;
      if (!ok) {
        // Never a tight loop against a store that is away: read again later (or when it is back).
        this.#retry = this.clock.setTimer(() => this.#retryNow(), this.#retryMs);
        this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
        return;
      }
      this.#retryMs = RETRY_FIRST_MS;
      if (this.#cursor < this.#target) this.#onSignal(this.#target);
    });
  }

  #retryNow(): void {
    if (this.#retry) this.clock.clearTimer(this.#retry);
    this.#retry = undefined;
    if (this.#unsubscribe) this.#onSignal(this.#target);
  }

  /** Reads and dispatches up to the target; false when the outbox could not be read. */
  async #drain(): Promise<boolean> {
    try {
      while (this.#cursor < this.#target) {
        const events = await this.store.events.after(this.#cursor, PAGE);
        if (events.length === 0) {
          // Caught up with everything visible (a resync signal asks for exactly this).
          this.#target = this.#cursor;
          break;
        }
        for (const event of events) {
          this.#cursor = event.seq;
          this.#dispatch(event);
        }
      }
      return true;
    } catch (error) {
      // An unreachable store is logged once, by the availability tracker; anything else here.
      if (!this.availability.reportFailure(error))
        this.logger.error('event hub: reading the outbox failed', { error: String(error) });
      return false;
    }
  }

  #dispatch(event: EventRecord): void {
    for (const listener of this.#internal) this.#safely(() => listener(event), 'listener');
    for (const sub of this.#subscriptions) {
      if (!sub.active || !this.#matches(sub, event)) continue;
      if (sub.buffer) sub.buffer.push(event);
      else this.#deliver(sub, event);
    }
  }

  #matches(sub: Subscription, event: EventRecord): boolean {
    if (event.ownerId !== sub.filter.ownerId) return false;
    return !sub.channels || (event.channelId !== null && sub.channels.has(event.channelId));
  }

  #deliver(sub: Subscription, event: EventRecord): void {
    if (!sub.active || event.seq <= sub.position) return;
    sub.position = event.seq;
    this.#safely(() => sub.listener(event), 'subscriber');
  }

  /**
   * Replays the owner's events after the subscription's position (by index: never another tenant's).
   * When the replay cannot be complete — retention deleted some of those events (before or while they
   * were read), or the store failed — the subscriber is told to resync, never left with a gap, and
   * continues live from where the hub was when it subscribed.
   */
  async #replay(sub: Subscription): Promise<void> {
    const fromSeq = sub.position;
    const resync = (resync: Resync) => {
      sub.position = Math.max(sub.position, sub.liveFrom);
      this.#safely(() => sub.filter.onResync?.(resync), 'resync');
    };
    try {
      const floorSeq = await this.#floor();
      if (fromSeq < floorSeq) return resync({ reason: 'retention', fromSeq, floorSeq });
      for (let read = fromSeq; ; ) {
        const events = await this.store.events.afterForOwner(sub.filter.ownerId, read, PAGE);
        for (const event of events) if (this.#matches(sub, event)) this.#deliver(sub, event);
        // Events of channels the subscription does not want still move the read position on.
        read = events.at(-1)?.seq ?? read;
        if (events.length < PAGE || !sub.active) break;
      }
      // Retention may have deleted events after `fromSeq` while they were being read.
      const after = await this.#floor();
      if (fromSeq < after) resync({ reason: 'retention', fromSeq, floorSeq: after });
    } catch (error) {
      if (!this.availability.reportFailure(error))
        this.logger.error('event hub: replay failed', { error: String(error) });
      resync({ reason: 'unavailable', fromSeq });
    } finally {
      const buffered = sub.buffer ?? [];
      sub.buffer = undefined;
      for (const event of buffered) this.#deliver(sub, event);
    }
  }

  async #floor(): Promise<number> {
    const floor = await this.store.kv.get(OUTBOX_FLOOR.namespace, OUTBOX_FLOOR.key, this.clock.now());
    return typeof floor?.value === 'number' ? floor.value : 0;
  }

  #safely(fn: () => void | Promise<void>, what: string): void {
    try {
      const result = fn();
      if (result && typeof (result as Promise<void>).catch === 'function') {
        (result as Promise<void>).catch((error: unknown) =>
          this.logger.error(`event hub: ${what} failed`, { error: String(error) }),
        );
      }
    } catch (error) {
      this.logger.error(`event hub: ${what} failed`, { error: String(error) });
    }
  }
}
