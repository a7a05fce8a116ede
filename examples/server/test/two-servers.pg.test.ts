import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { io, type Socket } from 'socket.io-client';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call } from './http-call.js';
import { signIn } from './scripted-human.js';
import { assertBuilt, type RunningServer, startServer } from './server-process.js';
import { freshSchema, testPostgresUrl } from './test-postgres.js';

/**
 * Two `node dist/main.js` processes on one Postgres database (a fresh schema): what an agent sees on
 * one process when the human answers on the other — the Socket.IO event, the long-poll, and exactly one
 * signed webhook delivery.
 *
 * Runs when PLACET_TEST_POSTGRES_URL is set; skipped with a notice otherwise, and a failure instead when
 * PLACET_REQUIRE_POSTGRES=1 (as in CI).
 */
const PG_URL = testPostgresUrl('two-server Postgres test');

/** The server imports the built packages too: the webhook sender is the newest of them. */
const NOTIFIER_DIST = fileURLToPath(
  new URL('../../../packages/notifier-http/dist/index.js', import.meta.url),
);

const EMAIL = 'owner@placet.test';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const API_KEY = `hp_${randomBytes(24).toString('hex')}`;
const SESSION_SECRET = randomBytes(32).toString('base64url');
const STEP_TIMEOUT_MS = 10_000;

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP server that records every request and answers 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it is true or `timeoutMs` passes; returns whether it became true. */
async function until(check: () => boolean, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await delay(everyMs);
  }
  return check();
}

