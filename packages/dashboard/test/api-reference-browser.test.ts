import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ReferenceServer, servedDocument, startReferenceServer } from './api-reference-server.js';

/**
 * The API reference page in Chromium, served next to a real `placetRouter()`: it renders every operation
 * under its strict CSP (no violation, no console error), requests only itself and the OpenAPI document,
 * and "Try it" reaches the API with the typed key.
 */

/** Debian's Chromium (`apt-get install -y chromium`), or PLACET_CHROMIUM. */
const CHROMIUM = process.env.PLACET_CHROMIUM ?? '/usr/bin/chromium';

function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium, or set PLACET_CHROMIUM)`;
  if (process.env.CI) throw new Error(`${reason}: the browser tests must run in CI`);
  console.warn(`[API reference browser tests skipped] ${reason}`);
  return reason;
}

interface Watched {
  page: Page;
  /** Uncaught errors, console errors and CSP violations the page reported. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
}

describe.skipIf(browserUnavailable())('the API reference page in Chromium', () => {
  let server: ReferenceServer;
  let browser: Browser;
  let operations: string[];
  let ui: Watched;

  beforeAll(async () => {
    server = await startReferenceServer();
    ({ operations } = await servedDocument(server.url));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close().catch(() => {});
    await server?.close();
  });

  // A fresh context per test: one test's page (its key in sessionStorage, say) never reaches the next.
  beforeEach(async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    ui = { page, errors: [], requests: [] };
    page.on('pageerror', (error) => ui.errors.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') ui.errors.push(`console: ${message.text()}`);
    });
    page.on('request', (request) => ui.requests.push(request.url()));
    // Reported from the page itself, so that a violation is seen even when the console says nothing.
    await page.exposeFunction('__cspViolation', (text: string) => ui.errors.push(`csp: ${text}`));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        const report = (window as unknown as { __cspViolation(text: string): void }).__cspViolation;
        report(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
  });
  afterEach(async () => {
    await ui.page.context().close();
  });

  it('renders every operation under its CSP, loading only itself and the OpenAPI document', async () => {
    const { page } = ui;
    const response = await page.goto(`${server.url}/api/docs`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toMatch(
      /^default-src 'none'; script-src 'sha256-/,
    );
    await page.locator('#app[data-ready="true"]').waitFor();
    expect(operations.length).toBeGreaterThan(20);
    await expect.poll(() => page.locator('details.op').count()).toBe(operations.length);
    expect(await page.locator('#title').textContent()).not.toBe('');
    expect(await page.title()).toMatch(/ reference$/);
    await expect.poll(() => page.locator('nav a').count()).toBeGreaterThan(1);

    // The filter narrows the list to matching operations.
    await page.locator('#filter').fill('get /agents/{id}');
    const shown = page.locator('details.op:not([hidden])');
    await expect.poll(() => shown.count()).toBeGreaterThan(0);
    expect(await shown.count()).toBeLessThan(operations.length);
    for (const path of await shown.locator('.path').allTextContents()) expect(path).toContain('/agents/{id}');

    expect(ui.errors).toEqual([]);
    expect([...new Set(ui.requests)].sort()).toEqual(
      [`${server.url}/api/docs`, `${server.url}/api/v1/openapi.json`].sort(),
    );
  });

  it('"Try it" sends the request with the typed API key and shows the answer', async () => {
    const { page } = ui;
    await page.goto(`${server.url}/api/docs`);
    await page.locator('#app[data-ready="true"]').waitFor();
    await page.locator('#api-key').fill(server.key);
    const op = page
      .locator('details.op')
      .filter({ has: page.locator('.method', { hasText: /^get$/ }) })
      .filter({ has: page.locator('.path', { hasText: /^\/agents$/ }) });
    await expect.poll(() => op.count()).toBe(1);
    await op.locator(':scope > summary').click();
    await op.getByRole('button', { name: 'Send request' }).click();
    const body = op.locator('.response-body');
    await body.waitFor();
    expect(await op.locator('.result .status').textContent()).toMatch(/^200/);
    expect(JSON.parse((await body.textContent()) ?? '')).toBeDefined();
    expect(ui.errors).toEqual([]);
    expect(ui.requests.filter((url) => !url.startsWith(`${server.url}/`))).toEqual([]);
  });
});
