import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlacet, type EventRecord, type Placet, silentLogger } from '@placet/core';
import { sqliteStore } from '@placet/db-sqlite';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import express, { type Express } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  authenticateFromSession,
  createHostApp,
  DASHBOARD_BASE,
  type HostApp,
  PLACET_BASE,
  REALTIME_PATH,
} from '../src/app.js';
import { HostSessions } from '../src/sessions.js';

/** The host app on 127.0.0.1:0, talked to over HTTP. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(app: Express): Promise<string> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startHost(
  options: Parameters<typeof createHostApp>[0] = {},
): Promise<HostApp & { url: string }> {
  const host = await createHostApp({ logger: silentLogger(), ...options });
  cleanups.push(() => host.close());
  return { ...host, url: await listen(host.app) };
}

interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<Reply> {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Signs in at the host; returns the headers of that browser (cookie + the host's CSRF header). */
async function signIn(
  url: string,
  username: string,
): Promise<{ cookie: string; 'x-requested-with': string }> {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('host_session='));
  expect(cookie).toMatch(/HttpOnly/i);
  return { cookie: cookie!.split(';')[0]!, 'x-requested-with': 'test' };
}

const APPROVAL = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve', style: 'primary' },
      { id: 'reject', label: 'Reject', style: 'danger' },
    ],
  },
  expiresInSeconds: 3600,
};

describe('the host decides who the human is', () => {
  it('no host session: 401 on Placet; after the host login: the ensured user', async () => {
    const host = await startHost();
    expect(await call(`${host.url}/whoami`)).toMatchObject({ status: 401 });
    expect(await call(`${host.url}${PLACET_BASE}/me`)).toMatchObject({
      status: 401,
      body: { statusCode: 401, code: 'UNAUTHORIZED' },
    });

    const alice = await signIn(host.url, 'alice');
    expect(await call(`${host.url}/whoami`, { headers: alice })).toMatchObject({
      status: 200,
      body: { username: 'alice' },
    });
    const me = await call(`${host.url}${PLACET_BASE}/me`, { headers: alice });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({
      externalId: 'host-user-alice',
      email: 'alice@host.example',
      displayName: 'alice',
      role: 'member',
    });
    // The same host user is the same Placet user on every request.
    const again = await call(`${host.url}${PLACET_BASE}/me`, { headers: alice });
    expect(again.body.user.id).toBe(me.body.user.id);

    // Another host user is another Placet user.
    const bob = await signIn(host.url, 'bob');
    const bobMe = await call(`${host.url}${PLACET_BASE}/me`, { headers: bob });
    expect(bobMe.body.user).toMatchObject({ externalId: 'host-user-bob' });
    expect(bobMe.body.user.id).not.toBe(me.body.user.id);

    // Signing out at the host signs out of Placet too.
    await call(`${host.url}/logout`, { method: 'POST', headers: alice });
    expect((await call(`${host.url}${PLACET_BASE}/me`, { headers: alice })).status).toBe(401);
  });

  it("applies the host's CSRF rule: a cookie POST without X-Requested-With is 403", async () => {
    const host = await startHost();
    const { cookie } = await signIn(host.url, 'alice');
    const res = await call(`${host.url}${PLACET_BASE}/api-keys`, {
      method: 'POST',
      headers: { cookie },
      body: { label: 'x' },
    });
    expect(res).toMatchObject({ status: 403, body: { code: 'FORBIDDEN' } });
  });
});

