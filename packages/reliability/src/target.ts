import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentPrincipal,
  createPlacet,
  type Logger,
  type Placet,
  type PlacetOptions,
  silentLogger,
  type UserPrincipal,
} from '@placet/core';
import { postgresStore } from '@placet/db-postgres';
import type { SqlStore } from '@placet/db-sql';
import { sqliteStore } from '@placet/db-sqlite';
import { type PlacetRouterOptions, placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import { fsFileStore } from '@placet/storage-fs';
import { audit } from '@placet/test-utils';
import { attachRealtime, type Realtime } from '@placet/ws';
import express from 'express';

/** The header the test host authenticates humans by: it names a user id (as in the express harness). */
export const TEST_USER_HEADER = 'x-test-user';

export type StoreKind = { kind: 'sqlite' } | { kind: 'postgres'; url: string };

/** A user of the target with an API key (not channel-scoped), both principals and request headers. */
export interface Account {
  userId: string;
  email: string;
  key: string;
  apiKeyId: string;
  agent: AgentPrincipal;
  human: UserPrincipal;
  /** `x-api-key` + JSON content type. */
  agentHeaders: Record<string, string>;
  /** The test host's user header + JSON content type. */
  humanHeaders: Record<string, string>;
}

export interface Target {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  /** `origin` + `/api/v1` */
  api: string;
  placet: Placet;
  store: SqlStore;
  /** The temp dir holding the SQLite file (when SQLite) and the uploaded files. */
  dir: string;
  server: Server;
  realtime: Realtime;
  /** Creates a user with an API key. */
  account(role: 'owner' | 'member', label: string): Promise<Account>;
  close(): Promise<void>;
}

export interface TargetOptions {
  store?: StoreKind;
  placet?: Partial<PlacetOptions>;
  router?: PlacetRouterOptions;
  logger?: Logger;
}

/**
 * The real thing in this process: Placet on SQLite (a file in a temp dir) or Postgres, files on disk,
 * the `/api/v1` router on an Express app on 127.0.0.1:0, and the realtime endpoints on the same server.
 * Humans authenticate with the `x-test-user` header (the host's auth of the tests). Rate limit off.
 */
/**
 * The plugins of every target: the built-in review types and the example `audit` plugin, whose route
 * (`GET /plugins/audit/entries`) the tenancy matrix covers like a core operation.
 */
export const targetPlugins = () => [approval(), selection(), form(), textInput(), freeform(), audit()];

export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), 'placet-reliability-'));
  const kind = options.store ?? { kind: 'sqlite' };
  const store =
    kind.kind === 'sqlite'
      ? sqliteStore({ filename: join(dir, 'placet.db') })
      : postgresStore({ connectionString: kind.url, max: 10 });
  const placet = createPlacet({
    plugins: targetPlugins(),
    store,
    files: fsFileStore({ dir: join(dir, 'files') }),
    logger: options.logger ?? silentLogger(),
    sweepIntervalMs: 3_600_000,
    ...options.placet,
  });
  await placet.start();
  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/api/v1',
    placetRouter(placet, {
      rateLimit: false,
      authenticateUser: async (req) => {
        const id = req.get(TEST_USER_HEADER);
        const user = id ? await placet.users.get(id) : undefined;
        return user ? placet.userPrincipal(user) : null;
      },
      ...options.router,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const realtime = attachRealtime(placet, server);
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let accounts = 0;

  return {
    origin,
    api: `${origin}/api/v1`,
    placet,
    store,
    dir,
    server,
    realtime,
    async account(role, label) {
      const email = `${label}-${++accounts}-${Date.now()}@reliability.test`;
      const user = await placet.users.create({ email, displayName: label, role });
      const { key, apiKey } = await placet.apiKeys.create(user.id, { label });
      const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
      return {
        userId: user.id,
        email,
        key,
        apiKeyId: apiKey.id,
        agent,
        human: placet.userPrincipal(user),
        agentHeaders: { 'x-api-key': key, 'content-type': 'application/json' },
        humanHeaders: { [TEST_USER_HEADER]: user.id, 'content-type': 'application/json' },
      };
    },
    async close() {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await placet.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
