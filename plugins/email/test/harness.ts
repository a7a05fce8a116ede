import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AgentPrincipal,
  createPlacet,
  type LogFields,
  type Logger,
  memoryStore,
  type Placet,
} from '@placet/core';
import type { Notification, NotificationResult, PlacetPlugin, PluginContext } from '@placet/core/plugin';
import { placetRouter } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { form } from '@placet/plugin-form';
import { selection } from '@placet/plugin-selection';
import { FakeClock, type WaitForOptions, waitFor as waitForBase } from '@placet/test-utils';
import express from 'express';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { type EmailOptions, type EmailOptionsInput, email } from '../src/index.js';

/**
 * `waitFor` of `@placet/test-utils` with a longer ceiling (15 s): a mail crosses two real servers, and
 * CI machines run many test files at once. It waits for a condition, never for a duration.
 */
export const waitFor = (predicate: () => boolean | Promise<boolean>, options: WaitForOptions = {}) =>
  waitForBase(predicate, { timeoutMs: 15_000, ...options });

/** The SMTP password of the tests: it must never show up in a log line or the delivery log. */
export const SMTP_USER = 'placet-relay';
export const SMTP_PASSWORD = 'Sm7p-pa55word-never-logged';

export interface ReceivedMail {
  mail: ParsedMail;
  /** Wall time the server had the whole message (for the latency figure only, never asserted). */
  at: number;
}

/** A real SMTP server on 127.0.0.1 that takes mails with AUTH (no TLS: loopback only) and parses them. */
export class SmtpSink {
  readonly received: ReceivedMail[] = [];
  port = 0;
  #server: SMTPServer | undefined;

  async start(port = 0): Promise<void> {
    const server = new SMTPServer({
      logger: false,
      // Loopback only: no reverse DNS lookup of the client's address.
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authOptional: false,
      onAuth: (auth, _session, done) => {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD)
          done(null, { user: auth.username });
        else done(new Error('Invalid username or password'));
      },
      onData: (stream, _session, done) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({ mail, at: Date.now() });
            done();
          })
          .catch(done);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening: connections are refused until `start(this.port)`. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
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

export interface World {
  placet: Placet;
  clock: FakeClock;
  smtp: SmtpSink;
  logger: ReturnType<typeof recordingLogger>;
  /** `http://127.0.0.1:<port>`: the API is at `/api/v1`. */
  url: string;
  owner: { id: string; displayName: string; email: string; role: 'owner' | 'member' };
  key: string;
  agent: AgentPrincipal;
  channelId: string;
  /** Hands `notification` to the e-mail notifier as the engine does (with the plugin's context). */
  notify(notification: Notification): Promise<NotificationResult>;
  close(): Promise<void>;
}

export const START = new Date('2026-03-02T09:00:00Z');

/**
 * A real Placet on the fake clock and the memory store, its router on a real HTTP server on 127.0.0.1:0
 * (the public origin the mails link to), and a real SMTP server on 127.0.0.1:0 that the plugin sends to.
 */
export async function startWorld(
  options: {
    webhooks?: { initialDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
    /** More options of `email()` (`tokenTtlMs`, …). */
    email?: Partial<EmailOptionsInput>;
    /** The password the plugin logs in with (the server takes SMTP_PASSWORD only). */
    smtpPassword?: string;
    /** `notifications.reminderAfterMs`; off (null) unless a test wants reminders. */
    reminderAfterMs?: number | null;
    /** `sweepIntervalMs`: a test that sweeps by hand sets it long. */
    sweepIntervalMs?: number;
  } = {},
): Promise<World> {
  const smtp = new SmtpSink();
  await smtp.start();
  const app = express();
  const http: HttpServer = createServer(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clock = new FakeClock(START);
  const logger = recordingLogger();
  const plugin = email({
    smtp: `smtp://${SMTP_USER}:${encodeURIComponent(options.smtpPassword ?? SMTP_PASSWORD)}@127.0.0.1:${smtp.port}`,
    from: 'Placet <placet@example.test>',
    publicUrl: url,
    ...options.email,
  });
  // The context the engine gives the plugin, for `notify`.
  let context: PluginContext<EmailOptions> | undefined;
  const init = plugin.init!;
  const placet = createPlacet({
    store: memoryStore(),
    clock,
    logger,
    plugins: [
      approval(),
      selection(),
      form(),
      {
        ...plugin,
        init: (ctx) => {
          context = ctx;
          return init(ctx);
        },
      } satisfies PlacetPlugin<EmailOptions>,
    ],
    // Reminders are tested on their own; here they would only add mails while the clock moves.
    notifications: { reminderAfterMs: options.reminderAfterMs ?? null },
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    ...(options.sweepIntervalMs ? { sweepIntervalMs: options.sweepIntervalMs } : {}),
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
  const owner = await placet.users.create({
    email: 'ada@example.test',
    displayName: 'Ada Lovelace',
    password: 'owner-password-1',
    role: 'owner',
  });
  const { key } = await placet.apiKeys.create(owner.id, { label: 'agent' });
  const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const channel = await placet.channels.create(agent, { name: 'deploy-bot' });
  return {
    placet,
    clock,
    smtp,
    logger,
    url,
    owner,
    key,
    agent,
    channelId: channel.id,
    notify(notification) {
      const notifier = plugin.notifiers?.find((n) => n.name === 'email');
      if (!notifier || !context) throw new Error('the e-mail notifier is not running');
      return notifier.send(notification, context);
    },
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await placet.stop();
      await smtp.stop();
    },
  };
}

/**
 * Waits until no e-mail notification of the world's channel is pending. Call it before moving the fake
 * clock on while a mail may be on its way: a jump of the clock during a real SMTP exchange would time
 * the attempt out (`webhooks.timeoutMs` runs on that clock).
 */
export async function mailsSettled(world: World): Promise<void> {
  const principal = world.placet.userPrincipal(world.owner);
  await waitFor(
    async () => {
      const page = await world.placet.deliveries.listForChannel(principal, world.channelId, { limit: 100 });
      return page.data.every((d) => d.url !== 'notifier:email' || d.state !== 'pending');
    },
    { message: 'e-mail notifications still pending' },
  );
}

/** An HTTP call returning status, headers and the body as text. */
export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Headers; text: string }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers ?? {},
    redirect: 'manual',
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** What a browser sends when the confirmation page's button is pressed. */
export const submit = (actionUrl: string) =>
  request(actionUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: '',
  });

/** The action links of a mail (its HTML) in order: the button's label and the URL. */
export function actionLinkList(mail: ParsedMail): { label: string; href: string }[] {
  const html = typeof mail.html === 'string' ? mail.html : '';
  return [...html.matchAll(/<a href="([^"]+\/plugins\/email\/actions\/[^"]+)"[^>]*>([^<]+)<\/a>/g)].map(
    (match) => ({ label: decodeEntities(match[2]!), href: decodeEntities(match[1]!) }),
  );
}

/** The action links of a mail, by the label of their button. */
export const actionLinks = (mail: ParsedMail) =>
  new Map(actionLinkList(mail).map(({ label, href }) => [label, href]));

export const decodeEntities = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** A header of a parsed mail as text. */
export const header = (mail: ParsedMail, name: string) => {
  const value = mail.headers.get(name.toLowerCase());
  return typeof value === 'string' ? value : value === undefined ? undefined : String(value);
};
