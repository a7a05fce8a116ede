import { deviceLabel } from './device-label.js';
import { activeRegistration, serviceWorkerSupported } from './pwa.js';

/** Where this browser keeps the id of its own subscription (to mark "this device" and to remove it). */
const KEY = 'placet:webpush:subscription';

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
 * Subscribes this browser (in a click handler: it may ask for permission): permission, the service
 * worker, `pushManager.subscribe`, then `send` posts it. A subscription made for another server key is
 * replaced. Resolves with what `send` answered.
 */
export async function subscribeThisDevice(
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
  if (subscription && !sameKey(subscription, key)) {
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
  localStorage.setItem(KEY, device.id);
  return device;
}

/** The id of this browser's subscription, as the server named it (undefined when it has none). */
export function thisDeviceId(): string | undefined {
  return localStorage.getItem(KEY) ?? undefined;
}

/** After this browser's device was removed on the server: ends its subscription too. */
export async function forgetThisDevice(): Promise<void> {
  localStorage.removeItem(KEY);
  if (pushUnsupported()) return;
  const registration = await navigator.serviceWorker.getRegistration(new URL('./', location.href).href);
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe().catch(() => false);
}

function sameKey(subscription: PushSubscription, key: Uint8Array): boolean {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true;
  const bytes = new Uint8Array(current);
  return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}
