import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type PushDevice,
  type PushService,
  startPushService,
  subscribeStubScript,
} from '@placet/test-utils/push-service';
import { type BrowserContext, chromium, type Page, type Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  CHROMIUM,
  CONTEXT_OPTIONS,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
  type HumanSession,
  humanSession,
  openAccountMenu,
  type PagePerTest,
  pagePerTest,
  SCREENSHOTS,
  signIn,
  watch,
} from './harness.js';

/**
 * The dashboard as an installable web app and its notifications, in Chromium against the built example
 * server: the manifest and service worker (installable, offline start, never the API from a cache), the
 * notification preferences in Settings, and web push end to end — "Notify me on this device" registers a
 * subscription whose push service is a stub on loopback that decrypts what the server sends; the service
 * worker shows it, and a click on it opens the review.
 */
const skip = browserUnavailable();

const approval = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve deploy' },
      { id: 'reject', label: 'Reject' },
    ],
  },
};

/** A port nobody listens on right now (the server is told it, so that PLACET_PUBLIC_URL can name it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function openSection(page: Page, section: string): Promise<void> {
  await page.locator('placet-app nav.views a[href="#/settings"]').click();
  await page.locator(`placet-settings nav a[data-section="${section}"]`).click();
  await page.locator(`placet-settings .content[data-section="${section}"]`).waitFor();
}

/** Waits until the page's service worker is active and controls it; returns that worker. */
async function controlledBy(page: Page): Promise<Worker> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const context = page.context();
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}

/** Every URL in the page's Cache Storage. */
const cachedUrls = (page: Page) =>
  page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });

