/** "Events up to `seq` are committed": the only thing a transport carries. Never event data. */
export interface TransportSignal {
  seq: number;
}

export interface TransportCapabilities {
  readonly name: string;
  /** True when signals cross process boundaries (Postgres LISTEN/NOTIFY). */
  readonly crossProcess: boolean;
}

/**
 * Carries "new events up to seq N" between the parts of Placet — and, for cross-process transports,
 * between Placet processes sharing one store. Waiters and realtime sockets listen to the transport,
 * never to the database.
 *
 * Contract:
 * - After `publish({ seq })` resolves, every listener subscribed (in any process sharing the transport)
 *   MUST eventually be called with a signal whose `seq` is ≥ the published one. Signals MAY be coalesced
 *   and MAY arrive out of order or twice; listeners re-read the outbox, so only liveness matters.
 * - Listeners MUST be called asynchronously (never inside `publish`) and an exception in one MUST NOT
 *   affect others.
 * - `subscribe` returns an unsubscribe function; after it is called the listener is never called again.
 * - After `close()`, `publish` resolves without effect; `close()` is idempotent.
 */
export interface Transport {
  readonly capabilities: TransportCapabilities;
  start?(): Promise<void>;
  publish(signal: TransportSignal): Promise<void>;
  subscribe(listener: (signal: TransportSignal) => void): () => void;
  /**
   * Optional: whether signals from other processes arrive now (Postgres: the LISTEN connection is up).
   * Readiness and metrics read it; synchronous, no I/O. Absent: always connected (in-process transports).
   */
  connected?(): boolean;
  close(): Promise<void>;
}
