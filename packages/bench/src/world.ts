import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  type AgentPrincipal,
  type Clock,
  createPlacet,
  type Placet,
  type PlacetOptions,
  type Store,
  silentLogger,
  systemClock,
  type UserPrincipal,
} from '@placet/core';
import type { SqlStore } from '@placet/db-sql';
import { sqliteStore } from '@placet/db-sqlite';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { countingStore } from '@placet/test-utils';
import { attachRealtime, type Realtime } from '@placet/ws';
import express, { type Response } from 'express';
import { type WebSocket, WebSocketServer } from 'ws';

/** Bare Express and `ws` endpoints on the same server as Placet: the side-by-side baselines. */
export interface Bare {
  /** Requests held open by `GET /bare/hold`. */
  held(): number;
  /** Answers every held request `{ status: 'timeout' }`. */
  releaseHeld(): void;
  /** Sockets connected to `/bare-ws`. */
  sockets(): ReadonlySet<WebSocket>;
}

export interface World {
  placet: Placet;
  /** The SQLite store (unwrapped), with its kysely `db`. */
  sql: SqlStore;
  /** Set with `counting: true`: every store call made through the engine. */
  counting: ReturnType<typeof countingStore> | undefined;
  /** Set with `http: true`. */
  url: string;
  server: Server | undefined;
  bare: Bare;
  human: UserPrincipal;
  agent: AgentPrincipal;
  ownerId: string;
  key: string;
  channelId: string;
  /** Called with `ms` whenever the engine arms a timer (a waiter going to sleep arms its timeout). */
  onTimer: ((ms: number) => void) | undefined;
  close(): Promise<void>;
}

export interface WorldOptions {
  http?: boolean;
  counting?: boolean;
  placet?: Partial<PlacetOptions>;
}

/**
 * One Placet on SQLite in a temp dir, with an owner, an API key and a channel; with `http`, an Express
 * app on 127.0.0.1:0 serving the router (rate limit off) at /api/v1, the realtime endpoint at /ws and
 * the bare baselines (`POST /bare/echo`, `PATCH /bare/streams/:id`, `GET /bare/hold`, `/bare-ws`).
 */
export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'placet-bench-'));
  const sql = sqliteStore({ filename: join(dir, 'placet.db') });
  const counting = options.counting ? countingStore(sql) : undefined;
  const store: Store = counting ? counting.store : sql;
  const base = systemClock();
  let onTimer: ((ms: number) => void) | undefined;
  const clock: Clock = {
    now: () => base.now(),
    setTimer(fn, ms) {
      const handle = base.setTimer(fn, ms);
      onTimer?.(ms);
      return handle;
    },
    clearTimer: (handle) => base.clearTimer(handle),
  };
  const placet = createPlacet({
    plugins: [approval()],
    store,
    clock,
    logger: silentLogger(),
    // The sweeper is measured on its own (idle scenario); nothing here needs it on a timer.
    sweepIntervalMs: 3_600_000,
    ...options.placet,
  });
  await placet.start();
  const owner = await placet.users.create({
    email: `owner-${Date.now()}@bench.test`,
    displayName: 'Bench owner',
    password: 'bench-owner-password',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'bench' });
  const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const channel = await placet.channels.create(agent, { name: 'bench-bot' });

  const held = new Set<Response>();
  const bareWss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  let server: Server | undefined;
  let realtime: Realtime | undefined;
  let url = '';
  if (options.http) {
    const app = express();
    app.disable('x-powered-by');
    app.post('/bare/echo', express.json(), (req, res) => {
      res.status(201).json(req.body);
    });
    app.patch('/bare/streams/:id', express.json(), (req, res) => {
      res.json({ id: req.params.id, text: (req.body as { text?: string }).text ?? '' });
    });
    app.get('/bare/hold', (_req, res) => {
      held.add(res);
      res.on('close', () => held.delete(res));
    });
    // The bench measures the engine: no rate limit, no cap on long-polls held at once (it holds 5,000).
    app.use('/api/v1', placetRouter(placet, { rateLimit: false, concurrentWaits: false }));
    server = app.listen(0, '127.0.0.1');
    // Load generators keep sockets idle in their pools; Node's 5 s default would close one just as it is
    // reused (ECONNRESET). Behind a load balancer this is set above the balancer's idle timeout too.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      server!.once('listening', resolve);
      server!.once('error', reject);
    });
    realtime = attachRealtime(placet, server);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (req.url !== '/bare-ws') return;
      bareWss.handleUpgrade(req, socket, head, (ws) => bareWss.emit('connection', ws, req));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const world: World = {
    placet,
    sql,
    counting,
    url,
    server,
    human: placet.userPrincipal(owner),
    agent,
    ownerId: owner.id,
    key,
    channelId: channel.id,
    get onTimer() {
      return onTimer;
    },
    set onTimer(listener) {
      onTimer = listener;
    },
    bare: {
      held: () => held.size,
      releaseHeld() {
        for (const res of [...held]) res.json({ status: 'timeout' });
      },
      sockets: () => bareWss.clients,
    },
    async close() {
      for (const client of bareWss.clients) client.terminate();
      await new Promise<void>((resolve) => bareWss.close(() => resolve()));
      await realtime?.close();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
      await placet.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** An approval review the human can answer with `{ selectedOption: 'yes' }`. */
export const REVIEW = {
  type: 'approval',
  payload: { options: [{ id: 'yes', label: 'Yes' }] },
} as const;
export const ANSWER = { response: { selectedOption: 'yes' } } as const;

/** Creates `count` messages carrying a pending review; returns their ids. */
export async function createReviews(world: World, count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const message = await world.placet.messages.create(world.agent, {
      channelId: world.channelId,
      text: `${label} ${i}: deploy?`,
      review: REVIEW,
    });
    ids.push(message.id);
  }
  return ids;
}
