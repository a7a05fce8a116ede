import type { AddressInfo } from 'node:net';
import { createPlacet, memoryStore, type Placet, type Store, silentLogger } from '@placet/core';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { FakeClock } from '@placet/test-utils';
import type { PushDevice } from '@placet/test-utils/push-service';
import express from 'express';
import { type WebPushOptionsInput, webpush } from '../src/index.js';

/**
 * A real Placet (memory store, fake clock) with the approval type and the webpush plugin, served by
 * @placet/express at /api/v1 on 127.0.0.1:0. The host's user auth for tests: `x-test-user` names a user.
 */
export interface World {
  url: string;
  api: string;
  placet: Placet;
  store: Store;
  clock: FakeClock;
  /** The channel's owner, and another user. */
  alice: { id: string; headers: Record<string, string> };
  bob: { id: string; headers: Record<string, string> };
  agent: Record<string, string>;
  channelId: string;
  close(): Promise<void>;
}

export async function startWorld(
  options: { webpush?: WebPushOptionsInput; store?: Store; clock?: FakeClock } = {},
): Promise<World> {
  const store = options.store ?? memoryStore();
  const clock = options.clock ?? new FakeClock();
  const placet = createPlacet({
    store,
    clock,
    logger: silentLogger(),
    plugins: [
      approval(),
      webpush({ allowHosts: ['127.0.0.1'], publicUrl: 'https://placet.example.test', ...options.webpush }),
    ],
    webhooks: { initialDelayMs: 1_000, maxAttempts: 5 },
    sweepIntervalMs: 3_600_000,
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
    }),
  );
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const human = async (role: 'owner' | 'member', name: string) => {
    const user = await placet.users.create({
      email: `${name}-${Math.random()}@example.test`,
      displayName: name,
      password: `${name}-password`,
      role,
    });
    return { id: user.id, headers: { 'x-test-user': user.id, 'content-type': 'application/json' } };
  };
  const alice = await human('owner', 'alice');
  const bob = await human('member', 'bob');
  const { key } = await placet.apiKeys.create(alice.id, { label: 'agent' });
  const agentPrincipal = (await placet.authenticate({ apiKey: key }))!;
  const channel = await placet.channels.create(agentPrincipal, { name: 'deploy-bot' });
  return {
    url,
    api: `${url}/api/v1`,
    placet,
    store,
    clock,
    alice,
    bob,
    agent: { 'x-api-key': key, 'content-type': 'application/json' },
    channelId: channel.id,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await placet.stop();
    },
  };
}

/** fetch + JSON: status and parsed body. */
export async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** Subscribes a device for a user over HTTP, as the dashboard does: the subscription's view. */
export async function subscribe(w: World, user: World['alice'], device: PushDevice, label = 'Test browser') {
  const { endpoint, keys } = device;
  const res = await call(`${w.api}/plugins/webpush/subscriptions`, {
    method: 'POST',
    headers: user.headers,
    body: { endpoint, keys, expirationTime: null, device: label },
  });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; device: string | null; endpointOrigin: string; createdAt: string };
}

/** An agent's approval review over HTTP: the message id. */
export async function askApproval(
  w: World,
  text = 'Deploy **v2** to `prod`? See [the plan](https://example.test/plan).',
) {
  const res = await call(`${w.api}/messages`, {
    method: 'POST',
    headers: w.agent,
    body: {
      channelId: w.channelId,
      text,
      review: {
        type: 'approval',
        payload: {
          options: [
            { id: 'approve', label: 'Approve', style: 'primary' },
            { id: 'reject', label: 'Reject', style: 'danger' },
            { id: 'later', label: 'Ask me later' },
          ],
        },
      },
    },
  });
  if (res.status !== 201) throw new Error(`ask: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

/** The webpush notifications of a message in its delivery log. */
export async function pushLog(w: World, messageId: string) {
  const principal = w.placet.userPrincipal({ id: w.alice.id, role: 'owner' });
  const log = await w.placet.deliveries.listForMessage(principal, messageId);
  return log.filter((delivery) => delivery.url === 'notifier:webpush');
}

/** A few macrotask turns: work started by an event (the dispatcher) gets to run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}
