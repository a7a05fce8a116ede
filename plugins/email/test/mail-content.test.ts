import { createPlacet, memoryStore, silentLogger } from '@placet/core';
import { createOperationEnv, runOperation } from '@placet/core/adapter';
import { approval } from '@placet/plugin-approval';
import { afterEach, describe, expect, it } from 'vitest';
import { EMAIL_ACTIONS, email } from '../src/index.js';
import {
  actionLinkList,
  header,
  mailsSettled,
  request,
  startWorld,
  submit,
  type World,
  waitFor,
} from './harness.js';

/** What a mail says and links to, parsed from what the SMTP server received. */

let w: World;
afterEach(async () => w?.close());

async function mailFor(world: World, messageId: string) {
  await waitFor(() => world.smtp.received.some(({ mail }) => header(mail, 'x-placet-review') === messageId));
  await mailsSettled(world);
  return world.smtp.received.find(({ mail }) => header(mail, 'x-placet-review') === messageId)!.mail;
}

describe('the mail', () => {
  it('renders the markdown safely: raw HTML escaped, only http(s) and mailto links, no images, no script', async () => {
    w = await startWorld();
    const text = [
      '## Release <script>alert(1)</script> notes',
      '',
      'See [the diff](https://git.example.test/diff?a=1&b=2), [mail us](mailto:ops@example.test),',
      '[click](javascript:alert(1)), [data](data:text/html;base64,PHNjcmlwdD4=) and ![tracker](https://img.example.test/p.png).',
      '',
      '<img src="https://img.example.test/q.png" onerror="alert(2)">',
      '- one',
      '- `two`',
    ].join('\n');
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text,
      review: { type: 'approval', payload: { options: [{ id: 'ok', label: 'OK <now>' }] } },
    });
    const mail = await mailFor(w, msg.id);
    const html = String(mail.html);
    expect(html).not.toMatch(/<script|<img|<iframe|onerror="/i);
    // Every link goes to http(s) or mailto: the others stay text.
    for (const [, href] of html.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^(https?:|mailto:)/);
    expect(html).toContain('[click](javascript:alert(1))');
    expect(html).toContain('!<a href="https://img.example.test/p.png" rel="noopener noreferrer">tracker</a>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=&quot;');
    expect(html).toContain('onerror=&quot;alert(2)&quot;&gt;');
    expect(html).toContain(
      '<a href="https://git.example.test/diff?a=1&amp;b=2" rel="noopener noreferrer">the diff</a>',
    );
    expect(html).toContain('<a href="mailto:ops@example.test" rel="noopener noreferrer">mail us</a>');
    expect(html).toContain('<li><code>two</code></li>');
    expect(actionLinkList(mail).map((l) => l.label)).toEqual(['OK <now>']);
    // The plain text is the markdown as the agent wrote it, quoted.
    expect(mail.text).toContain('> ## Release <script>alert(1)</script> notes');
    expect(mail.text).toContain('OK <now>:\nhttp://');
    expect(mail.subject).toBe('[deploy-bot] Release <script>alert(1)</script> notes');
  });

  it('offers one link per item of a selection; the link answers with that item', async () => {
    w = await startWorld();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Where should v2 go first?',
      review: {
        type: 'selection',
        payload: {
          mode: 'single',
          items: [
            { id: 'staging', label: 'Staging', description: 'the usual' },
            { id: 'canary', label: 'Canary' },
            { id: 'production', label: 'Production' },
          ],
        },
      },
    });
    const mail = await mailFor(w, msg.id);
    const links = actionLinkList(mail);
    expect(links.map((l) => l.label)).toEqual(['Staging', 'Canary', 'Production']);
    const page = await request(links[1]!.href);
    expect(page.text).toContain('<title>Canary?</title>');
    expect((await submit(links[1]!.href)).status).toBe(200);
    const review = (await w.placet.reviews.get(w.agent, msg.id, w.channelId)).review!;
    expect(review).toMatchObject({
      status: 'completed',
      response: { selectedIds: ['canary'] },
      respondedBy: w.owner.id,
    });
  });

  it('sends a multi-selection to the dashboard (one item alone is not what it asks for)', async () => {
    w = await startWorld();
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Which regions?',
      review: {
        type: 'selection',
        payload: {
          mode: 'multi',
          items: [
            { id: 'eu', label: 'EU' },
            { id: 'us', label: 'US' },
          ],
        },
      },
    });
    const mail = await mailFor(w, msg.id);
    expect(actionLinkList(mail)).toEqual([]);
    expect(mail.text).toContain(`Answer in Placet (selection):\n${w.url}/#/inbox/${msg.id}`);
  });

  it('links to the dashboard where the plugin is mounted elsewhere (apiPath, dashboardPath)', async () => {
    w = await startWorld({ email: { apiPath: '/hitl/api/v1/', dashboardPath: '/inbox/' } });
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Go?',
      review: { type: 'approval', payload: { options: [{ id: 'go', label: 'Go' }] } },
    });
    const mail = await mailFor(w, msg.id);
    expect(actionLinkList(mail)[0]!.href.startsWith(`${w.url}/hitl/api/v1/plugins/email/actions/`)).toBe(
      true,
    );
    expect(mail.text).toContain(`${w.url}/inbox#/inbox/${msg.id}`);
    expect(mail.text).toContain(`${w.url}/inbox#/settings`);
  });
});

