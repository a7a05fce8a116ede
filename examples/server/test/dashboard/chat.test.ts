import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  browserUnavailable,
  bubble,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  openChat,
  pagePerTest,
  SCREENSHOTS,
  shadowText,
  tabTo,
} from './harness.js';

/**
 * The dashboard in Chromium against the built example server: sign-in, live updates, approvals by
 * mouse and by keyboard, streamed replies, hostile markdown, and reconnect-with-resume.
 */
const skip = browserUnavailable();

interface Sent {
  id: string;
  channelId: string;
}

describe.skipIf(skip)('dashboard: chats, approvals, streams, safety, reconnect', { timeout: 60_000 }, () => {
  let w: DashboardWorld;

  beforeAll(async () => {
    w = await dashboardWorld();
  }, 60_000);
  afterAll(async () => w?.close());
  // Each test: a fresh browser context, signed in through the form (a failed sign-in fails the test).
  const pages = pagePerTest(() => w);

  it('serves the page with a strict Content-Security-Policy and everything from this origin', async () => {
    const res = await fetch(`${w.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    const html = await res.text();
    // No inline script but the import map (data, not code), allowed by its own hash and nothing wider.
    const inline = [...html.matchAll(/<script([^>]*)>([^<]+)<\/script>/g)];
    expect(inline.map((m) => m[1]!.trim())).toEqual(['type="importmap"']);
    const hash = createHash('sha256').update(inline[0]![2]!).digest('base64');
    expect(csp).toMatch(new RegExp(`script-src 'self' 'sha256-${hash.replace(/[+/]/g, '\\$&')}'(;|$)`));
    expect(html).not.toMatch(/https?:\/\//); // no CDN
  });

  it('signs in; an approval sent over REST appears without a reload; a click answers the waiting agent', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Deploy bot');
    // The new agent shows up live (channel:updated / message:created) — no reload.
    const sent = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'Deploy **v2.3** to production?',
      review: {
        type: 'approval',
        payload: {
          options: [
            { id: 'deploy', label: 'Deploy now', style: 'primary' },
            { id: 'hold', label: 'Hold', style: 'secondary' },
            { id: 'abort', label: 'Abort', style: 'danger' },
            { id: 'later', label: 'Ask me later', style: 'ghost' },
          ],
        },
      },
    });
    expect(sent.status).toBe(201);
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'agent-list.png') });
    await openChat(page, channelId);
    const option = bubble(page, sent.body.id).locator('placet-approval [data-option="deploy"]');
    await option.waitFor();

    const waiting = w.agent<{ status: string; message: { review: { response: Record<string, unknown> } } }>(
      'GET',
      `/reviews/${sent.body.id}/wait?channel=${channelId}&timeout=30000`,
    );
    await option.click();
    const result = await waiting;
    expect(result.status).toBe(200);
    expect(result.body.status).toBe('completed');
    expect(result.body.message.review.response).toEqual({ selectedOption: 'deploy' });
    // Answered: the label (not the id) and who answered.
    const widget = bubble(page, sent.body.id).locator('placet-approval');
    await expect.poll(() => shadowText(widget)).toMatch(/Deploy now/);
    expect(await shadowText(widget)).toMatch(/owner@example\.test|Owner/);
    await page.screenshot({ path: join(SCREENSHOTS, 'chat-approval.png') });
  });

  it('answers an approval with the keyboard alone', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Keyboard bot');
    const sent = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'Rotate the credentials?',
      review: {
        type: 'approval',
        payload: {
          allowComment: true,
          options: [
            { id: 'rotate', label: 'Rotate' },
            { id: 'skip', label: 'Skip' },
          ],
        },
      },
    });
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    // Into the chat by keyboard: focus its link, Enter.
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).focus();
    await page.keyboard.press('Enter');
    await bubble(page, sent.body.id).locator('placet-approval [data-option="skip"]').waitFor();
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).focus();
    await tabTo(page, 'textarea');
    await page.keyboard.type('Not this week');
    await tabTo(page, '[data-option="skip"]');
    await page.keyboard.press('Enter');
    await expect
      .poll(
        async () =>
          (
            await w.agent<{ review: { status: string; response: unknown } }>(
              'GET',
              `/reviews/${sent.body.id}?channel=${channelId}`,
            )
          ).body.review,
      )
      .toMatchObject({ status: 'completed', response: { selectedOption: 'skip', comment: 'Not this week' } });
  });

  it('grows a streamed draft on screen while the agent PATCHes it and sends deltas, then completes it', async () => {
    const { page } = pages.ui;
    const channelId = await createAgent(w, 'Writer bot');
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await openChat(page, channelId);
    const streamId = 'report-1';
    const draft = await w.agent<Sent>('POST', '/messages', {
      channelId,
      text: 'Reading the logs',
      streamId,
      streamState: 'streaming',
    });
    expect(draft.status).toBe(201);
    const text = bubble(page, draft.body.id).locator('[data-text]');
    await expect.poll(() => text.innerText()).toContain('Reading the logs');
    await w.agent('POST', `/messages/streams/${streamId}/status`, { channelId, text: 'Scanning 3 files' });
    await expect
      .poll(() => bubble(page, draft.body.id).locator('[data-step]').innerText())
      .toBe('Scanning 3 files');

    // Token deltas between PATCHes, over the agent's own socket.
    const socket = new WebSocket(`${w.url.replace('http', 'ws')}/ws`, { headers: { 'x-api-key': w.key } });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(
      JSON.stringify({
        event: 'message:delta',
        data: { channelId, streamId, delta: ' and counting errors' },
      }),
    );
    await expect.poll(() => text.innerText()).toContain('Reading the logs and counting errors');
    socket.close();

    await w.agent('PATCH', `/messages/streams/${streamId}`, {
      channelId,
      text: 'Reading the logs: **2 errors**, 14 warnings',
    });
    await expect.poll(() => text.innerText()).toContain('2 errors, 14 warnings');
    expect(await text.innerText()).not.toContain('counting errors'); // the PATCH replaced the deltas
    await page.screenshot({ path: join(SCREENSHOTS, 'streamed-reply.png') });
    await w.agent('PATCH', `/messages/streams/${streamId}`, {
      channelId,
      text: 'Reading the logs: **2 errors**, 14 warnings. Done.',
      complete: true,
    });
    await expect
      .poll(() => bubble(page, draft.body.id).locator('.bubble').getAttribute('data-stream-state'))
      .toBe('complete');
    expect(await bubble(page, draft.body.id).locator('details.steps summary').innerText()).toBe('1 step');
  });

  it('runs nothing from hostile markdown: no dialog, no request, no handler, no javascript: link', async () => {
    const { page, dialogs, requests } = pages.ui;
    // A loopback "attacker" server: any hit means the page made a request it must not make.
    let hits = 0;
    const beacon: Server = createServer((_req, res) => {
      hits++;
      res.end('x');
    });
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    const evil = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
    try {
      const channelId = await createAgent(w, 'Hostile bot');
      await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
      await openChat(page, channelId);
      const payloads = [
        '<script>alert("script")</script>',
        `<img src="${evil}/img" onerror="alert('onerror')">`,
        '[click me](javascript:alert("link"))',
        `![pixel](${evil}/pixel.png)`,
        `<a href="javascript:alert('raw')">raw link</a> <svg onload="alert('svg')"></svg>`,
        `<iframe src="${evil}/frame"></iframe> <details open ontoggle="alert('toggle')">x</details>`,
      ];
      const sent = await w.agent<Sent>('POST', '/messages', { channelId, text: payloads.join('\n\n') });
      const md = bubble(page, sent.body.id).locator('[data-text]');
      await md.waitFor();
      // Raw HTML is shown as text, never parsed into elements.
      expect(await md.innerText()).toContain('<script>alert("script")</script>');
      expect(await md.locator('script, iframe, svg, [onerror], [onload], [ontoggle]').count()).toBe(0);
      const link = md.locator('a', { hasText: 'click me' });
      expect(await link.getAttribute('href')).toBeNull();
      await link.click();
      await page.waitForTimeout(300); // let anything that would run, run
      expect(dialogs).toEqual([]);
      expect(hits).toBe(0);
      expect(requests.filter((url) => url.startsWith(evil))).toEqual([]);
    } finally {
      await new Promise((resolve) => beacon.close(resolve));
    }
  });

  it('reconnects after the server closes the socket and shows what was sent meanwhile (resume, no reload)', async () => {
    const { page, requests } = pages.ui;
    const channelId = await createAgent(w, 'Flaky network bot');
    const first = await w.agent<Sent>('POST', '/messages', { channelId, text: 'before the drop' });
    await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).waitFor();
    await openChat(page, channelId);
    await bubble(page, first.body.id).waitFor();
    const fetchesBefore = requests.filter((url) => url.includes('/api/v1/messages?')).length;
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));

    // The browser goes offline (its reconnects fail), the server drops every socket (a test hook), and the
    // agent posts while nobody is connected; then the network comes back.
    await page.context().setOffline(true);
    w.server.child.kill('SIGUSR2');
    await page.locator('[data-connection="closed"]').waitFor({ state: 'attached', timeout: 5000 });
    const missed = await w.agent<Sent>('POST', '/messages', { channelId, text: 'sent while you were away' });
    await expect.poll(() => sockets.length).toBeGreaterThan(0); // at least one reconnect attempt failed
    expect(await page.locator('[data-connection="open"]').count()).toBe(0);
    expect(await bubble(page, missed.body.id).count()).toBe(0);
    await page.context().setOffline(false);

    await page.locator('[data-connection="open"]').waitFor({ state: 'attached', timeout: 20_000 });
    await bubble(page, missed.body.id).waitFor({ timeout: 10_000 });
    // The reconnect asked the server to replay from the last seq it had seen, in the epoch it was told …
    expect(sockets.at(-1)).toMatch(/\/ws\?epoch=[\w-]+&fromSeq=\d+$/);
    // … and nothing re-read the chat over REST.
    expect(requests.filter((url) => url.includes('/api/v1/messages?')).length).toBe(fetchesBefore);
  });

  it('had no uncaught errors and no failed API request in any of its pages', () => {
    // HTTP failures are checked one by one below; the offline step's refused reconnects are expected.
    const unexpected = pages.log.errors.filter(
      (e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e),
    );
    expect(unexpected).toEqual([]);
    expect(pages.log.failures).toEqual([]);
  });
});
