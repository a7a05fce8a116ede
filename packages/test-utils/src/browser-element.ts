/// <reference lib="dom" />
/**
 * A review type's custom element in real Chromium (`@placet/test-utils/browser`): bundles the plugin's UI
 * module with esbuild from its sources (the plugin needs no build), serves it on 127.0.0.1 with a page
 * that mounts one element at a time and records every `placet-respond` event reaching `document`, and
 * drives it with playwright-core. Kept out of the main entry so Node-only users never load esbuild or
 * playwright-core.
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { type Browser, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';

/** Debian's Chromium (`apt-get install -y chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** One `placet-respond` event as it reached `document`. */
export interface RespondEvent {
  response: Record<string, unknown>;
  bubbles: boolean;
  composed: boolean;
  /** The local name of the element that dispatched it. */
  target: string;
}

export interface ReviewElementOptions {
  /** The custom element's tag, e.g. `'placet-approval'`. */
  tag: string;
  /** The UI module to bundle, e.g. `new URL('../src/ui.ts', import.meta.url)`. */
  entry: URL | string;
  /** Options of the page (e.g. `{ locale: 'en-US' }`). */
  page?: BrowserContextOptions;
  /** Installs Playwright's fake clock before the page loads, for countdowns. */
  clock?: boolean;
  /**
   * Extra export conditions esbuild resolves while bundling `entry`. Default {@link DEV_CONDITIONS}: inside
   * the Placet repository that bundles the workspace packages (`@placet/core/browser`) from their sources;
   * anywhere else no installed package has that condition and their published `dist/` is bundled. Pass
   * your own development condition here (or `[]`) if your repository has one.
   */
  conditions?: string[];
}

/**
 * The export conditions {@link describeReviewElement} bundles with by default: the Placet repository's
 * development condition, which only its workspace manifests have (it is stripped from the published ones).
 */
export const DEV_CONDITIONS: readonly string[] = ['@placet/source'];

export interface ReviewElementHarness {
  /** The page; available inside tests and hooks, not while the describe body runs. */
  readonly page: Page;
  /** A locator inside the mounted element (piercing its shadow root); the element itself without a selector. */
  el(selector?: string): Locator;
  /** Replaces the page's element with a new one that has these properties; clears the recorded events. */
  mount(props: Record<string, unknown>): Promise<void>;
  /** The `placet-respond` events since the last mount. */
  events(): Promise<RespondEvent[]>;
  /** Whether the element matched by `selector` has focus. */
  focused(selector: string): Promise<boolean>;
}

/**
 * Whether browser tests skip here: only when Chromium is missing and CI is unset. With CI set they run,
 * so a missing browser fails instead of skipping silently.
 */
export function skipWithoutChromium(): boolean {
  const ci = Boolean(process.env.CI) && process.env.CI !== 'false';
  const skip = !existsSync(CHROMIUM) && !ci;
  if (skip) console.warn(`[ui.browser] skipped: ${CHROMIUM} is missing (with CI=true this fails instead)`);
  return skip;
}

/** A pending review of `type` as the dashboard hands it to the element (no response, no expiry) plus `extra`. */
export function pendingReview(type: string, payload: object, extra: object = {}): Record<string, unknown> {
  return { type, status: 'pending', payload, response: null, expiresAt: null, ...extra };
}

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

/** What the page script above puts on `window`. */
interface PageGlobals {
  events: RespondEvent[];
  mount(tag: string, props: Record<string, unknown>): void;
}

/**
 * A `describe` block for one review element: starts the page server and Chromium before its tests, closes
 * them after, and skips (printing why) per {@link skipWithoutChromium}. Each test gets a fresh page in
 * its own browser context (a paused clock, the focus or a half-filled element of one test never reach
 * the next).
 */
export function describeReviewElement(
  name: string,
  options: ReviewElementOptions,
  tests: (ui: ReviewElementHarness) => void,
): void {
  describe.skipIf(skipWithoutChromium())(name, () => {
    const { tag } = options;
    let server: Server | undefined;
    let browser: Browser | undefined;
    let url = '';
    let current: Page | undefined;
    const ui: ReviewElementHarness = {
      get page() {
        if (current === undefined) throw new Error(`${name}: the page exists only inside tests and hooks`);
        return current;
      },
      el: (selector = '') => ui.page.locator(`${tag} ${selector}`.trim()),
      mount: (props) =>
        ui.page.evaluate(([t, p]) => (window as unknown as PageGlobals).mount(t, p), [tag, props] as const),
      events: () => ui.page.evaluate(() => (window as unknown as PageGlobals).events),
      focused: (selector) => ui.el(selector).evaluate((n) => n.matches(':focus')),
    };

    beforeAll(async () => {
      const entry = options.entry instanceof URL ? fileURLToPath(options.entry) : options.entry;
      const bundle = await build({
        entryPoints: [entry],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'browser',
        conditions: [...(options.conditions ?? DEV_CONDITIONS)],
      });
      const js = bundle.outputFiles[0]?.text ?? '';
      const started = createServer((req, res) => {
        const script = req.url === '/ui.js';
        res.writeHead(200, { 'content-type': script ? 'text/javascript' : 'text/html' });
        res.end(script ? js : PAGE);
      });
      server = started;
      await new Promise<void>((resolve) => started.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(started.address() as AddressInfo).port}/`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });

    beforeEach(async () => {
      const page = await browser!.newPage(options.page); // a page in a context of its own
      current = page;
      if (options.clock) await page.clock.install();
      await page.goto(url);
      await page.waitForFunction((t) => customElements.get(t) !== undefined, tag);
    });

    afterEach(async () => {
      const page = current;
      current = undefined;
      await page?.context().close();
    });

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    });

    tests(ui);
  });
}
