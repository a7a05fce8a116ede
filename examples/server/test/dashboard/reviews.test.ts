import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  bubble,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  focused,
  openChat,
  pagePerTest,
  SCREENSHOTS,
  shadowText,
  tabTo,
} from './harness.js';

/**
 * The review widgets of the built-in types in Chromium: a form with all twelve field types filled with
 * the keyboard (typed values reach the agent), browser-side refusals that match the server's, a
 * selection, a text input with `minLength`, and a dismissal.
 */
const skip = browserUnavailable();

interface Sent {
  id: string;
}
interface Answer {
  status: string;
  message: { review: { status: string; response: Record<string, unknown> } };
}

const FORM = {
  submitLabel: 'Create ticket',
  fields: [
    { name: 'title', type: 'text', label: 'Title', required: true, placeholder: 'Short summary' },
    { name: 'count', type: 'number', label: 'Affected hosts', min: 1, max: 100, step: 1, unit: 'hosts' },
    { name: 'contact', type: 'email', label: 'Contact', required: true },
    { name: 'link', type: 'url', label: 'Dashboard link' },
    { name: 'details', type: 'textarea', label: 'Details', description: 'What happened?' },
    {
      name: 'severity',
      type: 'select',
      label: 'Severity',
      required: true,
      options: ['low', 'high', { value: 'p0', label: 'Page everyone' }],
    },
    { name: 'notify', type: 'checkbox', label: 'Notify the on-call' },
    { name: 'day', type: 'date', label: 'Day' },
    { name: 'at', type: 'time', label: 'Time' },
    { name: 'window', type: 'datetime', label: 'Maintenance window' },
    { name: 'confidence', type: 'range', label: 'Confidence', min: 0, max: 10, step: 1, defaultValue: 5 },
    { name: 'token', type: 'password', label: 'Deploy token' },
  ],
};

/** Focuses the form control named `name` by tabbing to it (never by clicking). */
async function tabToField(page: Page, name: string) {
  await tabTo(page, `[name="${name}"]`);
}

