import { randomBytes } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  createPlacet,
  isPlacetError,
  type Logger,
  type Placet,
  type Store,
  type Transport,
} from '@placet/core';
import { hashApiKey } from '@placet/core/adapter';
import { apiReferenceHandler, placetDashboard } from '@placet/dashboard';
import { isPostgresUnavailable, postgresStore, postgresTransport } from '@placet/db-postgres';
import { sqliteStore } from '@placet/db-sqlite';
import { placetRouter } from '@placet/express';
import { httpWebhookSender } from '@placet/notifier-http';
import { approval } from '@placet/plugin-approval';
import { email } from '@placet/plugin-email';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
import { rating } from '@placet/plugin-rating';
import { selection } from '@placet/plugin-selection';
import { slack } from '@placet/plugin-slack';
import { textInput } from '@placet/plugin-text-input';
import { webpush } from '@placet/plugin-webpush';
import { fsFileStore } from '@placet/storage-fs';
import { s3FileStore } from '@placet/storage-s3';
import { attachRealtime, type Realtime } from '@placet/ws';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type pino from 'pino';
import { accessLog } from './access-log.js';
import { humanAuth } from './auth-routes.js';
import type { ServerConfig } from './config.js';
import { type Drain, trackConnections } from './drain.js';
import { errorResponder, notFoundResponder } from './errors.js';
import { createMetrics } from './metrics.js';
import { readinessHandler } from './readiness.js';
import { SessionSigner } from './sessions.js';
import { logRefusedUpgrades } from './upgrade-log.js';

/** The paths `attachRealtime` serves (its defaults). */
const REALTIME_PATHS = ['/ws', '/socket.io/'];

export interface PlacetServer {
  app: Express;
  placet: Placet;
  /** Starts the engine, seeds the first owner and key, listens. Resolves with the bound URL. */
  listen(): Promise<string>;
  /** Closes every WebSocket connection (clients reconnect and resume); returns how many. */
  dropSockets(): number;
  /** SIGTERM's first step: readiness (`/ready`) answers 503 from now on; everything else is served as before. */
  drain(): void;
  /** Graceful: stop accepting, answer waiters `timeout`, let in-flight requests finish, close the database. */
  close(): Promise<void>;
}

/** Composes the example server from the Placet packages. */
export function createServer(
  config: ServerConfig,
  logger: Logger,
  say: (line: string) => void = console.log,
  /** `accessLog`: the pino logger that writes one access-log line per request (pino-http). */
  options: { accessLog?: pino.Logger } = {},
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
      preparedStatements: config.database.preparedStatements,
      // An unreachable database is logged once, by the engine's availability tracker: quiet here.
      onPoolError: (e) =>
        isPostgresUnavailable(e)
          ? logger.debug('postgres pool error', { error: e.message })
          : logger.error('postgres pool error', { error: e.message }),
    });
    transport = postgresTransport({
      connectionString: config.database.url,
      onError: (e) =>
        isPostgresUnavailable(e)
          ? logger.debug('postgres listener error', { error: e.message })
          : logger.warn('postgres listener error', { error: e.message }),
    });
  } else {
    // One process per SQLite database: a second one would never wake the first one's waiters and sockets.
    store = sqliteStore({ filename: config.database.filename, exclusive: true });
  }
  const placet = createPlacet({
    plugins: [approval(), selection(), form(), textInput(), freeform(), rating(), ...notifierPlugins(config)],
    // One reminder per recipient of a review still pending after REMINDER_AFTER_MINUTES (0: none).
    notifications: { reminderAfterMs: config.reminderAfterMs },
    store,
    // Uploaded files: in an S3 bucket when S3_BUCKET is set (what several processes share), else on disk.
    files: config.s3 ? s3FileStore(config.s3) : fsFileStore({ dir: join(config.dataDir, 'files') }),
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
  app.set('trust proxy', config.trustProxy);
  // One access-log line per request (method, route, status, duration, request id; no credentials).
  if (options.accessLog) app.use(accessLog(options.accessLog));
  let server: Server | undefined;
  let realtime: Realtime | undefined;
  let draining = false;
  const metrics = config.metrics ? createMetrics(placet, () => realtime?.connections() ?? 0) : undefined;
  if (metrics) app.use(metrics.middleware);
  if (config.corsOrigins) app.use(cors(config.corsOrigins));
  // Liveness: the process runs and answers. Readiness (/ready): it can serve (store, LISTEN, not draining).
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', timestamp: new Date().toISOString() });
  });
  app.get(
    '/ready',
    readinessHandler(placet, () => draining || (connections?.draining ?? false)),
  );
  if (metrics && config.metrics && config.metrics.port === undefined) app.get('/metrics', metrics.handler);
  app.use('/api/auth', auth.router);
  // The public keys that verify review receipts, at a well-known path (the JWKS of /api/v1/receipts/jwks.json).
  app.get('/.well-known/placet-jwks.json', (_req, res, next) => {
    placet.receipts.jwks().then((jwks) => {
      res.set('Cache-Control', 'public, max-age=60').json(jwks);
    }, next);
  });
  // The interactive API reference, served from this process (no CDN).
  app.get('/api/docs', apiReferenceHandler('/api/v1/openapi.json'));
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

  let connections: Drain | undefined;
  return {
    app,
    placet,
    async listen() {
      await placet.start();
      await seed(placet, config, say);
      server = app.listen(config.port, config.host);
      // Refused WebSocket upgrades, with the reason (never the query string: it may hold ?apiKey=).
      logRefusedUpgrades(server, logger, REALTIME_PATHS);
      // WebSocket: the native protocol at /ws and the Socket.IO-compatible endpoint at /socket.io/.
      realtime = attachRealtime(placet, server, {
        authenticateUser: (req) => auth.authenticateUpgrade(req),
        redeemTicket: (ticket) => auth.redeemTicket(ticket),
      });
      // After attachRealtime, which takes over the request listeners registered before it: the drain
      // must see every request, Engine.IO long-polls included.
      connections = trackConnections(server);
      // An upgrade to any other path has nobody to answer it: close it, or it would hold up shutdown.
      server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
        const path = (req.url ?? '/').split('?')[0]!;
        if (!REALTIME_PATHS.includes(path)) socket.destroy();
      });
      await new Promise<void>((resolve, reject) => {
        server!.once('listening', resolve);
        server!.once('error', reject);
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      if (metrics && config.metrics && config.metrics.port !== undefined) {
        const own = await metrics.listen(config.metrics.port, config.host);
        // Closed with the API server (or with the process): nothing else to stop.
        own.server.unref();
        server.once('close', () => own.server.close());
        logger.info('metrics: Prometheus endpoint listening', { metricsUrl: own.url });
      }
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    },
    dropSockets() {
      return realtime?.disconnectAll() ?? 0;
    },
    drain() {
      draining = true;
    },
    async close() {
      // Stop listening; from now on every response says `Connection: close` (also those of requests
      // already running), and connections without a running request are closed once quiet (drain.ts).
      const drained = connections?.drain() ?? Promise.resolve();
      placet.reviews.releaseWaiters();
      await realtime?.close();
      await drained;
      auth.close();
      await placet.stop();
    },
  };
}

