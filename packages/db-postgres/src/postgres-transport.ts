import { serviceUnavailable, type Transport, type TransportSignal } from '@placet/core/adapter';
import type pg from 'pg';
import { createPool } from './postgres-store.js';
import { isPostgresUnavailable } from './unavailable.js';

export type PostgresTransportOptions = ({ connectionString: string } | { pool: pg.Pool }) & {
  /** LISTEN/NOTIFY channel; processes sharing one database and one Placet use the same name. */
  channel?: string;
  /** Reconnect delay bounds for the listening connection. */
  reconnect?: { minMs?: number; maxMs?: number };
  onError?: (error: Error) => void;
};

const CHANNEL_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Signals "events up to seq N" between Placet processes on one Postgres with LISTEN/NOTIFY. The payload
 * is the seq only — never data (NOTIFY payloads are limited to 8000 bytes and visible to every
 * listener). A dedicated client listens and reconnects with jittered backoff; after a reconnect it
 * signals its listeners so that they re-read the outbox and miss nothing.
 */
export function postgresTransport(options: PostgresTransportOptions): Transport {
  const channel = options.channel ?? 'placet_events';
  if (!CHANNEL_RE.test(channel)) throw new Error(`postgresTransport: invalid channel name "${channel}"`);
  const owned = 'connectionString' in options;
  const pool = owned ? createPool(options.connectionString, 2, options.onError) : options.pool;
  const minMs = options.reconnect?.minMs ?? 100;
  const maxMs = options.reconnect?.maxMs ?? 10_000;
  const listeners = new Set<(signal: TransportSignal) => void>();
  let client: pg.PoolClient | undefined;
  let closed = false;
  let attempt = 0;
  let lastSeq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const report = (error: unknown) => {
    const err = error instanceof Error ? error : new Error(String(error));
    if (options.onError) options.onError(err);
  };

  const deliver = (seq: number) => {
    if (seq > lastSeq) lastSeq = seq;
    for (const listener of [...listeners]) {
      queueMicrotask(() => {
        if (!listeners.has(listener)) return;
        try {
          listener({ seq });
        } catch (error) {
          report(error);
        }
      });
    }
  };

  async function connect(): Promise<void> {
    if (closed) return;
    try {
      const c = await pool.connect();
      if (closed) {
        c.release();
        return;
      }
      c.on('notification', (message) => {
        if (message.channel !== channel) return;
        const seq = Number(message.payload);
        if (Number.isSafeInteger(seq) && seq > 0) deliver(seq);
      });
      c.on('error', (error) => {
        report(error);
        drop(c, error);
      });
      await c.query(`LISTEN ${channel}`);
      client = c;
      // Whatever was committed while the listener was away was never notified: ask every listener to
      // re-read the outbox to its end (the hub drains until an empty page).
      if (attempt > 0) deliver(Number.MAX_SAFE_INTEGER);
      attempt = 0;
    } catch (error) {
      report(error);
      schedule();
    }
  }

  function drop(c: pg.PoolClient, error: unknown) {
    if (client === c) client = undefined;
    try {
      c.release(error instanceof Error ? error : true);
    } catch {
      // Already released.
    }
    schedule();
  }

  function schedule() {
    if (closed || timer) return;
    attempt++;
    const base = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 16));
    const delay = base / 2 + Math.random() * (base / 2);
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref?.();
  }

  return {
    capabilities: { name: 'postgres', crossProcess: true },
    async start() {
      if (!client && !closed) await connect();
    },
    async publish({ seq }) {
      if (closed) return;
      await pool.query('select pg_notify($1, $2)', [channel, String(seq)]).catch((error: unknown) => {
        throw isPostgresUnavailable(error) ? serviceUnavailable(undefined, { cause: error }) : error;
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    connected: () => client !== undefined && !closed,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      listeners.clear();
      const c = client;
      client = undefined;
      if (c) {
        try {
          await c.query(`UNLISTEN ${channel}`);
        } catch {
          // The connection may already be gone.
        }
        c.release();
      }
      if (owned) await pool.end();
    },
  };
}
