import { inject, injectable } from 'tsyringe';
import type { EventRecord } from '../domain/records.js';
import type { Logger } from '../ports/logger.js';
import type { Notifier } from '../ports/notifier.js';
import type { Store } from '../ports/store.js';
import type { Transport } from '../ports/transport.js';
import { TOKENS } from '../tokens.js';

const PAGE = 500;

export interface EventFilter {
  ownerId: string;
  channelIds?: readonly string[];
  /** Replay committed events with `seq > fromSeq` first, then continue live without duplicates. */
  fromSeq?: number;
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
  active: boolean;
}

/**
 * Reads the outbox when the transport signals new events — never on a timer — and dispatches each
 * event once, in seq order, to internal listeners (waiters), notifiers and subscriptions.
 */
@injectable()
export class EventHub {
  #cursor = 0;
  #target = 0;
  #draining: Promise<void> | undefined;
  #unsubscribe: (() => void) | undefined;
  readonly #internal = new Set<EventListener>();
  readonly #subscriptions = new Set<Subscription>();

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Transport) private readonly transport: Transport,
    @inject(TOKENS.Notifiers) private readonly notifiers: readonly Notifier[],
    @inject(TOKENS.Logger) private readonly logger: Logger,
  ) {}

  /** The highest seq dispatched so far. */
  get cursor(): number {
    return this.#cursor;
  }

  async start(): Promise<void> {
    this.#cursor = await this.store.events.lastSeq();
    this.#target = this.#cursor;
    this.#unsubscribe = this.transport.subscribe((signal) => this.#onSignal(signal.seq));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#draining;
    for (const sub of this.#subscriptions) sub.active = false;
    this.#subscriptions.clear();
    this.#internal.clear();
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
      active: true,
    };
    this.#subscriptions.add(sub);
    if (sub.buffer) void this.#replay(sub);
    return () => {
      sub.active = false;
      this.#subscriptions.delete(sub);
    };
  }

  /** Reads and dispatches everything committed so far (also called by the engine after its own writes). */
  catchUp(seq: number): Promise<void> {
    this.#onSignal(seq);
    return this.#draining ?? Promise.resolve();
  }

  #onSignal(seq: number): void {
    if (seq > this.#target) this.#target = seq;
    if (this.#cursor >= this.#target || this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#cursor < this.#target && this.#unsubscribe) this.#onSignal(this.#target);
    });
  }

  async #drain(): Promise<void> {
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
    } catch (error) {
      this.logger.error('event hub: reading the outbox failed', { error: String(error) });
    }
  }

  #dispatch(event: EventRecord): void {
    for (const listener of this.#internal) this.#safely(() => listener(event), 'listener');
    for (const notifier of this.notifiers) {
      if (notifier.events && !notifier.events.includes(event.type)) continue;
      this.#safely(() => notifier.notify(event), `notifier ${notifier.name}`);
    }
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

  async #replay(sub: Subscription): Promise<void> {
    try {
      for (;;) {
        const events = await this.store.events.after(sub.position, PAGE);
        for (const event of events) if (this.#matches(sub, event)) this.#deliver(sub, event);
        // Unmatched events still advance the replay position.
        const last = events.at(-1);
        if (last && last.seq > sub.position) sub.position = last.seq;
        if (events.length < PAGE || !sub.active) break;
      }
    } catch (error) {
      this.logger.error('event hub: replay failed', { error: String(error) });
    } finally {
      const buffered = sub.buffer ?? [];
      sub.buffer = undefined;
      for (const event of buffered) this.#deliver(sub, event);
    }
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
