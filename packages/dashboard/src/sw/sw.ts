/**
 * The dashboard's service worker (`<dashboard root>/sw.js`, scope: the dashboard's root). It keeps the app
 * shell for an offline start, shows web pushes as notifications, and opens the review a notification is
 * about. It never answers the API, Socket.IO or the WebSocket: those always go to the network untouched.
 *
 * Bundled as a classic script (tsup, `dist/sw/sw.js`); the handler fills in the build's version, so a new
 * build installs a new worker that drops the old shell.
 */
import {
  clickTarget,
  installCacheMode,
  isDashboardPage,
  notificationFromPush,
  type OpenMessage,
  shellOf,
  shellRequest,
} from './sw-logic.js';

// The worker's own types (the DOM library the rest of the package compiles against has none of them).
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Response | Promise<Response>): void;
}
interface PushEvent extends ExtendableEvent {
  readonly data: { text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  readonly action: string;
  readonly notification: { readonly data: unknown; close(): void };
}
interface WindowClient {
  readonly url: string;
  readonly focused: boolean;
  readonly visibilityState: string;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface WorkerScope {
  readonly registration: ServiceWorkerRegistration;
  readonly location: Location;
  readonly clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
}

const worker = self as unknown as WorkerScope;
/** Replaced by the handler with a hash of the built app. */
const VERSION = '__PLACET_BUILD__';
/** Replaced by the handler with the names of the assets the page links (hashed names included). */
const SHELL = shellOf('__PLACET_SHELL__');
const PREFIX = 'placet-shell-';
const CACHE = `${PREFIX}${VERSION}`;
const scope = (): string => worker.registration.scope;

/**
 * `event.waitUntil(work)`, tolerating events the worker did not get from the browser: a synthetic event
 * (a test's `dispatchEvent`) is untrusted, and its `waitUntil` throws. The work runs either way.
 */
function keep(event: ExtendableEvent, work: Promise<unknown>): void {
  const quiet = work.catch(() => undefined);
  try {
    event.waitUntil(quiet);
  } catch {
    // Untrusted or already dispatched: nothing to extend.
  }
}

worker.addEventListener('install', (event) => {
  keep(
    event,
    (async () => {
      const cache = await caches.open(CACHE);
      // One by one: a missing icon must not cost the worker its install (and the device its pushes).
      await Promise.all(
        SHELL.map(async (path) => {
          const url = new URL(path, scope()).href;
          const mode = installCacheMode(path);
          const response = await fetch(new Request(url, { cache: mode, credentials: 'same-origin' }));
          // A host that signs people in may redirect the page to its login: that is no shell to keep.
          if (response.status === 200 && !response.redirected) await cache.put(url, response);
        }).map((p) => p.catch(() => undefined)),
      );
      await worker.skipWaiting();
    })(),
  );
});

worker.addEventListener('activate', (event) => {
  keep(
    event,
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await worker.clients.claim();
    })(),
  );
});

/** The network's answer (kept for next time when it is a whole 200), else the cached copy when offline. */
async function networkFirst(request: Request, key: string): Promise<Response> {
  try {
    const response = await fetch(request);
    if (response.status === 200 && response.type === 'basic' && !response.redirected) {
      const copy = response.clone();
      void caches
        .open(CACHE)
        .then((cache) => cache.put(key, copy))
        .catch(() => undefined);
    }
    return response;
  } catch (error) {
    const cached = await caches.match(key, { cacheName: CACHE });
    if (cached) return cached;
    throw error;
  }
}

worker.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || request.headers.has('range')) return;
  const url = new URL(request.url);
  const kind = shellRequest(url, scope(), SHELL);
  if (!kind) return; // the network, as if there were no worker
  const key = kind === 'page' ? new URL('', scope()).href : `${url.origin}${url.pathname}`;
  event.respondWith(networkFirst(request, key));
});

worker.addEventListener('push', (event) => {
  let data: string | null = null;
  try {
    data = event.data ? event.data.text() : null;
  } catch {
    data = null;
  }
  const max = (Notification as unknown as { maxActions?: number }).maxActions ?? 2;
  const { title, options } = notificationFromPush(data, scope(), max);
  keep(event, worker.registration.showNotification(title, options as NotificationOptions));
});

/** Shows `url` in an open dashboard page (focused first), or opens one. */
async function open(url: string): Promise<void> {
  const all = await worker.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const pages = all.filter((c) => isDashboardPage(c.url, scope()));
  const page = pages.find((c) => c.focused) ?? pages.find((c) => c.visibilityState === 'visible') ?? pages[0];
  if (!page) {
    await worker.clients.openWindow(url);
    return;
  }
  try {
    await page.focus();
  } catch {
    // Focus needs the click's user activation (a synthetic click has none): the page still navigates.
  }
  const message: OpenMessage = { type: 'placet:open', url };
  page.postMessage(message);
}

worker.addEventListener('notificationclick', (event) => {
  // An action (e.g. "Approve…") opens the same review: the human answers in the dashboard, never here.
  event.notification.close();
  const data = event.notification.data as { url?: unknown; reviewId?: unknown } | null;
  keep(event, open(clickTarget(data, scope())));
});
