/// <reference lib="dom" />
/**
 * `<placet-approval>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
 * serves it on 127.0.0.1, answers with the keyboard and checks every event against the server's parser.
 * Skips only when /usr/bin/chromium is missing and CI is not set.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PluginRegistry } from '@placet/core';
import { build } from 'esbuild';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approval } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const skip = !existsSync(CHROMIUM) && !CI;
if (skip) console.warn(`[ui.browser] skipped: ${CHROMIUM} is missing (with CI=true this fails instead)`);

type Recorded = { response: Record<string, unknown>; bubbles: boolean; composed: boolean; target: string };
const TAG = 'placet-approval';
const registry = new PluginRegistry([approval()]);
const payload = {
  options: [
    { id: 'opt_ship', label: 'Ship it', style: 'primary' },
    { id: 'opt_rej', label: 'Reject', style: 'danger' },
    { id: 'opt_later', label: 'Later', style: 'secondary' },
    { id: 'opt_skip', label: 'Skip', style: 'ghost' },
  ],
  allowComment: true,
  dismissLabel: 'Not mine',
};
const pending = { type: 'approval', status: 'pending', payload, response: null, expiresAt: null };

// The page records every placet-respond event that reaches `document` and mounts one element at a time.
const PAGE = `<!doctype html><html><body><script type="module">
import '/ui.js';
window.events = [];
document.addEventListener('placet-respond', (e) => window.events.push({
  response: e.detail.response, bubbles: e.bubbles, composed: e.composed, target: e.target.localName }));
window.mount = (tag, props) => {
  document.body.replaceChildren();
  window.events.length = 0;
  const el = Object.assign(document.createElement(tag), props);
  document.body.append(el);
};
</script></body></html>`;

describe.skipIf(skip)('<placet-approval> in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const el = (selector = '') => page.locator(`${TAG} ${selector}`.trim());
  const mount = (props: Record<string, unknown>) =>
    page.evaluate(([tag, p]) => (window as any).mount(tag, p), [TAG, props] as const);
  const events = () => page.evaluate(() => (window as any).events as Recorded[]);

  beforeAll(async () => {
    const bundle = await build({
      entryPoints: [fileURLToPath(new URL('../src/ui.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['source'],
    });
    const js = bundle.outputFiles[0]?.text ?? '';
    server = createServer((req, res) => {
      const script = req.url === '/ui.js';
      res.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html' });
      res.end(script ? js : PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    await page.clock.install();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction((tag) => customElements.get(tag) !== undefined, TAG);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('answers with the keyboard: a comment, then an option; the server accepts it', async () => {
    await mount({ payload, review: pending });
    await page.keyboard.press('Tab');
    await expect.poll(() => el('textarea[name="comment"]').evaluate((n) => n.matches(':focus'))).toBe(true);
    await page.keyboard.type('Looks good');
    await page.keyboard.press('Tab');
    expect(await el('[data-option="opt_ship"]').evaluate((n) => n.matches(':focus-visible'))).toBe(true);
    // A visible focus ring.
    const outline = await el('[data-option="opt_ship"]').evaluate((n) => getComputedStyle(n).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('Tab'); // → Reject
    await page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { selectedOption: 'opt_rej', comment: 'Looks good' },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('approval', payload, event?.response)).toEqual(event?.response);
  });

  it('sends no comment key when the comment is empty, and no comment box without allowComment', async () => {
    await mount({ payload, review: pending });
    await el('[data-option="opt_later"]').focus();
    await page.keyboard.press('Space');
    expect((await events()).map((e) => e.response)).toEqual([{ selectedOption: 'opt_later' }]);

    const noComment = { options: payload.options };
    await mount({ payload: noComment, review: { ...pending, payload: noComment } });
    expect(await el('[data-option]').count()).toBe(4);
    expect(await el('textarea').count()).toBe(0);
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
  });

  it('renders the four button styles visibly differently', async () => {
    await mount({ payload, review: pending });
    const looks = await el('[data-option]').evaluateAll((buttons) =>
      buttons.map((b) => {
        const s = getComputedStyle(b);
        return [s.backgroundColor, s.borderColor, s.color, s.textDecorationLine].join('|');
      }),
    );
    expect(new Set(looks).size).toBe(4);
  });

  it('dismisses with the dismissLabel button', async () => {
    await mount({ payload, review: pending });
    expect(await el('[data-action="dismiss"]').textContent()).toBe('Not mine');
    await el('[data-action="dismiss"]').focus();
    await page.keyboard.press('Enter');
    const responses = (await events()).map((e) => e.response);
    expect(responses).toEqual([{ _dismissed: true }]);
    expect(registry.parseResponse('approval', payload, responses[0])).toEqual({ _dismissed: true });
  });

  it('readonly disables every control and sends nothing', async () => {
    await mount({ payload, review: pending, readonly: true });
    expect(await el('fieldset').evaluate((f) => (f as HTMLFieldSetElement).disabled)).toBe(true);
    expect(await el('textarea').isDisabled()).toBe(true);
    expect(await el('[data-option="opt_ship"]').isDisabled()).toBe(true);
    await el('[data-option="opt_ship"]').evaluate((b) => (b as HTMLButtonElement).click());
    expect(await events()).toEqual([]);
    // Lifting readonly keeps what was typed.
    await page.evaluate((tag) => {
      const host = document.querySelector(tag) as HTMLElement & { readonly: boolean };
      (host.shadowRoot?.querySelector('textarea') as HTMLTextAreaElement).value = 'kept';
      host.readonly = false;
    }, TAG);
    await expect.poll(() => el('[data-option="opt_ship"]').isEnabled()).toBe(true);
    expect(await el('textarea').inputValue()).toBe('kept');
  });

  it('shows a completed review by label, with the comment, who answered and when', async () => {
    const completedAt = '2030-05-06T07:08:09.000Z';
    await mount({
      payload,
      review: {
        ...pending,
        status: 'completed',
        response: { selectedOption: 'opt_rej', comment: 'Too risky' },
        respondedBy: 'ada',
        completedAt,
      },
    });
    const text = await el('.placet').textContent();
    expect(text).toContain('Chose: Reject');
    expect(text).not.toContain('opt_rej');
    expect(text).toContain('Too risky');
    expect(await el('.answered-by strong').textContent()).toBe('ada');
    expect(await el(`.answered-by time[datetime="${completedAt}"]`).count()).toBe(1);
    expect(await el('button, textarea').count()).toBe(0);
  });

  it('shows a dismissed review as Dismissed', async () => {
    await mount({
      payload,
      review: { ...pending, status: 'completed', response: { _dismissed: true }, respondedBy: 'bob' },
    });
    expect(await el('.dismissed').textContent()).toBe('Dismissed');
    expect(await el('.answered-by').textContent()).toContain('bob');
  });

  it('shows an expired review as Expired, without controls', async () => {
    await mount({
      payload,
      review: { ...pending, status: 'expired', expiresAt: '2030-01-01T00:00:00.000Z' },
    });
    expect(await el('[data-status="expired"]').textContent()).toBe('Expired');
    expect(await el('button, textarea, input').count()).toBe(0);
  });

  it('counts down to expiresAt each second, stops offering answers at zero, and stops when removed', async () => {
    const now = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(now + 1000);
    const expiresAt = new Date(now + 1000 + 65_000).toISOString();
    await mount({ payload, review: { ...pending, expiresAt } });
    expect(await el('.countdown').textContent()).toBe('Expires in 1m 05s');
    await page.clock.runFor(2000);
    expect(await el('.countdown').textContent()).toBe('Expires in 1m 03s');
    await page.clock.runFor(63_000);
    expect(await el('.countdown').textContent()).toBe('Expired');
    expect(await el('[data-option="opt_ship"]').isDisabled()).toBe(true);

    // A removed element keeps no timer: its text no longer changes.
    await mount({ payload, review: { ...pending, expiresAt: new Date(now + 1000 + 200_000).toISOString() } });
    const detached = await page.evaluateHandle((tag) => {
      const host = document.querySelector(tag) as HTMLElement;
      host.remove();
      return host.shadowRoot?.querySelector('.countdown') as HTMLElement;
    }, TAG);
    const before = await detached.evaluate((n) => n.textContent);
    await page.clock.runFor(5000);
    expect(await detached.evaluate((n) => n.textContent)).toBe(before);
    await page.clock.resume();
  });

  it('follows the theme and the --placet-* custom properties', async () => {
    await mount({ payload, review: pending, theme: 'dark' });
    const host = page.locator(TAG);
    expect(await host.getAttribute('theme')).toBe('dark');
    const color = () => el('[data-option="opt_later"]').evaluate((b) => getComputedStyle(b).color);
    const dark = await color();
    await host.evaluate((h: HTMLElement & { theme: string }) => {
      h.theme = 'light';
    });
    expect(await color()).not.toBe(dark);
    await host.evaluate((h) => h.style.setProperty('--placet-accent', 'rgb(1, 2, 3)'));
    expect(await el('[data-option="opt_ship"]').evaluate((b) => getComputedStyle(b).backgroundColor)).toBe(
      'rgb(1, 2, 3)',
    );
  });
});
