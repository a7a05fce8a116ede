import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AgentPrincipal,
  createPlacet,
  type LogFields,
  type Logger,
  memoryStore,
  type Placet,
  type Store,
} from '@placet/core';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { selection } from '@placet/plugin-selection';
import { textInput } from '@placet/plugin-text-input';
import { FakeClock, type WaitForOptions, waitFor as waitForBase } from '@placet/test-utils';
import express from 'express';
import { type SlackOptionsInput, slack, slackSignature } from '../src/index.js';

/** Secrets of the tests: they must never show up in a response, an event, a log line or the delivery log. */
export const BOT_TOKEN = 'xoxb-test-T0KEN-never-logged-4242';
export const SIGNING_SECRET = 'signing-Secret-never-logged-8e1f';

export const waitFor = (predicate: () => boolean | Promise<boolean>, options: WaitForOptions = {}) =>
  waitForBase(predicate, { timeoutMs: 15_000, ...options });

/** One Web API call the stand-in received: the method, its arguments (nested JSON parsed) and the auth header. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  authorized: boolean;
}

/** A scripted answer for the next call of a method. */
interface Scripted {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

/**
 * A loopback stand-in of the Slack Web API (`https://slack.com/api/<method>`) on 127.0.0.1:0: it checks
 * the bot token, records every call, and answers `chat.postMessage`, `chat.update`, `chat.postEphemeral`,
 * `views.open` and `users.lookupByEmail` as Slack does; a test may script the next answer of a method
 * (a 429 with `Retry-After`, an error).
 */
export class SlackStandIn {
  readonly calls: SlackCall[] = [];
  /** Slack users by e-mail, for `users.lookupByEmail`. */
  readonly directory = new Map<string, string>();
  readonly #scripted = new Map<string, Scripted[]>();
  #ts = 1_772_442_000_000_100;
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.#handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
    this.#server = server;
  }

  /** The next call of `method` is answered with this (once). */
  script(method: string, answer: Scripted): void {
    const list = this.#scripted.get(method) ?? [];
    list.push(answer);
    this.#scripted.set(method, list);
  }

