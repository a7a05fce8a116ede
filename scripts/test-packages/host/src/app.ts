import type { Server } from 'node:http';
import { createPlacet, type Logger, type Placet, type Store, type Transport } from '@placet/core';
import { apiReferenceHandler, placetDashboard } from '@placet/dashboard';
import { placetRouter } from '@placet/express';
import { httpWebhookSender } from '@placet/notifier-http';
import { fsFileStore } from '@placet/storage-fs';
import { attachRealtime, type Realtime } from '@placet/ws';
import express, { type Express } from 'express';
import { hostPlugins } from './plugins.js';
import { Sessions } from './sessions.js';

/** Where this host mounts Placet: its API, its dashboard and its WebSocket, all under `/hitl`. */
export const PREFIX = '/hitl';
export const API = `${PREFIX}/api/v1`;
export const WS_PATH = `${PREFIX}/ws`;

export interface HostOptions {
  store: Store;
  transport?: Transport;
  /** Uploaded files go here (`@placet/storage-fs`). */
  filesDir: string;
  logger?: Logger;
}

export interface Host {
  app: Express;
  placet: Placet;
  sessions: Sessions;
  /** Attaches the WebSocket to the host's server (authenticated by the host's session). */
  attach(server: Server): Realtime;
}

/** An Express app with its own sign-in that mounts everything Placet has under `/hitl`. */
export async function createHost(options: HostOptions): Promise<Host> {
  const placet = createPlacet({
    store: options.store,
    files: fsFileStore({ dir: options.filesDir }),
    webhookSender: httpWebhookSender(),
    plugins: hostPlugins(),
    ...(options.transport ? { transport: options.transport } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  await placet.start();
  const sessions = new Sessions();
  const app = express();

  // The host's own sign-in, with a JSON parser of its own route only.
  app.post('/login', express.json({ limit: 4096 }), (req, res) => {
    const username: unknown = req.body?.username;
    if (typeof username !== 'string' || !/^[a-z]{1,32}$/.test(username)) {
      res.status(400).json({ error: 'username: 1-32 letters a-z' });
      return;
    }
    sessions.signIn(res, username);
    res.json({ username });
  });

  // Placet, mounted before any body parser of the host's (docs/guides/embedding-express.md).
  app.use(API, placetRouter(placet, { authenticateUser: sessions.forRouter }));
  app.get(`${PREFIX}/api/docs`, apiReferenceHandler(`${API}/openapi.json`));
  app.use(
    PREFIX,
    placetDashboard({
      apiBase: API,
      authBase: false,
      loginUrl: '/login?returnTo={returnTo}',
      wsPath: WS_PATH,
      title: 'Host inbox',
    }),
  );

  // The rest of the host parses JSON everywhere: after the mount, Placet's routes never see this parser.
  app.use(express.json());
  app.post('/echo', (req, res) => {
    res.json(req.body);
  });

  return {
    app,
    placet,
    sessions,
    attach: (server) =>
      attachRealtime(placet, server, {
        path: WS_PATH,
        socketIoPath: false,
        authenticateUser: sessions.forUpgrade,
      }),
  };
}
