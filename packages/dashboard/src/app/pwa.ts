/**
 * The page's side of the service worker (`sw.js` next to the page, scope: the dashboard's root): it is
 * registered at start (offline start, installing the app, web push), and a click on a notification
 * arrives here as a `placet:open` message naming the review to show.
 */

/** The worker's address and scope: next to the page, whatever path the host mounted the dashboard at. */
export function workerUrls(page: Pick<Location, 'href'>): { script: string; scope: string } {
  const scope = new URL('./', page.href).href;
  return { script: new URL('sw.js', scope).href, scope };
}

export function serviceWorkerSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && window.isSecureContext;
}

let registering: Promise<ServiceWorkerRegistration | undefined> | undefined;

/** Registers the worker once (later calls share the first); undefined where the browser has none. */
export function registerServiceWorker(): Promise<ServiceWorkerRegistration | undefined> {
  if (!serviceWorkerSupported()) return Promise.resolve(undefined);
  registering ??= (async () => {
    const { script, scope } = workerUrls(location);
    try {
      return await navigator.serviceWorker.register(script, { scope, updateViaCache: 'none' });
    } catch {
      registering = undefined;
      return undefined;
    }
  })();
  return registering;
}

/**
 * The active worker's registration, for push: registers it if needed and waits until it is active.
 * Rejects where service workers are unavailable.
 */
export async function activeRegistration(): Promise<ServiceWorkerRegistration> {
  if (!serviceWorkerSupported()) throw new Error('This browser has no service workers.');
  if (!(await registerServiceWorker())) throw new Error('The service worker could not be registered.');
  return navigator.serviceWorker.ready;
}

/**
 * Where a `placet:open` message leads: a same-document route (`#/inbox/<id>`) when `url` is this page
 * with another hash, a full navigation when it is another page of this origin, nothing otherwise.
 */
export function openAction(
  url: string,
  here: Pick<Location, 'origin' | 'pathname'>,
): { hash: string } | { assign: string } | null {
  let target: URL;
  try {
    target = new URL(url, `${here.origin}${here.pathname}`);
  } catch {
    return null;
  }
  if (target.origin !== here.origin) return null;
  if (target.pathname === here.pathname || target.pathname === `${here.pathname}index.html`) {
    return { hash: target.hash || '#/inbox' };
  }
  return { assign: target.href };
}

/** Follows the worker's `placet:open` messages (a notification was clicked). */
export function listenToServiceWorker(): void {
  if (!serviceWorkerSupported()) return;
  navigator.serviceWorker.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown; url?: unknown } | null;
    if (data?.type !== 'placet:open' || typeof data.url !== 'string') return;
    const action = openAction(data.url, location);
    if (!action) return;
    if ('hash' in action) {
      if (location.hash !== action.hash) location.hash = action.hash;
    } else {
      location.assign(action.assign);
    }
  });
  // Messages sent before this listener existed are held until now.
  navigator.serviceWorker.startMessages();
}
