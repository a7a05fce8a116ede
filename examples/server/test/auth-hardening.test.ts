import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, type Reply } from './http-call.js';
import { sessionCookie, signIn } from './scripted-human.js';
import { type RunningServer, startServer } from './server-process.js';

/**
 * Hardening of the example server's sign-in (issue 17): server-side sessions that logout ends, sockets
 * that close when their credential goes, throttled credential checks without lock-out, the
 * must-change-password lock on sockets, and the original's Bearer session token.
 */

const temporary: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'placet-auth-test-'));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** A native socket of the server; resolves once open (rejects with the HTTP status of a refusal). */
function openSocket(url: string, path: string, headers: Record<string, string>): Promise<WebSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}${path}`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function closeCode(socket: WebSocket, ms = 1000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`socket not closed within ${ms} ms`)), ms);
    socket.once('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const tokenOf = (cookie: string) => decodeURIComponent(cookie.slice('access_token='.length));

describe('example server: access ends when it is taken away', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let url: string;
  const email = 'owner@example.test';
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const key = `hp_${randomBytes(24).toString('hex')}`;

  beforeAll(async () => {
    server = await startServer({
      dataDir: freshDir(),
      env: { INITIAL_USER_EMAIL: email, INITIAL_USER_PASSWORD: password, PLACET_API_KEY: key },
    });
    url = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('logout needs the CSRF header, ends the session on the server, and closes its socket (1008)', async () => {
    const cookie = await signIn(url, email, password);
    const socket = await openSocket(url, '/ws', { Cookie: cookie, Origin: url });

    const forged = await call(url, '/api/auth/logout', { method: 'POST', headers: { Cookie: cookie } });
    expect(forged.status).toBe(403);
    expect((await call(url, '/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(200);

    const closed = closeCode(socket);
    const logout = await call(url, '/api/auth/logout', {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(logout.status).toBe(200);
    expect(await closed).toBe(1008);
    // The old cookie, replayed by whoever kept it, is dead everywhere.
    expect((await call(url, '/api/auth/me', { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await call(url, '/api/v1/agents', { headers: { Cookie: cookie } })).status).toBe(401);
    await expect(openSocket(url, '/ws', { Cookie: cookie, Origin: url })).rejects.toThrow(/401/);
  });

  it('deleting an API key over HTTP closes the sockets opened with it', async () => {
    const cookie = await signIn(url, email, password);
    const human = { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' };
    const created = await call(url, '/api/v1/api-keys', {
      method: 'POST',
      headers: human,
      body: { label: 'doomed' },
    });
    expect(created.status).toBe(201);
    const socket = await openSocket(url, '/ws', { 'x-api-key': String(created.body.key) });
    const frames: string[] = [];
    socket.on('message', (raw) => frames.push(String(raw)));
    const closed = closeCode(socket);
    const removed = await call(url, `/api/v1/api-keys/${String(created.body.id)}`, {
      method: 'DELETE',
      headers: human,
    });
    expect(removed.status).toBe(200);
    expect(await closed).toBe(1008);
    expect(frames.join('')).not.toContain('access:revoked');
  });

  it("the original's older client: a Bearer session token gets a ticket (201) and needs no CSRF header", async () => {
    const login = await call(url, '/api/auth/login', { method: 'POST', body: { email, password } });
    const bearer = { Authorization: `Bearer ${tokenOf(sessionCookie(login.res)!)}` };
    const ticket = await call(url, '/api/auth/ws-ticket', { method: 'POST', headers: bearer });
    expect(ticket.status).toBe(201);
    expect(ticket.body.ticket).toEqual(expect.any(String));
    expect((await call(url, '/api/auth/me', { headers: bearer })).status).toBe(200);
    const agent = await call(url, '/api/v1/agents', {
      method: 'POST',
      headers: bearer,
      body: { name: 'by-bearer' },
    });
    expect(agent.status).toBe(201);

    // The ticket signs a Socket.IO client in once (as the original's dashboard does); never twice.
    const connect = () => {
      const socket = io(`${url}/ws`, {
        transports: ['websocket'],
        auth: { token: ticket.body.ticket },
        reconnection: false,
        forceNew: true,
      });
      return new Promise<{ ok: boolean; socket: typeof socket }>((resolve) => {
        socket.once('connect', () => resolve({ ok: true, socket }));
        socket.once('connect_error', () => resolve({ ok: false, socket }));
      });
    };
    const first = await connect();
    expect(first.ok).toBe(true);
    const second = await connect();
    expect(second.ok).toBe(false);
    first.socket.disconnect();
    second.socket.disconnect();
  });

  it('the 11th wrong current password within a minute gets 429 with Retry-After', async () => {
    const cookie = await signIn(url, email, password);
    const headers = { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' };
    const body = { currentPassword: 'wrong-password', newPassword: 'another-password' };
    const statuses: number[] = [];
    let last: Reply | undefined;
    for (let i = 0; i < 11; i++) {
      last = await call(url, '/api/auth/change-password', { method: 'POST', headers, body });
      statuses.push(last.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    expect(Number(last!.res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.body).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('11 bad sign-ins from one address do not lock the account: its owner still signs in from another', async () => {
    const cookie = await signIn(url, email, password);
    const member = { email: 'member@example.test', password: `m-${randomBytes(8).toString('hex')}` };
    const created = await call(url, '/api/v1/users', {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' },
      body: { ...member, displayName: 'Member' },
    });
    expect(created.status).toBe(201);
    // Addresses are documentation ranges in X-Forwarded-For (trusted from loopback): no traffic goes there.
    const attacker = { 'X-Forwarded-For': '203.0.113.7' };
    const guesses = await Promise.all(
      Array.from({ length: 10 }, () =>
        call(url, '/api/auth/login', {
          method: 'POST',
          headers: attacker,
          body: { email: member.email, password: 'guess-guess' },
        }),
      ),
    );
    expect(guesses.map((g) => g.status)).toEqual(Array(10).fill(401));
    const eleventh = await call(url, '/api/auth/login', {
      method: 'POST',
      headers: attacker,
      body: { email: member.email, password: 'guess-guess' },
    });
    expect(eleventh.status).toBe(429);
    const owner = await call(url, '/api/auth/login', {
      method: 'POST',
      headers: { 'X-Forwarded-For': '198.51.100.20' },
      body: member,
    });
    expect(owner.status).toBe(200);
  });
});

describe('example server: a must-change-password account is locked out of sockets too', {
  timeout: 60_000,
}, () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ dataDir: freshDir(), env: { INITIAL_USER_EMAIL: 'first@example.test' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gets no ticket (403) and no WebSocket upgrade by cookie (401) until the password is changed', async () => {
    const printed = server.lines.map((l) => String(l.msg)).find((m) => m.includes('generated password'));
    const generated = /generated password: (\S+)/.exec(printed ?? '')?.[1];
    expect(generated).toBeDefined();
    const cookie = await signIn(server.url, 'first@example.test', generated!);
    const headers = { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' };

    const ticket = await call(server.url, '/api/auth/ws-ticket', { method: 'POST', headers });
    expect(ticket.status).toBe(403);
    expect(ticket.body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
    await expect(openSocket(server.url, '/ws', { Cookie: cookie, Origin: server.url })).rejects.toThrow(
      /401/,
    );
    expect((await call(server.url, '/api/v1/agents', { headers })).status).toBe(403);

    const changed = await call(server.url, '/api/auth/change-password', {
      method: 'POST',
      headers,
      body: { currentPassword: generated, newPassword: 'a-password-of-my-own' },
    });
    expect(changed.status).toBe(200);
    const renewed = sessionCookie(changed.res)!;
    const after = await call(server.url, '/api/auth/ws-ticket', {
      method: 'POST',
      headers: { Cookie: renewed, 'X-Requested-With': 'XMLHttpRequest' },
    });
    expect(after.status).toBe(201);
    const socket = await openSocket(
      server.url,
      `/ws?ticket=${encodeURIComponent(String(after.body.ticket))}`,
      {},
    );
    socket.close();
  });
});
