import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SETTINGS } from '../src/config.js';
import { call } from './http-call.js';
import { sessionCookie, signIn } from './scripted-human.js';
import { assertBuilt, type RunningServer, runServerSync, startServer } from './server-process.js';

/** The built server as a process: `node dist/main.js`, configured by the environment, on port 0. */

const temporary: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'placet-server-test-'));
  temporary.push(dir);
  return dir;
}
const apiKey = () => `hp_${randomBytes(24).toString('hex')}`;
const messages = (server: RunningServer) => server.lines.map((line) => String(line.msg ?? ''));

const APPROVAL = {
  type: 'approval',
  payload: {
    options: [
      { id: 'yes', label: 'Yes' },
      { id: 'no', label: 'No' },
    ],
  },
};

beforeAll(() => assertBuilt());
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe('node dist/main.js --help', () => {
  it('lists every setting with its default, and exits 0', () => {
    const { status, stdout } = runServerSync(['--help'], {}, freshDir());
    expect(status).toBe(0);
    const lines = stdout.split('\n');
    const defaultOf = (name: string) => {
      const at = lines.findIndex((line) => line.trimStart().startsWith(`${name} `));
      return at < 0 ? undefined : lines[at + 1]?.trim().replace(/^default: /, '');
    };
    // The core settings, as the README and the brief promise them.
    const core: [string, string][] = [
      ['PORT', '3001'],
      ['HOST', '127.0.0.1'],
      ['PLACET_DATA_DIR', './data'],
      ['DATABASE_URL', '(SQLite in PLACET_DATA_DIR)'],
      ['INITIAL_USER_EMAIL', 'admin@placet.local'],
      ['INITIAL_USER_PASSWORD', '(generated, printed once)'],
      ['PLACET_API_KEY', '(generated, printed once)'],
      ['LOG_LEVEL', 'info'],
      ['LOG_FORMAT', 'pretty'],
    ];
    for (const [name, def] of core) expect(defaultOf(name), `${name} in --help:\n${stdout}`).toBe(def);
    // Every entry of the settings table (src/config.ts), each with its default on the next line.
    for (const [name, def] of SETTINGS) {
      expect(defaultOf(name), `${name} in --help (is dist/ stale? run \`npm run build\`):\n${stdout}`).toBe(
        def,
      );
    }
    expect(stdout).toContain('BACKEND_PORT');
  });

  // KNOWN BUG (reported): sessions.ts reads PLACET_SESSION_SECRET from the environment, but --help (and
  // the SETTINGS table behind it) does not list it. Replace `it.fails` with `it` once it is listed.
  it('also lists PLACET_SESSION_SECRET, which the server reads (src/sessions.ts)', () => {
    const { stdout } = runServerSync(['--help'], {}, freshDir());
    expect(stdout).toContain('PLACET_SESSION_SECRET');
  });
});

describe('an invalid configuration', () => {
  it.each([
    ['PLACET_API_KEY', `nope-${randomBytes(6).toString('hex')}`],
    ['PORT', `port-${randomBytes(6).toString('hex')}`],
    ['INITIAL_USER_PASSWORD', randomBytes(3).toString('hex')],
    ['DATABASE_URL', `mysql://user:${randomBytes(6).toString('hex')}@db.example/placet`],
    ['LOG_FORMAT', `fmt${randomBytes(6).toString('hex')}`],
  ])('%s: exits 2 naming the variable, without echoing the value', (name, value) => {
    const dir = freshDir();
    const { status, stdout, stderr } = runServerSync([], { PLACET_DATA_DIR: dir, [name]: value }, dir);
    expect(status).toBe(2);
    expect(stderr).toContain(`${name}:`);
    expect(stderr).toContain('--help');
    expect(`${stdout}${stderr}`).not.toContain(value);
  });
});

describe('first start', () => {
  it('prints the generated password and API key once; a second start on the same data dir does not', async () => {
    const dataDir = freshDir();
    const first = await startServer({ dataDir });
    let password: string;
    let key: string;
    try {
      const text = messages(first).join('\n');
      const passwords = [...text.matchAll(/generated password: (\S+)/g)].map((m) => m[1]!);
      const keys = [...text.matchAll(/API key for your agents: (hp_[0-9a-f]{48})\b/g)].map((m) => m[1]!);
      expect(passwords, first.output()).toHaveLength(1);
      expect(keys, first.output()).toHaveLength(1);
      [password, key] = [passwords[0]!, keys[0]!];
      expect(text.split(password)).toHaveLength(2);
      expect(text.split(key)).toHaveLength(2);
      // Both work: the key for agents, the password (to be changed) for the default owner.
      expect((await call(first.url, '/api/v1/agents', { headers: { 'x-api-key': key } })).status).toBe(200);
      const login = await call(first.url, '/api/auth/login', {
        method: 'POST',
        body: { email: 'admin@placet.local', password },
      });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ email: 'admin@placet.local', mustChangePassword: true });
    } finally {
      expect(await first.stop()).toEqual({ code: 0, signal: null });
    }

    const second = await startServer({ dataDir });
    try {
      const output = second.output();
      expect(output).not.toContain(password);
      expect(output).not.toContain(key);
      expect(output).not.toMatch(/generated password|Created an API key|Created the owner/);
      expect((await call(second.url, '/api/v1/agents', { headers: { 'x-api-key': key } })).status).toBe(200);
    } finally {
      expect(await second.stop()).toEqual({ code: 0, signal: null });
    }
  });
});

