import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type Frame,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterEach, beforeEach } from 'vitest';
import { axeViolations } from '../../../../packages/dashboard/test/browser-checks.js';
import { REPO_ROOT, type RunningServer, startServer } from '../server-process.js';

/** Debian's Chromium (`apt-get install -y chromium`), or PLACET_CHROMIUM. */
export const CHROMIUM = process.env.PLACET_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or undefined when they can. Without Chromium they skip locally
 * (printing why); with CI set a missing browser is a failure, never a silent skip.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `Chromium is not installed at ${CHROMIUM} (apt-get install -y chromium, or set PLACET_CHROMIUM)`;
  if (process.env.CI) throw new Error(`${reason}: the dashboard tests must run in CI`);
  console.warn(`[dashboard tests skipped] ${reason}`);
  return reason;
}

/** Screenshots go here (ignored by git): `test-output/dashboard/*.png` at the repository root. */
export const SCREENSHOTS = join(REPO_ROOT, 'test-output', 'dashboard');

export interface DashboardWorld {
  server: RunningServer;
  url: string;
  browser: Browser;
  email: string;
  password: string;
  /** The owner's API key: the "agent" of these tests. */
  key: string;
  /** Sends a request as the agent. */
  agent<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function dashboardWorld(env: Record<string, string> = {}): Promise<DashboardWorld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'placet-dashboard-test-'));
  const email = 'owner@example.test';
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const key = `hp_${randomBytes(24).toString('hex')}`;
  const server = await startServer({
    dataDir,
    env: {
      INITIAL_USER_EMAIL: email,
      INITIAL_USER_PASSWORD: password,
      PLACET_API_KEY: key,
      PLACET_TEST_HOOKS: '1',
      THROTTLE_LIMIT: '0',
      ...env,
    },
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  announce(browser);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    server,
    url: server.url,
    browser,
    email,
    password,
    key,
    async agent<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    },
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let announced = false;

/** Prints the browser's version once per test process, so a run's log says what it ran against. */
function announce(browser: Browser): void {
  if (announced) return;
  announced = true;
  console.log(`[dashboard tests] Chromium ${browser.version()} (${CHROMIUM})`);
}

/** What pages saw: one page's, or every page of a test file's (see `pagePerTest`). */
export interface PageLog {
  /** Dialogs (alert/confirm/prompt) the page tried to open. */
  dialogs: string[];
  /** Uncaught errors and console errors of the page. */
  errors: string[];
  /** Every URL the page requested. */
  requests: string[];
  /**
   * Answers of 400 and above (`<status> <method> <path>`), except the signed-out probe of the sign-in
   * screen (`401 GET /api/v1/me`): an API error the dashboard ran into.
   */
  failures: string[];
}

export const emptyLog = (): PageLog => ({ dialogs: [], errors: [], requests: [], failures: [] });

/** A page and what it saw. */
export interface Watched extends PageLog {
  page: Page;
}

/** The options of every test context: the viewport the screenshots are made at. */
export const CONTEXT_OPTIONS = { viewport: { width: 1280, height: 860 } } as const;

/** A phone (an iPhone 12–15's viewport, touch): the dashboard in one column. */
export const PHONE_OPTIONS = {
  viewport: { width: 390, height: 844 },
  isMobile: true,
  hasTouch: true,
} as const;

/** Records what `page` sees into its own log and, when given, into `shared` too. */
export function watch(page: Page, shared?: PageLog): Watched {
  const watched: Watched = { page, ...emptyLog() };
  const record = (field: keyof PageLog, entry: string) => {
    watched[field].push(entry);
    shared?.[field].push(entry);
  };
  page.on('response', (response) => {
    if (response.status() < 400) return;
    const { pathname } = new URL(response.url());
    const line = `${response.status()} ${response.request().method()} ${pathname}`;
    if (line !== '401 GET /api/v1/me') record('failures', line);
  });
  page.on('dialog', (dialog) => {
    record('dialogs', `${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => record('errors', error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') record('errors', message.text());
  });
  page.on('request', (request) => record('requests', request.url()));
  return watched;
}

export interface OpenOptions {
  /** Also record into this log (a file's log, so its last test can check every page). */
  log?: PageLog;
  /** The browser context's options (default {@link CONTEXT_OPTIONS}: a desk). */
  context?: typeof CONTEXT_OPTIONS | typeof PHONE_OPTIONS;
  /** Permissions granted to the dashboard's origin before the page loads. */
  permissions?: string[];
}

/** A fresh browser context and page that records dialogs, errors and requests. The caller closes it. */
export async function openPage(world: DashboardWorld, options: OpenOptions = {}): Promise<Watched> {
  const context = await world.browser.newContext(options.context ?? CONTEXT_OPTIONS);
  if (options.permissions?.length) {
    await context.grantPermissions(options.permissions, { origin: world.url });
  }
  return watch(await context.newPage(), options.log);
}

export interface PagePerTest {
  /** The current test's page, fresh (its own browser context) and signed in unless told otherwise. */
  readonly ui: Watched;
  /** Everything every page of this file saw, for a last "no uncaught errors" test. */
  readonly log: PageLog;
  /** Another fresh page (its own context) for this test; closed after it, like `ui`. */
  open(options?: { signIn?: boolean; context?: OpenOptions['context'] }): Promise<Watched>;
  /** A context the test made itself: closed after the test, whatever happens. */
  track(context: BrowserContext): BrowserContext;
}

/**
 * Gives every test of the calling `describe` a fresh page in a fresh browser context (`beforeEach`) and
 * closes every context the test opened (`afterEach`), so that a dialog left open, a half-typed form or a
 * dead socket of one test can never make the next one fail. A failed test leaves a screenshot
 * (`failed-<test>.png`). `setup` runs on each fresh page after sign-in (opening a chat, say).
 */
export function pagePerTest(
  world: () => DashboardWorld,
  options: { signIn?: boolean; permissions?: string[]; setup?: (ui: Watched) => Promise<void> } = {},
): PagePerTest {
  const log = emptyLog();
  let current: Watched | undefined;
  let contexts: BrowserContext[] = [];
  const open = async ({
    signIn: signedIn = options.signIn ?? true,
    context,
  }: {
    signIn?: boolean;
    context?: OpenOptions['context'];
  } = {}) => {
    const watched = await openPage(world(), {
      log,
      ...(options.permissions ? { permissions: options.permissions } : {}),
      ...(context ? { context } : {}),
    });
    contexts.push(watched.page.context());
    if (signedIn) await signIn(watched.page, world());
    return watched;
  };
  beforeEach(async () => {
    current = await open();
    await options.setup?.(current);
  });
  afterEach(async (context) => {
    const failed = context.task.result?.state === 'fail';
    if (failed && current && !current.page.isClosed()) {
      const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
      await current.page.screenshot({ path: join(SCREENSHOTS, `failed-${name}.png`) }).catch(() => {});
    }
    const closing = contexts;
    contexts = [];
    current = undefined;
    await Promise.all(closing.map((c) => c.close().catch(() => {})));
  });
  return {
    get ui() {
      if (!current) throw new Error('pagePerTest: no page outside a test');
      return current;
    },
    log,
    open,
    track(context) {
      contexts.push(context);
      return context;
    },
  };
}

/** The session each world's pages share once one of them signed in through the form (see `signIn`). */
const sessions = new WeakMap<DashboardWorld, Awaited<ReturnType<BrowserContext['cookies']>>>();

/**
 * Signs in and waits for the agent list and the live socket: what an agent sends from then on reaches the
 * page as an event (a fresh page whose socket is still connecting would miss it). The first page of a world
 * signs in through the dashboard's form; later pages reuse that session's cookies (the server throttles
 * sign-ins to 10 a minute), and fall back to the form when that session has ended (a sign-out, a password
 * change).
 */
export async function signIn(page: Page, world: DashboardWorld): Promise<void> {
  const saved = sessions.get(world);
  let viaForm = !saved;
  if (saved) {
    await page.context().addCookies(saved);
    await page.goto(world.url);
    const signedIn = page.locator('placet-agent-list');
    const form = page.getByLabel('Email');
    await Promise.race([signedIn.waitFor({ state: 'attached' }), form.waitFor()]);
    viaForm = !(await signedIn.count());
  }
  if (viaForm) {
    if (!saved) await page.goto(world.url);
    await page.getByLabel('Email').fill(world.email);
    await page.getByLabel('Password').fill(world.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('placet-agent-list').waitFor();
    sessions.set(world, await page.context().cookies(world.url));
  }
  await page.locator('placet-agent-list').waitFor();
  await page.locator('[data-connection="open"]').waitFor({ state: 'attached' });
}

/**
 * Signs `page` in at a size: `desk` (1280×800) resizes a page of any context; `phone` expects a page of a
 * {@link PHONE_OPTIONS} context.
 */
export async function signInAt(page: Page, world: DashboardWorld, size: 'phone' | 'desk'): Promise<Page> {
  if (size === 'desk') await page.setViewportSize({ width: 1280, height: 800 });
  await signIn(page, world);
  return page;
}

export interface HumanSession {
  /** Sends a request as the human (with the CSRF header the server wants on changes). */
  request<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
}

/** Signs the world's owner in over HTTP; `path`s of `request` are under `/api/v1`. */
export async function humanSession(world: DashboardWorld): Promise<HumanSession> {
  const login = await fetch(`${world.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: world.email, password: world.password }),
    signal: AbortSignal.timeout(30_000),
  });
  await login.arrayBuffer();
  if (login.status !== 200) throw new Error(`signing in over HTTP: ${login.status}`);
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  return {
    async request<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(`${world.url}/api/v1${path}`, {
        method,
        headers: {
          cookie,
          ...(method === 'GET' ? {} : { 'X-Requested-With': 'placet-test' }),
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
    },
  };
}

/** Creates a channel as the agent and returns its id. */
export async function createAgent(world: DashboardWorld, name: string): Promise<string> {
  const res = await world.agent<{ id: string }>('POST', '/agents', { name });
  if (res.status !== 201)
    throw new Error(`creating agent ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/**
 * Opens a chat by clicking its entry in the agent list, and waits until it has loaded its latest
 * messages (it then shows the beginning of the conversation, "Load older messages" or "No messages
 * yet"): a message an agent sends while that first page is still loading can be lost from the view.
 */
export async function openChat(page: Page, channelId: string): Promise<void> {
  await page.locator(`placet-agent-list a[data-agent="${channelId}"]`).click();
  // The route first, so that the previous chat's (already loaded) feed cannot answer for this one.
  await page.waitForFunction((id) => location.hash === `#/chats/${id}`, channelId);
  await page.locator('placet-chat .feed > .edge').first().waitFor();
}

/** An approval review with "Approve <label>" (`approve`) and "Reject" (`reject`). */
export const approvalReview = (label: string) => ({
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: `Approve ${label}` },
      { id: 'reject', label: 'Reject' },
    ],
  },
});

/** Opens the account menu of the top bar (notifications, theme, password, sign out). */
export async function openAccountMenu(page: Page): Promise<void> {
  const menu = page.locator('placet-app details.account');
  if (!(await menu.evaluate((el) => (el as HTMLDetailsElement).open))) {
    await menu.locator('summary').click();
  }
}

/** The bubble of message `id` (inside the chat's shadow root; Playwright's CSS pierces open shadow roots). */
export const bubble = (page: Page | Frame, id: string) => page.locator(`placet-message[data-id="${id}"]`);

/**
 * Presses Tab until the focused element (through shadow roots) matches `selector` inside the element
 * `within`; throws after `max` presses. Proves a control is reachable with the keyboard alone.
 */
export async function tabTo(page: Page, selector: string, max = 120): Promise<void> {
  const matches = () =>
    page.evaluate((sel) => {
      let active: Element | null = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.matches(sel) ?? false;
    }, selector);
  if (await matches()) return;
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await matches()) return;
  }
  throw new Error(`"${selector}" was not reached with ${max} Tab presses`);
}

/** The text an element shows, including its shadow root (a review widget renders into one). */
export async function shadowText(locator: Locator): Promise<string> {
  return locator.evaluate((el) => {
    const root = el.shadowRoot ?? el;
    return Array.from(root.children)
      .filter((child) => child.localName !== 'style')
      .map((child) => (child as HTMLElement).innerText)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
  });
}

/** Whether the focused element (through shadow roots) lies inside a `<tag>` element's shadow root. */
export async function focusInside(page: Page, tag: string): Promise<boolean> {
  return page.evaluate((name) => {
    let active: Element | null = document.activeElement;
    let inside = false;
    while (active?.shadowRoot?.activeElement) {
      if (active.localName === name) inside = true;
      active = active.shadowRoot.activeElement;
    }
    return inside;
  }, tag);
}

/** The focused element's description, through shadow roots (for failure messages). */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let active: Element | null = document.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active
      ? `${active.localName}${active.getAttribute('name') ? `[name=${active.getAttribute('name')}]` : ''}`
      : 'none';
  });
}

/** How far the page scrolls sideways: 0 when nothing overflows the viewport. */
export const sidewaysOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** axe-core's serious and critical violations on the page as it is now. */
export const seriousAxe = async (page: Page) =>
  (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
