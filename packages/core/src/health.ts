import type { StorePoolStats } from './ports/store.js';

/** Where an instance is in its life: `ready` needs `started`. */
export type PlacetState = 'new' | 'starting' | 'started' | 'stopping' | 'stopped';

/**
 * `placet.health()`: whether this instance can serve now — a readiness check. Liveness (the process
 * runs) is the host's own `/health`; this one asks the store and the transport.
 */
export interface PlacetHealth {
  /** Started, not stopping, the store answered, and the transport is connected. */
  ready: boolean;
  state: PlacetState;
  store: {
    ok: boolean;
    dialect: string;
    /** How long the round trip took (when it answered). */
    latencyMs?: number;
    /** Why not ok: `unavailable` (unreachable), `timeout` (no answer in time) or `error`. */
    problem?: 'unavailable' | 'timeout' | 'error';
    /** When the engine saw the store go away, if it is still away (ISO 8601). */
    downSince?: string;
  };
  transport: {
    ok: boolean;
    name: string;
  };
}

/**
 * `placet.stats()`: what the engine knows about its own work, read-only, for metrics. Values that need
 * the store are `null` while it cannot be reached (never a thrown error, never a long wait).
 */
export interface PlacetStats {
  state: PlacetState;
  store: {
    dialect: string;
    /** As the availability tracker sees it (false from the first unreachable call until a probe answers). */
    available: boolean;
    /** Connection pool use, for stores that pool (Postgres); null otherwise. */
    pool: StorePoolStats | null;
  };
  transport: {
    name: string;
    /** Signals from other processes arrive (Postgres: the LISTEN connection is up). */
    connected: boolean;
  };
  events: {
    /** The newest seq committed to the store (null while it cannot be read). */
    committedSeq: number | null;
    /** The newest seq this instance has dispatched to waiters, sockets and notifiers. */
    dispatchedSeq: number;
    /** committedSeq − dispatchedSeq: events committed but not yet dispatched here (null as above). */
    lag: number | null;
  };
  waiters: {
    /** Long-polls (`reviews.wait()`) open in this instance. */
    open: number;
  };
  deliveries: {
    /** Webhook deliveries pending in the store, all processes together (null as above). */
    pending: number | null;
    /** Attempts recorded by this instance since it started, by outcome. */
    delivered: number;
    retried: number;
    failed: number;
    /** Notifications with nothing left to send when they were due. */
    skipped: number;
  };
  sweeper: {
    runs: number;
    failedRuns: number;
    /** ISO 8601, or null before the first sweep. */
    lastRunAt: string | null;
  };
}
