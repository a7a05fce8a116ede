import { createServer, type Server } from 'node:http';
import type { Placet, PlacetStats } from '@placet/core';
import type { Request, RequestHandler, Response } from 'express';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { routeOf } from './access-log.js';

export interface Metrics {
  registry: Registry;
  /** Counts and times every HTTP request (mount it first). */
  middleware: RequestHandler;
  /** `GET /metrics`: the Prometheus text format. */
  handler: (req: Request, res: Response) => Promise<void>;
  /** A server of its own for `/metrics` (METRICS_PORT). */
  listen(port: number, host: string): Promise<{ server: Server; url: string }>;
}

/**
 * Prometheus metrics of the example server: HTTP requests by route and status, and what the engine
 * reports through `placet.stats()` (store pool, availability, LISTEN connection, waiters, deliveries,
 * event lag, sweeper), plus open sockets and Node's default process metrics. Engine values are read once
 * per scrape; those that need the store are left out while it cannot be reached.
 */
export function createMetrics(placet: Placet, sockets: () => number): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  /** The engine's stats of the scrape in progress. */
  let stats: PlacetStats | undefined;

  const requests = new Counter({
    name: 'placet_http_requests_total',
    help: 'HTTP requests answered, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'placet_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (long-polls included), by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });

  /**
   * A metric read from the engine's stats at scrape time. A value that is not known (a store value
   * while the store is away) is left out of the scrape, never reported as 0.
   */
  const engine = (
    type: 'gauge' | 'counter',
    name: string,
    help: string,
    read: (s: PlacetStats) => number | null | Record<string, number | null>,
    labelName?: string,
  ) => {
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get() {
        const value = stats ? read(stats) : null;
        const values =
          value === null
            ? []
            : typeof value === 'number'
              ? [{ value, labels: {} }]
              : Object.entries(value).flatMap(([label, v]) =>
                  v === null ? [] : [{ value: v, labels: { [labelName!]: label } }],
                );
        return { name, help, type, aggregator: 'sum', values };
      },
    } as unknown as Parameters<Registry['registerMetric']>[0]);
  };

  engine(
    'gauge',
    'placet_store_up',
    '1 while the store answers; 0 from the first unreachable call until it is back',
    (s) => (s.store.available ? 1 : 0),
  );
  engine(
    'gauge',
    'placet_store_pool_connections',
    'Store connection pool (Postgres): connections open (total), idle, callers waiting, and the maximum',
    (s) => (s.store.pool ? { ...s.store.pool } : null),
    'state',
  );
  engine(
    'gauge',
    'placet_transport_connected',
    '1 while signals from other processes arrive (Postgres: the LISTEN connection is up)',
    (s) => (s.transport.connected ? 1 : 0),
  );
  engine(
    'gauge',
    'placet_waiters_open',
    'Long-polls (GET /reviews/:id/wait) held open in this process',
    (s) => s.waiters.open,
  );
  engine(
    'gauge',
    'placet_sockets_open',
    'WebSocket connections open in this process (native and Socket.IO)',
    () => sockets(),
  );
  engine(
    'gauge',
    'placet_deliveries_pending',
    'Webhook deliveries waiting to be sent or retried, all processes (absent while the store is away)',
    (s) => s.deliveries.pending,
  );
  engine(
    'counter',
    'placet_webhook_attempts_total',
    'Webhook and notification attempts recorded by this process, by outcome (delivered; retried; failed: given up; skipped: a notification with nothing left to send)',
    (s) => ({
      delivered: s.deliveries.delivered,
      retried: s.deliveries.retried,
      failed: s.deliveries.failed,
      skipped: s.deliveries.skipped,
    }),
    'outcome',
  );
  engine(
    'gauge',
    'placet_events_committed_seq',
    'Newest event seq committed to the store (absent while it is away)',
    (s) => s.events.committedSeq,
  );
  engine(
    'gauge',
    'placet_events_dispatched_seq',
    'Newest event seq this process has dispatched to waiters, sockets and webhooks',
    (s) => s.events.dispatchedSeq,
  );
  engine(
    'gauge',
    'placet_event_lag',
    'Events committed but not yet dispatched by this process: committed seq - dispatched seq (absent while the store is away)',
    (s) => s.events.lag,
  );
  engine(
    'counter',
    'placet_sweeper_runs_total',
    'Housekeeping sweeps run (expiry, stale drafts, offline agents, orphan files)',
    (s) => s.sweeper.runs,
  );
  engine(
    'counter',
    'placet_sweeper_failed_runs_total',
    'Sweeps in which a job failed (an unreachable store counts)',
    (s) => s.sweeper.failedRuns,
  );

  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.once('close', () => {
      const labels = { method: req.method, route: routeOf(req), status: String(res.statusCode) };
      requests.inc(labels);
      end(labels);
    });
    next();
  };

  // Scrapes that arrive together share one reading (the collectors read `stats` of the one in progress).
  let rendering: Promise<string> | undefined;
  const render = (): Promise<string> => {
    rendering ??= (async () => {
      try {
        stats = await placet.stats();
        return await registry.metrics();
      } finally {
        stats = undefined;
        rendering = undefined;
      }
    })();
    return rendering;
  };

  const handler = async (_req: Request, res: Response): Promise<void> => {
    const text = await render();
    res.set('Content-Type', registry.contentType).set('Cache-Control', 'no-store').send(text);
  };

  return {
    registry,
    middleware,
    handler,
    async listen(port, host) {
      const server = createServer((req, res) => {
        if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
          return;
        }
        render().then(
          (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
          () => res.writeHead(500, { 'Content-Type': 'text/plain' }).end('metrics failed'),
        );
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics` };
    },
  };
}
