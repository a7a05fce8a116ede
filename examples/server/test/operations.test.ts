import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call } from './http-call.js';
import { parsePrometheus, sample } from './prometheus.js';
import {
  assertBuilt,
  type LogLine,
  type RunningServer,
  SERVER_MAIN,
  serverEnv,
  startServer,
} from './server-process.js';

/**
 * What an operator relies on, against the built server (`node dist/main.js`): liveness and readiness,
 * draining after SIGTERM, access logs without credentials, refused upgrades in the log, one SQLite
 * process per data directory, and Prometheus metrics.
 */

const temporary: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'placet-operations-'));
  temporary.push(dir);
  return dir;
};
const apiKey = () => `hp_${randomBytes(24).toString('hex')}`;

beforeAll(() => assertBuilt());
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** Polls `check` until it holds or `ms` pass. */
async function until(check: () => boolean, ms = 5_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await delay(25);
  }
  return check();
}

/** A native WebSocket to `path`: resolves with `open`, or with the status of the refused upgrade. */
function upgrade(url: string, path: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
  return new Promise<{ ws: WebSocket; status: number }>((resolve, reject) => {
    ws.once('open', () => resolve({ ws, status: 101 }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ ws, status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', reject);
  });
}

describe('logs an operator can use', () => {
  const key = apiKey();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ dataDir: freshDir(), env: { PLACET_API_KEY: key } });
  });
  afterAll(async () => {
    await server?.stop();
  });
  const access = () => server.lines.filter((l) => typeof l.requestId === 'string' && 'durationMs' in l);

  it('every line carries pid and hostname', async () => {
    await call(server.url, '/api/v1/agents', { headers: { 'x-api-key': key } });
    expect(server.lines.length).toBeGreaterThan(3);
    for (const line of server.lines) {
      expect(line.pid, JSON.stringify(line)).toBe(server.child.pid);
      expect(typeof line.hostname, JSON.stringify(line)).toBe('string');
    }
  });

  it('one access line per request: method, route template, status, duration, request id', async () => {
    const created = await call(server.url, '/api/v1/agents', {
      method: 'POST',
      headers: { 'x-api-key': key, 'X-Request-Id': 'lb-7f3a-0001' },
      body: { name: 'logged-bot' },
    });
    expect(created.status).toBe(201);
    expect(created.res.headers.get('x-request-id')).toBe('lb-7f3a-0001');
    const channelId = created.body.id as string;
    const read = await call(server.url, `/api/v1/agents/${channelId}?channel=${channelId}`, {
      headers: { 'x-api-key': key },
    });
    const generatedId = read.res.headers.get('x-request-id');
    expect(generatedId).toMatch(/^[0-9a-f-]{36}$/);

    expect(await until(() => access().some((l) => l.requestId === generatedId))).toBe(true);
    const post = access().find((l) => l.requestId === 'lb-7f3a-0001');
    expect(post).toMatchObject({
      level: 30,
      msg: 'POST /api/v1/agents 201',
      method: 'POST',
      route: '/api/v1/agents',
      url: '/api/v1/agents',
      status: 201,
      durationMs: expect.any(Number),
    });
    const get = access().find((l) => l.requestId === generatedId)!;
    expect(get.route).toBe('/api/v1/agents/:id');
    expect(get.url).toBe(`/api/v1/agents/${channelId}?channel=${channelId}`);
    expect(access().filter((l) => l.requestId === generatedId)).toHaveLength(1);
    // Never headers, cookies or bodies.
    for (const line of access()) {
      expect(Object.keys(line).sort()).toEqual(
        expect.arrayContaining(['method', 'route', 'url', 'status', 'durationMs', 'requestId']),
      );
      expect(line).not.toHaveProperty('req');
      expect(line).not.toHaveProperty('headers');
    }
  });

  it('a key or ticket in a query string never reaches the log', async () => {
    const secret = apiKey();
    const ticket = randomBytes(16).toString('hex');
    const answer = await call(server.url, `/api/v1/agents?apiKey=${secret}&ticket=${ticket}&limit=5`, {
      headers: { 'x-api-key': key },
    });
    const id = answer.res.headers.get('x-request-id');
    expect(await until(() => access().some((l) => l.requestId === id))).toBe(true);
    expect(access().find((l) => l.requestId === id)!.url).toBe(
      '/api/v1/agents?apiKey=[redacted]&ticket=[redacted]&limit=5',
    );
    expect(server.output()).not.toContain(secret);
    expect(server.output()).not.toContain(ticket);
    expect(server.output()).not.toContain(key);
  });

  it('a refused WebSocket upgrade is logged with the reason, without the key', async () => {
    const wrong = apiKey();
    const refused = await upgrade(server.url, `/ws?apiKey=${wrong}`);
    expect(refused.status).toBe(401);
    const socketIo = await upgrade(server.url, '/socket.io/?EIO=3&transport=websocket');
    expect(socketIo.status).toBe(400);
    const logged = () => server.lines.filter((l) => l.msg === 'websocket upgrade refused');
    expect(await until(() => logged().length >= 2)).toBe(true);
    expect(logged()[0]).toMatchObject({
      path: '/ws',
      status: 401,
      reason: 'Unauthorized',
      credential: 'apiKey query parameter',
      remoteAddress: '127.0.0.1',
    });
    expect(logged()[1]).toMatchObject({
      path: '/socket.io/',
      status: 400,
      reason: expect.stringMatching(/EIO|Engine\.IO/),
    });
    expect(server.output()).not.toContain(wrong);
    // An accepted upgrade logs no refusal.
    const accepted = await upgrade(server.url, '/ws', { 'x-api-key': key });
    expect(accepted.status).toBe(101);
    accepted.ws.close();
    await delay(100);
    expect(logged()).toHaveLength(2);
  });
});