describe('the options', () => {
  it('are validated at createPlacet(), naming paths and never values', () => {
    const secret = 'hunter2-very-secret';
    let message = '';
    try {
      createPlacet({
        logger: silentLogger(),
        plugins: [
          approval(),
          email({
            smtp: `http://relay:${secret}@127.0.0.1:25`,
            from: 'x',
            publicUrl: 'ftp://placet.example.test',
            tokenTtlMs: 10,
          }),
        ],
      });
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_OPTIONS' });
      message = (error as Error).message;
    }
    expect(message).toContain('Invalid options of plugin "email"');
    for (const path of ['smtp', 'from', 'publicUrl', 'tokenTtlMs']) expect(message).toContain(path);
    expect(message).not.toContain(secret);
    expect(() =>
      createPlacet({
        logger: silentLogger(),
        plugins: [
          email({
            smtp: { host: '127.0.0.1', port: 2525, auth: { user: 'u', pass: secret } },
            from: 'Placet <placet@example.test>',
            publicUrl: 'https://placet.example.test/',
          }),
        ],
      }),
    ).not.toThrow();
  });

  it('one secret for every process on a store: a link made by one instance works in another', async () => {
    const store = memoryStore();
    const make = () =>
      createPlacet({
        store,
        logger: silentLogger(),
        plugins: [
          approval(),
          email({
            smtp: 'smtp://127.0.0.1:9',
            from: 'placet@example.test',
            publicUrl: 'https://placet.example.test',
          }),
        ],
      });
    const [a, b] = [make(), make()];
    // Both start at once: one secret wins (setIfAbsent), and both read it.
    await Promise.all([a.start(), b.start()]);
    try {
      const owner = await a.users.create({
        email: 'o@example.test',
        displayName: 'O',
        password: 'password-123',
        role: 'owner',
      });
      const agent = (await a.authenticate({ apiKey: (await a.apiKeys.create(owner.id)).key }))!;
      const channel = await a.channels.create(agent, { name: 'bot' });
      const msg = await a.messages.create(agent, {
        channelId: channel.id,
        text: 'Go?',
        review: { type: 'approval', payload: { options: [{ id: 'go', label: 'Go' }] } },
      });
      const link = await a
        .resolve(EMAIL_ACTIONS)
        .link({ messageId: msg.id, optionId: 'go', userId: owner.id });
      const token = decodeURIComponent(link.slice(link.lastIndexOf('/') + 1));
      const post = b.api.operations.find((op) => op.operationId === 'emailRunAction')!;
      // B's own route answers it, as B's HTTP adapter would run it.
      const reply = await runOperation(
        b,
        post,
        createOperationEnv({ listCap: 100, concurrentWaits: false }),
        {
          principal: undefined,
          params: { token },
          query: {},
          body: undefined,
          header: () => undefined,
          baseUrl: '/api/v1',
          signal: new AbortController().signal,
        },
      );
      expect(reply).toMatchObject({ status: 200 });
      expect((await b.reviews.get(agent, msg.id)).review).toMatchObject({
        status: 'completed',
        response: { selectedOption: 'go' },
        respondedBy: owner.id,
      });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
});