describe('everything under the sub-path', () => {
  it('an agent key of the host user posts a review, the user answers, the long-poll completes', async () => {
    const host = await startHost();
    const alice = await signIn(host.url, 'alice');
    const created = await call(`${host.url}/agent-keys`, {
      method: 'POST',
      headers: alice,
      body: { label: 'deploy-bot' },
    });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^hp_[0-9a-f]{48}$/);
    const agent = { 'x-api-key': created.body.key as string };

    // The key belongs to the ensured Placet user of the host user.
    const me = await call(`${host.url}${PLACET_BASE}/me`, { headers: alice });
    const keys = await call(`${host.url}${PLACET_BASE}/api-keys`, { headers: alice });
    expect(keys.body).toEqual([expect.objectContaining({ id: created.body.id, userId: me.body.user.id })]);

    const channel = await call(`${host.url}${PLACET_BASE}/agents`, {
      method: 'POST',
      headers: agent,
      body: { name: 'deploy-bot' },
    });
    expect(channel.status).toBe(201);
    const message = await call(`${host.url}${PLACET_BASE}/messages`, {
      method: 'POST',
      headers: agent,
      body: { channelId: channel.body.id, text: 'Deploy to production?', review: APPROVAL },
    });
    expect(message.status).toBe(201);
    expect(message.body.review).toMatchObject({ status: 'pending', type: 'approval' });

    // The human sees it in their inbox (by the host session) …
    const inbox = await call(`${host.url}${PLACET_BASE}/reviews`, { headers: alice });
    expect(inbox.body.data.map((m: { id: string }) => m.id)).toEqual([message.body.id]);

    // … the agent long-polls while the human answers.
    const waiting = call(
      `${host.url}${PLACET_BASE}/reviews/${message.body.id}/wait?channel=${channel.body.id}&timeout=10000`,
      { headers: agent },
    );
    const answered = await call(`${host.url}${PLACET_BASE}/reviews/${message.body.id}/respond`, {
      method: 'POST',
      headers: alice,
      body: { response: { selectedOption: 'approve' } },
    });
    expect(answered.status).toBe(200);
    expect(answered.body.review).toMatchObject({ status: 'completed', respondedBy: me.body.user.id });
    const waited = await waiting;
    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({
      status: 'completed',
      message: { id: message.body.id, review: { response: { selectedOption: 'approve' } } },
    });

    // The agent cannot answer; a second answer is a 409.
    expect(
      (
        await call(`${host.url}${PLACET_BASE}/reviews/${message.body.id}/respond`, {
          method: 'POST',
          headers: agent,
          body: { response: { selectedOption: 'reject' } },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call(`${host.url}${PLACET_BASE}/reviews/${message.body.id}/respond`, {
          method: 'POST',
          headers: alice,
          body: { response: { selectedOption: 'reject' } },
        })
      ).body,
    ).toMatchObject({ statusCode: 409, code: 'REVIEW_NOT_PENDING' });
  });

  it('Link headers, cursors and 404s keep the /hitl/api/v1 base', async () => {
    const host = await startHost({ router: { limits: { listCap: 1 } } });
    const alice = await signIn(host.url, 'alice');
    const agent = {
      'x-api-key': (await call(`${host.url}/agent-keys`, { method: 'POST', headers: alice })).body.key,
    };
    const channel = (
      await call(`${host.url}${PLACET_BASE}/agents`, {
        method: 'POST',
        headers: agent,
        body: { name: 'bot' },
      })
    ).body;
    const ids: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      const m = await call(`${host.url}${PLACET_BASE}/messages`, {
        method: 'POST',
        headers: agent,
        body: { channelId: channel.id, text, review: APPROVAL },
      });
      ids.push(m.body.id);
    }

    // A bare-array list over the cap says where the next page is: under the mount path.
    const pending = await call(`${host.url}${PLACET_BASE}/reviews/pending?channel=${channel.id}`, {
      headers: agent,
    });
    expect(pending.body).toHaveLength(1);
    const link = pending.headers.get('link');
    expect(link).toMatch(/rel="next"/);
    const next = new URL(/^<([^>]+)>/.exec(link ?? '')![1]!);
    expect(`${next.protocol}//${next.host}`).toBe(host.url);
    expect(next.pathname).toBe(`${PLACET_BASE}/reviews/pending`);
    expect((await call(next.href, { headers: agent })).status).toBe(200);

    // Cursor pages: the cursor is an id; following it under the mount path walks the channel.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ channel: channel.id, limit: '1', ...(cursor ? { cursor } : {}) });
      const page = await call(`${host.url}${PLACET_BASE}/messages?${query}`, { headers: agent });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((m: { id: string }) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    // The human inbox pages the same way.
    const inbox = await call(`${host.url}${PLACET_BASE}/reviews?limit=2`, { headers: alice });
    expect(inbox.body.data).toHaveLength(2);
    const rest = await call(`${host.url}${PLACET_BASE}/reviews?limit=2&cursor=${inbox.body.nextCursor}`, {
      headers: alice,
    });
    expect(rest.body).toMatchObject({ data: [{ id: ids[0] }], nextCursor: null });

    // Unknown paths under the mount are Placet's JSON 404 naming the full path; the host's other paths are the host's.
    expect(await call(`${host.url}${PLACET_BASE}/nope`, { headers: agent })).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND', message: `Cannot GET ${PLACET_BASE}/nope` },
    });
    expect((await call(`${host.url}/whoami`, { headers: agent })).status).toBe(401);
  });
});

