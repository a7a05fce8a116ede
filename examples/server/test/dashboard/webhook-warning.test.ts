import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  PHONE_OPTIONS,
  pagePerTest,
  SCREENSHOTS,
  seriousAxe,
  sidewaysOverflow,
  signInAt,
} from './harness.js';

/**
 * Issue #25, bug 9: a webhook URL the server's SSRF guard will always refuse is saved with a visible
 * warning under the URL field (what will happen, what to do, the `WEBHOOK_ALLOW_HOSTS` entry), asked of
 * `POST /webhooks/check` when it is saved and when the form opens; an allowed URL gets none. At a desk
 * (1280×800) and on a phone (390×844). Screenshots: `desk-webhook-warning.png`, `phone-webhook-warning.png`.
 *
 * Network: the refused URL is an IP literal (`http://10.0.0.1/hook`), judged by the guard without a lookup
 * and never contacted (the check sends nothing, and no delivery is made in this file). The allowed URL is
 * a receiver on 127.0.0.1 that the server allows by `WEBHOOK_ALLOW_HOSTS=127.0.0.1:<its port>`, as the
 * example server's own tests do; it must see no request either.
 */
const skip = browserUnavailable();

const REFUSED_URL = 'http://10.0.0.1/hook';

/** How far the page scrolls sideways (0: it fits the viewport). */
describe.skipIf(skip)('dashboard: a webhook the server will refuse', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let receiver: Server;
  let receiverUrl: string;
  let received = 0;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      received++;
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    receiverUrl = `http://127.0.0.1:${port}/hook`;
    // Loopback is allowed for this receiver's port only, as the example server's tests allow it.
    w = await dashboardWorld({ WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${port}` });
  }, 90_000);
  afterAll(async () => {
    await w?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });
  const pages = pagePerTest(() => w);

  /** Opens the channel's settings (the webhook form) by its address. */
  async function openWebhookForm(page: Page, channelId: string): Promise<Locator> {
    await page.evaluate((id) => {
      location.hash = `#/settings/channels/${id}`;
    }, channelId);
    const form = page.locator('placet-webhook-form');
    await form.waitFor();
    return form;
  }

  /** The saved webhook URL of a channel, as the agent reads it. */
  const savedUrl = async (channelId: string) =>
    (await w.agent<{ webhookUrl: string | null }>('GET', `/agents/${channelId}`)).body.webhookUrl;

  /** The warning stands right under the URL field, and the field points at it. */
  async function expectWarningUnderUrl(form: Locator): Promise<void> {
    const input = form.getByLabel('Webhook URL');
    const warning = form.locator('[data-webhook-warning]');
    expect(await input.getAttribute('aria-describedby')).toBe(await warning.getAttribute('id'));
    const field = (await input.boundingBox())!;
    const box = (await warning.boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(field.y + field.height);
    expect(box.y - (field.y + field.height)).toBeLessThan(40);
  }

  it('desk: saving a refused URL keeps it and warns what will happen and what to do; an allowed one does not', async () => {
    const page = await signInAt(pages.ui.page, w, 'desk');
    const channelId = await createAgent(w, 'Private hook bot');
    const form = await openWebhookForm(page, channelId);
    const warning = form.getByRole('alert').filter({ hasText: 'refuse to deliver' });
    expect(await form.locator('[data-webhook-warning]').count()).toBe(0);

    await form.getByLabel('Webhook URL').fill(REFUSED_URL);
    await form.getByRole('button', { name: 'Save webhook' }).click();
    await expect.poll(() => form.locator('.actions [role="status"]').innerText()).toBe('Webhook saved.');
    // Saved all the same: the operator may allow the address later.
    await expect.poll(() => savedUrl(channelId)).toBe(REFUSED_URL);

    await warning.waitFor();
    const text = await warning.innerText();
    expect(text).toContain('Placet will refuse to deliver to this address.');
    expect(text).toContain('The host 10.0.0.1 is a private network address.');
    expect(text).toContain('each delivery fails at once');
    expect(text).toContain('Use a public address, or ask whoever runs this server to allow it');
    expect(text).toContain('add 10.0.0.1:80 to WEBHOOK_ALLOW_HOSTS');
    await expectWarningUnderUrl(form);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-webhook-warning.png') });

    // Accessible in both themes.
    expect(await seriousAxe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
    });
    expect(await seriousAxe(page)).toEqual([]);

    // The loopback receiver the server allows: saved, no warning, and nothing was sent to it.
    await form.getByLabel('Webhook URL').fill(receiverUrl);
    await form.getByRole('button', { name: 'Save webhook' }).click();
    await expect.poll(() => savedUrl(channelId)).toBe(receiverUrl);
    await expect.poll(() => form.locator('[data-webhook-warning]').count()).toBe(0);
    expect(await form.getByLabel('Webhook URL').getAttribute('aria-describedby')).toBeNull();
    expect(received).toBe(0);
  });

  it('phone: the form opens with a saved refused URL and warns at once; an allowed one has no warning', async () => {
    const refusedChannel = await createAgent(w, 'Phone private bot');
    const allowedChannel = await createAgent(w, 'Phone loopback bot');
    for (const [channelId, url] of [
      [refusedChannel, REFUSED_URL],
      [allowedChannel, receiverUrl],
    ] as const) {
      const set = await w.agent('POST', '/agents/setWebhook', { channelId, url });
      expect(set.status).toBe(200);
    }
    const { page } = await pages.open({ signIn: false, context: PHONE_OPTIONS });
    await signInAt(page, w, 'phone');

    const form = await openWebhookForm(page, refusedChannel);
    const warning = form.getByRole('alert').filter({ hasText: 'refuse to deliver' });
    await warning.waitFor();
    expect(await form.getByLabel('Webhook URL').inputValue()).toBe(REFUSED_URL);
    expect(await warning.innerText()).toContain('WEBHOOK_ALLOW_HOSTS');
    await expectWarningUnderUrl(form);
    // Usable at 390 px: nothing scrolls sideways, the warning fits the screen.
    expect(await sidewaysOverflow(page)).toBe(0);
    const box = (await warning.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(390);
    const field = (await form.getByLabel('Webhook URL').boundingBox())!;
    expect(field.x + field.width).toBeLessThanOrEqual(390);
    await warning.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-webhook-warning.png') });
    expect(await seriousAxe(page)).toEqual([]);

    // The allowed loopback receiver: the form opens without a warning (after its check answered).
    const checked = page.waitForResponse((res) => res.url().endsWith('/api/v1/webhooks/check'));
    const allowedForm = await openWebhookForm(page, allowedChannel);
    const answer = await (await checked).json();
    expect(answer).toEqual({ ok: true, checked: true });
    expect(await allowedForm.getByLabel('Webhook URL').inputValue()).toBe(receiverUrl);
    expect(await allowedForm.locator('[data-webhook-warning]').count()).toBe(0);
    expect(received).toBe(0);
  });

  it('had no uncaught errors and no failed API calls in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.failures).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
