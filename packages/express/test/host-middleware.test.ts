import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlacet, type Placet, PlacetError, silentLogger, toErrorBody } from '@placet/core';
import { approval } from '@placet/plugin-approval';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { mapHttpError, type PlacetRouterOptions, placetRouter } from '../src/index.js';

/**
 * The router inside a host's own middleware (docs/guides/embedding-express.md, "Mount it before your body
 * parser"): what a host's global `express.json()` does to it, the two ways out, and what a person without
 * a session is told.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function placetWithKey(): Promise<{
  placet: Placet;
  agent: Record<string, string>;
  channelId: string;
}> {
  const placet = createPlacet({ plugins: [approval()], logger: silentLogger() });
  await placet.start();
  cleanups.push(() => placet.stop());
  const owner = await placet.users.ensure({
    externalId: 'host:alice',
    email: 'alice@host.test',
    displayName: 'a',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'bot' });
  const principal = (await placet.authenticate({ apiKey: key }))!;
  const channel = await placet.channels.create(principal, { name: 'bot' });
  return { placet, agent: { 'x-api-key': key, 'content-type': 'application/json' }, channelId: channel.id };
}

async function listen(app: Express): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text() };
}

/** A message body of about `bytes` bytes: over express.json()'s 100 KB default, under Placet's 1 MiB. */
const messageOf = (channelId: string, bytes: number) =>
  JSON.stringify({ channelId, text: 'x'.repeat(bytes) });

describe("a host's global express.json()", () => {
  it('before the mount, it takes the errors over: its 100 KB limit and its HTML error pages', async () => {
    const { placet, agent, channelId } = await placetWithKey();
    const app = express();
    app.use(express.json()); // the host's, for every path: runs before Placet's own parser
    app.use('/api/v1', placetRouter(placet));
    const url = await listen(app);

    // Small bodies still work (the router uses the body the host's parser read) …
    expect((await post(`${url}/api/v1/messages`, agent, messageOf(channelId, 10))).status).toBe(201);
    // … but a 200 KB body is the host parser's 413, answered by Express's default handler as HTML,
    const big = await post(`${url}/api/v1/messages`, agent, messageOf(channelId, 200_000));
    expect(big.status).toBe(413);
    expect(big.type).toMatch(/text\/html/);
    // and so is invalid JSON: never Placet's `{ statusCode, error, code, message }`.
    const invalid = await post(`${url}/api/v1/messages`, agent, '{"channelId":');
    expect(invalid.status).toBe(400);
    expect(invalid.type).toMatch(/text\/html/);
  });

  it('after the mount, it never sees Placet’s requests: the router keeps its limit and its JSON errors', async () => {
    const { placet, agent, channelId } = await placetWithKey();
    const app = express();
    app.use('/api/v1', placetRouter(placet)); // first
    app.use(express.json()); // then the host's parser, for the host's own routes
    app.post('/echo', (req, res) => {
      res.json(req.body);
    });
    const url = await listen(app);

    expect((await post(`${url}/api/v1/messages`, agent, messageOf(channelId, 200_000))).status).toBe(201);
    const invalid = await post(`${url}/api/v1/messages`, agent, '{"channelId":');
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const echoed = await post(`${url}/echo`, { 'content-type': 'application/json' }, '{"a":1}');
    expect(JSON.parse(echoed.text)).toEqual({ a: 1 });
  });

  it("kept first, an error middleware under the mount (mapHttpError, toErrorBody) gives back Placet's error body", async () => {
    const { placet, agent, channelId } = await placetWithKey();
    const app = express();
    app.use(express.json());
    app.use('/api/v1', placetRouter(placet));
    app.use('/api/v1', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(error);
      const body = toErrorBody(mapHttpError(error));
      res.status(body.statusCode).json(body);
    });
    const url = await listen(app);

    // The host's limit still applies (its parser read the body), but the answer is Placet's JSON.
    const big = await post(`${url}/api/v1/messages`, agent, messageOf(channelId, 200_000));
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    const invalid = await post(`${url}/api/v1/messages`, agent, '{"channelId":');
    expect(JSON.parse(invalid.text)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
  });
});

describe('a request of nobody', () => {
  async function start(authenticateUser: PlacetRouterOptions['authenticateUser']) {
    const { placet } = await placetWithKey();
    const app = express();
    app.use('/api/v1', placetRouter(placet, { authenticateUser }));
    return listen(app);
  }

  it("without any credential is the original's 401, worded for agents (which match on it)", async () => {
    const url = await start(() => null);
    const res = await fetch(`${url}/api/v1/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'UNAUTHORIZED',
      message: 'Missing or invalid API key',
    });
  });

  it("gets the host's own words when authenticateUser throws them (a session that has expired)", async () => {
    const url = await start((req) => {
      if (req.get('cookie')?.includes('sid='))
        throw new PlacetError('UNAUTHORIZED', 'Your session has expired');
      return null;
    });
    const expired = await fetch(`${url}/api/v1/me`, { headers: { cookie: 'sid=old' } });
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ code: 'UNAUTHORIZED', message: 'Your session has expired' });
    // Requests without the cookie keep the original's message.
    expect(await (await fetch(`${url}/api/v1/me`)).json()).toMatchObject({
      message: 'Missing or invalid API key',
    });
  });
});