/** Rejects after `ms` with `what` in the message: every await on the network is bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe.skipIf(!PG_URL)('two example servers on one Postgres', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>> | undefined;
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let socket: Socket | undefined;
  let a: RunningServer;
  let b: RunningServer;

  const start = async (name: string, databaseUrl: string) => {
    const dataDir = mkdtempSync(join(tmpdir(), `placet-two-servers-${name}-`));
    dirs.push(dataDir);
    const server = await startServer({
      dataDir,
      startTimeoutMs: 30_000,
      env: {
        DATABASE_URL: databaseUrl,
        INITIAL_USER_EMAIL: EMAIL,
        INITIAL_USER_PASSWORD: PASSWORD,
        PLACET_API_KEY: API_KEY,
        // One session secret for both, as the self-hosting guide says for processes behind one proxy.
        PLACET_SESSION_SECRET: SESSION_SECRET,
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        LOG_FORMAT: 'json',
        NO_PROXY: '127.0.0.1,localhost',
        no_proxy: '127.0.0.1,localhost',
      },
    });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    assertBuilt();
    if (!existsSync(NOTIFIER_DIST)) {
      throw new Error(
        `${NOTIFIER_DIST} is missing: the server imports the built packages. Run \`npm run build\` at the repository root first.`,
      );
    }
    schema = await freshSchema(PG_URL!);
    receiver = await startReceiver();
    // One after the other: the first migrates the schema and seeds the owner and the key.
    a = await start('a', schema.databaseUrl);
    b = await start('b', schema.databaseUrl);
  }, 90_000);

  afterAll(async () => {
    socket?.disconnect();
    const exits = await Promise.allSettled(servers.map((server) => server.stop('SIGTERM', 10_000)));
    await receiver?.close();
    await schema?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    for (const exit of exits) if (exit.status === 'rejected') throw exit.reason;
  }, 60_000);

  it('Postgres: a respond on B reaches the socket and the long-poll on A, and one signed webhook', async () => {
    const agent = { 'x-api-key': API_KEY };
    const logs = () => `\n--- A ---\n${a.output()}\n--- B ---\n${b.output()}`;

    // The agent's side, all on A.
    const channel = await call(a.url, '/api/v1/agents', {
      method: 'POST',
      headers: agent,
      body: { name: 'two-servers-bot' },
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const channelId = channel.body.id as string;
    const hook = await call(a.url, '/api/v1/agents/setWebhook', {
      method: 'POST',
      headers: agent,
      body: { channelId, url: `${receiver!.url}/hook` },
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);
    const secret = hook.body.webhookSecret;
    expect(secret).toMatch(/^whsec_/);

    socket = io(`${a.url}/ws`, {
      transports: ['websocket'],
      auth: { apiKey: API_KEY },
      reconnection: false,
      forceNew: true,
      timeout: STEP_TIMEOUT_MS,
    });
    const events: { event: string; data: unknown }[] = [];
    socket.onAny((event: string, data: unknown) => events.push({ event, data }));
    await within(
      new Promise<void>((resolve, reject) => {
        socket!.once('connect', () => resolve());
        socket!.once('connect_error', reject);
      }),
      STEP_TIMEOUT_MS,
      'socket.io connect to A',
    );
    const ack = await within(
      socket.emitWithAck('subscribe:channel', channelId),
      STEP_TIMEOUT_MS,
      'subscribe:channel on A',
    );
    expect(ack).toEqual({ ok: true, channelId });

    const posted = await call(a.url, '/api/v1/messages', {
      method: 'POST',
      headers: agent,
      body: {
        channelId,
        text: 'Deploy to production?',
        review: {
          type: 'approval',
          payload: {
            options: [
              { id: 'yes', label: 'Yes' },
              { id: 'no', label: 'No' },
            ],
          },
        },
      },
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const messageId = posted.body.id as string;

    // The long-poll on A, in flight while the human answers on B.
    let pollSettled = false;
    const poll = call(
      a.url,
      `/api/v1/reviews/${encodeURIComponent(messageId)}/wait?channel=${encodeURIComponent(channelId)}&timeout=30000`,
      { headers: agent, timeoutMs: 40_000 },
    ).finally(() => {
      pollSettled = true;
    });
    await delay(500);
    expect(pollSettled, 'the long-poll on A answered before anyone responded').toBe(false);

    // The human's side, all on B.
    const login = await call(b.url, '/api/auth/login', {
      method: 'POST',
      body: { email: EMAIL, password: PASSWORD },
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    // A password given in INITIAL_USER_PASSWORD is the owner's choice: no forced change.
    expect(login.body.user).toMatchObject({ email: EMAIL, mustChangePassword: false });
    const cookie = await signIn(b.url, EMAIL, PASSWORD);
    const respond = await call(b.url, `/api/v1/reviews/${encodeURIComponent(messageId)}/respond`, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'test' },
      body: { response: { selectedOption: 'yes' } },
    });
    expect(respond.status, JSON.stringify(respond.body)).toBe(200);

    // The long-poll on A: completed, with the answer.
    const waited = await poll;
    expect(waited.status, JSON.stringify(waited.body)).toBe(200);
    expect(waited.body, logs()).toMatchObject({
      status: 'completed',
      message: {
        id: messageId,
        review: { status: 'completed', response: { selectedOption: 'yes' } },
      },
    });

    // The socket on A: review:responded for that message.
    const respondedOnSocket = () =>
      events.find(
        ({ event, data }) => event === 'review:responded' && (data as { id?: unknown })?.id === messageId,
      );
    expect(
      await until(() => respondedOnSocket() !== undefined, STEP_TIMEOUT_MS),
      `no review:responded on A's socket; got: ${JSON.stringify(events.map((e) => e.event))}${logs()}`,
    ).toBe(true);
    expect(respondedOnSocket()!.data).toMatchObject({
      id: messageId,
      channelId,
      review: { status: 'completed', response: { selectedOption: 'yes' } },
    });

    // The webhook: exactly one delivery for the message, by whichever process claimed it.
    const forMessage = () =>
      receiver!.received.filter((r) => {
        try {
          return (JSON.parse(r.body) as { message_id?: unknown }).message_id === messageId;
        } catch {
          return false;
        }
      });
    expect(
      await until(() => forMessage().length > 0, STEP_TIMEOUT_MS, 100),
      `no webhook reached the receiver within ${STEP_TIMEOUT_MS} ms${logs()}`,
    ).toBe(true);
    await delay(1_000);
    expect(forMessage(), `webhook requests: ${JSON.stringify(receiver!.received, null, 2)}`).toHaveLength(1);
    expect(receiver!.received, 'a webhook for something else reached the receiver').toHaveLength(1);

    const [delivery] = forMessage();
    expect(delivery!.method).toBe('POST');
    expect(delivery!.path).toBe('/hook');
    expect(delivery!.headers['webhook-id']).toEqual(expect.any(String));
    expect(delivery!.headers['webhook-signature']).toMatch(/^v1,/);
    const headers = Object.fromEntries(
      Object.entries(delivery!.headers).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    );
    const verified = new Webhook(secret as string).verify(delivery!.body, headers);
    expect(verified).toMatchObject({
      event: 'review:responded',
      channelId,
      message_id: messageId,
      review_type: 'approval',
      response: { selectedOption: 'yes' },
    });
  }, 60_000);
  /** A native socket on `url`; resolves once open, rejects with the HTTP status of a refusal. */
  const openSocket = (url: string, path: string, headers: Record<string, string>) => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
    return new Promise<WebSocket>((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  };
  const closeCode = (ws: WebSocket, ms: number) =>
    within(new Promise<number>((resolve) => ws.once('close', (code) => resolve(code))), ms, 'socket close');

  it('Postgres: an API key deleted through B closes the socket opened with it on A within 1 s', async () => {
    const human = { Cookie: await signIn(b.url, EMAIL, PASSWORD), 'X-Requested-With': 'XMLHttpRequest' };
    const created = await call(b.url, '/api/v1/api-keys', {
      method: 'POST',
      headers: human,
      body: { label: 'doomed' },
    });
    expect(created.status).toBe(201);
    const ws = await openSocket(a.url, '/ws', { 'x-api-key': String(created.body.key) });
    const closed = closeCode(ws, 1_000);
    const removed = await call(b.url, `/api/v1/api-keys/${String(created.body.id)}`, {
      method: 'DELETE',
      headers: human,
    });
    expect(removed.status).toBe(200);
    expect(await closed).toBe(1008);
  }, 30_000);

  it('Postgres: logout on B ends the session on A and closes its socket there', async () => {
    const cookie = await signIn(a.url, EMAIL, PASSWORD);
    expect((await call(b.url, '/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(200);
    const ws = await openSocket(a.url, '/ws', { Cookie: cookie, Origin: a.url });
    const closed = closeCode(ws, 1_000);
    const logout = await call(b.url, '/api/auth/logout', {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(logout.status).toBe(200);
    expect(await closed).toBe(1008);
    expect((await call(a.url, '/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(401);
  }, 30_000);

  it('Postgres: a WebSocket ticket is single-use across processes', async () => {
    const human = { Cookie: await signIn(a.url, EMAIL, PASSWORD), 'X-Requested-With': 'XMLHttpRequest' };
    const ticket = await call(a.url, '/api/auth/ws-ticket', { method: 'POST', headers: human });
    expect(ticket.status).toBe(201);
    const path = `/ws?ticket=${encodeURIComponent(String(ticket.body.ticket))}`;
    const first = await openSocket(b.url, path, {});
    await expect(openSocket(a.url, path, {})).rejects.toThrow(/401/);
    await expect(openSocket(b.url, path, {})).rejects.toThrow(/401/);
    first.close();
  }, 30_000);
});