  of(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async #handle(req: IncomingMessage): Promise<Scripted> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const type = req.headers['content-type'] ?? '';
    const flat: Record<string, string> = type.includes('json')
      ? (JSON.parse(raw || '{}') as Record<string, string>)
      : Object.fromEntries(new URLSearchParams(raw));
    const args: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(flat)) {
      if (typeof value === 'string' && /^[[{]/.test(value)) {
        try {
          args[key] = JSON.parse(value);
          continue;
        } catch {}
      }
      args[key] = value;
    }
    const authorized = req.headers.authorization === `Bearer ${BOT_TOKEN}`;
    this.calls.push({ method, args, authorized });
    if (!authorized) return { status: 200, body: { ok: false, error: 'invalid_auth' } };
    const scripted = this.#scripted.get(method)?.shift();
    if (scripted) return scripted;
    const ts = () => {
      this.#ts += 100;
      return `${String(this.#ts).slice(0, 10)}.${String(this.#ts).slice(10)}`;
    };
    switch (method) {
      case 'chat.postMessage': {
        const target = String(args.channel);
        // A DM to a user id lands in the app's DM with them.
        const channel = target.startsWith('U') ? `D${target.slice(1)}` : target;
        return { status: 200, body: { ok: true, channel, ts: ts(), message: { text: args.text } } };
      }
      case 'chat.update':
        return { status: 200, body: { ok: true, channel: args.channel, ts: args.ts } };
      case 'chat.postEphemeral':
        return { status: 200, body: { ok: true, message_ts: ts() } };
      case 'views.open':
        return { status: 200, body: { ok: true, view: { id: 'V0001' } } };
      case 'users.lookupByEmail': {
        const id = this.directory.get(String(args.email).toLowerCase());
        return id
          ? { status: 200, body: { ok: true, user: { id, profile: { email: args.email } } } }
          : { status: 200, body: { ok: false, error: 'users_not_found' } };
      }
      default:
        return { status: 200, body: { ok: false, error: 'unknown_method' } };
    }
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }
}

/** A logger that keeps every line, to check that no secret is ever logged. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (level: string) => (message: string, fields?: LogFields) => {
    lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

export const START = new Date('2026-03-02T09:00:00Z');
/** The Slack conversation of the deploy-bot agent, and Slack users. */
export const CONVERSATION = 'C0DEPLOY1';
export const ADA_SLACK = 'U0ADA0001';
export const BOB_SLACK = 'U0BOB0002';
export const EVE_SLACK = 'U0EVE0003';

export interface World {
  placet: Placet;
  store: Store;
  clock: FakeClock;
  slackApi: SlackStandIn;
  logger: ReturnType<typeof recordingLogger>;
  /** `http://127.0.0.1:<port>`: the API is at `/api/v1`. */
  url: string;
  ada: { id: string; email: string; displayName: string; role: 'owner' | 'member' };
  bob: { id: string; email: string; displayName: string; role: 'owner' | 'member' };
  key: string;
  agent: AgentPrincipal;
  channelId: string;
  /** POSTs a Slack interaction to the plugin's route, signed with `secret` at `timestamp` (seconds). */
  interact(
    payload: Record<string, unknown>,
    options?: { secret?: string; timestamp?: number; body?: string },
  ): Promise<{ status: number; text: string; json: unknown; body: string; headers: Record<string, string> }>;
  close(): Promise<void>;
}

/**
 * A real Placet (memory store, fake clock) with the approval, selection, form and text-input types and the
 * Slack plugin, its router on a real HTTP server on 127.0.0.1:0, and the Slack Web API stand-in on
 * 127.0.0.1:0 that the plugin calls. Ada owns the agent "deploy-bot" (posted to CONVERSATION), Bob is a
 * member; both are in the stand-in's directory.
 */
export async function startWorld(
  options: {
    slack?: Partial<SlackOptionsInput>;
    store?: Store;
    slackApi?: SlackStandIn;
    clock?: FakeClock;
  } = {},
): Promise<World> {
  const slackApi = options.slackApi ?? new SlackStandIn();
  if (!slackApi.url) await slackApi.start();
  const app = express();
  const http = createServer(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clock = options.clock ?? new FakeClock(START);
  const logger = recordingLogger();
  const store = options.store ?? memoryStore();
  const placet = createPlacet({
    store,
    clock,
    logger,
    plugins: [
      approval(),
      selection(),
      form(),
      textInput(),
      slack({
        botToken: BOT_TOKEN,
        signingSecret: SIGNING_SECRET,
        apiUrl: slackApi.url,
        publicUrl: 'https://placet.example.test',
        channels: { 'deploy-bot': CONVERSATION },
        directMessages: false,
        ...options.slack,
      }),
    ],
    notifications: { reminderAfterMs: null },
    webhooks: { initialDelayMs: 5_000, maxAttempts: 5 },
    sweepIntervalMs: 3_600_000,
  });
  await placet.start();
  app.use(
    '/api/v1',
    placetRouter(placet, {
      authenticateUser: async (req) => {
        const id = req.get('x-test-user');
        const user = id ? await placet.users.get(id) : undefined;
        return user ? placet.userPrincipal(user) : null;
      },
    }),
  );
  const users = await placet.users.list();
  const existing = (email: string) => users.find((u) => u.email === email);
  const ada =
    existing('ada@example.test') ??
    (await placet.users.create({
      email: 'ada@example.test',
      displayName: 'Ada Lovelace',
      password: 'ada-password-1',
      role: 'owner',
    }));
  const bob =
    existing('bob@example.test') ??
    (await placet.users.create({
      email: 'bob@example.test',
      displayName: 'Bob Babbage',
      password: 'bob-password-1',
      role: 'member',
    }));
  slackApi.directory.set('ada@example.test', ADA_SLACK);
  slackApi.directory.set('bob@example.test', BOB_SLACK);
  const { key } = await placet.apiKeys.create(ada.id, { label: 'agent' });
  const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const channels = await placet.channels.list(agent);
  const channel =
    channels.find((c) => c.name === 'deploy-bot') ??
    (await placet.channels.create(agent, { name: 'deploy-bot' }));
  const route = `${url}/api/v1/plugins/slack/interactivity`;
  return {
    placet,
    store,
    clock,
    slackApi,
    logger,
    url,
    ada,
    bob,
    key,
    agent,
    channelId: channel.id,
    async interact(payload, opts = {}) {
      const timestamp = String(opts.timestamp ?? Math.floor(clock.now().getTime() / 1000));
      const body = opts.body ?? new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
      const response = await fetch(route, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': timestamp,
          'x-slack-signature': slackSignature(opts.secret ?? SIGNING_SECRET, timestamp, body),
        },
        body,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {}
      return { status: response.status, text, json, body, headers: Object.fromEntries(response.headers) };
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await placet.stop();
      if (!options.slackApi) await slackApi.stop();
    },
  };
}

/** Waits until no Slack notification of the world's channel is pending (before moving the clock on). */
export async function postsSettled(world: World): Promise<void> {
  const principal = world.placet.userPrincipal(world.ada);
  await waitFor(async () => {
    const page = await world.placet.deliveries.listForChannel(principal, world.channelId, { limit: 100 });
    return page.data.every(
      (d) => d.url !== 'notifier:slack' || d.state !== 'pending' || d.attempts.length > 0,
    );
  });
}

/** A Slack `block_actions` payload: `user` clicked `action` on the post `channel`/`ts`. */
export function blockActions(input: {
  user: string;
  action: Record<string, unknown>;
  channel?: string;
  ts?: string;
  triggerId?: string;
}): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: { id: input.user, username: 'someone', team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    team: { id: 'T0TEAM' },
    trigger_id: input.triggerId ?? `trigger-${Math.random().toString(36).slice(2)}`,
    container: { type: 'message', channel_id: input.channel ?? CONVERSATION, message_ts: input.ts ?? '1.0' },
    channel: { id: input.channel ?? CONVERSATION, name: 'deploys' },
    actions: [{ ...input.action, block_id: 'b', action_ts: String(Math.random()) }],
  };
}

/** A Slack `view_submission` payload of a modal with `values` (`state.values`) and `privateMetadata`. */
export function viewSubmission(input: {
  user: string;
  privateMetadata: string;
  values: Record<string, Record<string, unknown>>;
}): Record<string, unknown> {
  return {
    type: 'view_submission',
    user: { id: input.user },
    team: { id: 'T0TEAM' },
    view: {
      id: 'V0001',
      type: 'modal',
      callback_id: 'placet:review',
      private_metadata: input.privateMetadata,
      state: { values: input.values },
    },
  };
}
