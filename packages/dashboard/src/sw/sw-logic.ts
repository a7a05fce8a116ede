/**
 * The decisions of the dashboard's service worker, as pure functions (unit-tested): which requests it may
 * answer from its cache, what a push becomes on screen, and where a click on a notification leads.
 */

/** Where the shell's assets are, under the dashboard's root (the handler's `placet-assets`). */
export const ASSETS_DIR = 'placet-assets/';

/**
 * The part of the app shell whose names never change, relative to the dashboard's root: the page, its
 * icon and manifest, and the icon notifications show. (The larger icons are for installing, which needs
 * the network anyway: not fetched twice.) The rest (the script and the style sheet, named by their
 * content's hash) is what the page links, which the handler writes into the worker: see {@link shellOf}.
 */
export const SHELL = [
  '',
  `${ASSETS_DIR}favicon.svg`,
  `${ASSETS_DIR}manifest.webmanifest`,
  `${ASSETS_DIR}icon-192.png`,
] as const;

/** A name with its content's hash (the handler's `HASHED_NAME`): its content never changes. */
const HASHED = /-[0-9a-f]{12}\.(?:js|css)$/;

/**
 * The app shell, enough to start the app without a network: {@link SHELL} and `linked`, the names of the
 * assets the page links, space-separated (what the handler fills in for `__PLACET_SHELL__`).
 */
export function shellOf(linked: string): string[] {
  const names = linked.split(' ').filter((name) => /^[\w-]+(?:\.[\w-]+)+$/.test(name));
  return [...new Set([...SHELL, ...names.map((name) => `${ASSETS_DIR}${name}`)])];
}

/**
 * How the worker fetches a shell file at install: a hashed name from the HTTP cache when it is there (the
 * page has just loaded it, and its content cannot have changed), any other revalidated with the server.
 */
export function installCacheMode(path: string): RequestCache {
  return HASHED.test(path) ? 'default' : 'no-cache';
}

/** Path segments that are never cached nor answered from a cache, wherever the dashboard is mounted. */
const NETWORK_ONLY = /(^|\/)(api|socket\.io|ws)(\/|$)/;

/**
 * What the worker answers for a GET of `url` (with `scope` its registration's scope, ending in `/`):
 * `'page'` (the dashboard's page: network first, the cached shell when offline), `'asset'` (one of
 * `shell`, see {@link shellOf}: network first, its cached copy when offline), or `null`: not touched, the browser goes to the
 * network as if there were no worker. The API, Socket.IO and the WebSocket are always `null`.
 */
export function shellRequest(
  url: URL,
  scope: string,
  shell: readonly string[] = SHELL,
): 'page' | 'asset' | null {
  const root = new URL(scope);
  if (url.origin !== root.origin) return null;
  if (!url.pathname.startsWith(root.pathname)) return null;
  const rest = url.pathname.slice(root.pathname.length);
  if (NETWORK_ONLY.test(url.pathname)) return null;
  if (rest === '' || rest === 'index.html') return 'page';
  if (!rest.startsWith(ASSETS_DIR) || rest.endsWith('.map')) return null;
  return shell.includes(rest) ? 'asset' : null;
}

/** A notification button, as the push payload names it. */
export interface PushAction {
  action: string;
  title: string;
}

/** The JSON a Placet web push carries. */
export interface PushPayload {
  title?: string;
  body?: string;
  tag?: string;
  url?: string;
  reviewId?: string;
  kind?: string;
  actions?: PushAction[];
}

/** What `showNotification` gets (the fields Chromium, Firefox and Safari share). */
export interface NotificationSpec {
  title: string;
  options: {
    body: string;
    tag?: string;
    icon: string;
    badge: string;
    data: { url: string; reviewId: string | null; kind: string | null };
    actions?: PushAction[];
  };
}

const text = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.trim() ? value.trim().slice(0, max) : undefined;

/**
 * Reads a push's data (JSON; plain text is taken as the body) into a notification. Whatever the payload
 * says, the notification's URL stays on this dashboard (see {@link clickTarget}).
 */
export function notificationFromPush(data: string | null, scope: string, maxActions = 2): NotificationSpec {
  let payload: PushPayload = {};
  if (data) {
    try {
      const parsed = JSON.parse(data) as unknown;
      payload = parsed && typeof parsed === 'object' ? (parsed as PushPayload) : { body: String(parsed) };
    } catch {
      payload = { body: data };
    }
  }
  const reviewId = text(payload.reviewId, 64) ?? null;
  const actions = Array.isArray(payload.actions)
    ? payload.actions
        .filter((a): a is PushAction => !!text(a?.action, 64) && !!text(a?.title, 64))
        .slice(0, Math.max(0, maxActions))
        .map((a) => ({ action: a.action, title: a.title }))
    : [];
  const tag = text(payload.tag, 200);
  return {
    title: text(payload.title, 200) ?? 'Placet',
    options: {
      body: text(payload.body, 1000) ?? '',
      ...(tag ? { tag } : {}),
      icon: new URL(`${ASSETS_DIR}icon-192.png`, scope).href,
      badge: new URL(`${ASSETS_DIR}icon-192.png`, scope).href,
      data: {
        url: clickTarget({ url: payload.url, reviewId }, scope),
        reviewId,
        kind: text(payload.kind, 64) ?? null,
      },
      ...(actions.length ? { actions } : {}),
    },
  };
}

/**
 * Where a click on a notification (or on one of its actions: they only open the review, the human answers
 * in the dashboard) leads: the notification's URL when it is on this dashboard, else the review's address
 * in it (`#/inbox/<id>`), else the dashboard itself. A URL of another origin is never opened.
 */
export function clickTarget(
  data: { url?: unknown; reviewId?: unknown } | null | undefined,
  scope: string,
): string {
  const root = new URL(scope);
  const review = typeof data?.reviewId === 'string' && /^[a-z0-9]{1,64}$/.test(data.reviewId);
  const fallback = review ? `${root.href}#/inbox/${data!.reviewId as string}` : root.href;
  if (typeof data?.url !== 'string' || !data.url) return fallback;
  let url: URL;
  try {
    url = new URL(data.url, root);
  } catch {
    return fallback;
  }
  if (url.origin !== root.origin || !url.pathname.startsWith(root.pathname)) {
    // A public URL that differs from how this browser reaches the server: keep the route, use our origin.
    return url.hash.startsWith('#/') ? `${root.href}${url.hash}` : fallback;
  }
  return url.href;
}

/** The dashboard's pages among a worker's clients (its root or `index.html`, not e.g. an API page). */
export function isDashboardPage(clientUrl: string, scope: string): boolean {
  const root = new URL(scope);
  const url = new URL(clientUrl);
  return (
    url.origin === root.origin &&
    (url.pathname === root.pathname || url.pathname === `${root.pathname}index.html`)
  );
}

/** The message a worker posts to an open dashboard page to show `url` (same document: only its hash). */
export interface OpenMessage {
  type: 'placet:open';
  url: string;
}
