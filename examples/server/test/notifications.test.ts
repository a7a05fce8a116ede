import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn } from './scripted-human.js';
import { type RunningServer, startServer } from './server-process.js';

/**
 * The example server turns notifications on by environment: `SMTP_URL` + `PLACET_PUBLIC_URL` (e-mail,
 * `@placet/plugin-email`), `WEBPUSH=on` (`@placet/plugin-webpush`). End to end on the built server, with a
 * real SMTP server on loopback: an agent's approval → a mail whose link (on PLACET_PUBLIC_URL) opens a
 * confirmation page; its form answers the review; the agent's long-poll returns the answer.
 */

const SMTP_USER = 'placet';
const SMTP_PASSWORD = `smtp-${randomBytes(8).toString('hex')}`;

/** A port free now (the server must know its public URL, with the port, before it starts). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('notifications of the example server', () => {
  const email = 'owner@notify.test';
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const key = `hp_${randomBytes(24).toString('hex')}`;
  const mails: ParsedMail[] = [];
  let smtp: SMTPServer;
  let dataDir: string;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    smtp = new SMTPServer({
      logger: false,
      disableReverseLookup: true,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) =>
        auth.username === SMTP_USER && auth.password === SMTP_PASSWORD
          ? done(null, { user: auth.username })
          : done(new Error('Invalid username or password')),
      onData: (stream, _session, done) => {
        simpleParser(stream)
          .then((mail) => {
            mails.push(mail);
            done();
          })
          .catch(done);
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    const port = await freePort();
    dataDir = mkdtempSync(join(tmpdir(), 'placet-notify-data-'));
    server = await startServer({
      dataDir,
      env: {
        PORT: String(port),
        INITIAL_USER_EMAIL: email,
        INITIAL_USER_PASSWORD: password,
        PLACET_API_KEY: key,
        PLACET_PUBLIC_URL: `http://127.0.0.1:${port}`,
        SMTP_URL: `smtp://${SMTP_USER}:${SMTP_PASSWORD}@127.0.0.1:${smtpPort}`,
        SMTP_FROM: 'Placet <placet@notify.test>',
        WEBPUSH: 'on',
        WEBPUSH_ALLOW_HOSTS: '127.0.0.1',
      },
    });
  });

  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${server!.url}/api/v1${path}`, {
      ...init,
      headers: { 'x-api-key': key, 'content-type': 'application/json', ...init.headers },
    });

  it('lists the e-mail and Web Push plugins, and offers their notifiers in the preferences', async () => {
    const plugins = (await (await api('/plugins')).json()) as { name: string }[];
    expect(plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['email', 'webpush']));
    const cookie = await signIn(server!.url, email, password);
    const prefs = await fetch(`${server!.url}/api/v1/notifications/preferences`, { headers: { cookie } });
    expect(prefs.status).toBe(200);
    const body = (await prefs.json()) as { available: { name: string }[] };
    expect(body.available.map((n) => n.name).sort()).toEqual(['email', 'webpush']);
  });

  it('an approval mails the owner; the link answers it after a confirmation; the agent gets the answer', async () => {
    const channel = (await (
      await api('/agents', { method: 'POST', body: JSON.stringify({ name: 'Deployer' }) })
    ).json()) as {
      id: string;
    };
    const created = await api('/messages', {
      method: 'POST',
      body: JSON.stringify({
        channelId: channel.id,
        text: 'Deploy **v2** to production?',
        review: {
          type: 'approval',
          payload: {
            options: [
              { id: 'yes', label: 'Deploy' },
              { id: 'no', label: 'Hold' },
            ],
          },
        },
      }),
    });
    expect(created.status).toBe(201);
    const message = (await created.json()) as { id: string };
    await expect.poll(() => mails.length, { timeout: 10_000 }).toBe(1);
    const mail = mails[0]!;
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toContain(email);
    // Plain text keeps the markdown; the HTML part renders it.
    expect(mail.text).toContain('Deploy **v2** to production?');
    expect(mail.html).toContain('<strong>v2</strong>');
    const links = [
      ...(mail.text ?? '').matchAll(
        /http:\/\/127\.0\.0\.1:\d+\/api\/v1\/plugins\/email\/actions\/[^\s)>\]]+/g,
      ),
    ].map((m) => m[0]);
    expect(links).toHaveLength(2);
    expect(links[0]!.startsWith(server!.url)).toBe(true);

    // The GET shows a page and changes nothing.
    const page = await fetch(links[0]!);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<form method="post"/);
    const pending = await api(`/reviews/${message.id}?channel=${channel.id}`);
    expect(((await pending.json()) as { review: { status: string } }).review.status).toBe('pending');

    // The page's form answers; the agent's long-poll returns it, attributed to the owner.
    const answered = await fetch(links[0]!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(answered.status).toBe(200);
    const wait = await api(`/reviews/${message.id}/wait?channel=${channel.id}&timeout=5000`);
    const result = (await wait.json()) as {
      status: string;
      message: { review: { response: unknown; respondedBy: string } };
    };
    expect(result.status).toBe('completed');
    expect(result.message.review.response).toMatchObject({ selectedOption: 'yes' });
    const me = (await (
      await fetch(`${server!.url}/api/v1/me`, {
        headers: { cookie: await signIn(server!.url, email, password) },
      })
    ).json()) as { user: { id: string } };
    expect(result.message.review.respondedBy).toBe(me.user.id);

    // The same link again: already answered, nothing changes.
    const again = await fetch(links[1]!, { method: 'POST', body: '' });
    expect(again.status).toBe(409);
    expect(await again.text()).toMatch(/already answered/i);
    // Neither the SMTP password nor a link's token is in any log line (the access log redacts `:token`).
    expect(server!.output()).not.toContain(SMTP_PASSWORD);
    for (const link of links) expect(server!.output()).not.toContain(link.split('/').at(-1)!);
    expect(server!.output()).toContain('/api/v1/plugins/email/actions/[redacted]');
  });
});
