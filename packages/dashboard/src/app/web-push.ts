import { deviceLabel } from './device-label.js';
import { activeRegistration, serviceWorkerSupported } from './pwa.js';

/**
 * Where this browser keeps the id of its own subscription, per user (to mark "this device" and to remove
 * it): `placet:webpush:subscription:<userId>`. Before it was per user, it was kept under the bare prefix.
 */
const KEY = 'placet:webpush:subscription';
const keyOf = (userId: string) => `${KEY}:${userId}`;

/** `POST /plugins/webpush/subscriptions`: what the browser's subscription says, and a device label. */
export interface PushSubscriptionBody {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  expirationTime?: number | null;
  device?: string;
}

/** A device as the webpush plugin lists it (never its endpoint or keys). */
export interface PushDevice {
  id: string;
  device: string | null;
  endpointOrigin: string;
  createdAt: string;
}

/** Why this browser cannot get pushes, or undefined when it can. */
export function pushUnsupported(): string | undefined {
  if (!window.isSecureContext) return 'Web push needs the dashboard over HTTPS.';
  if (
    !serviceWorkerSupported() ||
    typeof PushManager === 'undefined' ||
    typeof Notification === 'undefined'
  ) {
    return 'This browser cannot receive push notifications. On iPhone and iPad, add Placet to the Home Screen first, then open it from there.';
  }
  return undefined;
}

/** A VAPID public key (base64url) as the bytes `pushManager.subscribe` takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Thrown with a message for the person: permission refused, no support, no subscription. */
export class PushProblem extends Error {}

/**
 * Subscribes this browser for `userId` (in a click handler: it may ask for permission): permission, the
 * service worker, `pushManager.subscribe`, then `send` posts it. A subscription made for another server
 * key, or one this browser does not remember making for this user (another user's, left behind), is
 * replaced: two people never share one. Resolves with what `send` answered.
 */
export async function subscribeThisDevice(
  userId: string,
  publicKey: string,
  send: (body: PushSubscriptionBody) => Promise<PushDevice>,
): Promise<PushDevice> {
  const unsupported = pushUnsupported();
  if (unsupported) throw new PushProblem(unsupported);
  const permission =
    Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
  if (permission !== 'granted') {
    throw new PushProblem(
      permission === 'denied'
        ? 'Notifications are blocked for this site: allow them in the browser’s site settings, then try again.'
        : 'Notifications were not allowed: nothing changed.',
    );
  }
  const registration = await activeRegistration();
  const key = applicationServerKey(publicKey);
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && (!sameKey(subscription, key) || !thisDeviceId(userId))) {
    await subscription.unsubscribe().catch(() => false);
    subscription = null;
  }
  try {
    subscription ??= await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: key,
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'NotAllowedError') {
      throw new PushProblem(
        'Notifications are blocked for this site: allow them in the browser’s site settings.',
      );
    }
    throw new PushProblem(
      `This browser could not subscribe to push notifications${error instanceof Error && error.message ? `: ${error.message}` : '.'}`,
    );
  }
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) {
    throw new PushProblem('This browser gave no usable push subscription.');
  }
  const device = await send({
    endpoint: json.endpoint,
    keys: { p256dh: json.keys.p256dh, auth: json.keys.auth },
    ...(json.expirationTime != null ? { expirationTime: json.expirationTime } : {}),
    device: deviceLabel(navigator.userAgent),
  });
  localStorage.setItem(keyOf(userId), device.id);
  return device;
}

/** The id of this browser's subscription of `userId`, as the server named it (undefined when none). */
export function thisDeviceId(userId: string | undefined): string | undefined {
  return userId ? (localStorage.getItem(keyOf(userId)) ?? undefined) : undefined;
}

/** Forgets every subscription id this browser remembers; true when there was one. */
export function forgetRememberedDevices(): boolean {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key === KEY || key?.startsWith(`${KEY}:`)) keys.push(key);
  }
  for (const key of keys) localStorage.removeItem(key);
  return keys.length > 0;
}

/** Ends this browser's push subscription, if it has one. */
async function unsubscribeThisBrowser(): Promise<void> {
  if (pushUnsupported()) return;
  const registration = await navigator.serviceWorker.getRegistration(new URL('./', location.href).href);
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe().catch(() => false);
}

/**
 * After this browser's device of `userId` was removed on the server, or when their session ended
 * without a sign-out here (revoked, expired): forgets it, and ends the browser's subscription too. A
 * device still listed on the server then fails its next push (the push service answers that it is
 * gone), and the server removes it.
 */
export async function forgetThisDevice(userId: string): Promise<void> {
  localStorage.removeItem(keyOf(userId));
  localStorage.removeItem(KEY);
  await unsubscribeThisBrowser();
}

/**
 * Signing out, while the session still works: removes this browser's device of `userId` on the server
 * (`remove`, the `DELETE` of the webpush plugin), then forgets it and ends the browser's subscription.
 * A browser nobody is signed in to gets no pushes. Never throws: signing out goes on regardless.
 */
export async function signOutThisDevice(
  userId: string,
  remove: (deviceId: string) => Promise<unknown>,
): Promise<void> {
  const id = thisDeviceId(userId);
  if (!id) return;
  await remove(id).catch(() => undefined);
  await forgetThisDevice(userId).catch(() => undefined);
}

/**
 * The dashboard found no session when it started (it expired, or was revoked, while no page was open),
 * so it cannot tell whose it was: every subscription this browser remembers ends.
 */
export async function forgetEveryDevice(): Promise<void> {
  if (forgetRememberedDevices()) await unsubscribeThisBrowser().catch(() => undefined);
}

function sameKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}
