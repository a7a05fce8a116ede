import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
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
  type Watched,
} from './harness.js';

/**
 * The chat composer: files (picked, dropped, pasted) uploaded with progress and removable chips, sent
 * with the message, refused before uploading when over the server's limit, never sent half-done; and the
 * slash-command menu. Each at 390×844 (phone) and 1280×800 (desk); screenshots `composer-*.png`.
 */
const skip = browserUnavailable();

interface Listed {
  data: {
    id: string;
    text: string | null;
    senderType: string;
    clientId: string | null;
    attachments: { id: string; filename: string; size: number }[];
  }[];
}

const VIEWS = ['phone', 'desk'] as const;
type View = (typeof VIEWS)[number];

describe.skipIf(skip)('dashboard: the composer (files, slash commands)', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let dir: string;
  beforeAll(async () => {
    w = await dashboardWorld();
    dir = mkdtempSync(join(tmpdir(), 'placet-composer-'));
  }, 60_000);
  afterAll(async () => {
    await w?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const pages = pagePerTest(() => w, { signIn: false });

  /** A signed-in page at the view's size, with a new agent's chat open. */
  async function chatAt(view: View, name: string): Promise<{ ui: Watched; page: Page; channelId: string }> {
    const channelId = await createAgent(w, name);
    const ui = view === 'phone' ? await pages.open({ context: PHONE_OPTIONS }) : pages.ui;
    await signInAt(ui.page, w, view);
    await ui.page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await openChat(ui.page, channelId);
    return { ui, page: ui.page, channelId };
  }

  const mine = async (channelId: string) =>
    (await w.agent<Listed>('GET', `/messages?channel=${channelId}&limit=50`)).body.data.filter(
      (m) => m.senderType === 'user',
    );

  /** Holds every upload until the returned function is called. */
  async function holdUploads(page: Page): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/api/v1/files/store', async (route) => {
      await released;
      await route.continue();
    });
    return release;
  }

  const chip = (page: Page, name: string) => page.locator(`placet-composer .chip[data-file-name="${name}"]`);
  const composer = (page: Page) => page.locator('placet-composer textarea');

  /** Drops files on the chat as a drag from the desktop would (a DataTransfer with File objects). */
  const dropFiles = (page: Page, files: { name: string; type: string; text: string }[]) =>
    page.locator('placet-chat').evaluate((chat, list) => {
      const data = new DataTransfer();
      for (const f of list) data.items.add(new File([f.text], f.name, { type: f.type }));
      const feed = chat.shadowRoot!.querySelector('.feed')!;
      feed.dispatchEvent(
        new DragEvent('dragover', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }),
      );
      feed.dispatchEvent(
        new DragEvent('drop', { dataTransfer: data, bubbles: true, composed: true, cancelable: true }),
      );
    }, files);

  /** Pastes a file into the composer as a screenshot pasted from the clipboard would arrive. */
  const pasteFile = (page: Page, file: { name: string; type: string; text: string }) =>
    composer(page).evaluate((area, f) => {
      const data = new DataTransfer();
      data.items.add(new File([f.text], f.name, { type: f.type }));
      area.dispatchEvent(
        new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
      );
    }, file);

  for (const view of VIEWS) {
    it(`uploads picked files with progress and a removable chip each, and sends the rest with the text (${view})`, async () => {
      const { page, channelId } = await chatAt(view, `Files bot ${view}`);
      // An agent without commands: the composer is a plain text box (no menu to open).
      expect(await composer(page).getAttribute('role')).toBeNull();
      const release = await holdUploads(page);
      await page.locator('placet-composer input[type="file"]').setInputFiles([
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('Call the vendor at 10.') },
        { name: 'plan.csv', mimeType: 'text/csv', buffer: Buffer.from('step,owner\n1,ana\n') },
      ]);
      // Held by the server: both uploading, with a progress bar each.
      await expect.poll(() => chip(page, 'notes.txt').getAttribute('data-upload')).toBe('uploading');
      expect(await chip(page, 'plan.csv').locator('progress').count()).toBe(1);
      await composer(page).fill('Here is what we agreed');
      await page.screenshot({ path: join(SCREENSHOTS, `composer-uploading-${view}.png`) });
      release();
      await expect.poll(() => chip(page, 'notes.txt').getAttribute('data-upload')).toBe('done');
      await expect.poll(() => chip(page, 'plan.csv').getAttribute('data-upload')).toBe('done');
      if (view === 'phone') {
        const remove = await chip(page, 'plan.csv').locator('[data-remove]').boundingBox();
        expect(remove!.height).toBeGreaterThanOrEqual(44);
        expect(remove!.width).toBeGreaterThanOrEqual(44);
        await page.setViewportSize({ width: 360, height: 780 });
        expect(await sidewaysOverflow(page)).toBe(0);
        await page.setViewportSize({ width: 390, height: 844 });
      }
      await page.getByRole('button', { name: 'Remove plan.csv' }).click();
      expect(await chip(page, 'plan.csv').count()).toBe(0);
      await composer(page).press('Enter');

      // Sent once, with the text and only the file that was kept.
      await expect.poll(async () => (await mine(channelId)).length).toBe(1);
      const [sent] = await mine(channelId);
      expect(sent!.text).toBe('Here is what we agreed');
      expect(sent!.attachments.map((a) => a.filename)).toEqual(['notes.txt']);
      const shown = page.locator(`placet-message[data-id="${sent!.id}"]`);
      await shown.locator('[data-file]').filter({ hasText: 'notes.txt' }).waitFor();
      expect(await page.locator('placet-composer .chip').count()).toBe(0);
      expect(await composer(page).inputValue()).toBe('');
      await page.screenshot({ path: join(SCREENSHOTS, `composer-sent-with-file-${view}.png`) });
    });

    it(`attaches dropped and pasted files, and refuses one over the server's limit before uploading (${view})`, async () => {
      const { ui, page, channelId } = await chatAt(view, `Drop bot ${view}`);
      await dropFiles(page, [{ name: 'dropped.md', type: 'text/markdown', text: '# Dropped' }]);
      await expect.poll(() => chip(page, 'dropped.md').getAttribute('data-upload')).toBe('done');
      await pasteFile(page, { name: 'pasted.txt', type: 'text/plain', text: 'pasted from the clipboard' });
      await expect.poll(() => chip(page, 'pasted.txt').getAttribute('data-upload')).toBe('done');

      // 100 MB is the server's limit here (GET /me says so): a bigger file is refused, never sent.
      const big = join(dir, `huge-${view}.bin`);
      writeFileSync(big, '');
      truncateSync(big, 101 * 1024 * 1024); // Sparse: nothing is written to disk.
      const uploadsBefore = ui.requests.filter((url) => url.endsWith('/api/v1/files/store')).length;
      await page.locator('placet-composer input[type="file"]').setInputFiles(big);
      const notice = page.locator('placet-composer [data-composer-notice]');
      await expect
        .poll(() => notice.innerText())
        .toBe(
          `“huge-${view}.bin” is 101.0 MB: this server accepts files up to 100.0 MB. It was not attached.`,
        );
      expect(await chip(page, `huge-${view}.bin`).count()).toBe(0);
      expect(ui.requests.filter((url) => url.endsWith('/api/v1/files/store')).length).toBe(uploadsBefore);
      await page.screenshot({ path: join(SCREENSHOTS, `composer-too-big-${view}.png`) });

      await page.locator('placet-composer button[type="submit"]').click();
      await expect.poll(async () => (await mine(channelId)).length).toBe(1);
      const [sent] = await mine(channelId);
      expect(sent!.attachments.map((a) => a.filename).sort()).toEqual(['dropped.md', 'pasted.txt']);
      expect(sent!.text).toBeNull();
    });

    it(`does not send a message whose upload failed, says what to do, and sends it once the file is retried (${view})`, async () => {
      const { page, channelId } = await chatAt(view, `Retry bot ${view}`);
      await page.route('**/api/v1/files/store', (route) => route.abort('internetdisconnected'));
      await page.locator('placet-composer input[type="file"]').setInputFiles({
        name: 'report.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4 tiny'),
      });
      await expect.poll(() => chip(page, 'report.pdf').getAttribute('data-upload')).toBe('failed');
      await composer(page).fill('The report is attached');
      await composer(page).press('Enter');
      const notice = page.locator('placet-composer [data-composer-notice]');
      await expect
        .poll(() => notice.innerText())
        .toBe(
          'Not sent: “report.pdf” could not be uploaded (you are offline or the server cannot be reached). Retry or remove it, then send again — your text is kept.',
        );
      // Nothing half-done: no message, the text and the file still in the composer.
      expect(await mine(channelId)).toEqual([]);
      expect(await composer(page).inputValue()).toBe('The report is attached');
      expect(await page.locator('placet-chat placet-message[from="user"]').count()).toBe(0);
      await page.screenshot({ path: join(SCREENSHOTS, `composer-upload-failed-${view}.png`) });

      await page.unroute('**/api/v1/files/store');
      await page.getByRole('button', { name: 'Retry report.pdf' }).click();
      await expect.poll(() => chip(page, 'report.pdf').getAttribute('data-upload')).toBe('done');
      await composer(page).press('Enter');
      await expect.poll(async () => (await mine(channelId)).length).toBe(1);
      const [sent] = await mine(channelId);
      expect(sent!.text).toBe('The report is attached');
      expect(sent!.attachments.map((a) => a.filename)).toEqual(['report.pdf']);
    });

    it(`keeps a message with files in the outbox while sends fail, across a reload, and resends it with its files (${view})`, async () => {
      const { page, channelId } = await chatAt(view, `Outbox bot ${view}`);
      await page.locator('placet-composer input[type="file"]').setInputFiles({
        name: 'photo-notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('kept while offline'),
      });
      await expect.poll(() => chip(page, 'photo-notes.txt').getAttribute('data-upload')).toBe('done');
      // The file is on the server; the message is not: its POST fails as a dropped connection would.
      const pattern = '**/api/v1/messages';
      await page.route(pattern, (route) =>
        route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback(),
      );
      await composer(page).fill('Offline with a file');
      await composer(page).press('Enter');
      const pending = page
        .locator('placet-chat placet-message[from="user"]')
        .filter({ hasText: 'Offline with a file' });
      await pending.locator('[data-file]').filter({ hasText: 'photo-notes.txt' }).waitFor();
      await page.locator('placet-chat .failed').filter({ hasText: 'Not sent' }).waitFor();
      await page.reload();
      // The address still names the chat: it opens again (on a phone without the agent list).
      await page.locator('placet-chat .feed > .edge').first().waitFor();
      await pending.locator('[data-file]').filter({ hasText: 'photo-notes.txt' }).waitFor();
      expect(await mine(channelId)).toEqual([]);

      await page.unroute(pattern);
      await page.locator('placet-chat .failed').getByRole('button', { name: 'Resend' }).click();
      await expect.poll(async () => (await mine(channelId)).length).toBe(1);
      const [sent] = await mine(channelId);
      expect(sent!.text).toBe('Offline with a file');
      expect(sent!.attachments.map((a) => a.filename)).toEqual(['photo-notes.txt']);
      await expect.poll(() => page.locator('placet-chat .failed').count()).toBe(0);
    });

    it(`opens a filtered, keyboard-driven slash-command menu at a leading "/" (${view})`, async () => {
      const channelId = await createAgent(w, `Command bot ${view}`);
      const put = await w.agent('PUT', `/agents/${channelId}/commands`, {
        commands: [
          { command: 'stop', description: 'Stop the current task' },
          { command: 'deploy', description: 'Deploy a build', acceptsArgs: true, argHint: '<build>' },
          { command: 'status', description: 'Show what it is doing' },
        ],
      });
      expect(put.status).toBe(200);
      const ui = view === 'phone' ? await pages.open({ context: PHONE_OPTIONS }) : pages.ui;
      const { page } = ui;
      await signInAt(page, w, view);
      await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
      await openChat(page, channelId);
      const area = composer(page);
      const options = page.locator('placet-composer [role="option"]');
      const names = () => options.evaluateAll((all) => all.map((o) => o.getAttribute('data-command')));

      await area.click();
      await page.keyboard.type('/');
      await expect.poll(names).toEqual(['stop', 'deploy', 'status']);
      expect(await area.getAttribute('aria-expanded')).toBe('true');
      expect(await area.getAttribute('role')).toBe('combobox');
      await page.keyboard.type('st');
      await expect.poll(names).toEqual(['stop', 'status']);
      expect(await area.getAttribute('aria-activedescendant')).toBe('command-0');
      await page.keyboard.press('ArrowDown');
      expect(await area.getAttribute('aria-activedescendant')).toBe('command-1');
      expect(await options.nth(1).getAttribute('aria-selected')).toBe('true');
      if (view === 'phone') {
        expect((await options.nth(0).boundingBox())!.height).toBeGreaterThanOrEqual(44);
      }
      const serious = await seriousAxe(page);
      expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `composer-slash-menu-${view}.png`) });

      // Escape closes it and keeps the text; typing opens it again.
      await page.keyboard.press('Escape');
      expect(await options.count()).toBe(0);
      expect(await area.getAttribute('aria-expanded')).toBe('false');
      expect(await area.inputValue()).toBe('/st');
      await page.keyboard.type('a');
      await expect.poll(names).toEqual(['status']);
      // Tab completes a command without sending it.
      await page.keyboard.press('Tab');
      expect(await area.inputValue()).toBe('/status');
      expect(await options.count()).toBe(0);
      await area.fill('');

      // A command with arguments waits for them; Enter then sends the whole line.
      await page.keyboard.type('/dep');
      await expect.poll(names).toEqual(['deploy']);
      await page.keyboard.press('Enter');
      expect(await area.inputValue()).toBe('/deploy ');
      await page.keyboard.type('build-42');
      await page.keyboard.press('Enter');
      // A command without arguments is sent as soon as it is picked.
      await page.keyboard.type('/sto');
      await expect.poll(names).toEqual(['stop']);
      await page.keyboard.press('Enter');
      await expect
        .poll(async () => (await mine(channelId)).map((m) => m.text).reverse())
        .toEqual(['/deploy build-42', '/stop']);
      expect(await area.inputValue()).toBe('');
    });
  }

  it('had no uncaught errors in any of its pages', () => {
    expect(
      pages.log.errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)),
    ).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
