import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  focused,
  pagePerTest,
  SCREENSHOTS,
  shadowText,
  tabTo,
} from './harness.js';

/**
 * The Settings view in Chromium against the built example server: API keys (shown once, copied, used,
 * revoked, rotated), a channel webhook with a custom header and Basic auth that a local receiver gets,
 * the delivery log and its redrive, users (owner), and the theme.
 */
const skip = browserUnavailable();

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** The status of `GET /api/v1/agents` with `key`. */
async function statusWith(w: DashboardWorld, key: string): Promise<number> {
  const res = await fetch(`${w.url}/api/v1/agents`, { headers: { 'x-api-key': key } });
  await res.arrayBuffer();
  return res.status;
}

/** Opens a section of Settings from the top navigation and its own. */
async function openSection(page: Page, section: string): Promise<void> {
  await page.locator('placet-app nav.views a[href="#/settings"]').click();
  await page.locator(`placet-settings nav a[data-section="${section}"]`).click();
  await page.locator(`placet-settings .content[data-section="${section}"]`).waitFor();
}

describe.skipIf(skip)('dashboard: settings', { timeout: 90_000 }, () => {
  let w: DashboardWorld;
  let receiver: Server;
  let hookBase: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        received.push({ path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : {} });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    w = await dashboardWorld({ WEBHOOK_ALLOW_HOSTS: '127.0.0.1/32' });
  }, 90_000);
  afterAll(async () => {
    await w?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });
  // Each test: a fresh signed-in page in its own context, allowed to use the clipboard.
  const pages = pagePerTest(() => w, { permissions: ['clipboard-read', 'clipboard-write'] });

  it('shows a new API key once, copies it, and the key works until revoked; rotate replaces it', async () => {
    const { page, dialogs } = pages.ui;
    await openSection(page, 'api-keys');
    await page.getByLabel('Key label').fill('CI agent');
    await page.getByRole('button', { name: 'Create key' }).click();

    const once = page.locator('placet-settings-api-keys placet-secret-once');
    const secret = once.locator('input[data-secret]');
    await expect.poll(() => secret.inputValue()).toMatch(/^hp_[0-9a-f]{48}$/);
    const key = await secret.inputValue();
    expect(await shadowText(once)).toMatch(/won't be shown again/);
    const keyId = await once.getAttribute('data-key-id');
    const row = page.locator(`placet-settings-api-keys tr[data-key-id="${keyId}"]`);
    const prefix = (await row.locator('code').innerText()).replace(/…$/, '');
    expect(prefix.length).toBeGreaterThan(3);
    expect(key.startsWith(prefix)).toBe(true);
    expect(await row.innerText()).not.toContain(key);

    // Copied from the page (navigator.clipboard), then used by an "agent".
    await once.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => shadowText(once)).toMatch(/Copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    expect(await statusWith(w, key)).toBe(200);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-api-key-created.png') });

    // Done: the raw key is gone from the page for good.
    await once.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => once.count()).toBe(0);

    // Revoke, through the page's own confirm step (never window.confirm).
    await row.getByRole('button', { name: 'Revoke key CI agent' }).click();
    await row.getByRole('button', { name: 'Yes, revoke' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await statusWith(w, key)).toBe(401);

    // Rotate: a new key is shown once; the old one stops at once.
    await page.getByLabel('Key label').fill('Rotating agent');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => secret.inputValue()).toMatch(/^hp_/);
    const before = await secret.inputValue();
    const rotatingId = await once.getAttribute('data-key-id');
    await once.getByRole('button', { name: 'Done' }).click();
    const rotating = page.locator(`placet-settings-api-keys tr[data-key-id="${rotatingId}"]`);
    await rotating.getByRole('button', { name: 'Rotate key Rotating agent' }).click();
    await rotating.getByRole('button', { name: 'Yes, rotate' }).click();
    await expect.poll(() => once.count().then((n) => (n ? secret.inputValue() : ''))).toMatch(/^hp_/);
    const after = await secret.inputValue();
    expect(after).not.toBe(before);
    expect(await shadowText(once)).toMatch(/Rotated API key/);
    expect(await statusWith(w, before)).toBe(401);
    expect(await statusWith(w, after)).toBe(200);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-api-keys.png') });
    expect(dialogs).toEqual([]);
  });

  it('creates a key with the keyboard alone; Copy gets the focus', async () => {
    const { page } = pages.ui;
    await openSection(page, 'api-keys');
    await page.locator('placet-settings nav a[data-section="api-keys"]').focus();
    await tabTo(page, 'input[name="label"]');
    await page.keyboard.type('Keyboard key');
    await page.keyboard.press('Enter');
    const once = page.locator('placet-settings-api-keys placet-secret-once');
    await expect.poll(() => once.getAttribute('label')).toBe('New API key “Keyboard key”');
    await expect.poll(() => focused(page)).toBe('button');
    await page.keyboard.press('Enter'); // Copy
    await expect.poll(() => shadowText(once)).toMatch(/Copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(
      await once.locator('input[data-secret]').inputValue(),
    );
  });

  it('sets a webhook with a header and Basic auth; deliveries reach the receiver, show in the log, redrive', async () => {
    const { page, dialogs } = pages.ui;
    received.length = 0; // this test's deliveries only
    const channelId = await createAgent(w, 'Hook bot');
    await openSection(page, 'channels');
    await page.locator(`placet-settings-channels a[data-channel-id="${channelId}"]`).click();
    const form = page.locator('placet-webhook-form');
    await form.waitFor();

    await form.getByLabel('Webhook URL').fill(`${hookBase}/hook`);
    await form.getByRole('button', { name: 'Add header' }).click();
    await form.getByLabel('Header 1 name').fill('X-Custom-Token');
    await form.getByLabel('Header 1 value').fill('tok-123');
    await form.getByLabel('Basic auth username').fill('hookuser');
    const password = form.getByLabel('Basic auth password');
    await password.fill('hookpass');
    expect(await password.getAttribute('type')).toBe('password');
    await form.getByRole('button', { name: 'Show password' }).click();
    expect(await password.getAttribute('type')).toBe('text');
    await form.getByRole('button', { name: 'Hide password' }).click();
    expect(await password.getAttribute('type')).toBe('password');
    await form.getByRole('button', { name: 'Save webhook' }).click();

    // The signing secret made on the first save is shown once.
    const signing = form.locator('placet-secret-once input[data-secret]');
    await expect.poll(() => signing.count()).toBe(1);
    expect(await signing.inputValue()).toMatch(/^whsec_/);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-webhook.png') });
    const stored = await w.agent('GET', `/agents/${channelId}`);
    expect(stored.body).toMatchObject({
      webhookUrl: `${hookBase}/hook`,
      webhookHeaders: { 'X-Custom-Token': '***' },
      webhookAuth: { username: 'hookuser', password: '***' },
      hasSigningSecret: true,
    });

    // The saved secrets are never prefilled (not even with the mask); changing only the URL keeps them.
    await expect.poll(() => password.inputValue()).toBe('');
    expect(await form.getByLabel('Header 1 value').inputValue()).toBe('');
    expect(await form.getByLabel('Header 1 name').inputValue()).toBe('X-Custom-Token');
    expect(await form.getByLabel('Basic auth username').inputValue()).toBe('hookuser');
    await form.getByLabel('Webhook URL').fill(`${hookBase}/hook2`);
    await form.getByRole('button', { name: 'Save webhook' }).click();
    await expect
      .poll(async () => (await w.agent('GET', `/agents/${channelId}`)).body.webhookUrl)
      .toBe(`${hookBase}/hook2`);
    expect((await w.agent('GET', `/agents/${channelId}`)).body).toMatchObject({
      webhookHeaders: { 'X-Custom-Token': '***' },
      webhookAuth: { username: 'hookuser', password: '***' },
    });

    // A message the human sends in the chat is delivered to the channel's webhook.
    // Settings take the whole width: the agent list is back in Chats.
    await page.locator('placet-app nav.views a[href^="#/chats"]').click();
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).click();
    await page.getByLabel('Message to Hook bot').fill('Hello, hook');
    await page.keyboard.press('Enter');
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(1);
    const first = received[0]!;
    expect(first.path).toBe('/hook2');
    expect(first.headers['x-custom-token']).toBe('tok-123');
    expect(first.headers.authorization).toBe(`Basic ${Buffer.from('hookuser:hookpass').toString('base64')}`);
    expect(first.headers['webhook-signature']).toMatch(/^v1,/);
    expect(first.body).toMatchObject({ event: 'message:created', channelId });
    const webhookId = String(first.headers['webhook-id']);
    expect(webhookId).toBeTruthy();

    // The delivery log shows it, delivered; Redrive sends it again with the same webhook-id.
    await openSection(page, 'channels');
    await page.locator(`placet-settings-channels a[data-channel-id="${channelId}"]`).click();
    const log = page.locator('placet-delivery-log');
    const row = log.locator(`tr[data-delivery-id="${webhookId}"]`);
    await expect
      .poll(
        async () => {
          if ((await row.count()) === 0) {
            await log.getByRole('button', { name: 'Refresh' }).click();
            return `missing; log says: ${await shadowText(log)}`;
          }
          return row.getAttribute('data-state');
        },
        { timeout: 20_000 },
      )
      .toBe('delivered');
    expect(await row.innerText()).toMatch(/HTTP 200/);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-delivery-log.png') });
    await row.getByRole('button', { name: /Redrive/ }).click();
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(2);
    expect(received[1]!.headers['webhook-id']).toBe(webhookId);
    expect(received[1]!.headers.authorization).toBe(first.headers.authorization);
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('delivered');
    await expect.poll(() => row.getAttribute('data-attempts'), { timeout: 20_000 }).toBe('2');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-delivery-redriven.png') });

    // Remove the webhook (confirm step): nothing is sent any more.
    await form.getByRole('button', { name: 'Remove webhook' }).click();
    await form.getByRole('button', { name: 'Yes, remove webhook' }).click();
    await expect.poll(async () => (await w.agent('GET', `/agents/${channelId}`)).body.webhookUrl).toBeNull();
    expect(dialogs).toEqual([]);
  });

  it('renames a channel, shows server errors with their paths, and deletes it after a confirm step', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Old name');
    await openSection(page, 'channels');
    await page.locator(`placet-settings-channels a[data-channel-id="${channelId}"]`).click();
    const details = page.locator('placet-channel-settings');
    await details.getByLabel('Name', { exact: true }).fill('New name');
    await details.getByLabel('Description').fill('Builds things');
    // One over the limit, past the field's maxlength (set directly), so that the server says why.
    await details.getByLabel('Tag').evaluate((el: HTMLInputElement) => {
      el.removeAttribute('maxlength');
      el.value = 'x'.repeat(65);
    });
    await details.getByRole('button', { name: 'Save details' }).click();
    const alert = details.getByRole('alert');
    await expect.poll(() => alert.count()).toBeGreaterThan(0);
    expect(await alert.first().locator('[data-issue-path="tag"]').count()).toBe(1);
    expect(await details.getByLabel('Tag').getAttribute('aria-invalid')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-channel-error.png') });
    await details.getByLabel('Tag').fill('builders');
    await details.getByRole('button', { name: 'Save details' }).click();
    await expect
      .poll(async () => (await w.agent('GET', `/agents/${channelId}`)).body)
      .toMatchObject({ name: 'New name', description: 'Builds things', tag: 'builders' });

    await details.getByRole('button', { name: 'Delete channel' }).click();
    await details.getByRole('button', { name: 'Yes, delete channel' }).click();
    await page.locator('placet-settings-channels ul.channels').waitFor();
    expect((await w.agent('GET', `/agents/${channelId}`)).status).toBe(404);
  });

  it('lists plugins with their review types', async () => {
    const { page } = pages.ui;
    await openSection(page, 'plugins');
    const approval = page.locator('placet-settings-plugins [data-review-type="approval"]');
    await approval.waitFor();
    expect(await approval.getAttribute('data-has-ui')).toBe('true');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-plugins.png') });
  });

  it('lets the owner create and delete a user; the theme radios switch the page theme', async () => {
    const { page, dialogs } = pages.ui;
    await openSection(page, 'users');
    const users = page.locator('placet-settings-users');
    await users.getByLabel('Email').fill('member@example.test');
    await users.getByLabel('Display name').fill('Mia Member');
    await users.getByLabel('Initial password').fill('member-password-1');
    await users.getByRole('button', { name: 'Create user' }).click();
    const row = users.locator('tr', { hasText: 'member@example.test' });
    await row.waitFor();
    // Yourself: no Delete.
    expect(await users.locator('tr', { hasText: w.email }).getByRole('button').count()).toBe(0);

    // The same email again: the server's message and the path.
    await users.getByLabel('Email').fill('member@example.test');
    await users.getByLabel('Display name').fill('Mia Again');
    await users.getByLabel('Initial password').fill('member-password-2');
    await users.getByRole('button', { name: 'Create user' }).click();
    const problem = users.locator('form [role="alert"]');
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/Email already in use/);
    expect(await problem.locator('[data-issue-path="email"]').count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-users.png') });

    await row.getByRole('button', { name: 'Delete user member@example.test' }).click();
    await row.getByRole('button', { name: 'Yes, delete user' }).click();
    await row.waitFor({ state: 'detached' });
    const listed = await page.evaluate(async () => (await fetch('/api/v1/users')).json());
    expect(JSON.stringify(listed)).not.toContain('member@example.test');

    await openSection(page, 'appearance');
    const theme = () => page.evaluate(() => document.documentElement.dataset.theme);
    await page.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(theme).toBe('dark');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-appearance-dark.png') });
    // Arrow keys move through the group, as with any radio group.
    await page.getByRole('radio', { name: 'Dark' }).focus();
    await page.keyboard.press('ArrowUp');
    await expect.poll(theme).toBe('light');
    expect(await page.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'System' }).check();
    expect(await page.evaluate(() => localStorage.getItem('placet:theme'))).toBe('system');
    await page.getByRole('radio', { name: 'Light' }).check();
    await expect.poll(theme).toBe('light');
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-appearance.png') });
    expect(dialogs).toEqual([]);
  });

  it('had no uncaught errors in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
