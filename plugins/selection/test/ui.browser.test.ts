/// <reference lib="dom" />
/**
 * `<placet-selection>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
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
import { selection } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const skip = !existsSync(CHROMIUM) && !CI;
if (skip) console.warn(`[ui.browser] skipped: ${CHROMIUM} is missing (with CI=true this fails instead)`);

type Recorded = { response: Record<string, unknown>; bubbles: boolean; composed: boolean; target: string };
const TAG = 'placet-selection';
const registry = new PluginRegistry([selection()]);
const items = [
  { id: 'id_a', label: 'Alpha', description: 'The first letter' },
  { id: 'id_b', label: 'Beta' },
  { id: 'id_c', label: 'Gamma', description: 'The third letter' },
];
const single = { mode: 'single', items, submitLabel: 'Pick', dismissLabel: 'None of these' };
const multi = { mode: 'multi', items };
const review = (payload: object, extra: object = {}) => ({
  type: 'selection',
  status: 'pending',
  payload,
  response: null,
  expiresAt: null,
  ...extra,
});

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

describe.skipIf(skip)('<placet-selection> in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const el = (selector = '') => page.locator(`${TAG} ${selector}`.trim());
  const mount = (props: Record<string, unknown>) =>
    page.evaluate(([tag, p]) => (window as any).mount(tag, p), [TAG, props] as const);
  const events = () => page.evaluate(() => (window as any).events as Recorded[]);
  const focused = (selector: string) => el(selector).evaluate((n) => n.matches(':focus'));

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
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction((tag) => customElements.get(tag) !== undefined, TAG);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('single mode: radio buttons, arrow keys choose, Enter on the submit button sends one id', async () => {
    await mount({ payload: single, review: review(single) });
    expect(await el('input[type="radio"][data-option]').count()).toBe(3);
    expect(await el('[data-action="submit"]').textContent()).toBe('Pick');
    // Descriptions are shown and described-by their radio.
    expect(await el('.description').allTextContents()).toEqual(['The first letter', 'The third letter']);
    const described = await el('[data-option="id_a"]').getAttribute('aria-describedby');
    expect(await el(`#${described}`).textContent()).toBe('The first letter');

    await page.keyboard.press('Tab');
    expect(await focused('[data-option="id_a"]')).toBe(true);
    await page.keyboard.press('ArrowDown'); // moves to and checks Beta
    expect(await el('[data-option="id_b"]').isChecked()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await focused('[data-action="submit"]')).toBe(true);
    await page.keyboard.press('Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { selectedIds: ['id_b'] },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('selection', single, event?.response)).toEqual(event?.response);
  });

  it('single mode: submitting nothing shows the server’s message and sends nothing', async () => {
    await mount({ payload: single, review: review(single) });
    await el('[data-action="submit"]').focus();
    await page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    const alert = el('[data-errors-for="selectedIds"] .error[role="alert"]');
    expect(await alert.textContent()).toBe('select exactly one item (mode is single)');
    expect(await el('[data-option="id_a"]').getAttribute('aria-invalid')).toBe('true');
    // The first option takes the focus; choosing and sending clears the message.
    expect(await focused('[data-option="id_a"]')).toBe(true);
    await page.keyboard.press('Space');
    await el('[data-action="submit"]').focus();
    await page.keyboard.press('Enter');
    expect((await events()).map((e) => e.response)).toEqual([{ selectedIds: ['id_a'] }]);
    expect(await el('.error').count()).toBe(0);
  });

  it('multi mode: checkboxes, Space toggles, ids in list order', async () => {
    await mount({ payload: multi, review: review(multi) });
    expect(await el('input[type="checkbox"][data-option]').count()).toBe(3);
    expect(await el('[data-action="submit"]').textContent()).toBe('Confirm selection');
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // Alpha
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space'); // Gamma
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const responses = (await events()).map((e) => e.response);
    expect(responses).toEqual([{ selectedIds: ['id_a', 'id_c'] }]);
    expect(registry.parseResponse('selection', multi, responses[0])).toEqual(responses[0]);
  });

  it('multi mode: nothing selected is refused in the browser as on the server', async () => {
    await mount({ payload: multi, review: review(multi) });
    await el('[data-action="submit"]').focus();
    await page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    expect(await el('.error[role="alert"]').textContent()).toBe('select at least one item');
    expect(() => registry.parseResponse('selection', multi, { selectedIds: [] })).toThrow(
      /select at least one item/,
    );
  });

  it('dismisses with the dismissLabel button', async () => {
    await mount({ payload: single, review: review(single) });
    expect(await el('[data-action="dismiss"]').textContent()).toBe('None of these');
    await el('[data-action="dismiss"]').focus();
    await page.keyboard.press('Space');
    expect((await events()).map((e) => e.response)).toEqual([{ _dismissed: true }]);
  });

  it('readonly disables the options', async () => {
    await mount({ payload: single, review: review(single), readonly: true });
    expect(await el('[data-option="id_a"]').isDisabled()).toBe(true);
    expect(await el('[data-action="submit"]').isDisabled()).toBe(true);
  });

  it('shows a completed review by label, with who answered', async () => {
    await mount({
      payload: multi,
      review: review(multi, {
        status: 'completed',
        response: { selectedIds: ['id_c', 'id_a'] },
        respondedBy: 'grace',
        completedAt: '2030-01-02T03:04:05.000Z',
      }),
    });
    expect(await el('.chosen li').allTextContents()).toEqual(['Gamma', 'Alpha']);
    const text = await el('.placet').textContent();
    expect(text).not.toContain('id_');
    expect(await el('.answered-by').textContent()).toContain('grace');
    expect(await el('input, button').count()).toBe(0);
  });

  it('shows an expired review as Expired, without controls', async () => {
    await mount({ payload: single, review: review(single, { status: 'expired' }) });
    expect(await el('.placet').textContent()).toBe('Expired');
    expect(await el('input, button').count()).toBe(0);
  });
});
