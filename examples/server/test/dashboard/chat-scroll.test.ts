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
  openChat,
  PHONE_OPTIONS,
  pagePerTest,
  SCREENSHOTS,
} from './harness.js';

/**
 * Where a chat is scrolled: it opens at the newest message once everything has rendered (review
 * widgets grow after the first paint), follows a streamed reply while the reader is at the bottom, and
 * says "new messages below" while the reader is scrolled up.
 */
const skip = browserUnavailable();

/** Pixels between the bottom of the feed's content and the bottom of what it shows (0: at the newest). */
const belowFold = (page: Page) =>
  page
    .locator('placet-chat .feed')
    .evaluate((feed) => Math.round(feed.scrollHeight - feed.scrollTop - feed.clientHeight));

describe.skipIf(skip)('dashboard: chat scrolling', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let long: string;
  let lastId: string;

  beforeAll(async () => {
    w = await dashboardWorld();
    long = await createAgent(w, 'Chatty bot');
    for (let i = 1; i <= 60; i++) {
      const review = i % 6 === 0 ? approvalReview(`step ${i}`) : undefined;
      const res = await w.agent<{ id: string }>('POST', '/messages', {
        channelId: long,
        text: `Step ${i}: ${'details of the step. '.repeat(i % 4 === 0 ? 12 : 1)}`,
        ...(review ? { review } : {}),
      });
      expect(res.status).toBe(201);
      lastId = res.body.id;
    }
  }, 90_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  it('a long chat with review widgets opens at its newest message, on a desk and on a phone', async () => {
    const phone = (await pages.open({ context: PHONE_OPTIONS })).page;
    for (const [page, name] of [
      [pages.ui.page, 'desk'],
      [phone, 'phone'],
    ] as const) {
      await openChat(page, long);
      await bubble(page, lastId).waitFor();
      // Every review widget of the page has rendered its buttons (they grow the feed after the first paint).
      await expect
        .poll(() => page.locator('placet-chat placet-message button[data-option]').count(), {
          timeout: 10_000,
        })
        .toBeGreaterThan(0);
      await expect.poll(() => belowFold(page), { timeout: 5_000 }).toBeLessThanOrEqual(1);
      const feed = (await page.locator('placet-chat .feed').boundingBox())!;
      const last = (await bubble(page, lastId).boundingBox())!;
      expect(last.y + last.height).toBeLessThanOrEqual(feed.y + feed.height + 1);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-chat-opens-at-newest.png`) });
    }
  });

  it('follows a streamed reply that grows while the reader is at the bottom', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Streaming bot');
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    for (let i = 0; i < 12; i++) await w.agent('POST', '/messages', { channelId, text: `Earlier ${i}` });
    await openChat(page, channelId);
    const streamId = 'report-1';
    await w.agent('POST', '/messages', { channelId, text: 'Thinking', streamId, streamState: 'streaming' });
    let text = 'Report';
    for (let i = 1; i <= 8; i++) {
      text += `\n\nParagraph ${i}: ${'findings of the run. '.repeat(6)}`;
      const res = await w.agent('PATCH', `/messages/streams/${streamId}`, { channelId, text });
      expect(res.status).toBe(200);
      await page.locator('placet-chat').getByText(`Paragraph ${i}:`).waitFor();
      await expect.poll(() => belowFold(page)).toBeLessThanOrEqual(1);
    }
  });

  it('scrolled up, a new message shows "1 new message ↓", which goes to it', async () => {
    const { page } = pages.ui;
    await openChat(page, long);
    await bubble(page, lastId).waitFor();
    await page.locator('placet-chat .feed').evaluate((feed) => {
      feed.scrollTop = feed.scrollHeight / 3;
    });
    await expect.poll(() => belowFold(page)).toBeGreaterThan(200);
    const res = await w.agent<{ id: string }>('POST', '/messages', { channelId: long, text: 'Fresh news' });
    const button = page.locator('placet-chat .new-below');
    await expect.poll(() => button.innerText()).toBe('1 new message ↓');
    // The reader stays where they were.
    expect(await belowFold(page)).toBeGreaterThan(200);
    await button.click();
    await expect.poll(() => belowFold(page)).toBeLessThanOrEqual(1);
    await bubble(page, res.body.id).waitFor();
    expect(await button.count()).toBe(0);
  });

  it('had no uncaught errors in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.failures).toEqual([]);
  });
});
