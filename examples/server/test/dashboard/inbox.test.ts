import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalReview,
  browserUnavailable,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  focusInside,
  openAccountMenu,
  openChat,
  pagePerTest,
  SCREENSHOTS,
  tabTo,
} from './harness.js';

/**
 * The inbox across agents (filters, keyboard answering, read state kept by the server), browser
 * notifications, and agent status with its history.
 */
const skip = browserUnavailable();

interface Sent {
  id: string;
}

const rows = (page: Page) => page.locator('placet-inbox button.row');

describe.skipIf(skip)('dashboard: inbox, notifications, agent status', { timeout: 90_000 }, () => {
  let w: DashboardWorld;
  let alpha: string;
  let beta: string;
  const sent: Record<string, string> = {};

  beforeAll(async () => {
    w = await dashboardWorld();
    alpha = await createAgent(w, 'Alpha');
    beta = await createAgent(w, 'Beta');
    for (const [channelId, name] of [
      [alpha, 'alpha-1'],
      [beta, 'beta-1'],
      [alpha, 'alpha-2'],
      [beta, 'beta-2'],
    ] as const) {
      const res = await w.agent<Sent>('POST', '/messages', {
        channelId,
        text: `Ship ${name}?`,
        review: approvalReview(name),
      });
      expect(res.status).toBe(201);
      sent[name] = res.body.id;
    }
  }, 60_000);
  afterAll(async () => w?.close());
  // Each test: a fresh signed-in page in its own context; every context a test opens is closed after it.
  const pages = pagePerTest(() => w);

  it('lists the reviews of both agents, filters by agent, and answers one from the inbox with the keyboard', async () => {
    const { page } = pages.ui;
    await expect.poll(() => page.locator('[data-pending-count]').innerText()).toBe('4');
    await page.locator('a[data-nav="inbox"]').click();
    await expect.poll(() => rows(page).count()).toBe(4);
    await page.screenshot({ path: join(SCREENSHOTS, 'inbox.png') });

    await page.locator('placet-inbox select[name="agent"]').selectOption(alpha);
    await expect.poll(() => rows(page).count()).toBe(2);
    const ids = await rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));
    expect([...ids].sort()).toEqual([sent['alpha-1'], sent['alpha-2']].sort());

    // Keyboard only: into the list, down to the second row, open it, answer.
    await rows(page).first().focus();
    await page.keyboard.press('ArrowDown');
    const second = await page.evaluate(() => {
      const inbox = document.querySelector('placet-app')!.shadowRoot!.querySelector('placet-inbox')!;
      return inbox.shadowRoot!.activeElement?.getAttribute('data-id');
    });
    expect(second).toBe(ids[1]);
    await page.keyboard.press('Enter');
    // Opening moves the focus into the review's widget; from there the answer is a Tab or two away.
    await expect.poll(() => focusInside(page, 'placet-approval')).toBe(true);
    await tabTo(page, '[data-option="approve"]', 10);
    await page.keyboard.press('Enter');
    await expect
      .poll(
        async () =>
          (
            await w.agent<{ review: { status: string; response: unknown } }>(
              'GET',
              `/reviews/${second}?channel=${alpha}`,
            )
          ).body.review,
      )
      .toMatchObject({ status: 'completed', response: { selectedOption: 'approve' } });
    await expect.poll(() => page.locator('[data-pending-count]').innerText()).toBe('3');
  });

  it('keeps read state on the server: it survives a reload and shows in a second browser context', async () => {
    // Reviews of its own, so that what other tests answer or open cannot change what this one sees.
    const gamma = await createAgent(w, 'Gamma');
    const ids: string[] = [];
    for (const name of ['gamma-1', 'gamma-2']) {
      const res = await w.agent<Sent>('POST', '/messages', {
        channelId: gamma,
        text: `Ship ${name}?`,
        review: approvalReview(name),
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const [untouched, target] = ids as [string, string];
    /** The inbox, filtered to Gamma's two reviews. */
    const inbox = async (page: Page) => {
      await page.locator('a[data-nav="inbox"]').click();
      await page.locator('placet-inbox select[name="agent"]').selectOption(gamma);
      await expect.poll(() => rows(page).count()).toBe(2);
    };
    const row = (page: Page, id: string) => page.locator(`placet-inbox button.row[data-id="${id}"]`);

    const { page } = pages.ui;
    await inbox(page);
    expect(await row(page, target).getAttribute('data-read')).toBe('false');
    await row(page, target).click();
    await expect.poll(() => row(page, target).getAttribute('data-read')).toBe('true');

    await page.reload();
    await inbox(page);
    expect(await row(page, target).getAttribute('data-read')).toBe('true');
    expect(await row(page, untouched).getAttribute('data-read')).toBe('false');

    const second = await pages.open();
    await inbox(second.page);
    expect(await row(second.page, target).getAttribute('data-read')).toBe('true');
    expect(await row(second.page, untouched).getAttribute('data-read')).toBe('false');
  });

  it('shows a browser notification for a review in a chat that is not open; clicking it opens the chat', async () => {
    const { page } = pages.ui;
    const context = page.context();
    await context.grantPermissions(['notifications'], { origin: w.url });
    // Record what the page asks the browser to show (the real Notification still runs); the reload
    // below runs the script in the signed-in page.
    await context.addInitScript(() => {
      const Real = window.Notification;
      const shown: { title: string; body: string | undefined; click: () => void }[] = [];
      (window as unknown as { __shown: typeof shown }).__shown = shown;
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          shown.push({ title, body: options?.body, click: () => this.onclick?.(new Event('click')) });
        }
      }
      window.Notification = Recording as typeof Notification;
    });
    await page.reload();
    await page.locator('placet-agent-list').waitFor();
    await openAccountMenu(page);
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    await page.getByRole('button', { name: 'Notifications on' }).waitFor();
    await openChat(page, alpha);

    await w.agent('POST', '/messages', { channelId: alpha, text: 'In the open chat: no notification' });
    const res = await w.agent<Sent>('POST', '/messages', {
      channelId: beta,
      text: 'Restart the queue?',
      review: approvalReview('queue'),
    });
    expect(res.status).toBe(201);
    const shown = () =>
      page.evaluate(() =>
        (window as unknown as { __shown: { title: string; body?: string }[] }).__shown.map(
          ({ title, body }) => ({ title, body }),
        ),
      );
    await expect.poll(shown).toEqual([{ title: 'Beta asks for a review', body: 'Restart the queue?' }]);
    await page.evaluate(() =>
      (window as unknown as { __shown: { click: () => void }[] }).__shown[0]!.click(),
    );
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/chats/${beta}`);
  });

  it('shows the agent status as a pill with its history', async () => {
    const { page } = pages.ui;
    await w.agent('POST', '/status/ping', { agentId: alpha, status: 'busy', message: 'deploying' });
    await openChat(page, alpha);
    const pill = page.locator('placet-chat button.pill');
    await expect.poll(() => pill.innerText()).toMatch(/Busy — deploying/);
    await w.agent('POST', '/status/ping', { agentId: alpha, status: 'error', message: 'disk full' });
    await expect.poll(() => pill.getAttribute('data-presence')).toBe('error');
    expect(
      await page
        .locator(`placet-agent-list a[data-agent="${alpha}"] [data-status]`)
        .getAttribute('data-status'),
    ).toBe('error');
    await pill.click();
    const history = page.locator('placet-chat [data-history-status]');
    await expect.poll(() => history.count()).toBe(2);
    expect(
      await history.evaluateAll((els) => els.map((el) => el.getAttribute('data-history-status'))),
    ).toEqual(['error', 'busy']);
    await page.screenshot({ path: join(SCREENSHOTS, 'agent-status.png') });
  });

  it('keeps its filters across a reload, and a link to a review outside them still shows that review', async () => {
    const { page } = pages.ui;
    await page.locator('a[data-nav="inbox"]').click();
    const ids = () => rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-id')).sort());
    const alphas = [sent['alpha-1'], sent['alpha-2']];
    await page.locator('placet-inbox select[name="agent"]').selectOption(beta);
    // Filtered once beta's reviews are listed and alpha's are not (an empty list is one still loading).
    await expect
      .poll(async () => {
        const listed = await ids();
        return listed.includes(sent['beta-2']!) && !listed.some((id) => alphas.includes(id ?? ''));
      })
      .toBe(true);
    const filtered = await ids();
    await page.reload();
    await page.locator('placet-inbox').waitFor();
    // The agent filter names its agent once the agent list has loaded (its option exists from then on).
    await expect.poll(() => page.locator('placet-inbox select[name="agent"]').inputValue()).toBe(beta);
    await expect.poll(ids).toEqual(filtered);
    // An address naming one of alpha's reviews (a notification, a shared link): shown, filters or not.
    await page.evaluate((id) => {
      location.hash = `#/inbox/${id}`;
    }, sent['alpha-2']);
    await page.locator(`placet-inbox .detail placet-message[data-id="${sent['alpha-2']}"]`).waitFor();
    // Back returns to the list as it was.
    await page.goBack();
    await expect.poll(() => page.locator('placet-inbox .detail placet-message').count()).toBe(0);
  });

  it('a review read in the inbox is no longer unread in the agent list: one unread state', async () => {
    const { page } = pages.ui;
    const gamma = await createAgent(w, 'Gamma');
    const res = await w.agent<Sent>('POST', '/messages', {
      channelId: gamma,
      text: 'Rotate the keys?',
      review: approvalReview('rotation'),
    });
    const badge = page.locator(`placet-agent-list a[data-agent="${gamma}"] .badge`);
    await expect.poll(() => badge.innerText()).toBe('1');
    await page.locator('a[data-nav="inbox"]').click();
    await page.locator(`placet-inbox button.row[data-id="${res.body.id}"]`).click();
    await page.locator('placet-inbox .detail placet-message button[data-option="approve"]').click();
    await expect.poll(() => badge.count()).toBe(0);
    // The server agrees (a reload shows the same).
    await page.reload();
    await page.locator(`placet-agent-list a[data-agent="${gamma}"]`).waitFor();
    expect(await badge.count()).toBe(0);
  });

  it('had no uncaught errors and no failed API request in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.failures).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