describe('LOG_FORMAT=pretty', () => {
  it('one line per entry, each with hostname[pid]', async () => {
    const key = apiKey();
    const dataDir = freshDir();
    const child = spawn(process.execPath, [SERVER_MAIN], {
      cwd: dataDir,
      env: serverEnv({ PLACET_DATA_DIR: dataDir, PLACET_API_KEY: key, LOG_FORMAT: 'pretty' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      expect(await until(() => /Placet is listening on http/.test(output), 20_000), output).toBe(true);
      const url = /Placet is listening on (http:\/\/[\d.:]+)/.exec(output)![1]!;
      await call(url, '/api/v1/agents', { headers: { 'x-api-key': key } });
      await call(url, '/api/v1/nope', { headers: { 'x-api-key': key } });
      expect(await until(() => /GET \/api\/v1\/\* 404/.test(output)), output).toBe(true);
      const lines = output.split('\n').filter((l) => l !== '');
      expect(lines.length).toBeGreaterThan(3);
      const pattern = new RegExp(
        `^\\d\\d:\\d\\d:\\d\\d (TRACE|DEBUG|INFO |WARN |ERROR|FATAL) \\S+\\[${child.pid}\\] `,
      );
      for (const line of lines) expect(line).toMatch(pattern);
      expect(
        lines.some((l) => / GET \/api\/v1\/agents 200 .*durationMs=\d+/.test(l)),
        output,
      ).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});

describe('liveness and readiness', () => {
  it('/health: the process runs; /ready: it can serve (store and transport checked)', async () => {
    const server = await startServer({ dataDir: freshDir() });
    try {
      const live = await call(server.url, '/health');
      expect(live.status).toBe(200);
      expect(live.body).toMatchObject({ status: 'ok' });
      const ready = await call(server.url, '/ready');
      expect(ready.status).toBe(200);
      expect(ready.res.headers.get('cache-control')).toBe('no-store');
      expect(ready.body).toMatchObject({
        status: 'ready',
        checks: {
          store: { ok: true, latencyMs: expect.any(Number) },
          transport: { ok: true, name: 'memory' },
        },
      });
    } finally {
      await server.stop();
    }
  });

  it('SHUTDOWN_DELAY: after SIGTERM /ready answers 503 "draining" while the API still serves, then it exits 0', async () => {
    const key = apiKey();
    const server = await startServer({
      dataDir: freshDir(),
      env: { PLACET_API_KEY: key, SHUTDOWN_DELAY: '2' },
    });
    try {
      expect((await call(server.url, '/ready')).status).toBe(200);
      server.child.kill('SIGTERM');
      expect(await until(() => server.lines.some((l) => String(l.msg).startsWith('draining')))).toBe(true);
      const draining = await call(server.url, '/ready');
      expect(draining.status).toBe(503);
      expect(draining.body).toMatchObject({ status: 'draining' });
      expect(draining.res.headers.get('retry-after')).toBe('5');
      expect((await call(server.url, '/health')).status).toBe(200);
      expect((await call(server.url, '/api/v1/agents', { headers: { 'x-api-key': key } })).status).toBe(200);
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      await server.stop('SIGKILL');
    }
  });
});

describe('one SQLite process per data directory', () => {
  it('a second process on the same data dir refuses to start with a clear message; the first keeps serving', async () => {
    const dataDir = freshDir();
    const key = apiKey();
    const first = await startServer({ dataDir, env: { PLACET_API_KEY: key } });
    try {
      const second = startServer({ dataDir, env: { PLACET_API_KEY: key } });
      await expect(second).rejects.toThrow(/exited \(code 1/);
      const error = await second.catch((e: Error) => e.message);
      expect(error).toMatch(/Another process is using the SQLite database .*placet\.db/);
      expect(error).toMatch(/SQLite serves one Placet process/);
      // The first is unaffected: it answers, and its long-polls still wake.
      const headers = { 'x-api-key': key };
      const channel = await call(first.url, '/api/v1/agents', {
        method: 'POST',
        headers,
        body: { name: 'b' },
      });
      expect(channel.status).toBe(201);
      expect((await call(first.url, '/ready')).status).toBe(200);
    } finally {
      expect(await first.stop()).toEqual({ code: 0, signal: null });
    }
    // Once the first has stopped, the data dir is free again.
    const third = await startServer({ dataDir, env: { PLACET_API_KEY: key } });
    expect(await third.stop()).toEqual({ code: 0, signal: null });
  });
});

describe('metrics', () => {
  const metricNames = [
    'placet_http_requests_total',
    'placet_http_request_duration_seconds',
    'placet_store_up',
    'placet_transport_connected',
    'placet_waiters_open',
    'placet_sockets_open',
    'placet_deliveries_pending',
    'placet_webhook_attempts_total',
    'placet_events_committed_seq',
    'placet_events_dispatched_seq',
    'placet_event_lag',
    'placet_sweeper_runs_total',
    'process_cpu_seconds_total',
  ];

  it('off by default: /metrics is not served', async () => {
    const server = await startServer({ dataDir: freshDir() });
    try {
      expect((await call(server.url, '/metrics')).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('METRICS=on: /metrics is scraped and parsed (HTTP by route and status, engine, sockets, waiters)', async () => {
    const key = apiKey();
    const server = await startServer({ dataDir: freshDir(), env: { PLACET_API_KEY: key, METRICS: 'on' } });
    try {
      const headers = { 'x-api-key': key };
      const channel = await call(server.url, '/api/v1/agents', {
        method: 'POST',
        headers,
        body: { name: 'm' },
      });
      const channelId = channel.body.id as string;
      const message = await call(server.url, '/api/v1/messages', {
        method: 'POST',
        headers,
        body: {
          channelId,
          text: 'Go?',
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
      expect(message.status).toBe(201);
      await call(server.url, '/api/v1/agents', { headers });
      await call(server.url, '/api/v1/agents', { headers: { 'x-api-key': apiKey() } });
      const socket = await upgrade(server.url, '/ws', headers);
      const poll = call(
        server.url,
        `/api/v1/reviews/${message.body.id as string}/wait?channel=${channelId}&timeout=3000`,
        { headers },
      );
      // Scrape until the long-poll is registered and the hub has caught up (no fixed sleep).
      let scrape: Response;
      let metrics: ReturnType<typeof parsePrometheus>;
      const settled = Date.now() + 10_000;
      for (;;) {
        scrape = await fetch(`${server.url}/metrics`);
        metrics = parsePrometheus(await scrape.text());
        const ready =
          sample(metrics, 'placet_waiters_open') === 1 && sample(metrics, 'placet_event_lag') === 0;
        if (ready || Date.now() > settled) break;
        await delay(50);
      }
      expect(scrape.status).toBe(200);
      expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of metricNames) expect(metrics.types.has(name), name).toBe(true);
      expect(metrics.types.get('placet_http_requests_total')).toBe('counter');
      expect(metrics.types.get('placet_http_request_duration_seconds')).toBe('histogram');
      expect(sample(metrics, 'placet_http_requests_total', { route: '/api/v1/agents', status: '201' })).toBe(
        1,
      );
      expect(sample(metrics, 'placet_http_requests_total', { route: '/api/v1/agents', status: '200' })).toBe(
        1,
      );
      expect(sample(metrics, 'placet_http_requests_total', { route: '/api/v1/*', status: '401' })).toBe(1);
      expect(
        sample(metrics, 'placet_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/api/v1/messages',
          status: '201',
        }),
      ).toBe(1);
      expect(sample(metrics, 'placet_store_up')).toBe(1);
      expect(sample(metrics, 'placet_transport_connected')).toBe(1);
      expect(sample(metrics, 'placet_waiters_open')).toBe(1);
      expect(sample(metrics, 'placet_sockets_open')).toBe(1);
      expect(sample(metrics, 'placet_deliveries_pending')).toBe(0);
      expect(sample(metrics, 'placet_event_lag')).toBe(0);
      expect(sample(metrics, 'placet_events_committed_seq')).toBeGreaterThanOrEqual(2);
      expect(sample(metrics, 'placet_webhook_attempts_total', { outcome: 'failed' })).toBe(0);
      expect(sample(metrics, 'placet_sweeper_runs_total')).toBeGreaterThanOrEqual(0);
      socket.ws.close();
      await poll;
    } finally {
      await server.stop();
    }
  });

  it('METRICS_PORT: on a port of its own (logged), not on the API port', async () => {
    const server = await startServer({ dataDir: freshDir(), env: { METRICS_PORT: '0' } });
    try {
      const line = server.lines.find((l: LogLine) => typeof l.metricsUrl === 'string');
      expect(line, server.output()).toBeDefined();
      const metricsUrl = line!.metricsUrl as string;
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      expect(new URL(metricsUrl).port).not.toBe(new URL(server.url).port);
      const scrape = await fetch(metricsUrl);
      expect(scrape.status).toBe(200);
      expect(sample(parsePrometheus(await scrape.text()), 'placet_store_up')).toBe(1);
      expect((await call(server.url, '/metrics')).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
