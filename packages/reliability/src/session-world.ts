import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { postgresStore } from '@placet/db-postgres';
import type { SqlStore } from '@placet/db-sql';
import { sqliteStore } from '@placet/db-sqlite';
import { waitFor } from '@placet/test-utils';
import type { SessionAttacker, SessionVictim } from './auth-tenancy-cases.js';
import { type ExampleServer, startExampleServer } from './example-server.js';
import { type RawAnswer, rawClient } from './raw-http.js';
import {
  cookieHeaders,
  documentationAddresses,
  json,
  type RawClient,
  sessionCookie,
  signIn,
} from './sign-in.js';
import { type NativeClient, nativeClient } from './ws-client.js';

/** The victim of the sign-in matrix, with its sockets and the values only it has. */
export interface Victim extends SessionVictim {
  /** Opened by a single-use ticket (already redeemed), by the session cookie, by the API key. */
  sockets: { ticket: NativeClient; cookie: NativeClient; key: NativeClient };
  /** The ticket the ticket socket was opened with. */
  ticket: string;
  /** Values only the victim has: none may appear in an answer to a request that did not contain it. */
  markers: Record<string, string>;
}

export interface SessionWorld {
  server: ExampleServer;
  client: RawClient;
  /** An independent read path to the server's database. */
  store: SqlStore;
  /** The next client address (`X-Forwarded-For`): the per-address sign-in limit never applies. */
  address: () => string;
  attacker: { userId: string; email: string; password: string; apiKey: string };
  makeVictim(): Promise<Victim>;
  /** A fresh session of the attacker. */
  attackerSession(): Promise<SessionAttacker>;
  send(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<RawAnswer>;
  /** The victim's state: its sessions, user row and keys (read from the database), sockets, `/me`. */
  snapshot(victim: Victim): Promise<string>;
  close(): Promise<void>;
}

const r = () => randomBytes(6).toString('hex');

/**
 * The example server (from source) on SQLite, or on `postgresUrl`, with an owner who makes the accounts,
 * an attacker (another owner, with a password and an API key), and victims made on demand.
 */
export async function startSessionWorld(postgresUrl?: string): Promise<SessionWorld> {
  const server = await startExampleServer(postgresUrl ? { DATABASE_URL: postgresUrl } : {});
  const client = rawClient(server.origin, 8);
  const store = postgresUrl
    ? postgresStore({ connectionString: postgresUrl, max: 2 })
    : sqliteStore({ filename: join(server.dataDir, 'placet.db') });
  const address = documentationAddresses();
  const send = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
    client.send({
      method,
      path,
      headers: {
        ...headers,
        'x-forwarded-for': address(),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: json(body) } : {}),
    });
  const expectStatus = (answer: RawAnswer, status: number, what: string) => {
    if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${answer.body.slice(0, 300)}`);
    return JSON.parse(answer.body) as Record<string, unknown>;
  };
  const signedIn = async (email: string, password: string) => {
    const session = await signIn(client, email, password, address());
    if (!session.token) throw new Error(`sign-in of ${email}: ${session.status} ${session.answer.body}`);
    return session.token;
  };
  const owner = await signedIn(server.email, server.password);
  /** An owner with a password, signed in, with an API key. */
  const account = async (label: string) => {
    const email = `${label}-${r()}@tenancy.test`;
    const password = `${label}-password-${r()}`;
    const user = expectStatus(
      await send('POST', '/api/v1/users', cookieHeaders(owner), {
        email,
        password,
        displayName: label,
        role: 'owner',
      }),
      201,
      'create a user',
    );
    const token = await signedIn(email, password);
    const key = expectStatus(
      await send('POST', '/api/v1/api-keys', cookieHeaders(token), { label: `${label}-key-${r()}` }),
      201,
      'create an API key',
    );
    return {
      userId: user.id as string,
      email,
      password,
      token,
      apiKey: key.key as string,
      keyId: (key.apiKey as { id: string } | undefined)?.id ?? (key.id as string),
    };
  };
  const attacker = await account('attacker');

  return {
    server,
    client,
    store,
    address,
    attacker,
    send,
    async makeVictim() {
      const a = await account('victim');
      const channel = expectStatus(
        await send('POST', '/api/v1/agents', { 'x-api-key': a.apiKey }, { name: `victim-channel-${r()}` }),
        201,
        'create a channel',
      );
      const channelId = channel.id as string;
      const ticketAnswer = expectStatus(
        await send('POST', '/api/auth/ws-ticket', cookieHeaders(a.token)),
        201,
        'a ticket',
      );
      const ticket = ticketAnswer.ticket as string;
      const sockets = {
        ticket: await nativeClient(server.origin, { query: `?ticket=${encodeURIComponent(ticket)}` }),
        cookie: await nativeClient(server.origin, { headers: { cookie: sessionCookie(a.token) } }),
        key: await nativeClient(server.origin, { headers: { 'x-api-key': a.apiKey } }),
      };
      sockets.key.send('subscribe:channel', channelId);
      await waitFor(() => sockets.key.frames.some((f) => f.event === 'subscribed'), {
        timeoutMs: 10_000,
        message: "the victim's key socket subscribes",
      });
      const sessionId = a.token.split('.')[0]!;
      return {
        ...a,
        sessionId,
        channelId,
        sockets,
        ticket,
        markers: {
          userId: a.userId,
          email: a.email,
          password: a.password,
          token: a.token,
          sessionId,
          signature: a.token.split('.').at(-1)!,
          apiKey: a.apiKey,
          keyId: a.keyId,
          channelId,
          channelName: channel.name as string,
          ticket,
          ticketSignature: ticket.split('.').at(-1)!,
        },
      };
    },
    async attackerSession() {
      const token = await signedIn(attacker.email, attacker.password);
      const [sessionId, expires, signature] = token.split('.') as [string, string, string];
      return { email: attacker.email, password: attacker.password, token, sessionId, expires, signature };
    },
    async snapshot(v) {
      const db = store.db;
      const me = await send('GET', '/api/auth/me', { cookie: sessionCookie(v.token) });
      return JSON.stringify({
        sessions: await db
          .selectFrom('placet_sessions')
          .select(['id', 'expires_at'])
          .where('user_id', '=', v.userId)
          .orderBy('id')
          .execute(),
        user: await db
          .selectFrom('placet_users')
          .select(['email', 'role', 'password_hash', 'must_change_password'])
          .where('id', '=', v.userId)
          .execute(),
        keys: await db
          .selectFrom('placet_api_keys')
          .select(['id', 'key_hash', 'label'])
          .where('user_id', '=', v.userId)
          .orderBy('id')
          .execute(),
        sockets: Object.values(v.sockets).map((s) => s.closedWith() ?? 'open'),
        revokedFrames: Object.values(v.sockets).flatMap((s) =>
          s.frames.filter((f) => f.event === 'access:revoked'),
        ).length,
        me: [me.status, me.status === 200 ? (JSON.parse(me.body) as { user: { id: string } }).user.id : ''],
      });
    },
    async close() {
      client.close();
      await store.close();
      await server.close();
    },
  };
}
