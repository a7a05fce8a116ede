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
  seriousAxe,
  sidewaysOverflow,
  signInAt,
  tabTo,
} from './harness.js';

/**
 * Around the messages of a chat: Quote and Copy on each message (hover or focus at a desk, always on a
 * phone), "Show more" for long ones, the live cursor and "typing…" of a streaming reply, and the chat's
 * files view. Each at 390×844 (phone) and 1280×800 (desk); screenshots `chat-extras-*.png`.
 */
const skip = browserUnavailable();

const VIEWS = ['phone', 'desk'] as const;
type View = (typeof VIEWS)[number];

interface Sent {
  id: string;
}

describe.skipIf(skip)('dashboard: quote, copy, show more, typing, files view', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  beforeAll(async () => {
    w = await dashboardWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w, { signIn: false, permissions: ['clipboard-read', 'clipboard-write'] });

  async function pageAt(view: View): Promise<Page> {
    const page = view === 'phone' ? (await pages.open({ context: PHONE_OPTIONS })).page : pages.ui.page;
    return signInAt(page, w, view);
  }

  async function open(page: Page, channelId: string) {
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await openChat(page, channelId);
  }

  const send = async (channelId: string, body: Record<string, unknown>) => {
    const res = await w.agent<Sent>('POST', '/messages', { channelId, ...body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  };

  const opacity = (page: Page, id: string) =>
    bubble(page, id)
      .locator('[data-actions]')
      .evaluate((el) => getComputedStyle(el).opacity);

  for (const view of VIEWS) {
    it(`quotes a message into the composer and copies its text, with a visible confirmation (${view})`, async () => {
      const page = await pageAt(view);
      const channelId = await createAgent(w, `Quote bot ${view}`);
      const text = 'Rotate the keys on **Friday**\nthen tell #ops';
      const id = await send(channelId, { text });
      await send(channelId, { text: 'Another message below' });
      await open(page, channelId);
      await bubble(page, id).locator('[data-text]').waitFor();

      if (view === 'desk') {
        // Out of the way until the pointer is on the message, or the keyboard is in its actions.
        await page.mouse.move(5, 5);
        await expect.poll(() => opacity(page, id)).toBe('0');
        await bubble(page, id).locator('.bubble').hover();
        await expect.poll(() => opacity(page, id)).toBe('1');
        await page.mouse.move(5, 5);
        await expect.poll(() => opacity(page, id)).toBe('0');
        await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).focus();
        await tabTo(page, `[data-quote]`);
        await expect.poll(() => opacity(page, id)).toBe('1');
      } else {
        // No hover on a phone: always there, thumb-sized.
        expect(await opacity(page, id)).toBe('1');
        const quote = await bubble(page, id).locator('[data-quote]').boundingBox();
        expect(quote!.height).toBeGreaterThanOrEqual(44);
      }
      await page.screenshot({ path: join(SCREENSHOTS, `chat-extras-actions-${view}.png`) });

      // The first message's Quote (focused by Tab at the desk; tapped on the phone).
      if (view === 'desk') {
        const focusedQuote = await page.evaluate(() => {
          let active: Element | null = document.activeElement;
          while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
          return active?.hasAttribute('data-quote') ?? false;
        });
        expect(focusedQuote).toBe(true);
        await page.keyboard.press('Enter');
      } else {
        await bubble(page, id).locator('[data-quote]').tap();
      }
      const area = page.locator('placet-composer textarea');
      await expect
        .poll(() => area.inputValue())
        .toBe(`> **Quote bot ${view}:** Rotate the keys on **Friday**\n> then tell #ops\n\n`);
      // The reply goes below the quote.
      await page.keyboard.type('Done, told them.');
      expect(await area.inputValue()).toMatch(/\n\nDone, told them\.$/);

      await bubble(page, id).locator('[data-copy]').click();
      await expect.poll(() => bubble(page, id).locator('[data-copied]').innerText()).toBe('Copied');
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
      await page.screenshot({ path: join(SCREENSHOTS, `chat-extras-quoted-copied-${view}.png`) });
    });

    it(`collapses a long message behind "Show more", never one with a pending review (${view})`, async () => {
      const page = await pageAt(view);
      const channelId = await createAgent(w, `Long bot ${view}`);
      const long = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of the incident report.`).join('\n\n');
      const longId = await send(channelId, { text: long });
      const reviewId = await send(channelId, { text: long, review: approvalReview('the long plan') });
      const shortId = await send(channelId, { text: 'Short and sweet' });
      await open(page, channelId);
      const text = bubble(page, longId).locator('[data-text]');
      await text.waitFor();
      const more = bubble(page, longId).locator('[data-show-more]');
      await more.waitFor();
      expect(await more.innerText()).toBe('Show more');
      expect(await more.getAttribute('aria-expanded')).toBe('false');
      const collapsedHeight = await text.evaluate((el) => el.clientHeight);
      expect(collapsedHeight).toBeLessThanOrEqual(300);
      expect(await text.innerText()).toContain('Line 1 of');

      // The pending review's text stays whole, and a short message has no button.
      await bubble(page, reviewId).locator('placet-approval').waitFor();
      expect(await bubble(page, reviewId).locator('[data-show-more]').count()).toBe(0);
      expect(
        await bubble(page, reviewId)
          .locator('[data-text]')
          .evaluate((el) => el.clientHeight),
      ).toBeGreaterThan(600);
      expect(await bubble(page, shortId).locator('[data-show-more]').count()).toBe(0);
      await more.scrollIntoViewIfNeeded();
      if (view === 'phone') expect((await more.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await page.screenshot({ path: join(SCREENSHOTS, `chat-extras-show-more-${view}.png`) });

      await more.click();
      expect(await more.getAttribute('aria-expanded')).toBe('true');
      expect(await more.innerText()).toBe('Show less');
      expect(await text.evaluate((el) => el.clientHeight)).toBeGreaterThan(600);
      await more.click();
      expect(await text.evaluate((el) => el.clientHeight)).toBe(collapsedHeight);
    });

    it(`shows a live cursor and "typing…" on a streaming reply until it completes (${view})`, async () => {
      const page = await pageAt(view);
      const channelId = await createAgent(w, `Stream bot ${view}`);
      await open(page, channelId);
      const streamId = `story-${view}`;
      const id = await send(channelId, { text: 'Once upon a time', streamId, streamState: 'streaming' });
      const typing = bubble(page, id).locator('[data-typing]');
      await typing.waitFor();
      expect(await typing.innerText()).toMatch(/^typing/);
      const caret = () =>
        bubble(page, id)
          .locator('[data-text] > :last-child')
          .evaluate((el) => getComputedStyle(el, '::after').content);
      expect(await caret()).toBe('""');
      await page.screenshot({ path: join(SCREENSHOTS, `chat-extras-typing-${view}.png`) });

      const patched = await w.agent('PATCH', `/messages/streams/${streamId}`, {
        channelId,
        text: 'Once upon a time, the build passed.',
        complete: true,
      });
      expect(patched.status).toBe(200);
      await expect
        .poll(() => bubble(page, id).locator('.bubble').getAttribute('data-stream-state'))
        .toBe('complete');
      expect(await typing.count()).toBe(0);
      expect(await caret()).toBe('none');
    });

    it(`lists the chat's files newest first and opens one in the preview, from the chat header (${view})`, async () => {
      const page = await pageAt(view);
      const channelId = await createAgent(w, `Files view bot ${view}`);
      const upload = async (filename: string, type: string, content: string) => {
        const form = new FormData();
        form.append('channelId', channelId);
        form.append('file', new Blob([content], { type }), filename);
        const res = await fetch(`${w.url}/api/v1/files/upload`, {
          method: 'POST',
          headers: { 'x-api-key': w.key },
          body: form,
        });
        expect(res.status).toBe(201);
        await res.arrayBuffer();
      };
      await upload('first.txt', 'text/plain', 'the first file');
      await upload('second.csv', 'text/csv', 'a,b\n1,2\n');
      await upload('third.md', 'text/markdown', `# Third\n\n${'x'.repeat(3000)}`);
      await open(page, channelId);

      const link = page.locator('placet-chat header [data-files-link]');
      expect((await link.innerText()).trim()).toBe('Files');
      if (view === 'phone') expect((await link.boundingBox())!.height).toBeGreaterThanOrEqual(44);
      await link.click();
      await page.waitForFunction((id) => location.hash === `#/chats/${id}/files`, channelId);
      const rows = page.locator('placet-chat-files button.file');
      await expect.poll(() => rows.count()).toBe(3);
      expect(await rows.locator('.name').allInnerTexts()).toEqual(['third.md', 'second.csv', 'first.txt']);
      expect(await rows.nth(0).locator('[data-size]').innerText()).toBe('2.9 KB');
      expect(await rows.nth(1).locator('.detail').innerText()).toContain('text/csv');
      expect(await page.locator('placet-chat .feed').isVisible()).toBe(false);
      expect(await seriousAxe(page)).toEqual([]);
      if (view === 'phone') {
        await page.setViewportSize({ width: 360, height: 780 });
        expect(await sidewaysOverflow(page)).toBe(0);
        await page.setViewportSize({ width: 390, height: 844 });
      }
      await page.screenshot({ path: join(SCREENSHOTS, `chat-extras-files-${view}.png`) });

      await rows.nth(1).click();
      const dialog = page.locator('placet-chat-files placet-file-preview dialog[open]');
      await dialog.waitFor();
      expect(await dialog.locator('h2.title').innerText()).toContain('second.csv');
      await page.screenshot({ path: join(SCREENSHOTS, `chat-extras-file-preview-${view}.png`) });
      await page.keyboard.press('Escape');
      await expect.poll(() => dialog.count()).toBe(0);
      // A file the agent sends while the list is open joins it at the top.
      await upload('fourth.json', 'application/json', '{"n": 4}');
      await expect
        .poll(() => rows.locator('.name').allInnerTexts())
        .toEqual(['fourth.json', 'third.md', 'second.csv', 'first.txt']);

      // Back to the messages (and the address says so).
      await page.locator('placet-chat header [data-files-link]').click();
      await page.waitForFunction((id) => location.hash === `#/chats/${id}`, channelId);
      await page.locator('placet-chat .feed').waitFor();
      expect(await page.locator('placet-chat-files').count()).toBe(0);
    });
  }

  it('passes axe on a chat with actions, a collapsed message and a stream (light and dark)', async () => {
    const page = await signInAt(pages.ui.page, w, 'desk');
    const channelId = await createAgent(w, 'Axe bot');
    await send(channelId, { text: Array.from({ length: 40 }, (_, i) => `Paragraph ${i}.`).join('\n\n') });
    await send(channelId, { text: 'Working on it', streamId: 'axe-1', streamState: 'streaming' });
    await open(page, channelId);
    await page.locator('placet-chat [data-show-more]').waitFor();
    expect(await seriousAxe(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => {
      document.documentElement.dataset.theme = 'dark';
    });
    expect(await seriousAxe(page)).toEqual([]);
  });

  it('had no uncaught errors in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
