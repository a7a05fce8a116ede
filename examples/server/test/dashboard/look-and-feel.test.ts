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
  humanSession,
  openChat,
  PHONE_OPTIONS,
  pagePerTest,
  SCREENSHOTS,
  sidewaysOverflow,
} from './harness.js';

/**
 * The look and feel of part 3: avatars, agent search and tag groups, review cards with a header, the
 * inbox's search, order, "mark all read" and "next review", settings without the agent list, and an
 * offline banner that moves nothing. Screenshots: `desk-*.png` and `phone-*.png` of each.
 */
const skip = browserUnavailable();

const agentLinks = (page: Page) => page.locator('placet-agent-list a[data-agent]');
const rows = (page: Page) => page.locator('placet-inbox button.row');
const rowIds = (page: Page) => rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));

describe.skipIf(skip)('dashboard: look and feel', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let deploy: string;
  let triage: string;
  let billing: string;
  const asked: string[] = [];

  beforeAll(async () => {
    w = await dashboardWorld();
    deploy = await createAgent(w, 'Deploy bot');
    triage = await createAgent(w, 'Ticket triage');
    billing = await createAgent(w, 'billing');
    expect((await w.agent('POST', '/agents/setTag', { channelId: deploy, tag: 'Ops' })).status).toBe(200);
    expect((await w.agent('POST', '/agents/setTag', { channelId: billing, tag: 'Finance' })).status).toBe(
      200,
    );
    for (const [channelId, text] of [
      [deploy, 'Deploy build 41 to staging?'],
      [triage, 'Close ticket #4512 as a duplicate?'],
      [deploy, 'Deploy build 42 to production?'],
    ] as const) {
      const res = await w.agent<{ id: string }>('POST', '/messages', {
        channelId,
        text,
        review: { ...approvalReview(text), expiresAt: new Date(Date.now() + 3 * 3_600_000).toISOString() },
      });
      expect(res.status).toBe(201);
      asked.push(res.body.id);
    }
  }, 90_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  it('agents: avatars with initials, a search by name or tag, groups by tag (untagged first) kept across a reload', async () => {
    for (const [size, page] of [
      ['desk', pages.ui.page],
      ['phone', (await pages.open({ context: PHONE_OPTIONS })).page],
    ] as const) {
      await expect.poll(() => agentLinks(page).count()).toBe(3);
      const initials = await page
        .locator('placet-agent-list a[data-agent] .avatar')
        .evaluateAll((els) => els.map((el) => el.textContent?.trim()));
      expect([...initials].sort()).toEqual(['BI', 'DB', 'TT']);

      const search = page.getByRole('searchbox', { name: 'Search agents' });
      await search.fill('TRIAGE');
      await expect.poll(() => agentLinks(page).count()).toBe(1);
      expect(await agentLinks(page).getAttribute('data-agent')).toBe(triage);
      await search.fill('finance');
      await expect.poll(() => agentLinks(page).getAttribute('data-agent')).toBe(billing);
      await search.fill('nobody');
      await page.locator('placet-agent-list [data-no-match]').waitFor();
      await search.fill('');

      const group = page.locator('placet-agent-list button[data-layout]');
      if ((await group.getAttribute('aria-pressed')) !== 'true') await group.click();
      const groups = page.locator('placet-agent-list details.group');
      await expect.poll(() => groups.count()).toBe(3);
      expect(await groups.evaluateAll((els) => els.map((el) => el.getAttribute('data-group')))).toEqual([
        '',
        'Finance',
        'Ops',
      ]);
      expect(
        await page.locator('placet-agent-list details.group[data-group="Ops"] a').getAttribute('data-agent'),
      ).toBe(deploy);
      await page.screenshot({ path: join(SCREENSHOTS, `${size}-agents-grouped.png`) });
      // Collapsing a group hides its agents; the choice of layout survives a reload.
      await page.locator('placet-agent-list details.group[data-group="Ops"] summary').click();
      expect(await page.locator(`placet-agent-list a[data-agent="${deploy}"]`).isVisible()).toBe(false);
      await page.reload();
      await expect.poll(() => groups.count()).toBe(3);
      await group.click();
      await expect.poll(() => groups.count()).toBe(0);
      expect(await agentLinks(page).count()).toBe(3);
    }
  });

  it('a review card has a header: its type, a status chip, the time left and who may answer', async () => {
    const { page } = pages.ui;
    await openChat(page, triage);
    const head = bubble(page, asked[1]!).locator('[data-review-head]');
    await head.waitFor();
    expect(await head.locator('.type').innerText()).toBe('Approval');
    expect(await head.locator('[data-status-chip]').innerText()).toBe('Pending');
    expect(await head.locator('[data-time-left]').innerText()).toMatch(/^Expires in (2|3) h \d\d min$/);
    expect(await head.locator('[data-who]').innerText()).toBe('Waiting for you');
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-review-card.png') });

    // Answered: the chip says so and the time left gives way to when.
    await bubble(page, asked[1]!).getByRole('button', { name: 'Reject', exact: true }).click();
    await expect.poll(() => head.locator('[data-status-chip]').innerText()).toBe('Answered');
    expect(await head.locator('[data-time-left]').count()).toBe(0);
    expect(await head.locator('[data-who]').count()).toBe(0);
  });

  it('settings take the whole width: no agent list beside them', async () => {
    const { page } = pages.ui;
    expect(await page.locator('placet-agent-list').isVisible()).toBe(true);
    await page.locator('placet-app nav.views a[href="#/settings"]').click();
    await page.locator('placet-settings').waitFor();
    expect(await page.locator('placet-agent-list').isVisible()).toBe(false);
    const settings = await page.locator('placet-settings').boundingBox();
    expect(settings!.x).toBeLessThan(10);
    expect(settings!.width).toBeGreaterThan(1200);
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-settings-full-width.png') });
  });

  it('going offline shows a banner over the page: nothing under it moves', async () => {
    const { page } = pages.ui;
    await openChat(page, deploy);
    await bubble(page, asked[0]!).waitFor();
    const layout = () =>
      page.evaluate(() => {
        const root = document.querySelector('placet-app')!.shadowRoot!;
        return ['.top', 'nav.views', 'main', 'aside'].map((s) => {
          const r = root.querySelector(s)!.getBoundingClientRect();
          return [r.x, r.y, r.width, r.height];
        });
      });
    const before = await layout();
    await page.context().setOffline(true);
    w.server.child.kill('SIGUSR2');
    const banner = page.locator('placet-app .banner');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Offline|Connecting/);
    expect(await layout()).toEqual(before);
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-offline-banner.png') });
    await page.context().setOffline(false);
    await page.locator('[data-connection="open"]').waitFor({ state: 'attached', timeout: 20_000 });
    expect(await banner.count()).toBe(0);
  });

  it('phone: the buttons of a review widget are thumb-sized (44 px); at a desk they stay compact', async () => {
    const heights = async (page: Page) => {
      await openChat(page, deploy);
      const approve = bubble(page, asked[2]!).getByRole('button', { name: /^Approve/ });
      await approve.waitFor();
      return (await approve.boundingBox())!.height;
    };
    const phone = await pages.open({ context: PHONE_OPTIONS });
    expect(await heights(phone.page)).toBeGreaterThanOrEqual(44);
    await phone.page.screenshot({ path: join(SCREENSHOTS, 'phone-review-widget.png') });
    expect(await heights(pages.ui.page)).toBeLessThan(44);
  });

  it('inbox: search by text, oldest first, "mark all read", and the next review after answering', async () => {
    const { page } = pages.ui;
    const human = await humanSession(w);
    await page.locator('a[data-nav="inbox"]').click();
    await expect.poll(() => rows(page).count()).toBe(2); // pending: the ticket was rejected above
    // Newest first, then oldest first (kept in the address bar's filters across a reload).
    expect(await rowIds(page)).toEqual([asked[2], asked[0]]);
    await page.locator('placet-inbox button.order').click();
    await expect.poll(() => rowIds(page)).toEqual([asked[0], asked[2]]);

    // The search asks the server (every review, not only this page).
    await page.locator('placet-inbox select[name="status"]').selectOption('all');
    await expect.poll(() => rows(page).count()).toBe(3);
    await page.getByRole('searchbox', { name: 'Search reviews' }).fill('ticket #4512');
    await expect.poll(() => rowIds(page)).toEqual([asked[1]]);
    await page.getByRole('searchbox', { name: 'Search reviews' }).fill('PRODUCTION');
    await expect.poll(() => rowIds(page)).toEqual([asked[2]]);
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-inbox-search.png') });
    await page.reload();
    await expect.poll(() => rowIds(page)).toEqual([asked[2]]);
    expect(await page.getByRole('searchbox', { name: 'Search reviews' }).inputValue()).toBe('PRODUCTION');
    await page.getByRole('searchbox', { name: 'Search reviews' }).fill('');
    await expect.poll(() => rows(page).count()).toBe(3);

    // "Mark all read": every review the filters match, on the server.
    const unread = async () =>
      (await human.request<{ unread: number }>('GET', '/reviews/count?status=all')).body.unread;
    expect(await unread()).toBeGreaterThan(0);
    await page.locator('placet-inbox [data-mark-all-read]').click();
    await expect.poll(unread).toBe(0);
    await expect.poll(() => page.locator('placet-inbox button.row.unread').count()).toBe(0);
    expect(await page.locator('placet-inbox [data-mark-all-read]').isDisabled()).toBe(true);

    // Answering shows the outcome and a "Next review" button, focused: Enter opens the next pending one.
    await page.locator('placet-inbox select[name="status"]').selectOption('pending');
    await expect.poll(() => rowIds(page)).toEqual([asked[0], asked[2]]);
    await rows(page).first().click();
    const detail = page.locator('placet-inbox .detail');
    await detail.getByRole('button', { name: /^Approve/ }).click();
    const next = detail.locator('button[data-next]');
    await next.waitFor();
    expect(await next.getAttribute('data-next-id')).toBe(asked[2]);
    expect(await detail.locator('[data-status-chip]').innerText()).toBe('Answered');
    await page.screenshot({ path: join(SCREENSHOTS, 'desk-inbox-next.png') });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/inbox/${asked[2]}`);
    await detail.getByRole('button', { name: /^Approve/ }).click();
    await detail.locator('p[data-next]').waitFor();
    expect(await detail.locator('p[data-next]').innerText()).toMatch(/All caught up/);
  });

  it('inbox: with "open the next one" on, an answer opens the next pending review at once (kept across a reload)', async () => {
    const { page } = pages.ui;
    const fresh: string[] = [];
    for (const text of ['Rotate the API keys?', 'Purge the CDN cache?']) {
      const res = await w.agent<{ id: string }>('POST', '/messages', {
        channelId: triage,
        text,
        review: approvalReview(text),
      });
      fresh.push(res.body.id);
    }
    await page.goto(`${w.url}/#/inbox/${fresh[0]}`);
    const detail = page.locator('placet-inbox .detail');
    // The widget is up (its module loaded) before the reload: a reload cancels a module on its way.
    await detail.getByRole('button', { name: /^Approve/ }).waitFor();
    await detail.getByLabel('After an answer, open the next one').check();
    await page.reload();
    await detail.locator(`placet-message[data-id="${fresh[0]}"]`).waitFor();
    expect(await detail.getByLabel('After an answer, open the next one').isChecked()).toBe(true);
    await detail.getByRole('button', { name: /^Approve/ }).click();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/inbox/${fresh[1]}`);
    await detail.locator(`placet-message[data-id="${fresh[1]}"]`).waitFor();
    expect(await detail.locator('[data-next]').count()).toBe(0);
    expect(
      (await w.agent<{ review: { status: string } }>('GET', `/reviews/${fresh[0]}?channel=${triage}`)).body
        .review.status,
    ).toBe('completed');
  });

  it('phone: the inbox search and order fit with thumb-sized targets', async () => {
    const { page } = await pages.open({ context: PHONE_OPTIONS });
    await page.locator('a[data-nav="inbox"]').click();
    await page.getByRole('searchbox', { name: 'Search reviews' }).waitFor();
    for (const selector of ['placet-inbox button.order', 'placet-inbox [data-mark-all-read]']) {
      const box = await page.locator(selector).boundingBox();
      expect(box!.height, selector).toBeGreaterThanOrEqual(44);
    }
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'phone-inbox-search.png') });
  });

  it('tablet: two columns, the agent list beside a chat, the inbox list beside its review', async () => {
    const { page } = pages.ui;
    await page.setViewportSize({ width: 834, height: 1112 });
    await openChat(page, deploy);
    const left = (selector: string) => page.locator(selector).boundingBox();
    expect((await left('placet-agent-list'))!.x).toBeLessThan(10);
    expect((await left('placet-chat'))!.x).toBeGreaterThan(200);
    await page.goto(`${w.url}/#/inbox/${asked[0]}`);
    await page.locator(`placet-inbox .detail placet-message[data-id="${asked[0]}"]`).waitFor();
    expect(await page.locator('placet-agent-list').isVisible()).toBe(false);
    expect((await left('placet-inbox .list'))!.x).toBeLessThan(10);
    expect((await left('placet-inbox .detail'))!.x).toBeGreaterThan(250);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'tablet-inbox.png') });
  });

  it('had no uncaught errors and no failed API request in any of its pages', () => {
    expect(
      pages.log.errors.filter((e) => !/WebSocket|ERR_INTERNET_DISCONNECTED|Failed to load resource/.test(e)),
    ).toEqual([]);
    expect(pages.log.failures).toEqual([]);
  });
});