describe.skipIf(skip)('dashboard: review widgets', { timeout: 90_000 }, () => {
  let w: DashboardWorld;
  let channelId: string;

  beforeAll(async () => {
    w = await dashboardWorld();
    channelId = await createAgent(w, 'Ops bot');
  }, 60_000);
  afterAll(async () => w?.close());
  // Each test: a fresh signed-in page with the chat open.
  const pages = pagePerTest(() => w, {
    setup: async ({ page }) => {
      await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
      await openChat(page, channelId);
    },
  });

  const ask = async (text: string, review: unknown) => {
    const sent = await w.agent<Sent>('POST', '/messages', { channelId, text, review });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    return sent.body.id;
  };
  const wait = (id: string) =>
    w.agent<Answer>('GET', `/reviews/${id}/wait?channel=${channelId}&timeout=30000`);
  const stillPending = async (id: string) =>
    (await w.agent<{ review: { status: string } }>('GET', `/reviews/${id}?channel=${channelId}`)).body.review
      .status;

  it('fills a form with all twelve field types using the keyboard; the agent receives typed values', async () => {
    const { page } = pages.ui;
    const id = await ask('Open an incident ticket', { type: 'form', payload: FORM });
    const form = bubble(page, id).locator('placet-form');
    await form.locator('[name="title"]').waitFor();
    expect(await form.locator('[name="title"]').getAttribute('placeholder')).toBe('Short summary');
    expect(await shadowText(form)).toContain('hosts'); // the unit
    expect(await shadowText(form)).toContain('What happened?'); // the description

    // Submitting the empty form is refused in the browser, with the server's message per field.
    const answer = wait(id);
    await bubble(page, id).locator('placet-form [data-action="submit"]').focus();
    await page.keyboard.press('Enter');
    await form.locator('[role="alert"], .error').first().waitFor();
    expect(await shadowText(form)).toMatch(/required/i);
    expect(await stillPending(id)).toBe('pending');

    await bubble(page, id).locator('placet-form [name="title"]').focus();
    await page.keyboard.type('Disk full on db-3');
    await tabToField(page, 'count');
    await page.keyboard.type('12');
    await tabToField(page, 'contact');
    await page.keyboard.type('not-an-email');
    await tabToField(page, 'link');
    await page.keyboard.type('https://grafana.example/d/disk');
    await tabToField(page, 'details');
    await page.keyboard.type('Logs grew overnight.');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('Rotated by hand.');
    await tabToField(page, 'severity');
    await page.keyboard.press('End'); // the last option: "Page everyone" (value p0)
    await tabToField(page, 'notify');
    await page.keyboard.press('Space');
    await tabToField(page, 'day');
    await page.keyboard.type('03142026');
    await tabToField(page, 'at');
    await page.keyboard.type('0930AM');
    await tabToField(page, 'window');
    await page.keyboard.type('03152026');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.type('1030PM');
    await tabToField(page, 'confidence');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight'); // 5 → 7
    await tabToField(page, 'token');
    await page.keyboard.type('s3cret-token');
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-form.png') });

    // An invalid email is refused in the browser, as the server would.
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => shadowText(form)).toMatch(/email/i);
    expect(await stillPending(id)).toBe('pending');

    await bubble(page, id).locator('placet-form [name="contact"]').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('oncall@example.test');
    await tabTo(page, '[data-action="submit"]');
    expect(await focused(page)).toMatch(/button/);
    await page.keyboard.press('Enter');

    const result = await answer;
    expect(result.body.status).toBe('completed');
    expect(result.body.message.review.response).toEqual({
      title: 'Disk full on db-3',
      count: 12,
      contact: 'oncall@example.test',
      link: 'https://grafana.example/d/disk',
      details: 'Logs grew overnight.\nRotated by hand.',
      severity: 'p0',
      notify: true,
      day: '2026-03-14',
      at: '09:30',
      window: '2026-03-15T22:30',
      confidence: 7,
      token: 's3cret-token',
    });
  });

  it('answers a multi-select selection', async () => {
    const { page } = pages.ui;
    const id = await ask('Which regions?', {
      type: 'selection',
      payload: {
        mode: 'multi',
        items: [
          { id: 'eu', label: 'Europe', description: 'Frankfurt and Dublin' },
          { id: 'us', label: 'United States' },
          { id: 'ap', label: 'Asia Pacific' },
        ],
        submitLabel: 'Roll out',
      },
    });
    const widget = bubble(page, id).locator('placet-selection');
    await widget.locator('[data-option="eu"]').waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-selection.png') });
    const answer = wait(id);
    await widget.locator('[data-option="eu"]').focus();
    await page.keyboard.press('Space');
    await tabTo(page, '[data-option="ap"]');
    await page.keyboard.press('Space');
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');
    expect((await answer).body.message.review.response).toEqual({ selectedIds: ['eu', 'ap'] });
    await expect.poll(() => shadowText(widget)).toMatch(/Europe.*Asia Pacific|Asia Pacific.*Europe/);
  });

  it('refuses a text shorter than minLength in the browser, then sends a long enough one', async () => {
    const { page } = pages.ui;
    const id = await ask('Describe the rollback plan', {
      type: 'text-input',
      payload: {
        placeholder: 'Steps, one per line',
        minLength: 20,
        markdown: true,
        submitLabel: 'Send plan',
      },
    });
    const widget = bubble(page, id).locator('placet-text-input');
    const area = widget.locator('[name="text"]');
    await area.waitFor();
    expect(await area.getAttribute('placeholder')).toBe('Steps, one per line');
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-text-input.png') });
    const answer = wait(id);
    await area.focus();
    await page.keyboard.type('Revert.');
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => shadowText(widget)).toMatch(/20/);
    expect(await stillPending(id)).toBe('pending');
    await area.focus();
    await page.keyboard.type(' Then **redeploy** v2.2 and watch errors.');
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');
    expect((await answer).body.message.review.response).toEqual({
      text: 'Revert. Then **redeploy** v2.2 and watch errors.',
    });
  });

  it('dismisses a dismissible review with its dismiss label', async () => {
    const { page } = pages.ui;
    const id = await ask('Pick a name for the branch', {
      type: 'selection',
      payload: {
        mode: 'single',
        items: [
          { id: 'a', label: 'fix/disk' },
          { id: 'b', label: 'hotfix/db-3' },
        ],
        dismissLabel: 'Not now',
      },
    });
    const dismiss = bubble(page, id).locator('placet-selection [data-action="dismiss"]');
    await dismiss.waitFor();
    expect((await dismiss.innerText()).trim()).toBe('Not now');
    const answer = wait(id);
    await dismiss.focus();
    await page.keyboard.press('Enter');
    expect((await answer).body.message.review.response).toEqual({ _dismissed: true });
  });

  it('answers a freeform review with a JSON object, refusing text that is not JSON', async () => {
    const { page } = pages.ui;
    const id = await ask('Send me the config you want', {
      type: 'freeform',
      payload: { hint: 'any JSON object' },
    });
    const widget = bubble(page, id).locator('placet-freeform');
    const area = widget.locator('[name="json"]');
    await area.waitFor();
    const answer = wait(id);
    await area.focus();
    await page.keyboard.type('{ not json');
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');
    await widget.locator('[role="alert"]').first().waitFor();
    expect(await stillPending(id)).toBe('pending');
    await area.fill('');
    await area.focus();
    await page.keyboard.type('{"replicas": 3, "region": "eu"}');
    await tabTo(page, '[data-action="submit"]');
    await page.keyboard.press('Enter');
    expect((await answer).body.message.review.response).toEqual({ replicas: 3, region: 'eu' });
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-freeform.png') });
  });

  it('says so when a review expired, with no controls left', async () => {
    const { page } = pages.ui;
    // A one-second expiry: the server's sweep expires it and `review:expired` reaches the open page.
    const id = await ask('Approve within a second?', {
      type: 'approval',
      payload: { options: [{ id: 'ok', label: 'OK' }] },
      expiresInSeconds: 1,
    });
    const widget = bubble(page, id).locator('placet-approval');
    // The server's sweep expires it; the `review:expired` event reaches the open page.
    await bubble(page, id)
      .locator('[data-review-status="expired"]')
      .waitFor({ state: 'attached', timeout: 20_000 });
    await expect.poll(() => shadowText(widget)).toMatch(/expired/i);
    expect(await widget.locator('[data-option]').count()).toBe(0);
  });

  it('had no uncaught errors in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.failures).toEqual([]);
  });
});