describe('settings of the original that do not apply', () => {
  it('JWT_SECRET: a warning names it as ignored, without its value', async () => {
    const secret = `jwt-${randomBytes(12).toString('hex')}`;
    const server = await startServer({ dataDir: freshDir(), env: { JWT_SECRET: secret } });
    try {
      const warning = server.lines.find((line) => line.variable === 'JWT_SECRET');
      expect(warning, server.output()).toBeDefined();
      expect(warning!.level).toBe(40);
      expect(warning!.msg).toMatch(/ignored/);
      expect(server.output()).not.toContain(secret);
    } finally {
      await server.stop();
    }
  });
});

describe('HTTP', () => {
  const email = 'owner@example.com';
  const password = `first-${randomBytes(8).toString('hex')}`;
  const key = apiKey();
  let server: RunningServer;
  let url: string;
  /** The sign-in test changes the password. */
  let currentPassword = password;

  beforeAll(async () => {
    server = await startServer({
      dataDir: freshDir(),
      env: { INITIAL_USER_EMAIL: email, INITIAL_USER_PASSWORD: password, PLACET_API_KEY: key },
    });
    url = server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('GET /health answers {status: "ok"}', async () => {
    const { status, body } = await call(url, '/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok' });
  });

  it('sign-in: login, me, change-password, logout', async () => {
    const wrong = await call(url, '/api/auth/login', {
      method: 'POST',
      body: { email, password: 'not-it-123' },
    });
    expect(wrong.status).toBe(401);
    expect(sessionCookie(wrong.res)).toBeUndefined();
    expect((await call(url, '/api/auth/me')).status).toBe(401);

    const login = await call(url, '/api/auth/login', { method: 'POST', body: { email, password } });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email, role: 'owner', mustChangePassword: false });
    const setCookie = login.res.headers.getSetCookie().find((h) => h.startsWith('access_token='));
    expect(setCookie).toMatch(/; HttpOnly/i);
    expect(setCookie).toMatch(/; SameSite=Lax/i);
    expect(setCookie).toMatch(/; Path=\//i);
    const cookie = sessionCookie(login.res)!;

    const me = await call(url, '/api/auth/me', { headers: { Cookie: cookie } });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ email });

    const csrf = { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' };
    const badCurrent = await call(url, '/api/auth/change-password', {
      method: 'POST',
      headers: csrf,
      body: { currentPassword: 'not-it-123', newPassword: 'a-new-password' },
    });
    expect(badCurrent.status).toBe(401);
    const tooShort = await call(url, '/api/auth/change-password', {
      method: 'POST',
      headers: csrf,
      body: { currentPassword: password, newPassword: 'short' },
    });
    expect(tooShort.status).toBe(400);

    const newPassword = `second-${randomBytes(8).toString('hex')}`;
    const changed = await call(url, '/api/auth/change-password', {
      method: 'POST',
      headers: csrf,
      body: { currentPassword: password, newPassword },
    });
    expect(changed.status).toBe(200);
    currentPassword = newPassword;
    const renewed = sessionCookie(changed.res);
    expect(renewed).toBeDefined();
    // The old session ends with the old password; the renewed one works.
    expect((await call(url, '/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await call(url, '/api/auth/me', { headers: { Cookie: renewed! } })).status).toBe(200);
    expect((await call(url, '/api/auth/login', { method: 'POST', body: { email, password } })).status).toBe(
      401,
    );
    const again = await signIn(url, email, newPassword);

    const logout = await call(url, '/api/auth/logout', {
      method: 'POST',
      headers: { Cookie: again, 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(logout.status).toBe(200);
    const cleared = logout.res.headers.getSetCookie().find((h) => h.startsWith('access_token='));
    expect(cleared).toMatch(/^access_token=;/);
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  it('CSRF: a cookie-authenticated mutation needs X-Requested-With; API keys and reads do not', async () => {
    const cookie = await signIn(url, email, currentPassword);

    const forged = await call(url, '/api/v1/agents', {
      method: 'POST',
      headers: { Cookie: cookie },
      body: { name: 'forged' },
    });
    expect(forged.status).toBe(403);
    expect(forged.body).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    const empty = await call(url, '/api/v1/agents', {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': '' },
      body: { name: 'forged' },
    });
    expect(empty.status).toBe(403);
    const changePassword = await call(url, '/api/auth/change-password', {
      method: 'POST',
      headers: { Cookie: cookie },
      body: { currentPassword: 'whatever-1', newPassword: 'whatever-2' },
    });
    expect(changePassword.status).toBe(403);

    const list = await call(url, '/api/v1/agents', { headers: { Cookie: cookie } });
    expect(list.status).toBe(200);
    expect((list.body as unknown as { name: string }[]).map((c) => c.name)).not.toContain('forged');

    const byHuman = await call(url, '/api/v1/agents', {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' },
      body: { name: 'by-human' },
    });
    expect(byHuman.status).toBe(201);
    const byAgent = await call(url, '/api/v1/agents', {
      method: 'POST',
      headers: { 'x-api-key': key },
      body: { name: 'by-agent' },
    });
    expect(byAgent.status).toBe(201);
    const channelId = byAgent.body.id as string;

    // Answering a review: only a human (cookie + X-Requested-With), never an agent key.
    const message = await call(url, '/api/v1/messages', {
      method: 'POST',
      headers: { 'x-api-key': key },
      body: { channelId, text: 'Go?', review: APPROVAL },
    });
    expect(message.status).toBe(201);
    const respond = `/api/v1/reviews/${message.body.id as string}/respond`;
    const answer = { response: { selectedOption: 'yes' } };
    const asAgent = await call(url, respond, { method: 'POST', headers: { 'x-api-key': key }, body: answer });
    expect(asAgent.status).toBe(403);
    const noHeader = await call(url, respond, { method: 'POST', headers: { Cookie: cookie }, body: answer });
    expect(noHeader.status).toBe(403);
    const asHuman = await call(url, respond, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' },
      body: answer,
    });
    expect(asHuman.status).toBe(200);
    const done = await call(url, `/api/v1/reviews/${message.body.id as string}/wait?channel=${channelId}`, {
      headers: { 'x-api-key': key },
    });
    expect(done.body).toMatchObject({
      status: 'completed',
      message: { review: { response: answer.response } },
    });
  });
});

describe('graceful shutdown', () => {
  async function serverWithPendingReview() {
    const key = apiKey();
    const server = await startServer({ dataDir: freshDir(), env: { PLACET_API_KEY: key } });
    const headers = { 'x-api-key': key };
    const channel = await call(server.url, '/api/v1/agents', {
      method: 'POST',
      headers,
      body: { name: 'bot' },
    });
    const message = await call(server.url, '/api/v1/messages', {
      method: 'POST',
      headers,
      body: { channelId: channel.body.id, text: 'Continue?', review: APPROVAL },
    });
    expect(message.status).toBe(201);
    const waitPath = `/api/v1/reviews/${message.body.id as string}/wait?channel=${channel.body.id as string}&timeout=30000`;
    return { server, key, waitPath };
  }

  it('SIGTERM while a long-poll is open: the poll answers {status: "timeout"} and the process exits 0', async () => {
    const { server, key, waitPath } = await serverWithPendingReview();
    try {
      const poll = call(server.url, waitPath, { headers: { 'x-api-key': key } });
      // Let the request reach the server and register its waiter (no observable signal for that).
      await delay(300);
      const signalled = Date.now();
      server.child.kill('SIGTERM');
      const answer = await poll;
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'timeout' });
      expect(Date.now() - signalled).toBeLessThan(5_000);
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(messages(server)).toContain('stopped');
    } finally {
      await server.stop('SIGKILL');
    }
  });

  // KNOWN BUG (reported): the released long-poll is answered with `Connection: keep-alive`, so a client
  // that polls again at once on the same connection (the guide's loop, with a pooling client) registers
  // a new waiter after the release; it sleeps the full timeout, and the process only exits when the
  // 15 s shutdown limit fires, with code 1. Replace `it.fails` with `it` once fixed.
  it('SIGTERM: a poll repeated on the same keep-alive connection does not hold up the exit', async () => {
    const { server, key, waitPath } = await serverWithPendingReview();
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    try {
      const request = `GET ${waitPath} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${key}\r\n\r\n`;
      const responses: string[] = [];
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        responses.push(chunk);
        // Poll again on the same connection unless the server said it is closing it.
        if (responses.length === 1 && !/^connection: close/im.test(chunk)) socket.write(request);
      });
      socket.on('error', () => {});
      socket.write(request);
      await delay(300);
      server.child.kill('SIGTERM');
      const exit = await Promise.race([server.exited, delay(5_000, 'still running' as const)]);
      expect(exit).toEqual({ code: 0, signal: null });
      for (const response of responses) expect(response).toContain('{"status":"timeout"}');
    } finally {
      socket.destroy();
      await server.stop('SIGKILL');
    }
  });
});
