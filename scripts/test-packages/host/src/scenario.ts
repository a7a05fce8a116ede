/**
 * The host outside the repository, run for real (npm run test:packages): `node dist/scenario.js sqlite`
 * or `node dist/scenario.js postgres <url>`. It starts the host on 127.0.0.1, port 0, and talks to it
 * over HTTP and the WebSocket only, as an agent and as a person signed in at the host. Exits non-zero on
 * the first failed check; prints one line per check.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { approval, createClient } from '@placet/client';
import { type Store, silentLogger, type Transport } from '@placet/core';
import { postgresStore, postgresTransport } from '@placet/db-postgres';
import { sqliteStore } from '@placet/db-sqlite';
import { placetMcpHttp } from '@placet/mcp';
import pg from 'pg';
import WebSocket from 'ws';
import { API, createHost, PREFIX, WS_PATH } from './app.js';

const [kind = 'sqlite', postgresUrl] = process.argv.slice(2);
const started = Date.now();
const check = (what: string) => console.log(`  ok ${what} (${Date.now() - started} ms)`);

interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked field by field below.
  body: any;
}

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await res.text();
  const json = res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text;
  return { status: res.status, headers: res.headers, body: json } satisfies Reply;
}

/** The store of this run: an SQLite file, or a fresh schema of the Postgres database (dropped at the end). */
async function storeOf(dir: string): Promise<{ store: Store; transport?: Transport; drop(): Promise<void> }> {
  if (kind === 'sqlite')
    return { store: sqliteStore({ filename: join(dir, 'placet.db') }), drop: async () => {} };
  assert.ok(postgresUrl, 'usage: scenario.js postgres <url>');
  const schema = `placet_pkg_${randomBytes(5).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    store: postgresStore({ connectionString: url.toString(), max: 5 }),
    transport: postgresTransport({ connectionString: url.toString() }),
    drop: () => admin(`drop schema if exists ${schema} cascade`),
  };
}

const APPROVAL = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve', style: 'primary' },
      { id: 'reject', label: 'Reject', style: 'danger' },
    ],
  },
  expiresInSeconds: 600,
};

async function main(): Promise<void> {
  const dir = mkdtempSync(join(process.cwd(), `run-${kind}-`)); // in the host's own (temporary) directory
  const { store, transport, drop } = await storeOf(dir);
  const host = await createHost({
    store,
    ...(transport ? { transport } : {}),
    filesDir: join(dir, 'files'),
    logger: silentLogger(),
  });
  const server: Server = host.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const realtime = host.attach(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets: WebSocket[] = [];
  try {
    await scenario(base, sockets);
  } finally {
    for (const socket of sockets) socket.terminate();
    await realtime.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    host.placet.reviews.releaseWaiters();
    await host.placet.stop();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scenario(base: string, sockets: WebSocket[]): Promise<void> {
  const api = `${base}${API}`;

  // Nobody signed in: the router's 401, as JSON (an agent without a key gets the same answer).
  const anonymous = await call(`${api}/me`);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.body.code, 'UNAUTHORIZED');
  check(`no credentials: 401 UNAUTHORIZED "${anonymous.body.message}"`);

  // A person signs in at the host; Placet knows them from the host identity.
  const login = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'alice' }),
  });
  assert.equal(login.status, 200);
  const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const alice = { cookie, 'x-requested-with': 'fetch' };
  const me = await call(`${api}/me`, { headers: alice });
  assert.equal(me.status, 200);
  assert.equal(me.body.user.externalId, 'host:alice');
  check('the host session is a Placet user (authenticateUser → host identity)');

  // The person makes a key for their agent through Placet's API.
  const made = await call(`${api}/api-keys`, { method: 'POST', headers: alice, body: { label: 'bot' } });
  assert.equal(made.status, 201);
  const agent = { 'x-api-key': String(made.body.key) };
  check('POST /api-keys with the host session');

  // The person's browser opens the WebSocket with the host's cookie; without it the upgrade is refused.
  const wsUrl = `${base.replace('http', 'ws')}${WS_PATH}`;
  const refusal = (headers: Record<string, string>) =>
    new Promise((resolve) => {
      const refused = new WebSocket(wsUrl, { headers });
      refused.on('error', () => {}); // the refusal is the expected outcome
      refused.once('open', () => resolve('open'));
      refused.once('unexpected-response', (_q, r) => resolve(r.statusCode));
      sockets.push(refused);
    });
  assert.equal(await refusal({}), 401);
  assert.equal(await refusal({ cookie, origin: 'http://evil.example' }), 401);
  const socket = new WebSocket(wsUrl, { headers: { cookie, origin: base } });
  sockets.push(socket);
  const frames: { event: string; data: { id?: string } }[] = [];
  socket.on('message', (raw) => frames.push(JSON.parse(String(raw))));
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  check(`WebSocket at ${WS_PATH}: 401 without the session or from another site, open with it`);

  // The agent creates a channel and asks for an approval.
  const channel = await call(`${api}/agents`, {
    method: 'POST',
    headers: agent,
    body: { name: 'deploy-bot' },
  });
  assert.equal(channel.status, 201);
  const message = await call(`${api}/messages`, {
    method: 'POST',
    headers: agent,
    body: { channelId: channel.body.id, text: 'Deploy to production?', review: APPROVAL },
  });
  assert.equal(message.status, 201);
  assert.equal(message.body.review.status, 'pending');
  check('an agent creates a channel and an approval over HTTP');

  await until(() => frames.some((f) => f.event === 'message:created' && f.data.id === message.body.id));
  check('the signed-in person is told over the WebSocket (message:created)');

  // The agent long-polls; the person answers over HTTP; the long-poll returns the answer.
  const waiting = call(`${api}/reviews/${message.body.id}/wait?channel=${channel.body.id}&timeout=15000`, {
    headers: agent,
  });
  await until(
    async () => (await call(`${api}/reviews?status=pending`, { headers: alice })).body.data?.length === 1,
  );
  const answer = await call(`${api}/reviews/${message.body.id}/respond`, {
    method: 'POST',
    headers: alice,
    body: { response: { selectedOption: 'approve' } },
  });
  assert.equal(answer.status, 200);
  const waited = await waiting;
  assert.equal(waited.status, 200, JSON.stringify(waited.body));
  assert.equal(waited.body.status, 'completed');
  assert.deepEqual(waited.body.message.review.response, { selectedOption: 'approve' });
  check("the person answers over HTTP; the agent's long-poll returns completed");

  // An agent on @placet/client (its published build): ask() waits, the person answers, the answer comes
  // back typed; the same idempotency key finds the same review; its receipt verifies.
  const client = createClient({ url: `${base}${API}`, apiKey: String(made.body.key) });
  const rollback = approval({
    options: [
      { id: 'rollback', label: 'Roll back', style: 'danger' },
      { id: 'keep', label: 'Keep' },
    ],
  });
  let asked = '';
  const asking = client.ask(channel.body.id, {
    text: 'Roll back the release?',
    review: rollback,
    idempotencyKey: 'rollback-42',
    onCreated: (created) => {
      asked = created.id;
    },
  });
  await until(() => asked !== '');
  const kept = await call(`${api}/reviews/${asked}/respond`, {
    method: 'POST',
    headers: alice,
    body: { response: { selectedOption: 'keep' } },
  });
  assert.equal(kept.status, 200, JSON.stringify(kept.body));
  const result = await asking;
  assert.ok(result.status === 'completed' && !result.dismissed, JSON.stringify(result));
  const choice: 'rollback' | 'keep' = result.response.selectedOption;
  assert.equal(choice, 'keep');
  const again = await client.ask(channel.body.id, { review: rollback, idempotencyKey: 'rollback-42' });
  assert.equal(again.message.id, asked);
  const claims = await client.receipts.verify(asked, channel.body.id);
  assert.equal(claims.decision, 'keep');
  check(
    '@placet/client: ask() returns the typed answer, the same key finds the same review, the receipt verifies',
  );

  // @placet/mcp (its published build) mounted on a server of the host: an MCP client asks a human with
  // ask_human over Streamable HTTP; the person answers over HTTP; the tool returns the answer.
  const mcp = placetMcpHttp({ url: `${base}${API}` });
  const mcpServer = createServer((req, res) => void mcp(req, res));
  await new Promise<void>((resolve) => mcpServer.listen(0, '127.0.0.1', resolve));
  const mcpClient = new Client({ name: 'host-agent', version: '1.0.0' });
  await mcpClient.connect(
    new StreamableHTTPClientTransport(
      new URL(`http://127.0.0.1:${(mcpServer.address() as AddressInfo).port}/mcp`),
      {
        requestInit: { headers: { 'x-api-key': String(made.body.key) } },
      },
    ),
  );
  const tools = (await mcpClient.listTools()).tools.map((tool) => tool.name);
  assert.ok(tools.includes('ask_human') && tools.includes('wait_for_review'), tools.join(', '));
  const restarting = mcpClient.callTool({
    name: 'ask_human',
    arguments: {
      channelId: channel.body.id,
      text: 'Restart the workers?',
      review: { type: 'approval', payload: { options: [{ id: 'restart', label: 'Restart' }] } },
    },
  });
  let pendingId = '';
  await until(async () => {
    const pending = await call(`${api}/reviews?status=pending`, { headers: alice });
    pendingId = pending.body.data?.[0]?.id ?? '';
    return pendingId !== '';
  });
  const restarted = await call(`${api}/reviews/${pendingId}/respond`, {
    method: 'POST',
    headers: alice,
    body: { response: { selectedOption: 'restart' } },
  });
  assert.equal(restarted.status, 200, JSON.stringify(restarted.body));
  const toolResult = (await restarting) as { content: { type: string; text: string }[] };
  const answered = JSON.parse(toolResult.content[0]?.text ?? '{}');
  assert.equal(answered.status, 'completed', JSON.stringify(answered));
  assert.deepEqual(answered.response, { selectedOption: 'restart' });
  await mcpClient.close();
  await mcp.close();
  await new Promise((resolve) => mcpServer.close(resolve));
  check('@placet/mcp: an MCP client asks with ask_human over Streamable HTTP; the answer comes back');

  // The guide's plugin, built outside the repository, is registered and serves its element.
  const plugins = await call(`${api}/plugins`, { headers: agent });
  assert.equal(plugins.status, 200);
  const names = plugins.body.map((p: { name: string }) => p.name);
  for (const name of ['approval', 'selection', 'form', 'text-input', 'freeform', 'priority', 'rating'])
    assert.ok(names.includes(name), `GET /plugins lists ${name}: ${names.join(', ')}`);
  const ratingType = plugins.body.find((p: { name: string }) => p.name === 'rating').reviewTypes[0];
  assert.deepEqual(ratingType.ui, { element: 'placet-rating', module: `${API}/plugins/rating/ui/rating` });
  const module = await fetch(`${base}${ratingType.ui.module}`);
  assert.equal(module.status, 200);
  assert.match(module.headers.get('content-type') ?? '', /javascript/);
  assert.ok((await module.text()).includes('placet-rating'));
  check('GET /plugins lists the guide’s rating plugin; its element module is served');

  // A rating review: the third-party type is validated and answered like a built-in one.
  const rated = await call(`${api}/messages`, {
    method: 'POST',
    headers: agent,
    body: {
      channelId: channel.body.id,
      text: 'How was it?',
      review: { type: 'rating', payload: { max: 5 } },
    },
  });
  assert.equal(rated.status, 201);
  const tooMany = await call(`${api}/reviews/${rated.body.id}/respond`, {
    method: 'POST',
    headers: alice,
    body: { response: { stars: 6 } },
  });
  assert.equal(tooMany.status, 400);
  assert.equal(tooMany.body.issues[0].path, 'response.stars');
  const ratingWait = call(`${api}/reviews/${rated.body.id}/wait?channel=${channel.body.id}&timeout=15000`, {
    headers: agent,
  });
  const four = await call(`${api}/reviews/${rated.body.id}/respond`, {
    method: 'POST',
    headers: alice,
    body: { response: { stars: 4 } },
  });
  assert.equal(four.status, 200);
  const ratingDone = await ratingWait;
  assert.equal(ratingDone.status, 200, JSON.stringify(ratingDone.body));
  assert.equal(ratingDone.body.status, 'completed');
  assert.deepEqual(ratingDone.body.message.review.response, { stars: 4 });
  check('a rating review: 6 of 5 stars refused at response.stars, 4 stars completes the long-poll');

  // Placet's errors stay Placet's under the host: invalid JSON is its JSON 400, and a body over the
  // 100 KB default of express.json() (the host's parser, mounted after Placet) is accepted.
  const invalid = await fetch(`${api}/messages`, {
    method: 'POST',
    headers: { ...agent, 'content-type': 'application/json' },
    body: '{"channelId":',
  });
  assert.equal(invalid.status, 400);
  assert.equal(((await invalid.json()) as { code: string }).code, 'VALIDATION_FAILED');
  const big = await call(`${api}/messages`, {
    method: 'POST',
    headers: agent,
    body: { channelId: channel.body.id, text: 'x'.repeat(200_000) },
  });
  assert.equal(big.status, 201);
  const echoed = await call(`${base}/echo`, { method: 'POST', body: { hello: 'host' } });
  assert.deepEqual(echoed.body, { hello: 'host' });
  check("Placet's JSON errors and 1 MiB limit hold; the host's own express.json() still serves its routes");

  // The dashboard and the API reference under the prefix.
  const page = await fetch(`${base}${PREFIX}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  const html = await page.text();
  assert.ok(html.includes(`${PREFIX}/placet-assets/`), 'the page loads its assets under the prefix');
  assert.ok(html.includes('/login?returnTo={returnTo}'), "the page carries the host's loginUrl");
  const asset = /src="([^"]+\.js)"/.exec(html)?.[1];
  assert.ok(asset, 'the page names its script');
  assert.equal((await fetch(`${base}${asset}`)).status, 200);
  const docs = await fetch(`${base}${PREFIX}/api/docs`);
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /openapi\.json/);
  const openapi = await call(`${api}/openapi.json`);
  assert.equal(openapi.status, 200);
  assert.ok(openapi.body.paths['/plugins'], 'the OpenAPI document lists /plugins');
  check(`the dashboard at ${PREFIX}/ (its script loads) and the API reference at ${PREFIX}/api/docs`);
}

/** Polls `condition` (a socket or a list catching up) for at most 10 s. */
async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

main().then(
  () => console.log(`scenario ${kind}: passed in ${Date.now() - started} ms`),
  (error: unknown) => {
    console.error(`scenario ${kind}: FAILED`, error);
    process.exitCode = 1;
  },
);
