import { join } from 'node:path';
import { tinyPng } from '@placet/test-utils';
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
 * Agent avatars (issue #25): in a channel's settings, "Upload image" sends a PNG that the agent list then
 * shows (an <img> inside the agent's `.avatar`), refused files (SVG, a text file named .png) say why, and
 * "Remove" brings the initials back — at a desk (1280×800) and on a phone (390×844, 44 px targets).
 * Screenshots: `desk-avatar.png`, `phone-avatar.png`.
 */
const skip = browserUnavailable();

type View = 'desk' | 'phone';

describe.skipIf(skip)('dashboard: agent avatars', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  beforeAll(async () => {
    w = await dashboardWorld();
  }, 90_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w, { signIn: false });

  async function pageAt(view: View): Promise<Page> {
    const page =
      view === 'phone' ? (await pages.open({ signIn: false, context: PHONE_OPTIONS })).page : pages.ui.page;
    return signInAt(page, w, view);
  }

  /** Opens the channel's settings by its address: the Avatar row. */
  async function openAvatarSettings(page: Page, channelId: string): Promise<Locator> {
    await page.evaluate((id) => {
      location.hash = `#/settings/channels/${id}`;
    }, channelId);
    const row = page.locator('placet-channel-avatar');
    await row.waitFor();
    return row;
  }

  /** The agent's entry in the agent list (the Chats view). */
  async function agentEntry(page: Page, channelId: string): Promise<Locator> {
    await page.evaluate(() => {
      location.hash = '#/chats';
    });
    const entry = page.locator(`placet-agent-list a[data-agent="${channelId}"]`);
    await entry.waitFor();
    return entry;
  }

  /** Whether the image of `avatar` has loaded (the dashboard's CSP allows same-origin images only). */
  const loaded = (image: Locator) =>
    image.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth > 0);

  for (const view of ['desk', 'phone'] as const) {
    it(`uploads an avatar that the agent list shows, refuses SVG and non-images, removes it (${view})`, async () => {
      const channelId = await createAgent(w, `Avatar bot ${view}`);
      const page = await pageAt(view);
      const row = await openAvatarSettings(page, channelId);
      const input = row.getByLabel('Upload image');
      expect(await input.getAttribute('accept')).toBe('image/png,image/jpeg,image/webp,image/gif');
      // No avatar yet: the initials, and nothing to remove.
      await expect.poll(() => row.locator('.avatar img').count()).toBe(0);
      expect(await row.locator('.avatar').innerText()).toBe('AB');
      expect(await row.getByRole('button', { name: 'Remove' }).count()).toBe(0);

      // An SVG is refused (it can carry script), and so is a text file named .png — the server says why.
      await input.setInputFiles({
        name: 'logo.svg',
        mimeType: 'image/svg+xml',
        buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      });
      const problem = row.getByRole('alert');
      await expect.poll(() => problem.innerText()).toMatch(/SVG avatars are not accepted/);
      await input.setInputFiles({
        name: 'photo.png',
        mimeType: 'image/png',
        buffer: Buffer.from('not an image'),
      });
      await expect.poll(() => problem.innerText()).toMatch(/must be a PNG, JPEG, WebP or GIF image/);
      expect(
        (await w.agent<{ avatarUrl: string | null }>('GET', `/agents/${channelId}`)).body.avatarUrl,
      ).toBeNull();

      // A real PNG: the preview shows it at once, the channel points at it.
      await input.setInputFiles({
        name: 'avatar.png',
        mimeType: 'image/png',
        buffer: tinyPng(16, [30, 120, 220]),
      });
      await row.getByRole('status').filter({ hasText: 'Avatar updated.' }).waitFor();
      expect(await row.getByRole('alert').count()).toBe(0);
      const preview = row.locator('.avatar img');
      await expect.poll(() => loaded(preview)).toBe(true);
      const saved = (await w.agent<{ avatarUrl: string | null }>('GET', `/agents/${channelId}`)).body
        .avatarUrl;
      expect(saved).toMatch(new RegExp(`^/api/v1/agents/${channelId}/avatar\\?v=[a-z0-9]+\\.png$`));

      // Usable with a thumb and at 390 px: 44 px targets, nothing scrolls sideways; axe clean.
      const upload = row.locator('label.upload');
      const remove = row.getByRole('button', { name: 'Remove' });
      for (const target of [upload, remove]) {
        const box = (await target.boundingBox())!;
        expect(box.height).toBeGreaterThanOrEqual(44);
        expect(box.width).toBeGreaterThanOrEqual(44);
        expect(box.x + box.width).toBeLessThanOrEqual(view === 'phone' ? 390 : 1280);
      }
      expect(await sidewaysOverflow(page)).toBe(0);
      await row.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOTS, `${view}-avatar.png`) });
      expect(await seriousAxe(page)).toEqual([]);

      // The agent list shows the image.
      const entry = await agentEntry(page, channelId);
      const listed = entry.locator('.avatar img');
      await expect.poll(() => listed.count()).toBe(1);
      await expect.poll(() => loaded(listed)).toBe(true);
      expect(await listed.getAttribute('src')).toContain(saved!);

      // Remove: the initials again, in the settings and in the list.
      const again = await openAvatarSettings(page, channelId);
      await again.getByRole('button', { name: 'Remove' }).click();
      await again.getByRole('status').filter({ hasText: 'Avatar removed.' }).waitFor();
      expect(await again.locator('.avatar img').count()).toBe(0);
      expect(
        (await w.agent<{ avatarUrl: string | null }>('GET', `/agents/${channelId}`)).body.avatarUrl,
      ).toBeNull();
      const after = await agentEntry(page, channelId);
      await expect.poll(() => after.locator('.avatar img').count()).toBe(0);
      expect(await after.locator('.avatar').innerText()).toBe('AB');
    });
  }
});
