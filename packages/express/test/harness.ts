import type { AddressInfo } from 'node:net';
import {
  type AgentPrincipal,
  consoleLogger,
  createPlacet,
  memoryStore,
  type Placet,
  type Store,
  silentLogger,
} from '@placet/core';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import express from 'express';
import { type PlacetRouterOptions, placetRouter } from '../src/index.js';

export interface Server {
  url: string;
  placet: Placet;
  store: Store;
  owner: { id: string; role: 'owner' | 'member' };
  key: string;
  channelId: string;
  /** Headers of the owner as a human (the test host authenticates `x-test-user`). */
  human: Record<string, string>;
  agent: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real Express app on 127.0.0.1:0 with the router mounted at /api/v1, an owner, an API key and a
 * channel. The host's user auth for tests: the `x-test-user` header names a user id.
 */
export async function startServer(
  options: { store?: Store; router?: PlacetRouterOptions; placet?: Parameters<typeof createPlacet>[0] } = {},
): Promise<Server> {
  const store = options.store ?? memoryStore();
  const placet = createPlacet({
    plugins: [approval(), selection(), form(), textInput(), freeform()],
    store,
    logger: process.env.DEBUG_LOG ? consoleLogger({ level: 'debug' }) : silentLogger(),
    ...options.placet,
  });
  await placet.start();
  const app = express();
  app.use(
    '/api/v1',
    placetRouter(placet, {
      authenticateUser: async (req) => {
        const id = req.get('x-test-user');
        const user = id ? await placet.users.get(id) : undefined;
        return user ? placet.userPrincipal(user) : null;
      },
      ...options.router,
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const owner = await placet.users.create({
    email: `owner-${Math.random()}@example.test`,
    displayName: 'Owner',
    password: 'owner-password',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'test' });
  const agentPrincipal = (await placet.authenticate({ apiKey: key }))!;
  const channel = await placet.channels.create(agentPrincipal, { name: 'deploy-bot' });
  return {
    url,
    placet,
    store,
    owner,
    key,
    channelId: channel.id,
    human: { 'x-test-user': owner.id, 'content-type': 'application/json' },
    agent: { 'x-api-key': key, 'content-type': 'application/json' },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await placet.stop();
    },
  };
}

/** fetch + JSON, returning status, headers and the parsed body (or text). */
export async function call(
  url: string,
  init: {
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    raw?: string | FormData | Blob | Uint8Array<ArrayBuffer>;
    signal?: AbortSignal;
  } = {},
): Promise<{
  status: number;
  headers: Headers;
  body: any;
}> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body !== undefined
        ? { body: JSON.stringify(init.body) }
        : {}),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}

/** Another API key of the user (a separate rate-limit and wait bucket). */
export async function newKey(placet: Placet, userId: string): Promise<string> {
  return (await placet.apiKeys.create(userId, { label: `key-${Math.random()}` })).key;
}

/** A pending approval in the server's channel, for long-polls: its message id. */
export async function pendingReview(s: Server): Promise<string> {
  const agent = (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal;
  const message = await s.placet.messages.create(agent, {
    channelId: s.channelId,
    text: 'Proceed?',
    review: { type: 'approval', payload: { options: [{ id: 'yes', label: 'Yes' }] } },
  });
  return message.id;
}
