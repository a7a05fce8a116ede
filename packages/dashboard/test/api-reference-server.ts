import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlacet, memoryStore, type Placet, silentLogger } from '@placet/core';
import { placetRouter } from '@placet/express';
import express from 'express';
import { apiReferenceHandler } from '../src/index.js';

export interface ReferenceServer {
  url: string;
  placet: Placet;
  /** An API key of the owner. */
  key: string;
  close(): Promise<void>;
}

/**
 * A real Express app on 127.0.0.1:0: `placetRouter()` at /api/v1 (the host's user authentication
 * refuses everyone: the API key is the only credential) and the reference page at /api/docs.
 */
export async function startReferenceServer(): Promise<ReferenceServer> {
  const placet = createPlacet({ store: memoryStore(), logger: silentLogger() });
  await placet.start();
  const app = express();
  app.get('/api/docs', apiReferenceHandler('/api/v1/openapi.json'));
  app.use('/api/v1', placetRouter(placet, { authenticateUser: async () => null }));
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const owner = await placet.users.create({
    email: `owner-${Math.random()}@example.test`,
    displayName: 'Owner',
    password: 'owner-password',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'docs' });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    placet,
    key,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await placet.stop();
    },
  };
}

type Json = Record<string, unknown>;

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** The OpenAPI document as the router serves it, and its operations (`METHOD /path`). */
export async function servedDocument(url: string): Promise<{ doc: Json; operations: string[] }> {
  const res = await fetch(`${url}/api/v1/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json: ${res.status}`);
  const doc = (await res.json()) as Json;
  const operations: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
    for (const method of Object.keys(item)) {
      if (METHODS.has(method)) operations.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return { doc, operations };
}
