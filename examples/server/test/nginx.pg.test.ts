import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { type Browser, chromium } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { browserUnavailable, bubble, CHROMIUM, CONTEXT_OPTIONS, openChat } from './dashboard/harness.js';
import {
  freePort,
  type HttpsReply,
  httpsCall,
  materializeProxyConfig,
  PROXY_CONFIG,
  proxyUnavailable,
  type RunningNginx,
  selfSignedCertificate,
  startNginx,
} from './nginx-proxy.js';
import { assertBuilt, type RunningServer, startServer } from './server-process.js';
import { freshSchema, testPostgresUrl } from './test-postgres.js';

/**
 * The self-hosting guide's nginx configuration, run as written (only its `# EDIT` values replaced), with
 * TLS, in front of two `node dist/main.js` processes on one Postgres schema: REST, a long-poll answered
 * through the other process, the native `/ws` socket, Socket.IO (default options and websocket-only), the
 * dashboard in Chromium, and a rolling restart under 16 concurrent writers without a failed request.
 *
 * Needs PLACET_TEST_POSTGRES_URL and nginx + openssl; skipped with a printed reason otherwise, and a
 * failure instead in CI (PLACET_REQUIRE_POSTGRES=1, CI set).
 */
const PG_URL = testPostgresUrl('nginx test');
const skip = !PG_URL || proxyUnavailable() !== undefined;
const noBrowser = skip ? 'skipped' : browserUnavailable();

const EMAIL = 'owner@placet.test';
const PASSWORD = `pw-${randomBytes(8).toString('hex')}`;
const API_KEY = `hp_${randomBytes(24).toString('hex')}`;
const SESSION_SECRET = randomBytes(32).toString('base64url');
const STEP_MS = 10_000;
const WRITERS = 16;