describe('the dashboard and its WebSocket under the host', () => {
  it('serves the inbox at /hitl/ and pushes events to the host-signed-in person over /hitl/ws', async () => {
    const host = await createHostApp({ logger: silentLogger() });
    cleanups.push(() => host.close());
    const server: Server = host.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const realtime = host.attachRealtime(server);
    cleanups.push(async () => {
      await realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const page = await fetch(`${url}${DASHBOARD_BASE}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toMatch(new RegExp(`src="${DASHBOARD_BASE}/placet-assets/app-[0-9a-f]{12}\\.js"`));
    const config = JSON.parse(
      /<meta name="placet-config" content="([^"]*)"/
        .exec(html)![1]!
        .replace(/&#(\d+);/g, (_m, code) => String.fromCharCode(Number(code))),
    );
    expect(config).toMatchObject({
      apiBase: PLACET_BASE,
      authBase: false,
      loginUrl: '/',
      wsPath: REALTIME_PATH,
    });

    // No host session: the upgrade is refused before the handshake.
    const refused = new WebSocket(`${url.replace('http', 'ws')}${REALTIME_PATH}`);
    expect(
      await new Promise((resolve) =>
        refused.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
      ),
    ).toBe(401);

    const alice = await signIn(url, 'alice');
    const { key } = (await call(`${url}/agent-keys`, { method: 'POST', headers: alice, body: {} })).body;
    const channel = (
      await call(`${url}${PLACET_BASE}/agents`, {
        method: 'POST',
        headers: { 'x-api-key': key },
        body: { name: 'bot' },
      })
    ).body;
    // Alice's cookie, but the page that opens the socket is another site's: refused.
    const hijack = new WebSocket(`${url.replace('http', 'ws')}${REALTIME_PATH}`, {
      headers: { cookie: alice.cookie, origin: 'http://evil.example' },
    });
    expect(
      await new Promise((resolve) =>
        hijack.once('unexpected-response', (_req, res) => resolve(res.statusCode)),
      ),
    ).toBe(401);
    const socket = new WebSocket(`${url.replace('http', 'ws')}${REALTIME_PATH}`, {
      headers: { cookie: alice.cookie, origin: url },
    });
    const frames: { event: string; data: any }[] = [];
    socket.on('message', (raw) => frames.push(JSON.parse(raw.toString())));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    const sent = await call(`${url}${PLACET_BASE}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': key },
      body: { channelId: channel.id, text: 'hello alice' },
    });
    expect(sent.status).toBe(201);
    for (let i = 0; i < 200 && !frames.some((f) => f.event === 'message:created'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(frames.find((f) => f.event === 'message:created')?.data).toMatchObject({
      id: sent.body.id,
      text: 'hello alice',
    });
    socket.close();
  });
});

describe('two Placet instances in one app', () => {
  it('stay separate: keys, users, messages and events of A are not visible in B', async () => {
    const sessions = new HostSessions();
    const make = async (): Promise<Placet> => {
      const placet = createPlacet({
        store: sqliteStore({ filename: ':memory:' }),
        plugins: [approval()],
        logger: silentLogger(),
      });
      await placet.start();
      cleanups.push(() => placet.stop());
      return placet;
    };
    const a = await make();
    const b = await make();
    const app = express();
    app.post('/login', express.json(), (req, res) => {
      sessions.signIn(res, String(req.body.username));
      res.json({ ok: true });
    });
    app.use('/a/api/v1', placetRouter(a, { authenticateUser: authenticateFromSession(sessions) }));
    app.use('/b/api/v1', placetRouter(b, { authenticateUser: authenticateFromSession(sessions) }));
    const url = await listen(app);
    const eventsOfB: EventRecord[] = [];
    const aliceInB = await b.users.ensure({
      externalId: 'host-user-alice',
      email: 'alice@host.example',
      displayName: 'alice',
    });
    const unsubscribe = b.events.subscribe({ ownerId: aliceInB.id }, (event) => eventsOfB.push(event));
    cleanups.push(async () => unsubscribe());

    const alice = await signIn(url, 'alice');
    const keyA = (await call(`${url}/a/api/v1/api-keys`, { method: 'POST', headers: alice, body: {} })).body;
    expect(keyA.key).toMatch(/^hp_/);
    const agentA = { 'x-api-key': keyA.key as string };
    const channel = (
      await call(`${url}/a/api/v1/agents`, { method: 'POST', headers: agentA, body: { name: 'bot-a' } })
    ).body;
    const message = await call(`${url}/a/api/v1/messages`, {
      method: 'POST',
      headers: agentA,
      body: { channelId: channel.id, text: 'Only in A', review: APPROVAL },
    });
    expect(message.status).toBe(201);

    // A's key is unknown to B.
    expect(await call(`${url}/b/api/v1/agents`, { headers: agentA })).toMatchObject({
      status: 401,
      body: { message: 'Invalid API key' },
    });
    // The same host user exists in both, as two users of two instances.
    const meA = (await call(`${url}/a/api/v1/me`, { headers: alice })).body.user;
    const meB = (await call(`${url}/b/api/v1/me`, { headers: alice })).body.user;
    expect(meA.externalId).toBe(meB.externalId);
    expect(meB.id).toBe(aliceInB.id);
    // Nothing of A in B: no channel, message, review or key.
    expect((await call(`${url}/b/api/v1/agents`, { headers: alice })).body).toEqual([]);
    expect((await call(`${url}/b/api/v1/reviews?status=all`, { headers: alice })).body.data).toEqual([]);
    expect((await call(`${url}/b/api/v1/api-keys`, { headers: alice })).body).toEqual([]);
    expect((await call(`${url}/b/api/v1/messages?channel=${channel.id}`, { headers: alice })).status).toBe(
      404,
    );
    expect(
      (await call(`${url}/b/api/v1/messages/${message.body.id}?channel=${channel.id}`, { headers: alice }))
        .status,
    ).toBe(404);
    // A wrote events; B has none.
    expect(a.events.lastSeq()).toBeGreaterThan(0);
    expect(b.events.lastSeq()).toBe(0);
    expect(eventsOfB).toEqual([]);

    // And the other way round: B's own key works in B only.
    const keyB = (await call(`${url}/b/api/v1/api-keys`, { method: 'POST', headers: alice, body: {} })).body;
    expect((await call(`${url}/b/api/v1/agents`, { headers: { 'x-api-key': keyB.key } })).body).toEqual([]);
    expect((await call(`${url}/a/api/v1/agents`, { headers: { 'x-api-key': keyB.key } })).status).toBe(401);
  });
});
