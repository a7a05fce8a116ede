/// <reference lib="dom" />
/**
 * `<placet-freeform>` in real Chromium: bundles src/ui.ts with esbuild (from sources, nothing built),
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
import { freeform } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const CI = Boolean(process.env.CI) && process.env.CI !== 'false';
const skip = !existsSync(CHROMIUM) && !CI;
if (skip) console.warn(`[ui.browser] skipped: ${CHROMIUM} is missing (with CI=true this fails instead)`);

type Recorded = { response: Record<string, unknown>; bubbles: boolean; composed: boolean; target: string };
const TAG = 'placet-freeform';
const registry = new PluginRegistry([freeform()]);
const payload = {
  plugin: 'poll',
  schema: { type: 'object', properties: { choice: { type: 'string' } } },
  question: 'Which one?',
  dismissLabel: 'Ignore',
};
const review = (p: object, extra: object = {}) => ({
  type: 'freeform',
  status: 'pending',
  payload: p,
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

describe.skipIf(skip)('<placet-freeform> in Chromium', () => {
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
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction((tag) => customElements.get(tag) !== undefined, TAG);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('shows the schema and the payload, and sends a typed JSON object with Ctrl+Enter', async () => {
    await mount({ payload, review: review(payload) });
    expect(await el('details pre').first().textContent()).toContain('"choice"');
    expect(await el('details pre').nth(1).textContent()).toContain('Which one?');
    expect(await el('.placet').textContent()).toContain('poll');
    const textarea = el('textarea[name="json"]');
    expect(await textarea.inputValue()).toBe('{}');
    expect(await el('label[for="json"]').count()).toBe(1);
    await textarea.focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{"choice": "b", "n": [1, 2]}');
    await page.keyboard.press('Control+Enter');
    const [event, ...more] = await events();
    expect(more).toEqual([]);
    expect(event).toEqual({
      response: { choice: 'b', n: [1, 2] },
      bubbles: true,
      composed: true,
      target: TAG,
    });
    expect(registry.parseResponse('freeform', payload, event?.response)).toEqual(event?.response);
  });

  it('invalid JSON, or JSON that is not an object, shows a message and sends nothing', async () => {
    await mount({ payload, review: review(payload) });
    const textarea = el('textarea[name="json"]');
    await textarea.fill('{"choice": ');
    await el('[data-action="submit"]').focus();
    await page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    const alert = el('[data-errors-for="json"] .error[role="alert"]');
    expect(await alert.textContent()).toMatch(/^Invalid JSON: /);
    expect(await textarea.getAttribute('aria-invalid')).toBe('true');

    await textarea.fill('[1, 2]');
    await el('[data-action="submit"]').focus();
    await page.keyboard.press('Enter');
    expect(await events()).toEqual([]);
    expect(await el('.error').count()).toBe(1);
    const server = (() => {
      try {
        registry.parseResponse('freeform', payload, [1, 2]);
      } catch (error) {
        return (error as { issues: { message: string }[] }).issues[0]?.message;
      }
    })();
    expect(await alert.textContent()).toBe(server);
  });

  it('dismisses with the dismissLabel button', async () => {
    await mount({ payload, review: review(payload) });
    expect(await el('[data-action="dismiss"]').textContent()).toBe('Ignore');
    await el('[data-action="dismiss"]').focus();
    await page.keyboard.press('Enter');
    expect((await events()).map((e) => e.response)).toEqual([{ _dismissed: true }]);
    await mount({ payload: {}, review: review({}) });
    expect(await el('[data-action="dismiss"]').count()).toBe(0);
    expect(await el('details').count()).toBe(0);
  });

  it('readonly disables the controls; completed shows the JSON and who answered', async () => {
    await mount({ payload, review: review(payload), readonly: true });
    expect(await el('textarea').isDisabled()).toBe(true);
    expect(await el('[data-action="submit"]').isDisabled()).toBe(true);
    await mount({
      payload,
      review: review(payload, { status: 'completed', response: { choice: 'b' }, respondedBy: 'kay' }),
    });
    expect(JSON.parse((await el('.answer pre').textContent()) ?? '')).toEqual({ choice: 'b' });
    expect(await el('.answered-by').textContent()).toContain('kay');
    expect(await el('textarea, button').count()).toBe(0);
    await mount({ payload, review: review(payload, { status: 'expired' }) });
    expect(await el('.placet').textContent()).toBe('Expired');
  });
});
