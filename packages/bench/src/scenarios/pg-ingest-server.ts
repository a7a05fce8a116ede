// The Postgres ingest server of the bench: a cluster primary (a child of the bench) that forks
// `workers` processes sharing one port, each with its own Placet on the same Postgres schema and
// LISTEN/NOTIFY channel, serving the router at /api/v1 and the bare JSON echo at /bare/echo.
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createPlacet, silentLogger } from '@placet/core';
import { postgresStore, postgresTransport } from '@placet/db-postgres';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import express from 'express';
import { CHILD_EXEC_ARGV, childRuntime } from '../child.js';

interface Input {
  url: string;
  notifyChannel: string;
  workers: number;
}

if (cluster.isPrimary) {
  const { input, send, on } = childRuntime<Input>();
  const args = await input;
  cluster.setupPrimary({
    exec: fileURLToPath(import.meta.url),
    execArgv: CHILD_EXEC_ARGV,
    // Round robin: the primary hands each connection to the next worker (Linux's default too).
    silent: false,
  });
  cluster.schedulingPolicy = cluster.SCHED_RR;
  const ports: number[] = [];
  for (let i = 0; i < args.workers; i++) {
    const worker = cluster.fork({ PG_INGEST_URL: args.url, PG_INGEST_NOTIFY: args.notifyChannel });
    worker.on('message', (message: { type: string; port?: number; message?: string }) => {
      if (message.type === 'listening' && message.port) {
        ports.push(message.port);
        if (ports.length === args.workers) send({ type: 'ready', port: ports[0] });
      } else if (message.type === 'error') send({ type: 'error', message: message.message });
    });
  }
  on('stop', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill();
    setTimeout(() => process.exit(0), 200);
  });
} else {
  try {
    const url = process.env.PG_INGEST_URL as string;
    const placet = createPlacet({
      plugins: [approval()],
      store: postgresStore({ connectionString: url }),
      transport: postgresTransport({
        connectionString: url,
        channel: process.env.PG_INGEST_NOTIFY as string,
      }),
      logger: silentLogger(),
      sweepIntervalMs: 3_600_000,
    });
    await placet.start();
    const app = express();
    app.post('/bare/echo', express.json(), (req, res) => {
      res.status(201).json(req.body);
    });
    app.use('/api/v1', placetRouter(placet, { rateLimit: false, concurrentWaits: false }));
    // Port 0 in every worker: the cluster gives them one shared port.
    const server = app.listen(0, '127.0.0.1', () => {
      process.send?.({ type: 'listening', port: (server.address() as AddressInfo).port });
    });
  } catch (error) {
    process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}