/** Rejects after `ms` with `what` in the message: every await on the network is bounded. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns true; throws with `what` after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await delay(50);
  }
}

describe('the self-hosting guide', () => {
  it('shows docs/guides/nginx/placet.conf exactly as the file CI runs', () => {
    const guide = readFileSync(new URL('../../../docs/guides/self-hosting.md', import.meta.url), 'utf8');
    const blocks = [...guide.matchAll(/```nginx\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks, 'the ```nginx block of "Behind a reverse proxy" differs from the file').toContain(
      readFileSync(PROXY_CONFIG, 'utf8'),
    );
  });
});

describe.skipIf(skip)('nginx from the documented config, TLS, two processes on one Postgres', () => {
  let schema: Awaited<ReturnType<typeof freshSchema>> | undefined;
  let dir: string;
  let databaseUrl: string;
  let ca: Buffer;
  let ports: [number, number];
  const processes: (RunningServer | undefined)[] = [undefined, undefined];
  let nginx: RunningNginx | undefined;
  let proxy: string;
  let channelId: string;
  let cookie: string;
  const sockets: { close(): void }[] = [];

  /** Starts process `i` (0: A, 1: B) on its fixed port, sharing the data directory (files) with the other. */
  const start = async (i: 0 | 1): Promise<RunningServer> => {
    processes[i] = await startServer({
      dataDir: join(dir, 'data'),
      startTimeoutMs: 30_000,
      env: {
        PORT: String(ports[i]),
        DATABASE_URL: databaseUrl,
        INITIAL_USER_EMAIL: EMAIL,
        INITIAL_USER_PASSWORD: PASSWORD,
        PLACET_API_KEY: API_KEY,
        PLACET_SESSION_SECRET: SESSION_SECRET,
        THROTTLE_LIMIT: '0',
      },
    });
    return processes[i]!;
  };
  const logs = () =>
    `\n--- nginx ---\n${nginx?.errors() ?? ''}${processes
      .map((p, i) => `\n--- process ${'AB'[i]} ---\n${p?.output() ?? '(not running)'}`)
      .join('')}`;
  const call = (path: string, init: Omit<Parameters<typeof httpsCall>[2], 'ca'> = {}) =>
    httpsCall(proxy, path, { ca, ...init });
  const agent = { 'x-api-key': API_KEY };
  const backendOf = (port: number) => `127.0.0.1:${port}`;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(tmpdir(), 'placet-nginx-'));
    mkdirSync(join(dir, 'data'), { mode: 0o700 });
    schema = await freshSchema(PG_URL!);
    databaseUrl = schema.databaseUrl;
    ports = [await freePort(), await freePort()];
    // One after the other: the first migrates the schema and seeds the owner and the key.
    await start(0);
    await start(1);

    const tls = selfSignedCertificate(dir);
    ca = tls.ca;
    const listenPort = await freePort();
    const config = materializeProxyConfig(readFileSync(PROXY_CONFIG, 'utf8'), {
      backends: ports,
      listenPort,
      certificate: tls.certificate,
      key: tls.key,
    });
    nginx = await startNginx(join(dir, 'nginx'), listenPort, config);
    proxy = nginx.url;

    const created = await call('/api/v1/agents', {
      method: 'POST',
      headers: agent,
      body: { name: 'proxied-bot' },
    });
    expect(created.status, JSON.stringify(created.body) + logs()).toBe(201);
    channelId = created.body.id as string;
  }, 90_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await nginx?.stop();
    const exits = await Promise.allSettled(processes.map((p) => p?.stop('SIGTERM', 10_000)));
    await schema?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    for (const exit of exits) if (exit.status === 'rejected') throw exit.reason;
  }, 60_000);

  const signIn = async (): Promise<string> => {
    const login = await call('/api/auth/login', {
      method: 'POST',
      body: { email: EMAIL, password: PASSWORD },
    });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    const setCookie = [login.headers['set-cookie'] ?? []].flat();
    const header = setCookie.find((c) => c.startsWith('access_token='));
    expect(header, `Set-Cookie: ${setCookie.join(' | ')}`).toBeDefined();
    // Served over HTTPS through a trusted proxy (X-Forwarded-Proto): the cookie is Secure.
    expect(header).toMatch(/;\s*Secure/i);
    return header!.split(';')[0]!;
  };
  const send = (text: string) =>
    call('/api/v1/messages', { method: 'POST', headers: agent, body: { channelId, text } });

  it('serves REST over TLS; Link headers keep the scheme and the port; the cookie is Secure', async () => {
    const health = await call('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    for (const content of ['one', 'two']) {
      const stored = await call('/api/v1/files/store-text', {
        method: 'POST',
        headers: agent,
        body: { channelId, content, filename: `${content}.md` },
      });
      expect(stored.status, JSON.stringify(stored.body)).toBe(201);
    }
    const page = await call(`/api/v1/files?channel=${channelId}&limit=1`, { headers: agent });
    expect(page.status).toBe(200);
    // `$http_host`, not `$host`: the port is part of the link (it was dropped before).
    expect(page.headers.link).toMatch(new RegExp(`^<${proxy.replace(/[.]/g, '\\.')}/api/v1/files\\?`));
    cookie = await signIn();
    // Both processes served something through nginx.
    const served = () => new Set(nginx!.access().map((line) => line.upstream));
    await until(() => served().size === 2, STEP_MS, 'requests on both processes');
    expect(served()).toEqual(new Set([backendOf(ports[0]), backendOf(ports[1])]));
  });

  it('a long-poll held by one process returns when the human answers through the other', async () => {
    let crossed = false;
    for (let attempt = 0; attempt < 6 && !crossed; attempt++) {
      const posted = await call('/api/v1/messages', {
        method: 'POST',
        headers: agent,
        body: {
          channelId,
          text: `Ship it? (${attempt})`,
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
      const id = posted.body.id as string;
      let settled = false;
      const waiting = call(`/api/v1/reviews/${id}/wait?channel=${channelId}&timeout=20000`, {
        headers: agent,
        timeoutMs: 30_000,
      }).finally(() => (settled = true));
      await delay(300);
      expect(settled, 'the long-poll answered before anyone responded').toBe(false);
      const answered = await call(`/api/v1/reviews/${id}/respond`, {
        method: 'POST',
        headers: { Cookie: cookie, 'X-Requested-With': 'test' },
        body: { response: { selectedOption: 'yes' } },
      });
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      const waited: HttpsReply = await within(waiting, 15_000, 'the long-poll');
      expect(waited.status).toBe(200);
      expect(waited.body).toMatchObject({
        status: 'completed',
        message: { id, review: { response: { selectedOption: 'yes' } } },
      });
      // Which process held the wait and which took the answer: nginx's access log says (it writes a
      // line just after the answer went out).
      const upstreamOf = (match: (uri: string) => boolean) =>
        nginx!.access().find((l) => match(l.uri))?.upstream;
      const waitedOn = () => upstreamOf((uri) => uri.startsWith(`/api/v1/reviews/${id}/wait`));
      const answeredOn = () => upstreamOf((uri) => uri === `/api/v1/reviews/${id}/respond`);
      await until(() => !!waitedOn() && !!answeredOn(), STEP_MS, 'the access log lines');
      crossed = waitedOn() !== answeredOn();
    }
    expect(crossed, 'no attempt had the wait and the answer on different processes').toBe(true);
  }, 60_000);

  it('native /ws: an agent socket (API key) and a dashboard-style socket (cookie, Origin with the port) get live events', async () => {
    const wsUrl = `${proxy.replace('https', 'wss')}/ws`;
    const open = (headers: Record<string, string>) => {
      const ws = new WebSocket(wsUrl, { ca, headers });
      sockets.push(ws);
      const frames: { event: string; data: { id?: string; channelId?: string } }[] = [];
      ws.on('message', (raw) => frames.push(JSON.parse(raw.toString()) as (typeof frames)[number]));
      const opened = new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      });
      return { ws, frames, opened };
    };
    const byKey = open(agent);
    // The browser's case: Origin https://127.0.0.1:<port> must equal the Host nginx passes on.
    const byCookie = open({ Cookie: cookie, Origin: proxy });
    await within(Promise.all([byKey.opened, byCookie.opened]), STEP_MS, `WebSocket through nginx${logs()}`);
    for (const s of [byKey, byCookie]) {
      s.ws.send(JSON.stringify({ event: 'subscribe:channel', data: channelId }));
      await until(() => s.frames.some((f) => f.event === 'subscribed'), STEP_MS, 'subscribed');
    }
    const sent = await send('over /ws');
    expect(sent.status).toBe(201);
    for (const s of [byKey, byCookie]) {
      await until(
        () => s.frames.some((f) => f.event === 'message:created' && f.data.id === sent.body.id),
        STEP_MS,
        'message:created on /ws',
      );
    }
  });

  const socketIo = async (options: { transports?: string[] }) => {
    const socket: Socket = io(`${proxy}/ws`, {
      ca: ca.toString(),
      auth: { apiKey: API_KEY },
      reconnection: false,
      forceNew: true,
      timeout: STEP_MS,
      ...options,
    });
    sockets.push({ close: () => socket.disconnect() });
    // The transport the Engine.IO session opened with (before any upgrade).
    let opened = '';
    socket.io.once('open', () => (opened = socket.io.engine.transport.name));
    const events: { event: string; data: { id?: string } }[] = [];
    socket.onAny((event: string, data: { id?: string }) => events.push({ event, data }));
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      }),
      STEP_MS,
      `socket.io connect through nginx${logs()}`,
    );
    expect(await within(socket.emitWithAck('subscribe:channel', channelId), STEP_MS, 'subscribe')).toEqual({
      ok: true,
      channelId,
    });
    const sent = await send(`over socket.io ${JSON.stringify(options)}`);
    expect(sent.status).toBe(201);
    await until(
      () => events.some((e) => e.event === 'message:created' && e.data.id === sent.body.id),
      STEP_MS,
      'message:created on socket.io',
    );
    return { socket, opened };
  };

  it("Socket.IO with transports: [websocket] (the original's agents) gets live events", async () => {
    const { socket, opened } = await socketIo({ transports: ['websocket'] });
    expect(opened).toBe('websocket');
    socket.disconnect();
  });

  it('Socket.IO with default options (polling, then the upgrade) gets live events', async () => {
    const { socket, opened } = await socketIo({});
    // Opened on HTTP long-polling (the session's requests all reached one process: the hash upstream),
    // then upgraded to WebSocket through nginx.
    expect(opened).toBe('polling');
    await until(() => socket.io.engine.transport.name === 'websocket', STEP_MS, 'the upgrade to websocket');
    const polls = nginx!.access().filter((l) => l.uri.startsWith('/socket.io/?EIO=4&transport=polling'));
    expect(polls.length).toBeGreaterThan(0);
    expect(
      new Set(polls.map((l) => l.upstream)).size,
      'polling requests of one session on two processes',
    ).toBe(1);
    socket.disconnect();
  });

  describe.skipIf(noBrowser)('the dashboard in Chromium', () => {
    let browser: Browser | undefined;
    afterAll(async () => browser?.close());

    it('signs in through nginx, goes live, and shows a message the agent sends', async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      const context = await browser.newContext({ ...CONTEXT_OPTIONS, ignoreHTTPSErrors: true });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(proxy);
      await page.getByLabel('Email').fill(EMAIL);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('placet-agent-list').waitFor();
      // The socket is open: through nginx, by cookie, Origin and Host agreeing.
      await page.locator('[data-connection="open"]').waitFor({ state: 'attached' });
      await openChat(page, channelId);
      const sent = await send('Hello through the proxy');
      expect(sent.status).toBe(201);
      await bubble(page, sent.body.id as string)
        .getByText('Hello through the proxy')
        .waitFor();
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);
  });

  it(`rolling restart of both processes under ${WRITERS} concurrent writers: no failed request`, async () => {
    const keepAlive = new Agent({ keepAlive: true, maxSockets: WRITERS, ca });
    const failures: string[] = [];
    let ok = 0;
    let done = false;
    const MAX_PER_WRITER = 2_500; // bounded: at most 40,000 requests
    const writer = async (w: number) => {
      for (let i = 0; i < MAX_PER_WRITER && !done; i++) {
        try {
          const res = await httpsCall(proxy, '/api/v1/messages', {
            ca,
            agent: keepAlive,
            method: 'POST',
            headers: agent,
            body: { channelId, text: `writer ${w} #${i}` },
            timeoutMs: 20_000,
          });
          if (res.status >= 200 && res.status < 300) ok++;
          else failures.push(`${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        } catch (error) {
          failures.push(`network: ${(error as Error).message}`);
        }
      }
    };
    const firstLine = nginx!.access().length;
    const writing = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const servedBy = (port: number, after: number) =>
      nginx!
        .access()
        .slice(after)
        .some((l) => l.upstream === backendOf(port) && l.status === 201);
    const restarts: string[] = [];
    try {
      await until(() => ok >= 100, 30_000, 'the writers getting going');
      for (const i of [0, 1] as const) {
        const name = 'AB'[i];
        const okBefore = ok;
        const signalled = Date.now();
        const exit = await processes[i]!.stop('SIGTERM', 15_000);
        expect(exit, `process ${name} did not stop cleanly${logs()}`).toEqual({ code: 0, signal: null });
        const stopped = Date.now();
        const mark = nginx!.access().length;
        await start(i);
        // Back in rotation (nginx tries it again after fail_timeout) before the other one stops.
        await until(() => servedBy(ports[i], mark), 30_000, `process ${name} serving again through nginx`);
        restarts.push(
          `${name} drained in ${stopped - signalled} ms, back in rotation ${Date.now() - stopped} ms later, ` +
            `${ok - okBefore} requests answered meanwhile`,
        );
        // The other process carried the load while this one was away.
        expect(ok - okBefore).toBeGreaterThan(0);
      }
    } finally {
      done = true;
      await writing;
      keepAlive.destroy();
    }
    const lines = nginx!
      .access()
      .slice(firstLine)
      .filter((l) => l.uri === '/api/v1/messages');
    const resent = lines.filter((l) => l.upstream.includes(',')).length;
    console.log(
      `[nginx rolling restart] ${WRITERS} writers, ${ok + failures.length} POST /api/v1/messages through nginx, ` +
        `${failures.length} failed; ${resent} re-sent by nginx to the other process after a refused connection. ` +
        restarts.join('; '),
    );
    expect(failures, `${failures.slice(0, 20).join('\n')}${logs()}`).toEqual([]);
    expect(ok).toBeGreaterThanOrEqual(200);
  }, 110_000);
});
