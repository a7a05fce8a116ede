import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type Clock,
  createPlacet,
  memoryStore,
  type Placet,
  silentLogger,
  type UserPrincipal,
} from '@placet/core';
import { type Message, z } from '@placet/core/contract';
import { definePlugin, type PlacetPlugin } from '@placet/core/plugin';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { freeform } from '@placet/plugin-freeform';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import {
  attachFakeHuman,
  type FakeAnswer,
  type FakeHuman,
  type FakeReview,
  seedAgent,
} from '@placet/test-utils';
import express from 'express';

/** A renderer plugin of a third party: it draws freeform reviews addressed to it and publishes an inputSchema. */
export const barChart = definePlugin({
  name: 'bar-chart',
  version: '1.0.0',
  displayName: 'Bar chart',
  description: 'A bar chart the human looks at before answering',
  inputSchema: z.object({ title: z.string().min(1), values: z.array(z.number()).min(1).max(50) }),
});

/**
 * A real Placet server for the MCP tests: Express with `placetRouter` on 127.0.0.1, port 0, the five
 * review types and a renderer plugin, an owner with an API key and a channel. `answer(build)` makes a
 * fake human (test-utils) answer every new review with what `build` returns.
 */
export interface PlacetServer {
  url: string;
  placet: Placet;
  apiKey: string;
  channelId: string;
  human: UserPrincipal;
  /** From now on a fake human answers each new review as `decide` says. */
  answer(decide: (review: FakeReview, message: Message) => FakeAnswer | undefined): FakeHuman;
  /** A second API key of another user (for tenancy checks). */
  otherKey(): Promise<string>;
  close(): Promise<void>;
}

export async function startPlacet(
  options: { clock?: Clock; plugins?: readonly PlacetPlugin[] } = {},
): Promise<PlacetServer> {
  const placet = createPlacet({
    plugins: [approval(), selection(), form(), textInput(), freeform(), barChart, ...(options.plugins ?? [])],
    store: memoryStore(),
    logger: silentLogger(),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  await placet.start();
  const app = express();
  app.use('/api/v1', placetRouter(placet, { authenticateUser: async () => null }));
  const server = await listen(createServer(app));
  const { key, channelId, human } = await seedAgent(placet, {
    email: 'owner@example.test',
    channelName: 'mcp-bot',
  });
  const humans: FakeHuman[] = [];
  return {
    url: `http://127.0.0.1:${port(server)}`,
    placet,
    apiKey: key,
    channelId,
    human,
    answer(decide) {
      for (const previous of humans.splice(0)) previous.stop();
      const fake = attachFakeHuman(placet, { user: human, script: decide });
      humans.push(fake);
      return fake;
    },
    async otherKey() {
      const other = await placet.users.create({
        email: `other-${humans.length}-${Date.now()}@example.test`,
        displayName: 'Other',
        password: 'other-password',
        role: 'member',
      });
      return (await placet.apiKeys.create(other.id, { label: 'other' })).key;
    },
    async close() {
      for (const fake of humans) fake.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      placet.reviews.releaseWaiters();
      await placet.stop();
    },
  };
}

export function respond(response: Record<string, unknown>): FakeAnswer {
  return { kind: 'respond', build: () => response };
}

export async function listen(server: HttpServer): Promise<HttpServer> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return server;
}

export function port(server: HttpServer): number {
  return (server.address() as AddressInfo).port;
}

/** An MCP SDK client connected over `transport`. */
export async function mcpClient(
  transport: Transport,
  client = new Client({ name: 'test', version: '1.0.0' }),
) {
  await client.connect(transport);
  return client;
}

/** The JSON a tool answered (its one text block), or its error text. */
export function toolJson(result: unknown): { isError: boolean; value: unknown; text: string } {
  const { content, isError } = result as { content: { type: string; text: string }[]; isError?: boolean };
  const text = content[0]?.text ?? '';
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // An error message, not JSON.
  }
  return { isError: isError === true, value, text };
}
