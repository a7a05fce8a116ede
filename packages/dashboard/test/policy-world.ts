import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPlacet, memoryStore, type Placet, silentLogger, type UserPrincipal } from '@placet/core';
import type { PublicUser } from '@placet/core/contract';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { attachRealtime, type Realtime } from '@placet/ws';
import express from 'express';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { placetDashboard } from '../src/index.js';

/** Debian's Chromium (`apt-get install -y chromium`), or PLACET_CHROMIUM. */
export const CHROMIUM = process.env.PLACET_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here (printed once), or undefined; in CI a missing browser fails. */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium, or set PLACET_CHROMIUM)`;
  if (process.env.CI) throw new Error(`${reason}: the browser tests must run in CI`);
  console.warn(`[dashboard policy tests skipped] ${reason}`);
  return reason;
}

const COOKIE = 'placet-test-session';

export interface Person {
  user: PublicUser;
  /** The session cookie's value (the host's sign-in of this test server). */
  token: string;
  /** Sends a request as this human (cookie and the CSRF header), under `/api/v1`. */
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
}

export interface PolicyWorld {
  url: string;
  placet: Placet;
  browser: Browser;
  owner: Person;
  alice: Person;
  bob: Person;
  /** The owner's agent channel. */
  channelId: string;
  /** Sends a request as the agent (the owner's API key). */
  agent<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** A fresh browser context signed in as `person`, and its page (not yet navigated). */
  open(
    person: Person,
    options?: { permissions?: string[] },
  ): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

async function call<T>(url: string, method: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(45_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

function cookieOf(header: string | undefined): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

/**
 * A host application on 127.0.0.1:0, in this process: Placet on the memory store with the approval
 * plugin, `placetRouter()` at /api/v1, the dashboard at / (the host signs people in: `authBase: false`)
 * and the WebSocket at /ws. Its sign-in is a cookie naming a test session; three people: the owner of the
 * agent's channel, Alice and Bob (members).
 */
export async function startPolicyWorld(): Promise<PolicyWorld> {
  const placet = createPlacet({ store: memoryStore(), logger: silentLogger(), plugins: [approval()] });
  await placet.start();
  const sessions = new Map<string, UserPrincipal>();
  const who = (req: IncomingMessage) => sessions.get(cookieOf(req.headers.cookie) ?? '') ?? null;

  const app = express();
  app.use('/api/v1', placetRouter(placet, { authenticateUser: async (req) => who(req) }));
  app.use(placetDashboard({ authBase: false, loginUrl: '/signed-out' }));
  const server: Server = createServer(app);
  const realtime: Realtime = attachRealtime(placet, server, { authenticateUser: async (req) => who(req) });
  server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const person = async (name: string, role: 'owner' | 'member'): Promise<Person> => {
    const user = await placet.users.create({
      email: `${name.toLowerCase()}@example.test`,
      displayName: name,
      password: `pw-${randomBytes(8).toString('hex')}`,
      role,
    });
    const token = randomBytes(16).toString('hex');
    sessions.set(token, placet.userPrincipal(user));
    return {
      user,
      token,
      request: (method, path, body) =>
        call(
          `${url}/api/v1${path}`,
          method,
          { cookie: `${COOKIE}=${token}`, 'X-Requested-With': 'test' },
          body,
        ),
    };
  };
  const owner = await person('Olivia', 'owner');
  const alice = await person('Alice', 'member');
  const bob = await person('Bob', 'member');
  const { key } = await placet.apiKeys.create(owner.user.id, { label: 'agent' });
  const agent: PolicyWorld['agent'] = (method, path, body) =>
    call(`${url}/api/v1${path}`, method, { 'x-api-key': key }, body);
  const created = await agent<{ id: string }>('POST', '/agents', { name: 'Payments bot' });
  if (created.status !== 201) throw new Error(`creating the agent: ${created.status}`);

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  return {
    url,
    placet,
    browser,
    owner,
    alice,
    bob,
    channelId: created.body.id,
    agent,
    async open(who, options = {}) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      if (options.permissions?.length) await context.grantPermissions(options.permissions, { origin: url });
      await context.addCookies([{ name: COOKIE, value: who.token, url }]);
      return { context, page: await context.newPage() };
    },
    async close() {
      await browser.close().catch(() => {});
      realtime.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await placet.stop();
    },
  };
}
