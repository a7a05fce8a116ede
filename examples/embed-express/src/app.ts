import type { Server } from 'node:http';
import {
  createPlacet,
  type HostIdentity,
  type Logger,
  type Placet,
  PlacetError,
  type Store,
} from '@placet/core';
import { placetDashboard } from '@placet/dashboard';
import { sqliteStore } from '@placet/db-sqlite';
import { type PlacetRouterOptions, placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import { attachRealtime, type Realtime } from '@placet/ws';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { HostSessions } from './sessions.js';

/** Where this host mounts Placet's API. */
export const PLACET_BASE = '/hitl/api/v1';
/** Where it mounts the dashboard, and its WebSocket. */
export const DASHBOARD_BASE = '/hitl';
export const REALTIME_PATH = '/hitl/ws';

export interface HostAppOptions {
  /** Placet's storage; an in-memory SQLite database by default (everything is gone on restart). */
  store?: Store;
  logger?: Logger;
  /** Other `placetRouter` options (limits, rate limit, onError); `authenticateUser` is the host's. */
  router?: Omit<PlacetRouterOptions, 'authenticateUser'>;
}

export interface HostApp {
  app: Express;
  placet: Placet;
  sessions: HostSessions;
  /** Attaches Placet's WebSocket (at REALTIME_PATH, authenticated by the host's session) to the server. */
  attachRealtime(server: Server): Realtime;
  /** Stops Placet: releases open long-polls, stops the sweeper, closes the store. */
  close(): Promise<void>;
}

const USERNAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * How a host user appears in Placet: a host identity that `placetRouter` maps to a Placet user with
 * `placet.users.ensure` (created on first sight, found by `externalId` afterwards).
 */
export function hostIdentity(username: string): HostIdentity {
  return {
    externalId: `host-user-${username}`,
    email: `${username}@host.example`,
    displayName: username,
  };
}

/**
 * The host's `authenticateUser`: the signed-in host user as a host identity, or null (Placet answers 401).
 * Cookie-authenticated requests that change state must carry `X-Requested-With` (a cross-site form
 * cannot set it) — the host's CSRF rule, applied to Placet's routes as well.
 */
export function authenticateFromSession(sessions: HostSessions) {
  return (req: Request): HostIdentity | null => {
    const session = sessions.get(req);
    if (!session) return null;
    if (!SAFE_METHODS.has(req.method) && !req.get('x-requested-with')) {
      throw new PlacetError(
        'FORBIDDEN',
        'Cookie-authenticated requests that change state need X-Requested-With',
      );
    }
    return hostIdentity(session.username);
  };
}

/**
 * An existing Express application — its own login, its own pages — that mounts Placet under
 * `/hitl/api/v1`. Placet is started before this resolves.
 */
export async function createHostApp(options: HostAppOptions = {}): Promise<HostApp> {
  const placet = createPlacet({
    store: options.store ?? sqliteStore({ filename: ':memory:' }),
    plugins: [approval(), selection(), form(), textInput(), freeform()],
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await placet.start();
  const sessions = new HostSessions();

  const app = express();
  app.disable('x-powered-by');

  // --- The host's own routes -------------------------------------------------------------------
  app.post('/login', express.json({ limit: 4096 }), (req, res) => {
    const username: unknown = req.body?.username;
    if (typeof username !== 'string' || !USERNAME.test(username)) {
      res.status(400).json({ error: 'username: 1-32 characters of a-z, 0-9, _ and -' });
      return;
    }
    sessions.signIn(res, username);
    res.json({ username });
  });

  app.post('/logout', (req, res) => {
    sessions.signOut(req, res);
    res.json({ signedOut: true });
  });

  app.get('/', (req, res) => {
    const session = sessions.get(req);
    res
      .type('text/plain')
      .send(
        session
          ? `Hello ${session.username}. Placet's API is mounted at ${PLACET_BASE}.\n`
          : 'Hello. POST /login {"username": "…"} to sign in.\n',
      );
  });

  app.get('/whoami', (req, res) => {
    const session = sessions.get(req);
    if (!session) {
      res.status(401).json({ error: 'not signed in' });
      return;
    }
    res.json({ username: session.username });
  });

  // The host creates an API key for its user's agent through the facade (the raw key is shown once).
  app.post('/agent-keys', express.json({ limit: 4096 }), async (req, res) => {
    const session = sessions.get(req);
    if (!session) {
      res.status(401).json({ error: 'not signed in' });
      return;
    }
    if (!req.get('x-requested-with')) {
      res.status(403).json({ error: 'X-Requested-With required' });
      return;
    }
    const user = await placet.users.ensure(hostIdentity(session.username));
    const label = typeof req.body?.label === 'string' && req.body.label ? req.body.label : 'agent';
    const { key, apiKey } = await placet.apiKeys.create(user.id, { label });
    res.status(201).json({ key, id: apiKey.id, label: apiKey.label });
  });

  // --- Placet, under a sub-path, authenticated by the host's session --------------------------------
  app.use(
    PLACET_BASE,
    placetRouter(placet, { ...options.router, authenticateUser: authenticateFromSession(sessions) }),
  );

  // The web inbox under the host's path; people sign in through the host (its `/` explains how).
  app.use(
    DASHBOARD_BASE,
    placetDashboard({ apiBase: PLACET_BASE, authBase: false, loginUrl: '/', wsPath: REALTIME_PATH }),
  );

  // The host's own error page for its own routes (Placet's router answers its errors itself).
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: number })?.status ?? 500;
    res.status(status).json({ error: status >= 500 ? 'Internal server error' : 'Bad request' });
  });

  return {
    app,
    placet,
    sessions,
    attachRealtime: (server) =>
      attachRealtime(placet, server, {
        path: REALTIME_PATH,
        socketIoPath: false,
        authenticateUser: async (req) => {
          // A browser always names the page that opens a socket: one from another site (or a sibling
          // subdomain, which SameSite cookies do not stop) is refused, so it cannot act as the person.
          const origin = req.headers.origin;
          if (origin !== undefined && safeHost(origin) !== req.headers.host) return null;
          const session = sessions.fromCookieHeader(req.headers.cookie);
          return session
            ? placet.userPrincipal(await placet.users.ensure(hostIdentity(session.username)))
            : null;
        },
      }),
    close: () => placet.stop(),
  };
}

/** The `host[:port]` of an Origin header, or undefined when it is not a URL (`null`, garbage). */
function safeHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
