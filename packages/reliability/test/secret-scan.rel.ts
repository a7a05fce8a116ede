import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteStore } from '@placet/db-sqlite';
import { waitFor } from '@placet/test-utils';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { figure } from '../src/figures.js';
import { type RunningChild, startChild } from '../src/processes.js';
import { type Receiver, startReceiver } from '../src/receiver.js';
import { nativeClient } from '../src/ws-client.js';

/**
 * Secret scan: a full end-to-end run of the example server (from source, logs at `debug`, its most verbose
 * level): agents with API keys, humans signing in with passwords, a webhook with a signing secret, basic
 * auth and a custom header, WebSockets (native and Socket.IO), files, streams, failures. Every secret is a
 * canary value. Afterwards every HTTP answer, every socket frame, every log line, every webhook request
 * and every table and file of the data dir is searched for every canary (raw, base64, URL-encoded). A
 * canary may appear only where it must: in the one-time answer that creates it, and in the outgoing
 * webhook's own auth and header values (and the tables that keep those for retries). Session tokens (by
 * cookie and as Bearer tokens) and their signatures may appear only in the Set-Cookie of the answer that
 * started the session, WebSocket tickets only in their own 201 answer: the session store (`placet_sessions`,
 * `placet_kv`) keeps session ids and ticket nonces, never a token. `access:revoked` never reaches a socket.
 */

const SERVER_MAIN = fileURLToPath(new URL('../../../examples/server/src/main.ts', import.meta.url));

const r = () => randomBytes(6).toString('hex');
const hexKey = () => `hp_${randomBytes(24).toString('hex')}`;
/** The session token of an `access_token=<token>` cookie pair ('' when there is none). */
const tokenOf = (pair: string) =>
  pair.startsWith('access_token=') ? decodeURIComponent(pair.slice('access_token='.length)) : '';
/** The signature (last part) of a session token or ticket: with the id the store keeps, it is the credential. */
const signatureOf = (token: string) => token.split('.').at(-1) ?? '';

/** Where a piece of text was seen. */
interface Place {
  kind: 'response' | 'frame' | 'log' | 'webhook' | 'table' | 'file';
  label: string;
  text: string;
}

interface Canary {
  name: string;
  value: string;
  /** Extra encodings to look for besides raw, base64 and URL-encoded (basic auth's `user:password`). */
  extraForms?: string[];
  /** Where it may be seen. */
  allowed: (place: Place) => boolean;
  /** Must be seen at least once in an allowed place (proof that the scan sees it). */
  mustAppear?: boolean;
}

const places: Place[] = [];
let server: RunningChild | undefined;
let receiver: Receiver | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'placet-reliability-secrets-'));

