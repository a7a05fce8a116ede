import { mkdirSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import {
  createPlacet,
  generatePassword,
  hashApiKey,
  type Logger,
  type Placet,
  type Store,
  type Transport,
} from '@placet/core';
import { placetDashboard } from '@placet/dashboard';
import { postgresStore, postgresTransport } from '@placet/db-postgres';
import { sqliteStore } from '@placet/db-sqlite';
import { placetRouter, referencePageHandler } from '@placet/express';
import { httpWebhookSender } from '@placet/notifier-http';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
import { rating } from '@placet/plugin-rating';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import { fsFileStore } from '@placet/storage-fs';
import { attachRealtime, type Realtime } from '@placet/ws';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { humanAuth } from './auth-routes.js';
import type { ServerConfig } from './config.js';
import { errorResponder, notFoundResponder } from './errors.js';
import { SessionSigner } from './sessions.js';

export interface PlacetServer {
  app: Express;
  placet: Placet;
  /** Starts the engine, seeds the first owner and key, listens. Resolves with the bound URL. */
  listen(): Promise<string>;
  /** Closes every WebSocket connection (clients reconnect and resume); returns how many. */
  dropSockets(): number;
  /** Graceful: stop accepting, answer waiters `timeout`, let in-flight requests finish, close the database. */
  close(): Promise<void>;
}

/** Composes the example server from the Placet packages. */
export function createServer(
  config: ServerConfig,
  logger: Logger,
  say: (line: string) => void = console.log,
): PlacetServer {
  // Owner-only: the database holds webhook secrets and passwords, `files/` what agents upload.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32' && (statSync(config.dataDir).mode & 0o077) !== 0) {
    logger.warn('the data directory is readable by other users: chmod 700 it', { dataDir: config.dataDir });
  }
  let store: Store;
  let transport: Transport | undefined;
  if (config.database.kind === 'postgres') {
    store = postgresStore({
      connectionString: config.database.url,
      onPoolError: (e) => logger.error('postgres pool error', { error: e.message }),
    });
    transport = postgresTransport({
      connectionString: config.database.url,
      onError: (e) => logger.warn('postgres listener error', { error: e.message }),
    });
  } else {
    store = sqliteStore({ filename: config.database.filename });
  }
  const placet = createPlacet({
    plugins: [approval(), selection(), form(), textInput(), freeform(), rating()],
    store,
    files: fsFileStore({ dir: join(config.dataDir, 'files') }),
    ...(transport ? { transport } : {}),
    // Signed, retried webhooks; private and metadata addresses are refused unless WEBHOOK_ALLOW_HOSTS lists them.
    webhookSender: httpWebhookSender({ allowHosts: config.webhookAllowHosts }),
    logger,
  });
  const auth = humanAuth(placet, SessionSigner.fromDataDir(config.dataDir, config.sessionSecret), {
    secureCookies: false,
    allowedOrigins: Array.isArray(config.corsOrigins) ? config.corsOrigins : [],
  });

  const app = express();
  app.disable('x-powered-by');
  let stopping = false;
  // While stopping, every response closes its connection, so no keep-alive client slips a new request in.
  app.use((_req, res, next) => {
    if (stopping) res.set('Connection', 'close');
    next();
  });
  app.set('trust proxy', config.trustProxy);
  if (config.corsOrigins) app.use(cors(config.corsOrigins));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', timestamp: new Date().toISOString() });
  });
  app.use('/api/auth', auth.router);
  // The interactive API reference, served from this process (no CDN).
  app.get('/api/docs', referencePageHandler('/api/v1/openapi.json'));
  app.use(
    '/api/v1',
    placetRouter(placet, {
      authenticateUser: auth.authenticateUser,
      rateLimit: config.rateLimit,
      concurrentWaits: config.concurrentWaits,
    }),
  );
  // The web inbox at `/` (its page and /placet-assets/*), signing in through /api/auth.
  app.use(placetDashboard({ apiBase: '/api/v1', authBase: '/api/auth', wsPath: '/ws' }));
  // Last: a path nobody serves (a JSON 404 under /api), and every error nobody answered: the JSON error
  // body, never Express's default page with a stack and file paths.
  app.use(notFoundResponder);
  app.use(errorResponder(logger));

  let server: Server | undefined;
  let realtime: Realtime | undefined;
  return {
    app,
    placet,
    async listen() {
      await placet.start();
      await seed(placet, config, say);
      server = app.listen(config.port, config.host);
      // WebSocket: the native protocol at /ws and the Socket.IO-compatible endpoint at /socket.io/.
      realtime = attachRealtime(placet, server, {
        authenticateUser: (req) => auth.authenticateUpgrade(req),
        redeemTicket: (ticket) => auth.redeemTicket(ticket),
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('listening', resolve);
        server!.once('error', reject);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    },
    dropSockets() {
      return realtime?.disconnectAll() ?? 0;
    },
    async close() {
      stopping = true;
      const closing = server
        ? new Promise<void>((resolve) => server!.close(() => resolve()))
        : Promise.resolve();
      placet.reviews.releaseWaiters();
      // Connections become idle as their last response is sent: close them as they do.
      const sweep = setInterval(() => server?.closeIdleConnections(), 50);
      server?.closeIdleConnections();
      await realtime?.close();
      await closing;
      clearInterval(sweep);
      auth.close();
      await placet.stop();
    },
  };
}

/** First start: the owner (a generated password is printed once) and the first API key (printed once). */
async function seed(placet: Placet, config: ServerConfig, say: (line: string) => void): Promise<void> {
  const store = placet.options.store;
  let owner = (await store.users.list()).find((u) => u.role === 'owner');
  if (!owner) {
    const password = config.initialUser.password ?? generatePassword();
    const created = await placet.users.create({
      email: config.initialUser.email,
      displayName: 'Owner',
      password,
      role: 'owner',
      mustChangePassword: config.initialUser.password === undefined,
    });
    owner = await store.users.findById(created.id);
    say(
      `Created the owner ${created.email}${config.initialUser.password ? '' : ` with the generated password: ${password}  (shown once; change it at first sign-in)`}`,
    );
  }
  if (!owner) return;
  if (config.apiKey) {
    if (!(await store.apiKeys.findByHash(hashApiKey(config.apiKey)))) {
      await placet.apiKeys.create(owner.id, { label: 'PLACET_API_KEY', key: config.apiKey });
      say('Registered PLACET_API_KEY as an API key of the owner.');
    }
  } else if ((await placet.apiKeys.list(owner.id)).length === 0) {
    const { key } = await placet.apiKeys.create(owner.id, { label: 'Default' });
    say(`Created an API key for your agents: ${key}  (shown once)`);
  }
}

function cors(origins: string[] | '*') {
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.get('origin');
    if (origin && (origins === '*' || origins.includes(origin))) {
      // Cookies (credentials) only for origins listed by name: with `*`, any site could act as the
      // signed-in human, since the preflight would also allow the CSRF header.
      if (origins !== '*') res.set('Access-Control-Allow-Credentials', 'true');
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Headers': 'Content-Type, X-Api-Key, Authorization, X-Requested-With',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
        Vary: 'Origin',
      });
      if (req.method === 'OPTIONS') {
        res.status(204).end();
        return;
      }
    }
    next();
  };
}