/**
 * First start: the owner (a generated password is printed once) and the first API key (printed once).
 * Idempotent when several processes start at once on a fresh database: the one that creates the owner
 * prints it and creates (and prints) the default key; the others find the owner and go on. Only the
 * creator of the owner makes the default key: a process that finds the owner cannot tell "its key is
 * being made right now" from "it has none", and two keys printed is what this must never do.
 */
export async function seed(placet: Placet, config: ServerConfig, say: (line: string) => void): Promise<void> {
  const store = placet.options.store;
  const findOwner = async () => (await store.users.list()).find((u) => u.role === 'owner');
  let owner = await findOwner();
  /** This process created the owner: it alone creates the default key. */
  let createdOwner = false;
  if (!owner) {
    // 144 random bits, URL-safe: typed once by a human, then changed at first sign-in.
    const password = config.initialUser.password ?? randomBytes(18).toString('base64url');
    try {
      const created = await placet.users.create({
        email: config.initialUser.email,
        displayName: 'Owner',
        password,
        role: 'owner',
        mustChangePassword: config.initialUser.password === undefined,
      });
      owner = await store.users.findById(created.id);
      createdOwner = true;
      say(
        `Created the owner ${created.email}${config.initialUser.password ? '' : ` with the generated password: ${password}  (shown once; change it at first sign-in)`}`,
      );
    } catch (error) {
      // "Email already in use": by the owner another process just created, or by someone else (rethrown).
      if (!isPlacetError(error) || error.code !== 'CONFLICT') throw error;
      owner = await findOwner();
      if (!owner) throw error;
    }
  }
  if (!owner) return;
  if (config.apiKey) {
    const hash = hashApiKey(config.apiKey);
    if (!(await store.apiKeys.findByHash(hash))) {
      try {
        await placet.apiKeys.create(owner.id, { label: 'PLACET_API_KEY', key: config.apiKey });
        say('Registered PLACET_API_KEY as an API key of the owner.');
      } catch (error) {
        // Registered by another process starting at the same time: that is all that was wanted.
        if (!(await store.apiKeys.findByHash(hash))) throw error;
      }
    }
  } else if (createdOwner && (await placet.apiKeys.list(owner.id)).length === 0) {
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

/** The notifier plugins the environment turns on (SMTP_URL, WEBPUSH, SLACK_BOT_TOKEN): none without it. */
function notifierPlugins(config: ServerConfig) {
  const plugins = [];
  if (config.email && config.publicUrl) {
    plugins.push(email({ smtp: config.email.smtp, from: config.email.from, publicUrl: config.publicUrl }));
  }
  if (config.webPush) {
    plugins.push(
      webpush({
        ...(config.webPush.vapid ? { vapid: config.webPush.vapid } : {}),
        subject: config.webPush.subject,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
        allowHosts: config.webPush.allowHosts,
      }),
    );
  }
  if (config.slack && config.publicUrl) {
    const { apiUrl, defaultChannel, ...rest } = config.slack;
    plugins.push(
      slack({
        ...rest,
        ...(apiUrl ? { apiUrl } : {}),
        ...(defaultChannel ? { defaultChannel } : {}),
        publicUrl: config.publicUrl,
      }),
    );
  }
  return plugins;
}
