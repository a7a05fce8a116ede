import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalReview,
  browserUnavailable,
  bubble,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  openAccountMenu,
  openChat,
  PHONE_OPTIONS,
  pagePerTest,
  SCREENSHOTS,
  sidewaysOverflow,
} from './harness.js';

/**
 * The dashboard on a phone (390×844, and 360 px wide) and at a desk (1280×800): one column with a
 * bottom bar on the phone, the agent list beside the chat at the desk, the account menu, previews that
 * keep the text, the capped open-reviews bar, task items. Screenshots: `phone-*.png`, `desk-*.png`.
 */
const skip = browserUnavailable();

/** How far the page scrolls sideways (0: it fits the viewport). */
/** The element's box in the viewport, through shadow roots. */
const box = async (page: Page, selector: string) => {
  const found = await page.locator(selector).first().boundingBox();
  if (!found) throw new Error(`${selector} has no box (not visible)`);
  return found;
};

describe.skipIf(skip)('dashboard: phone and desk layouts', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let ops: string;
  let tickets: string;
  const reviews: string[] = [];

  beforeAll(async () => {
    w = await dashboardWorld();
    ops = await createAgent(w, 'Ops bot');
    tickets = await createAgent(w, 'Ticket triage');
    for (let i = 1; i <= 8; i++) {
      const res = await w.agent<{ id: string }>('POST', '/messages', {
        channelId: ops,
        text: `Deploy **build ${i}** to production?`,
        review: approvalReview(`build ${i}`),
      });
      expect(res.status).toBe(201);
      reviews.push(res.body.id);
    }
    await w.agent('POST', '/messages', {
      channelId: ops,
      text: '## Checklist\n\n- [x] tests green\n- [ ] canary healthy',
    });
    await w.agent('POST', '/messages', {
      channelId: tickets,
      text: 'Escalated ticket #4512: auto-reply is on for ~50% | tier_2',
    });
  }, 90_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  const phone = async () => (await pages.open({ context: PHONE_OPTIONS })).page;
  const desk = async () => pages.ui.page;

  it('phone: the agent list fills the screen, a chat replaces it and goes back, nothing scrolls sideways', async () => {
    const page = await phone();
    await expect.poll(() => page.locator('placet-agent-list a[data-agent]').count()).toBe(2);
    expect(await sidewaysOverflow(page)).toBe(0);
    // The list takes the whole width; the views are in a bottom bar with thumb-sized targets.
    expect((await box(page, 'placet-agent-list')).width).toBeGreaterThan(370);
    const inbox = await box(page, 'placet-app nav.views a[data-nav="inbox"]');
    expect(inbox.height).toBeGreaterThanOrEqual(44);
    expect(inbox.y + inbox.height).toBeGreaterThan(844 - 80);
    const menu = await box(page, 'placet-app details.account summary');
    expect(menu.x + menu.width).toBeLessThanOrEqual(390);
    expect(Math.min(menu.width, menu.height)).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-agents.png') });

    await openChat(page, ops);
    await expect.poll(() => page.locator('placet-agent-list').isVisible()).toBe(false);
    expect((await box(page, 'placet-chat')).width).toBeGreaterThan(370);
    await bubble(page, reviews[7]!).waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    const send = await box(page, 'placet-chat placet-composer button[type="submit"]');
    expect(send.height).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-chat.png') });

    await page.locator('placet-chat header a.back').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/chats');
    await page.locator('placet-agent-list').waitFor();
    expect(await page.locator('placet-chat').count()).toBe(0);
  });

  it('phone at 360 px: the inbox shows the list, then the review with a way back, without sideways scroll', async () => {
    const page = await phone();
    await page.setViewportSize({ width: 360, height: 740 });
    await page.locator('placet-app nav.views a[data-nav="inbox"]').click();
    const rows = page.locator('placet-inbox button.row');
    await expect.poll(() => rows.count()).toBe(8);
    expect(await sidewaysOverflow(page)).toBe(0);
    await rows.first().click();
    await expect.poll(() => page.locator('placet-inbox .detail placet-message').isVisible()).toBe(true);
    expect(await rows.first().isVisible()).toBe(false);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-inbox-review.png') });
    await page.locator('placet-inbox .context a.back').click();
    await expect.poll(() => rows.first().isVisible()).toBe(true);
    expect(await page.evaluate(() => location.hash)).toBe('#/inbox');
  });

  it('desk: the agent list beside the chat, and one account menu instead of four buttons', async () => {
    const page = await desk();
    await openChat(page, ops);
    const list = await box(page, 'placet-agent-list');
    const chat = await box(page, 'placet-chat');
    expect(chat.x).toBeGreaterThanOrEqual(list.x + list.width - 1);
    expect(await page.locator('placet-chat header a.back').isVisible()).toBe(false);
    // The top bar's actions are in the menu: hidden until it opens.
    const signOut = page.locator('placet-app').getByRole('button', { name: 'Sign out' });
    expect(await signOut.isVisible()).toBe(false);
    await openAccountMenu(page);
    await signOut.waitFor();
    expect(await page.locator('placet-app details.account .who').innerText()).toContain(w.email);
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-account-menu.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => signOut.isVisible()).toBe(false);
  });

  it('previews keep every character of the text: the agent list and the inbox', async () => {
    const page = await desk();
    const preview = page.locator(`placet-agent-list a[data-agent="${tickets}"] .preview`);
    await expect
      .poll(() => preview.innerText())
      .toBe('Escalated ticket #4512: auto-reply is on for ~50% | tier_2');
    await expect
      .poll(() => page.locator(`placet-agent-list a[data-agent="${ops}"] .preview`).innerText())
      .toBe('Checklist tests green canary healthy');
    await page.locator('placet-app nav.views a[data-nav="inbox"]').click();
    await expect
      .poll(() => page.locator(`placet-inbox button.row[data-id="${reviews[0]}"] .what`).innerText())
      .toBe('Deploy build 1 to production?');
  });

  it('the open-reviews bar names three and says how many more, on one line, and shows all on demand', async () => {
    for (const page of [await desk(), await phone()]) {
      await openChat(page, ops);
      const bar = page.locator('placet-chat nav.reviews');
      await expect.poll(() => bar.locator('button').count()).toBe(4);
      expect(await bar.locator('button.more').innerText()).toBe('+5 more');
      const chip = await box(page, 'placet-chat nav.reviews button');
      expect((await bar.boundingBox())!.height).toBeLessThan(chip.height * 2 + 20);
      expect(await sidewaysOverflow(page)).toBe(0);
      await bar.locator('button.more').click();
      await expect.poll(() => bar.locator('button:not(.more)').count()).toBe(8);
      expect(await bar.locator('button.more').innerText()).toBe('Show fewer');
    }
  });

  it('task items show their state as boxes, not as bullets', async () => {
    const page = await desk();
    await openChat(page, ops);
    const tasks = page.locator('placet-chat placet-message .md .task');
    await expect.poll(() => tasks.count()).toBe(2);
    expect(await tasks.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')))).toEqual([
      'done',
      'to do',
    ]);
    const bullets = await tasks.evaluateAll((els) =>
      els.map((el) => getComputedStyle(el.closest('li')!).listStyleType),
    );
    expect(bullets).toEqual(['none', 'none']);
  });

  it('had no uncaught errors and no failed API request in any of its pages', () => {
    // The sign-in screen's probe (401 GET /me) logs a failed resource; `failures` checks the API answers.
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.failures).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
