import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Clock,
  createPlacet,
  memoryStore,
  type Placet,
  type Store,
  silentLogger,
  type UserPrincipal,
} from '@placet/core';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import { attachRealtime, type Realtime } from '@placet/ws';
import express from 'express';

/**
 * A real Placet server for the client's tests: an Express app with `placetRouter` at /api/v1 on
 * 127.0.0.1, port 0, an owner, an API key and a channel. `human` answers reviews as the owner through
 * the facade (`placet.reviews.respond`), as the dashboard would. `restart()` stops the HTTP server and the
 * Placet instance and starts new ones on the same port over the same store: a server restart.
 */
export interface TestServer {
  url: string;
  port: number;
  placet: Placet;
  store: Store;
  apiKey: string;
  channelId: string;
  human: UserPrincipal;
  ownerId: string;
  /** Sockets the server has accepted so far (each fetch connection counts once). */
  connections(): number;
  restart(options?: { downMs?: number }): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(
  options: { clock?: Clock /** Serve the WebSocket at /ws (default true). */; realtime?: boolean } = {},
): Promise<TestServer> {
  const store = memoryStore();
  let connections = 0;

  async function boot(port: number): Promise<{ placet: Placet; server: HttpServer; realtime?: Realtime }> {
    const placet = createPlacet({
      plugins: [approval(), selection(), form(), textInput()],
      store,
      logger: silentLogger(),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await placet.start();
    const app = express();
    app.use('/api/v1', placetRouter(placet, { authenticateUser: async () => null }));
    const server = app.listen(port, '127.0.0.1');
    server.on('connection', () => connections++);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', () => resolve());
      server.once('error', reject);
    });
    if (options.realtime === false) return { placet, server };
    return { placet, server, realtime: attachRealtime(placet, server) };
  }

  let current = await boot(0);
  const port = (current.server.address() as AddressInfo).port;
  const owner = await current.placet.users.create({
    email: `owner-${Math.random()}@example.test`,
    displayName: 'Owner',
    password: 'owner-password',
    role: 'owner',
  });
  const { key } = await current.placet.apiKeys.create(owner.id, { label: 'client-tests' });
  const agent = await current.placet.authenticate({ apiKey: key });
  if (!agent) throw new Error('the API key did not authenticate');
  const channel = await current.placet.channels.create(agent, { name: 'client-bot' });

  async function shutdown(): Promise<void> {
    const { server, placet, realtime } = current;
    await realtime?.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    placet.reviews.releaseWaiters();
    await placet.stop();
  }

  const handle: TestServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    get placet() {
      return current.placet;
    },
    store,
    apiKey: key,
    channelId: channel.id,
    get human() {
      return current.placet.userPrincipal(owner);
    },
    ownerId: owner.id,
    connections: () => connections,
    async restart({ downMs = 0 } = {}) {
      await shutdown();
      if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
      current = await boot(port);
    },
    close: shutdown,
  };
  return handle;
}

/**
 * A fetch that records the requests the client makes (`METHOD path`) and lets a test answer some of them
 * itself (`intercept` returns a Response, or throws for a network failure) before they reach the server.
 */
export function recordingFetch(
  intercept?: (url: URL, init: RequestInit | undefined, seen: number) => Response | undefined,
) {
  const requests: string[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const label = `${init?.method ?? 'GET'} ${url.pathname}`;
    requests.push(label);
    const answer = intercept?.(url, init, requests.filter((r) => r === label).length);
    if (answer) return answer;
    return fetch(input, init);
  };
  return {
    fetch: fetchImpl,
    requests,
    count: (label: RegExp) => requests.filter((r) => label.test(r)).length,
  };
}