describe.skipIf(skip)('dashboard: installable app, offline shell', { timeout: 90_000 }, () => {
  let w: DashboardWorld;
  beforeAll(async () => {
    w = await dashboardWorld();
    console.log(`[pwa tests] Chromium ${w.browser.version()}`);
  }, 90_000);
  afterAll(async () => w?.close());
  const pages = pagePerTest(() => w);

  it('has no installability errors: manifest with icons, a service worker that controls the page', async () => {
    // Chromium never offers to install from an incognito profile, which every `browser.newContext()` is:
    // this test runs in a profile on disk, as a person's browser would.
    const profile = mkdtempSync(join(tmpdir(), 'placet-pwa-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: ['--no-sandbox'],
      ...CONTEXT_OPTIONS,
    });
    try {
      const { page, requests, errors } = watch(context.pages()[0] ?? (await context.newPage()), pages.log);
      await page.goto(w.url);
      await page.getByLabel('Email').waitFor();
      await controlledBy(page);
      const cdp = await context.newCDPSession(page);
      const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
      expect(manifest.url).toBe(`${w.url}/placet-assets/manifest.webmanifest`);
      expect(manifest.errors).toEqual([]);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
      expect(requests).toContain(`${w.url}/placet-assets/manifest.webmanifest`);
      // What the page links for home screens and the browser's chrome.
      const head = await page.evaluate(() => ({
        theme: document.querySelector('meta[name="theme-color"]')?.getAttribute('content'),
        touch: (document.querySelector('link[rel="apple-touch-icon"]') as HTMLLinkElement | null)?.href,
      }));
      expect(head.theme).toMatch(/^#[0-9a-f]{6}$/i);
      const touch = await page.evaluate(async (href) => {
        const res = await fetch(href!);
        return { status: res.status, type: res.headers.get('content-type') };
      }, head.touch);
      expect(touch).toEqual({ status: 200, type: 'image/png' });
      // (The signed-out probe, `401 GET /api/v1/me`, is logged as a failed resource: not an error of the app.)
      expect(errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  it('says when the server has no notifiers, and how an admin enables them; no web push offered', async () => {
    const { page } = pages.ui;
    await openSection(page, 'notifications');
    const section = page.locator('placet-settings-notifications');
    const none = section.locator('[data-no-notifiers]');
    await none.waitFor();
    expect(await none.innerText()).toMatch(/no notifiers configured[\s\S]*SMTP_URL[\s\S]*WEBPUSH=on/);
    expect(await section.locator('[data-webpush]').count()).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-notifications-none.png') });
  });

  it('starts offline from its cached shell, and never answers the API from a cache', async () => {
    const { page } = pages.ui;
    await controlledBy(page);
    // A load under the worker's control: the page, its assets and its API calls all pass through it.
    await page.reload();
    await page.locator('placet-agent-list').waitFor();
    expect(await page.evaluate(() => fetch('/api/v1/me').then((r) => r.status))).toBe(200);
    const cached = await cachedUrls(page);
    // The page's script and style sheet, by their hashed names (whatever this build's are).
    const linked = await page.evaluate(() => [
      (document.querySelector('script[type="module"][src]') as HTMLScriptElement).src,
      (document.querySelector('link[rel="stylesheet"]') as HTMLLinkElement).href,
    ]);
    expect(linked[0]).toMatch(/\/placet-assets\/app-[0-9a-f]{12}\.js$/);
    expect(cached).toEqual(
      expect.arrayContaining([`${w.url}/`, ...linked, `${w.url}/placet-assets/icon-192.png`]),
    );
    expect(cached.filter((url) => /\/(api|socket\.io|ws)(\/|$)/.test(new URL(url).pathname))).toEqual([]);

    // The server goes away: the app still starts (its sign-in screen, since nobody can be asked), and the
    // API fails as the network does, never with a stale answer.
    await w.server.stop();
    await page.reload();
    await page.getByLabel('Email').waitFor();
    expect(await page.evaluate(() => customElements.get('placet-app') !== undefined)).toBe(true);
    expect(
      await page.evaluate(() =>
        fetch('/api/v1/me').then(
          (r) => `HTTP ${r.status}`,
          () => 'network error',
        ),
      ),
    ).toBe('network error');
    await page.screenshot({ path: join(SCREENSHOTS, 'pwa-offline-start.png') });
  });
});

describe.skipIf(skip)('dashboard: notification preferences and web push', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let push: PushService;
  /** The one browser subscription the pages get (see subscribeStubScript). */
  let device: PushDevice;
  let human: HumanSession;
  let publicUrl: string;

  beforeAll(async () => {
    push = await startPushService();
    device = push.newDevice();
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    w = await dashboardWorld({
      PORT: String(port),
      PLACET_PUBLIC_URL: publicUrl,
      WEBPUSH: 'on',
      WEBPUSH_ALLOW_HOSTS: '127.0.0.1',
      WEBPUSH_SUBJECT: 'mailto:owner@example.test',
    });
    console.log(`[pwa tests] Chromium ${w.browser.version()}`);
    human = await humanSession(w);
  }, 90_000);
  afterAll(async () => {
    await w?.close();
    await push?.close();
  });
  // Each test signs in its own page (set up before the dashboard loads): the fresh page of every test
  // stays signed out, or the sign-ins would run into the server's limit (10 a minute from one address).
  const pages: PagePerTest = pagePerTest(() => w, { signIn: false });

  /** A signed-in page in a context of its own, set up before the dashboard loads. */
  async function page(setup: (context: BrowserContext) => Promise<void>, options = {}) {
    const context = pages.track(await w.browser.newContext({ ...CONTEXT_OPTIONS, ...options }));
    await setup(context);
    const watched = watch(await context.newPage(), pages.log);
    await signIn(watched.page, w);
    return watched;
  }

  it('sets notifier, events, digest, quiet hours and time zone; the server has them; bad input is shown at its field', async () => {
    const { page: ui } = await page(async () => {}, { timezoneId: 'Asia/Tokyo' });
    await openSection(ui, 'notifications');
    const section = ui.locator('placet-settings-notifications');
    const webpush = section.locator('fieldset[data-notifier="webpush"]');
    await webpush.waitFor();
    const toggle = webpush.getByRole('switch', { name: 'Notify me by web push' });
    expect(await toggle.isChecked()).toBe(true);
    // Only the events the notifier reports are offered.
    const offered = (
      await human.request<{ available: { name: string; events: string[] }[] }>(
        'GET',
        '/notifications/preferences',
      )
    ).body.available.find((a) => a.name === 'webpush')!.events;
    expect(await webpush.locator('input[name="event"]').count()).toBe(offered.length);

    // New reviews and expiries only (whatever the notifier reports until the person chooses).
    await webpush.getByLabel('Reminder').uncheck();
    if (offered.includes('review.responded')) await webpush.getByLabel('Answered elsewhere').uncheck();
    await webpush.getByLabel('Expired').check();
    await webpush.getByLabel('Gather new reviews into a digest').check();
    await webpush.getByLabel('Digest every (minutes)').fill('15');
    await section.getByRole('switch', { name: 'Hold notifications during quiet hours' }).check();
    await section.getByLabel('From').fill('22:30');
    await section.getByLabel('Until').fill('06:45');
    // The server says UTC (nothing chosen yet); this browser's zone is offered.
    expect(await section.getByLabel('Time zone').inputValue()).toBe('UTC');
    await section.getByRole('button', { name: 'Use this device’s time zone (Asia/Tokyo)' }).click();
    expect(await section.getByLabel('Time zone').inputValue()).toBe('Asia/Tokyo');
    const form = section.locator('form[aria-label="Notification preferences"]');
    await form.getByRole('button', { name: 'Save notification settings' }).click();
    await expect.poll(() => form.locator('[role="status"]').innerText()).toBe('Saved.');

    const stored = async () => (await human.request('GET', '/notifications/preferences')).body;
    expect(await stored()).toMatchObject({
      timeZone: 'Asia/Tokyo',
      quietHours: { start: '22:30', end: '06:45' },
      notifiers: { webpush: { enabled: true, digestMinutes: 15 } },
    });
    const events = ((await stored()) as { notifiers: { webpush: { events: string[] } } }).notifiers.webpush
      .events;
    expect([...events].sort()).toEqual(['review.created', 'review.expired']);
    await ui.screenshot({ path: join(SCREENSHOTS, 'settings-notifications.png') });

    // Bad input: the server's messages appear next to their fields, which are marked invalid; nothing is
    // stored.
    await section.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await webpush.getByLabel('Digest every (minutes)').fill('2');
    await section.getByLabel('Until').fill('22:30');
    await form.getByRole('button', { name: 'Save notification settings' }).click();
    const zoneError = section.locator('[data-error-for="timeZone"]');
    await zoneError.waitFor();
    expect(await zoneError.innerText()).toMatch(/IANA time zone/);
    expect(await section.getByLabel('Time zone').getAttribute('aria-invalid')).toBe('true');
    expect(await section.getByLabel('Time zone').getAttribute('aria-describedby')).toContain(
      'error-timeZone',
    );
    const digestError = webpush.locator('[data-error-for="notifiers.webpush.digestMinutes"]');
    await digestError.waitFor();
    expect(await webpush.getByLabel('Digest every (minutes)').getAttribute('aria-invalid')).toBe('true');
    expect(await section.locator('[data-error-for="quietHours.end"]').innerText()).toMatch(/differ/);
    // The alert above the button only points at them.
    expect(await form.getByRole('alert').innerText()).toMatch(/Not saved: correct the fields marked above/);
    await ui.screenshot({ path: join(SCREENSHOTS, 'settings-notifications-errors.png') });
    expect(await stored()).toMatchObject({
      timeZone: 'Asia/Tokyo',
      notifiers: { webpush: { digestMinutes: 15 } },
    });

    // Switched off, saved: the errors go, the server has it; a reload shows what is stored.
    await section.getByLabel('Time zone').fill('Europe/Berlin');
    await webpush.getByLabel('Gather new reviews into a digest').uncheck();
    await section.getByRole('switch', { name: 'Hold notifications during quiet hours' }).uncheck();
    await toggle.uncheck();
    await form.getByRole('button', { name: 'Save notification settings' }).click();
    await expect.poll(() => form.locator('[role="status"]').innerText()).toBe('Saved.');
    expect(await section.locator('[data-error-for]').count()).toBe(0);
    expect(await stored()).toMatchObject({
      timeZone: 'Europe/Berlin',
      quietHours: null,
      notifiers: { webpush: { enabled: false, digestMinutes: null } },
    });
    await ui.reload();
    await ui.locator('placet-settings-notifications fieldset[data-notifier="webpush"]').waitFor();
    expect(await section.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin');
    expect(await toggle.isChecked()).toBe(false);
  });

  it('says so when notifications are not allowed, and registers nothing', async () => {
    // No permission granted: headless Chromium answers the request itself, without a prompt.
    const { page: ui } = await page(async (context) => {
      await context.addInitScript(subscribeStubScript(device));
    });
    await openSection(ui, 'notifications');
    const devices = ui.locator('placet-push-devices');
    await devices.locator('[data-no-devices]').waitFor();
    await devices.getByRole('button', { name: 'Notify me on this device' }).click();
    const alert = devices.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/not allowed|blocked/);
    expect((await human.request<unknown[]>('GET', '/plugins/webpush/subscriptions')).body).toEqual([]);
  });

  it('pushes a new review to this device; the worker shows it; a click opens the review; a gone device is removed', async () => {
    await human.request('PUT', '/notifications/preferences', {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: { webpush: { enabled: true, events: ['review.created'], digestMinutes: null } },
    });
    const { page: ui } = await page(async (context) => {
      await context.grantPermissions(['notifications'], { origin: w.url });
      await context.addInitScript(subscribeStubScript(device));
    });
    const worker = await controlledBy(ui);
    await openSection(ui, 'notifications');
    const devices = ui.locator('placet-push-devices');
    await devices.getByRole('button', { name: 'Notify me on this device' }).click();
    const mine = devices.locator('tr[data-this-device="true"]');
    await mine.waitFor();
    expect(await mine.innerText()).toMatch(/Headless Chrome on Linux[\s\S]*this device/);
    await ui.screenshot({ path: join(SCREENSHOTS, 'settings-push-device.png') });

    // The browser subscribed with the server's key, for visible notifications only.
    const { publicKey } = (await human.request<{ publicKey: string }>('GET', '/plugins/webpush/config')).body;
    expect(await ui.evaluate(() => (window as unknown as { __placetPushKey: string }).__placetPushKey)).toBe(
      publicKey,
    );
    expect(
      await ui.evaluate(
        () => (window as unknown as { __placetPushUserVisibleOnly: boolean }).__placetPushUserVisibleOnly,
      ),
    ).toBe(true);
    const listed = (
      await human.request<{ id: string; device: string; endpointOrigin: string }[]>(
        'GET',
        '/plugins/webpush/subscriptions',
      )
    ).body;
    expect(listed).toEqual([
      expect.objectContaining({ device: 'Headless Chrome on Linux', endpointOrigin: push.origin }),
    ]);
    expect(JSON.stringify(listed)).not.toContain(device.keys.auth);

    // An agent asks: the push service gets an encrypted push, signed with the server's VAPID key.
    const channelId = await createAgent(w, 'Deploy bot');
    const asked = await w.agent<{ id: string }>('POST', '/messages', {
      channelId,
      text: 'Ship **1.4** to production?',
      review: approval,
    });
    expect(asked.status).toBe(201);
    const reviewId = asked.body.id;
    // A push that fails a check (VAPID, encryption, headers) lands in `problems`, not `received`.
    await expect.poll(() => push.received.length + push.problems.length, { timeout: 30_000 }).toBe(1);
    expect(push.problems).toEqual([]);
    const first = push.received[0]!;
    expect(first.endpoint).toBe(device.endpoint);
    expect(first.headers['content-encoding']).toBe('aes128gcm');
    expect(Number(first.headers.ttl)).toBeGreaterThan(0);
    expect(first.vapid.publicKey).toBe(publicKey);
    expect(first.vapid.claims).toMatchObject({
      aud: push.origin,
      sub: expect.stringMatching(/^(mailto:|https:)/),
    });
    expect(first.vapid.claims.exp! * 1000).toBeGreaterThan(Date.now());
    const payload = first.payload as {
      title: string;
      body: string;
      url: string;
      reviewId: string;
      tag: string;
    };
    expect(payload).toMatchObject({
      title: 'Deploy bot',
      body: expect.stringContaining('Ship 1.4 to production?'),
      reviewId,
      kind: 'review.created',
      url: `${publicUrl}/#/inbox/${reviewId}`,
      actions: [
        { action: 'open:approve', title: 'Approve deploy' },
        { action: 'open:reject', title: 'Reject' },
      ],
    });

    // The worker gets that payload as a push (the stub cannot reach the browser: it is handed over here)
    // and shows it. The worker's handler swallows a failed showNotification (a device must not lose its
    // worker over one push): the test records such failures, so a failure says why nothing was shown.
    const refused = await worker.evaluate((data) => {
      const registration = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
      const failures: string[] = [];
      const show = registration.showNotification.bind(registration);
      registration.showNotification = (title, options) =>
        show(title, options).catch((error: unknown) => {
          failures.push(String(error));
          throw error;
        });
      const Push = (
        globalThis as unknown as { PushEvent: new (type: string, init: { data: string }) => Event }
      ).PushEvent;
      self.dispatchEvent(new Push('push', { data }));
      return new Promise<string[]>((resolve) => setTimeout(() => resolve(failures), 500));
    }, JSON.stringify(payload));
    expect(refused).toEqual([]);
    const shown = () =>
      worker.evaluate(async (tag) => {
        const registration = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
        return (await registration.getNotifications({ tag })).map((n) => ({
          title: n.title,
          body: n.body,
          data: n.data as unknown,
        }));
      }, payload.tag);
    await expect.poll(shown).toEqual([
      {
        title: 'Deploy bot',
        body: payload.body,
        data: { url: payload.url, reviewId, kind: 'review.created' },
      },
    ]);

    // A click on its "Approve deploy" action opens the review in the open dashboard (it answers nothing).
    expect(await ui.evaluate(() => location.hash)).toBe('#/settings/notifications');
    await worker.evaluate(async (tag) => {
      const registration = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
      const [notification] = await registration.getNotifications({ tag });
      const Click = (
        globalThis as unknown as {
          NotificationEvent: new (
            type: string,
            init: { notification: Notification; action: string },
          ) => Event;
        }
      ).NotificationEvent;
      self.dispatchEvent(
        new Click('notificationclick', { notification: notification!, action: 'open:approve' }),
      );
    }, payload.tag);
    await expect.poll(() => ui.evaluate(() => location.hash)).toBe(`#/inbox/${reviewId}`);
    await ui.locator(`placet-inbox .detail placet-message[data-id="${reviewId}"]`).waitFor();
    await expect.poll(shown).toEqual([]);
    expect(
      (await w.agent<{ review: { status: string } }>('GET', `/reviews/${reviewId}?channel=${channelId}`)).body
        .review.status,
    ).toBe('pending');
    await ui.screenshot({ path: join(SCREENSHOTS, 'push-click-opens-review.png') });

    // The push service says the subscription is gone (410): the server forgets the device.
    push.answer = 410;
    const again = await w.agent('POST', '/messages', { channelId, text: 'And 1.5?', review: approval });
    expect(again.status).toBe(201);
    await expect.poll(() => push.received.length + push.problems.length, { timeout: 30_000 }).toBe(2);
    expect(push.problems).toEqual([]);
    expect(push.received[1]!.status).toBe(410);
    await expect
      .poll(async () => (await human.request<unknown[]>('GET', '/plugins/webpush/subscriptions')).body)
      .toEqual([]);
    await openSection(ui, 'notifications');
    await devices.getByRole('button', { name: 'Refresh devices' }).click();
    await devices.locator('[data-no-devices]').waitFor();
    expect(await devices.locator('tr[data-device-id]').count()).toBe(0);
    // This browser's subscription is ended too, and it is offered again.
    await devices.getByRole('button', { name: 'Notify me on this device' }).waitFor();
    expect(
      await ui.evaluate(
        () => (window as unknown as { __placetPushUnsubscribed?: number }).__placetPushUnsubscribed ?? 0,
      ),
    ).toBeGreaterThan(0);
  });

  it('removes a device from the list', async () => {
    const { page: ui } = await page(async (context) => {
      await context.grantPermissions(['notifications'], { origin: w.url });
      await context.addInitScript(subscribeStubScript(device));
    });
    await openSection(ui, 'notifications');
    const devices = ui.locator('placet-push-devices');
    await devices.getByRole('button', { name: 'Notify me on this device' }).click();
    const row = devices.locator('tr[data-this-device="true"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Remove device Headless Chrome on Linux' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await human.request<unknown[]>('GET', '/plugins/webpush/subscriptions')).body).toEqual([]);
  });

  /** This browser's subscription: subscribed in Settings, shown as "this device"; returns its id. */
  async function subscribeHere(ui: Page): Promise<string> {
    await openSection(ui, 'notifications');
    const devices = ui.locator('placet-push-devices');
    await devices.getByRole('button', { name: 'Notify me on this device' }).click();
    const mine = devices.locator('tr[data-this-device="true"]');
    await mine.waitFor();
    return (await mine.getAttribute('data-device-id'))!;
  }
  const deviceIds = async () =>
    (await human.request<{ id: string }[]>('GET', '/plugins/webpush/subscriptions')).body.map((d) => d.id);
  const unsubscribed = (ui: Page) =>
    ui.evaluate(
      () => (window as unknown as { __placetPushUnsubscribed?: number }).__placetPushUnsubscribed ?? 0,
    );
  /** What this browser remembers of its subscriptions (`placet:webpush:subscription:<userId>` → id). */
  const remembered = (ui: Page) =>
    ui.evaluate(() =>
      Object.fromEntries(
        Object.keys(localStorage)
          .filter((key) => key.startsWith('placet:webpush:subscription'))
          .map((key) => [key, localStorage.getItem(key)]),
      ),
    );

  it('signing out removes this device on the server and ends the browser’s subscription', async () => {
    const { page: ui } = await page(async (context) => {
      await context.grantPermissions(['notifications'], { origin: w.url });
      await context.addInitScript(subscribeStubScript(device));
    });
    const id = await subscribeHere(ui);
    expect(await deviceIds()).toEqual([id]);
    // Remembered for this user only: another person signing in on this browser never takes it over.
    const me = (await human.request<{ user: { id: string } }>('GET', '/me')).body.user.id;
    expect(await remembered(ui)).toEqual({ [`placet:webpush:subscription:${me}`]: id });
    expect(await unsubscribed(ui)).toBe(0);

    await openAccountMenu(ui);
    await ui.locator('placet-app').getByRole('button', { name: 'Sign out' }).click();
    await ui.getByLabel('Email').waitFor();
    // Another session of the same person sees that the device is gone: nothing is pushed to this browser.
    expect(await deviceIds()).toEqual([]);
    expect(await unsubscribed(ui)).toBe(1);
    expect(await remembered(ui)).toEqual({});
  });

  it('a session ended elsewhere ends the browser’s subscription too', async () => {
    const { page: ui } = await page(async (context) => {
      await context.grantPermissions(['notifications'], { origin: w.url });
      await context.addInitScript(subscribeStubScript(device));
    });
    const id = await subscribeHere(ui);
    // The page's session is signed out from elsewhere (its cookie, over HTTP): the dashboard finds it gone.
    const cookie = (await ui.context().cookies(w.url)).map((c) => `${c.name}=${c.value}`).join('; ');
    const out = await fetch(`${w.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'X-Requested-With': 'placet-test', 'Content-Type': 'application/json' },
      body: '{}',
    });
    await out.arrayBuffer();
    expect(out.status).toBeLessThan(300);
    await ui.getByLabel('Email').waitFor();
    // Without the session it cannot be removed on the server; the browser's subscription ends, so the
    // push service refuses the next push, and the server drops the device then.
    await expect.poll(() => unsubscribed(ui)).toBe(1);
    expect(await remembered(ui)).toEqual({});
    await human.request('DELETE', `/plugins/webpush/subscriptions/${id}`);
  });

  it('had no uncaught errors in any of its pages', () => {
    expect(pages.log.errors.filter((e) => !/Failed to load resource/.test(e))).toEqual([]);
    expect(pages.log.dialogs).toEqual([]);
  });
});
