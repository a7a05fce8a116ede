import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  openChat,
  pagePerTest,
  SCREENSHOTS,
} from './harness.js';

/**
 * A message typed while the server cannot be reached: shown as not sent (never ✓), kept across a
 * reload, and sent once — with its client id — when the connection is back.
 */
const skip = browserUnavailable();

interface Listed {
  data: { text: string | null; senderType: string; clientId: string | null }[];
}

/** Every POST of a message fails as a dropped connection would, until the returned function is called. */
async function cutSends(page: Page): Promise<() => Promise<void>> {
  const pattern = '**/api/v1/messages';
  await page.route(pattern, (route) =>
    route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.fallback(),
  );
  return () => page.unroute(pattern);
}

describe.skipIf(skip)('dashboard: messages sent during an outage', { timeout: 90_000 }, () => {
  let w: DashboardWorld;
  beforeAll(async () => {
    w = await dashboardWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  const stored = async (channelId: string, text: string) =>
    (await w.agent<Listed>('GET', `/messages?channel=${channelId}&limit=50`)).body.data.filter(
      (m) => m.senderType === 'user' && m.text === text,
    );

  it('shows no ✓ before the server has it, keeps it across a reload, and sends it once when back', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Outage bot');
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await openChat(page, channelId);
    const restore = await cutSends(page);

    const text = 'Deploy after lunch, not before';
    await page.locator('placet-chat textarea').fill(text);
    await page.locator('placet-chat textarea').press('Enter');
    const mine = page.locator('placet-chat placet-message[from="user"]').filter({ hasText: text });
    await mine.waitFor();
    await page.locator('placet-chat .failed').filter({ hasText: 'Not sent' }).waitFor();
    expect(await mine.locator('[data-delivery]').getAttribute('data-delivery')).toBe('unsent');
    expect(await mine.locator('[data-delivery="sent"]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'unsent-message.png') });

    // A reload while sends still fail: the message is still there, still not sent.
    await page.reload();
    await openChat(page, channelId);
    await mine.waitFor();
    await page.locator('placet-chat .failed').filter({ hasText: 'Not sent' }).waitFor();
    expect(await stored(channelId, text)).toEqual([]);

    // The connection comes back (the socket drops — the server's test hook — and reopens): it is sent,
    // once, with its client id.
    await restore();
    await page.context().setOffline(true);
    w.server.child.kill('SIGUSR2');
    await page.locator('[data-connection="closed"]').waitFor({ state: 'attached', timeout: 10_000 });
    await page.context().setOffline(false);
    await page.locator('[data-connection="open"]').waitFor({ state: 'attached', timeout: 20_000 });
    await expect
      .poll(() => stored(channelId, text).then((found) => found.length), { timeout: 10_000 })
      .toBe(1);
    await mine.locator('[data-delivery="sent"]').waitFor();
    expect(await page.locator('placet-chat .failed').count()).toBe(0);

    // Nothing is left to send: another reload neither shows it twice nor sends it again.
    await page.reload();
    await openChat(page, channelId);
    await mine.waitFor();
    expect(await mine.count()).toBe(1);
    expect(await stored(channelId, text)).toHaveLength(1);
  });

  it('a message the server refuses can be discarded, and is not sent again', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Strict bot');
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await openChat(page, channelId);
    // The server refuses the message (a rule of the host's, say): sending it again cannot help.
    await page.route('**/api/v1/messages', (route) =>
      route.request().method() === 'POST'
        ? route.fulfill({
            status: 422,
            contentType: 'application/json',
            body: JSON.stringify({ statusCode: 422, code: 'REFUSED', message: 'Messages are closed here' }),
          })
        : route.fallback(),
    );
    await page.locator('placet-chat textarea').fill('Hello?');
    await page.locator('placet-chat textarea').press('Enter');
    const failed = page.locator('placet-chat .failed');
    await failed.waitFor();
    expect(await page.locator('placet-chat').getByRole('alert').innerText()).toBe(
      'Not sent: Messages are closed here',
    );
    expect(await failed.getByRole('button', { name: 'Resend' }).count()).toBe(0);
    await failed.getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => failed.count()).toBe(0);
    expect(
      await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('placet:unsent:'))),
    ).toEqual([]);
  });

  it('a list that cannot load says so in a sentence, not with the browser\'s "Failed to fetch"', async () => {
    const { page } = pages.ui;
    await page.route('**/api/v1/reviews?**', (route) => route.abort('internetdisconnected'));
    await page.locator('a[data-nav="inbox"]').click();
    const alert = page.locator('placet-inbox').getByRole('alert');
    await expect
      .poll(() => alert.innerText())
      .toBe(
        'The reviews could not be loaded: you are offline or the server is unreachable. Try again when the connection is back.',
      );
  });

  it('had no uncaught errors in any of its pages', () => {
    // The refusal above is a 422 on purpose; the outage's aborted requests log failed resources.
    const unexpected = pages.log.errors.filter(
      (e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e),
    );
    expect(unexpected).toEqual([]);
  });
});