afterAll(async () => {
  await server?.kill();
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** fetch that records the answer (status line, headers, body) as a place, under `label`. */
async function http(
  origin: string,
  label: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown; raw?: BodyInit } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers; text: string }> {
  const res = await fetch(`${origin}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.raw !== undefined
      ? { body: init.raw }
      : init.body !== undefined
        ? { body: JSON.stringify(init.body) }
        : {}),
    signal: AbortSignal.timeout(40_000),
  });
  const text = await res.text();
  // Set-Cookie is a place of its own: a session token may be there (sign-in), never in the rest.
  const headers = [...res.headers.entries()].filter(([name]) => name !== 'set-cookie');
  places.push({ kind: 'response', label, text: `${res.status}\n${JSON.stringify(headers)}\n${text}` });
  const setCookie = res.headers.getSetCookie();
  if (setCookie.length > 0)
    places.push({ kind: 'response', label: `${label} (Set-Cookie)`, text: setCookie.join('\n') });
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON (a file, a page).
  }
  return { status: res.status, body, headers: res.headers, text };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}

describe('secret scan', () => {
  it('canaries appear only in the answers that create them and in the webhook’s own auth and header', async () => {
    receiver = await startReceiver();
    const owner = { email: `owner-${r()}@secrets.test`, password: `canary-owner-password-${r()}` };
    const member = {
      email: `member-${r()}@secrets.test`,
      password: `canary-member-password-${r()}`,
      newPassword: `canary-member-new-password-${r()}`,
    };
    const seedKey = hexKey();
    const unknownKey = hexKey();
    const wrongPassword = `canary-wrong-password-${r()}`;
    const basic = { username: `hook-user-${r()}`, password: `canary-basic-password-${r()}` };
    const headerValue = `canary-header-value-${r()}`;
    const badHeaderValue = `canary-bad-header-${r()}`;
    const managementKey = `canary-management-key-${r()}`;
    const shortPassword = `cnry${r().slice(0, 3)}`; // Too short: refused, never echoed.

    server = await startChild({
      script: SERVER_MAIN,
      env: {
        HOST: '127.0.0.1',
        PORT: '0',
        PLACET_DATA_DIR: dataDir,
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        INITIAL_USER_EMAIL: owner.email,
        INITIAL_USER_PASSWORD: owner.password,
        PLACET_API_KEY: seedKey,
        WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        THROTTLE_LIMIT: '0',
      },
      ready: (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          return entry.msg?.startsWith('Placet is listening') && entry.url ? [entry.url] : undefined;
        } catch {
          return undefined;
        }
      },
    });
    const origin = server.ready[0]!;
    const api = (path: string) => `/api/v1${path}`;
    const agent = (key: string) => ({ 'x-api-key': key });

    // Humans sign in with passwords (and fail to, once).
    const signIn = async (label: string, email: string, password: string) => {
      const res = await http(origin, label, '/api/auth/login', { method: 'POST', body: { email, password } });
      const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? '';
      return { status: res.status, cookie, token: tokenOf(cookie) };
    };
    const ownerSession = await signIn('login owner', owner.email, owner.password);
    expect(ownerSession.status).toBe(200);
    const asOwner = { cookie: ownerSession.cookie, 'x-requested-with': 'XMLHttpRequest' };
    expect((await signIn('login with a wrong password', owner.email, wrongPassword)).status).toBe(401);
    expect(
      (
        await http(origin, 'create a user with a too short password', api('/users'), {
          method: 'POST',
          headers: asOwner,
          body: { email: `short-${r()}@secrets.test`, displayName: 'Short', password: shortPassword },
        })
      ).status,
    ).toBe(400);
    const created = await http(origin, 'create the member', api('/users'), {
      method: 'POST',
      headers: asOwner,
      body: { email: member.email, displayName: 'Member', password: member.password },
    });
    expect(created.status).toBe(201);
    const memberSession = await signIn('login member', member.email, member.password);
    expect(memberSession.status).toBe(200);
    const changed = await http(origin, 'change password', '/api/auth/change-password', {
      method: 'POST',
      headers: { cookie: memberSession.cookie, 'x-requested-with': 'XMLHttpRequest' },
      body: { currentPassword: member.password, newPassword: member.newPassword },
    });
    expect(changed.status).toBe(200);
    // The change ended the member's session and started a new one (its token in the answer's cookie).
    const changedToken = tokenOf(changed.headers.get('set-cookie')?.split(';')[0] ?? '');
    expect(changedToken).not.toBe('');
    expect(
      (
        await http(origin, 'me with the session ended by the change', '/api/auth/me', {
          headers: { cookie: memberSession.cookie },
        })
      ).status,
    ).toBe(401);
    const memberAgain = await signIn('login member, new password', member.email, member.newPassword);
    expect(memberAgain.status).toBe(200);
    await http(origin, 'me', '/api/auth/me', { headers: asOwner });
    await http(origin, 'users', api('/users'), { headers: asOwner });

    // API keys: made, listed, rotated, used; an unknown one refused.
    const made = await http(origin, 'create an API key', api('/api-keys'), {
      method: 'POST',
      headers: asOwner,
      body: { label: 'ci' },
    });
    expect(made.status).toBe(201);
    const createdKey = made.body.key as string;
    const rotated = await http(origin, 'rotate an API key', api(`/api-keys/${made.body.id}/rotate`), {
      method: 'POST',
      headers: asOwner,
    });
    expect(rotated.status).toBe(200);
    const rotatedKey = rotated.body.key as string;
    await http(origin, 'list API keys', api('/api-keys'), { headers: asOwner });
    expect((await http(origin, 'the old key', api('/agents'), { headers: agent(createdKey) })).status).toBe(
      401,
    );
    expect(
      (await http(origin, 'the rotated key', api('/agents'), { headers: agent(rotatedKey) })).status,
    ).toBe(200);
    expect(
      (await http(origin, 'an unknown key', api('/agents'), { headers: agent(unknownKey) })).status,
    ).toBe(401);
    await http(origin, 'an unknown bearer key', api('/agents'), {
      headers: { authorization: `Bearer ${unknownKey}` },
    });

    // A channel with a webhook: URL, basic auth, a custom header; the signing secret made, then rotated.
    const channel = await http(origin, 'create a channel', api('/agents'), {
      method: 'POST',
      headers: agent(seedKey),
      body: { name: 'secrets-bot' },
    });
    const channelId = channel.body.id as string;
    const refused = await http(origin, 'setWebhook with an invalid header value', api('/agents/setWebhook'), {
      method: 'POST',
      headers: agent(seedKey),
      body: {
        channelId,
        url: `${receiver.origin}/hook`,
        headers: { 'X-Canary': `${badHeaderValue}\r\nX-Evil: 1` },
      },
    });
    expect(refused.status).toBe(400);
    const hook = await http(origin, 'setWebhook', api('/agents/setWebhook'), {
      method: 'POST',
      headers: agent(seedKey),
      body: { channelId, url: `${receiver.origin}/hook`, headers: { 'X-Canary': headerValue }, auth: basic },
    });
    expect(hook.status).toBe(200);
    const webhookSecret = hook.body.webhookSecret as string;
    expect(webhookSecret).toEqual(expect.any(String));
    await http(origin, 'setWebhook again (same secret, not shown)', api('/agents/setWebhook'), {
      method: 'POST',
      headers: agent(seedKey),
      body: { channelId, url: `${receiver.origin}/hook`, headers: { 'X-Canary': headerValue }, auth: basic },
    });
    const rotation = await http(
      origin,
      'rotate the webhook secret',
      api(`/agents/${channelId}/webhook-secret/rotate`),
      {
        method: 'POST',
        headers: agent(seedKey),
      },
    );
    const rotatedSecret = rotation.body.webhookSecret as string;
    expect(rotatedSecret).toEqual(expect.any(String));
    expect(
      (
        await http(origin, 'setManagement', api('/agents/setManagement'), {
          method: 'POST',
          headers: agent(seedKey),
          body: { channelId, url: 'https://runtime.secrets.test', apiKey: managementKey },
        })
      ).status,
    ).toBe(501);
    await http(origin, 'get the channel', api(`/agents/${channelId}`), { headers: agent(seedKey) });
    await http(origin, 'list channels (agent)', api('/agents'), { headers: agent(seedKey) });
    await http(origin, 'list channels (human)', api('/agents'), { headers: asOwner });
    await http(origin, 'patch the channel', api(`/agents/${channelId}`), {
      method: 'PATCH',
      headers: agent(seedKey),
      body: { description: 'keeps secrets' },
    });

    // Sockets: an agent (native, key header), a human (native, single-use ticket), Socket.IO (key in auth).
    const agentSocket = await nativeClient(origin, { headers: agent(seedKey) });
    agentSocket.send('subscribe:channel', channelId);
    const ticket = await http(origin, 'ws ticket', '/api/auth/ws-ticket', {
      method: 'POST',
      headers: asOwner,
    });
    expect(ticket.status).toBe(201);
    const humanSocket = await nativeClient(origin, { query: `?ticket=${ticket.body.ticket as string}` });
    // A ticket is single use.
    expect(
      await nativeClient(origin, { query: `?ticket=${ticket.body.ticket as string}` }).then(
        (s) => s.close().then(() => 'opened'),
        (e: Error) => e.message,
      ),
    ).toBe('HTTP 401');
    // A human by session cookie on the socket (no ticket).
    const cookieSocket = await nativeClient(origin, { headers: { cookie: ownerSession.cookie } });

    // A session used as a Bearer token (no cookie, no CSRF header): the API, a ticket, a socket, logout.
    const bearerSession = await signIn('login owner for a Bearer token', owner.email, owner.password);
    expect(bearerSession.status).toBe(200);
    const bearer = { authorization: `Bearer ${bearerSession.token}` };
    expect((await http(origin, 'me by Bearer', '/api/auth/me', { headers: bearer })).status).toBe(200);
    expect((await http(origin, 'inbox by Bearer', api('/reviews'), { headers: bearer })).status).toBe(200);
    const bearerTicket = await http(origin, 'ws ticket by Bearer', '/api/auth/ws-ticket', {
      method: 'POST',
      headers: bearer,
    });
    expect(bearerTicket.status).toBe(201);
    const bearerSocket = await nativeClient(origin, { headers: bearer });
    // Socket.IO with a ticket (`auth.token`).
    const ioTicket = await http(origin, 'ws ticket for Socket.IO', '/api/auth/ws-ticket', {
      method: 'POST',
      headers: asOwner,
    });
    expect(ioTicket.status).toBe(201);
    const ioTicketFrames: string[] = [];
    const ioByTicket = new WebSocket(`${origin.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    ioByTicket.on('message', (raw) => ioTicketFrames.push(raw.toString()));
    await new Promise<void>((resolve, reject) => {
      ioByTicket.once('open', () => resolve());
      ioByTicket.once('error', reject);
    });
    ioByTicket.send(`40/ws,${JSON.stringify({ token: ioTicket.body.ticket })}`);
    await waitFor(() => ioTicketFrames.some((f) => f.startsWith('40/ws,')), { timeoutMs: 10_000 });
    const refusedSocket = await nativeClient(origin, { query: `?apiKey=${unknownKey}` }).catch(
      (e: Error) => e,
    );
    expect(refusedSocket).toBeInstanceOf(Error);
    const ioFrames: string[] = [];
    const io = new WebSocket(`${origin.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
    io.on('message', (raw) => ioFrames.push(raw.toString()));
    await new Promise<void>((resolve, reject) => {
      io.once('open', () => resolve());
      io.once('error', reject);
    });
    io.send(`40/ws,${JSON.stringify({ apiKey: seedKey })}`);
    await waitFor(() => ioFrames.some((f) => f.startsWith('40/ws,')), { timeoutMs: 10_000 });
    io.send(`42/ws,["subscribe:channel","${channelId}"]`);
    await waitFor(() => agentSocket.frames.some((f) => f.event === 'subscribed'), { timeoutMs: 10_000 });

    // The agent's work: a review answered by the human (a signed webhook), a long-poll, a file, a stream.
    const review = await http(origin, 'send a review', api('/messages'), {
      method: 'POST',
      headers: agent(seedKey),
      body: {
        channelId,
        text: 'Deploy?',
        review: { type: 'approval', payload: { options: [{ id: 'yes', label: 'Yes' }] } },
      },
    });
    const messageId = review.body.id as string;
    await http(origin, 'inbox', api('/reviews'), { headers: asOwner });
    const answered = await http(origin, 'respond', api(`/reviews/${messageId}/respond`), {
      method: 'POST',
      headers: asOwner,
      body: { response: { selectedOption: 'yes' } },
    });
    expect(answered.status).toBe(200);
    await http(origin, 'wait', api(`/reviews/${messageId}/wait?channel=${channelId}&timeout=5000`), {
      headers: agent(seedKey),
    });
    await waitFor(() => receiver!.requests.length >= 1, { timeoutMs: 20_000, message: 'the webhook' });
    const deliveries = await http(origin, 'delivery log', api(`/messages/${messageId}/deliveries`), {
      headers: asOwner,
    });
    const deliveryId = (deliveries.body as unknown as { id: string }[])[0]!.id;
    // A second attempt that fails (the receiver answers 500): the failure is logged.
    receiver.answer(500);
    await http(origin, 'redrive', api(`/deliveries/${deliveryId}/redrive`), {
      method: 'POST',
      headers: asOwner,
    });
    await waitFor(() => receiver!.requests.length >= 2, {
      timeoutMs: 20_000,
      message: 'the redriven webhook',
    });
    await http(origin, 'delivery log after the redrive', api(`/messages/${messageId}/deliveries`), {
      headers: asOwner,
    });
    const form = new FormData();
    form.append('channelId', channelId);
    form.append('file', new Blob(['report'], { type: 'text/plain' }), 'report.txt');
    const upload = await http(origin, 'upload', api('/files/upload'), {
      method: 'POST',
      headers: agent(seedKey),
      raw: form,
    });
    await http(origin, 'download', api(`/files/${upload.body.id as string}/download`), { headers: asOwner });
    await http(origin, 'stream', api('/messages'), {
      method: 'POST',
      headers: agent(seedKey),
      body: { channelId, text: 'thinking', streamId: 'secret-stream', streamState: 'streaming' },
    });
    await http(origin, 'stream patch', api('/messages/streams/secret-stream'), {
      method: 'PATCH',
      headers: agent(seedKey),
      body: { channelId, text: 'thinking… done', complete: true },
    });
    await http(origin, 'status ping', api('/status/ping'), {
      method: 'POST',
      headers: agent(seedKey),
      body: { agentId: channelId, status: 'busy', message: 'working' },
    });
    await http(origin, 'messages', api(`/messages?channel=${channelId}`), { headers: agent(rotatedKey) });
    await http(origin, 'openapi', api('/openapi.json'));
    await http(origin, 'health', '/health');
    await http(origin, 'dashboard', '/');
    // Everything the sockets will get has been sent once the last event (the stream's end) is seen.
    await waitFor(
      () => humanSocket.frames.some((f) => f.event === 'message:updated' || f.event === 'stream:complete'),
      {
        timeoutMs: 10_000,
      },
    ).catch(() => undefined);
    // Logout by Bearer ends that session, and closes the socket it opened (never the others).
    expect(
      (await http(origin, 'logout by Bearer', '/api/auth/logout', { method: 'POST', headers: bearer }))
        .status,
    ).toBe(200);
    await waitFor(() => bearerSocket.closedWith() !== undefined, {
      timeoutMs: 10_000,
      message: 'the Bearer session socket closes at logout',
    });
    expect(bearerSocket.closedWith()?.code).toBe(1008);
    expect((await http(origin, 'me by the ended Bearer', '/api/auth/me', { headers: bearer })).status).toBe(
      401,
    );
    expect(cookieSocket.closedWith()).toBeUndefined();
    expect(humanSocket.closedWith()).toBeUndefined();
    await agentSocket.close();
    await humanSocket.close();
    await cookieSocket.close();
    io.close();
    ioByTicket.close();

    const exit = await server.stop('SIGTERM');
    expect(exit.code).toBe(0);

    // Where everything ended up.
    for (const [label, frames] of [
      ['agent socket', agentSocket.raw],
      ['human socket', humanSocket.raw],
      ['cookie socket', cookieSocket.raw],
      ['Bearer socket', bearerSocket.raw],
      ['socket.io', ioFrames],
      ['socket.io by ticket', ioTicketFrames],
    ] as const) {
      for (const text of frames) places.push({ kind: 'frame', label, text });
    }
    const log = server.output();
    for (const line of log.split('\n'))
      if (line) places.push({ kind: 'log', label: 'server output', text: line });
    for (const [i, req] of receiver.requests.entries()) {
      places.push({ kind: 'webhook', label: `webhook ${i} body`, text: req.body });
      places.push({ kind: 'webhook', label: `webhook ${i} url`, text: req.url });
      for (const [name, value] of Object.entries(req.headers))
        places.push({ kind: 'webhook', label: `webhook ${i} header ${name}`, text: String(value) });
    }
    const store = sqliteStore({ filename: join(dataDir, 'placet.db') });
    try {
      const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(
        store.db,
      );
      for (const { name } of tables.rows) {
        const rows = await sql`select * from ${sql.table(name)}`.execute(store.db);
        places.push({ kind: 'table', label: name, text: JSON.stringify(rows.rows) });
      }
    } finally {
      await store.close();
    }
    for (const file of walk(dataDir)) {
      if (statSync(file).size > 50_000_000) continue;
      places.push({
        kind: 'file',
        label: relative(dataDir, file),
        text: readFileSync(file).toString('latin1'),
      });
    }

    const inResponse = (label: string) => (p: Place) => p.kind === 'response' && p.label === label;
    const webhookStorage = (p: Place) =>
      (p.kind === 'table' && (p.label === 'placet_channels' || p.label === 'placet_deliveries')) ||
      (p.kind === 'file' && /^placet\.db(-wal|-shm)?$/.test(p.label));
    const secretStorage = (p: Place) =>
      (p.kind === 'table' && p.label === 'placet_channels') ||
      (p.kind === 'file' && /^placet\.db(-wal|-shm)?$/.test(p.label));
    const nowhere = () => false;
    const canaries: Canary[] = [
      { name: 'owner password', value: owner.password, allowed: nowhere },
      { name: 'member password', value: member.password, allowed: nowhere },
      { name: "member's new password", value: member.newPassword, allowed: nowhere },
      { name: 'wrong password', value: wrongPassword, allowed: nowhere },
      { name: 'too short password', value: shortPassword, allowed: nowhere },
      { name: 'seeded API key', value: seedKey, allowed: nowhere },
      { name: 'unknown API key', value: unknownKey, allowed: nowhere },
      {
        name: 'created API key',
        value: createdKey,
        allowed: inResponse('create an API key'),
        mustAppear: true,
      },
      {
        name: 'rotated API key',
        value: rotatedKey,
        allowed: inResponse('rotate an API key'),
        mustAppear: true,
      },
      {
        name: 'webhook signing secret',
        value: webhookSecret,
        allowed: (p) => inResponse('setWebhook')(p) || secretStorage(p),
        mustAppear: true,
      },
      {
        name: 'rotated webhook signing secret',
        value: rotatedSecret,
        allowed: (p) => inResponse('rotate the webhook secret')(p) || secretStorage(p),
        mustAppear: true,
      },
      {
        name: 'basic-auth password',
        value: basic.password,
        extraForms: [Buffer.from(`${basic.username}:${basic.password}`).toString('base64')],
        allowed: (p) => (p.kind === 'webhook' && /header authorization$/.test(p.label)) || webhookStorage(p),
        mustAppear: true,
      },
      {
        name: 'custom header value',
        value: headerValue,
        allowed: (p) => (p.kind === 'webhook' && /header x-canary$/.test(p.label)) || webhookStorage(p),
        mustAppear: true,
      },
      { name: 'refused header value', value: badHeaderValue, allowed: nowhere },
      { name: 'management API key', value: managementKey, allowed: nowhere },
      // Session tokens (cookie values, and one used as a Bearer token) and their signatures: only in the
      // Set-Cookie of the answer that started the session. Tickets: only in their own 201 answer.
      ...(
        [
          ['owner', ownerSession.token, 'login owner'],
          ['member', memberSession.token, 'login member'],
          ["member's after the password change", changedToken, 'change password'],
          ["member's with the new password", memberAgain.token, 'login member, new password'],
          ['Bearer', bearerSession.token, 'login owner for a Bearer token'],
        ] as const
      ).flatMap(([who, token, label]): Canary[] => {
        const allowed = (p: Place) => p.kind === 'response' && p.label === `${label} (Set-Cookie)`;
        return [
          { name: `${who} session token`, value: token, allowed, mustAppear: true },
          { name: `${who} session token's signature`, value: signatureOf(token), allowed, mustAppear: true },
        ];
      }),
      ...(
        [
          ['native socket', ticket, 'ws ticket'],
          ['Bearer session', bearerTicket, 'ws ticket by Bearer'],
          ['Socket.IO', ioTicket, 'ws ticket for Socket.IO'],
        ] as const
      ).flatMap(([what, answer, label]): Canary[] => {
        const value = answer.body.ticket as string;
        return [
          { name: `${what} ticket`, value, allowed: inResponse(label), mustAppear: true },
          {
            name: `${what} ticket's signature`,
            value: signatureOf(value),
            allowed: inResponse(label),
            mustAppear: true,
          },
        ];
      }),
    ];
    const findings: string[] = [];
    const missing: string[] = [];
    for (const canary of canaries) {
      const forms = [
        canary.value,
        Buffer.from(canary.value).toString('base64'),
        Buffer.from(canary.value).toString('base64url'),
        encodeURIComponent(canary.value),
        ...(canary.extraForms ?? []),
      ];
      let seen = false;
      for (const place of places) {
        if (!forms.some((form) => form.length >= 8 && place.text.includes(form))) continue;
        if (canary.allowed(place)) seen = true;
        else findings.push(`${canary.name} in ${place.kind} "${place.label}"`);
      }
      if (canary.mustAppear && !seen) missing.push(canary.name);
    }
    const count = (kind: Place['kind']) => places.filter((p) => p.kind === kind).length;
    // The session store keeps ids, never tokens: a live session's id is in placet_sessions, a redeemed
    // ticket's nonce in placet_kv (the canaries above prove the tokens, tickets and signatures are not).
    const tableText = (name: string) =>
      places.find((p) => p.kind === 'table' && p.label === name)?.text ?? '';
    const nonces = [ticket, bearerTicket, ioTicket].map((t) => (t.body.ticket as string).split('.')[2]!);
    const keptIds = {
      sessionId: tableText('placet_sessions').includes(ownerSession.token.split('.')[0]!),
      nonces: nonces.filter((n) => tableText('placet_kv').includes(n)).length,
    };
    // `access:revoked` is internal: it closes sockets, it is never sent on one.
    const revokedFrames = places.filter(
      (p) => p.kind === 'frame' && p.text.includes('access:revoked'),
    ).length;
    const tokens = canaries.filter((c) => / (session token|ticket)$/.test(c.name)).length;
    const debugLines = log.split('\n').filter((line) => line.includes('"level":20')).length;
    figure(
      'secret scan',
      `${canaries.length} canaries (${tokens} session tokens and tickets) searched in ${count('response')} answers, ${count('frame')} socket frames, ` +
        `${count('log')} log lines (${debugLines} at debug), ${receiver.requests.length} webhook requests, ` +
        `${count('table')} tables, ${count('file')} files → canaries found where they must not be: ${findings.length}; ` +
        `access:revoked frames sent to clients: ${revokedFrames}`,
    );
    expect(findings).toEqual([]);
    expect(missing, 'canaries the scan should have seen in their own place').toEqual([]);
    expect(debugLines).toBeGreaterThan(0);
    expect(count('frame')).toBeGreaterThan(3);
    expect(receiver.requests.length).toBeGreaterThanOrEqual(2);
    expect(revokedFrames).toBe(0);
    expect(keptIds.sessionId, "a live session's id is in placet_sessions (the scan reads it)").toBe(true);
    expect(keptIds.nonces, "a redeemed ticket's nonce is in placet_kv (the scan reads it)").toBeGreaterThan(
      0,
    );
  });
});
