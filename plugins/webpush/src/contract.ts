import { z } from '@placet/core/plugin';
import { parseAuthSecret, parseP256dh } from './keys.js';

/**
 * The wire shapes of the plugin's routes (`/api/v1/plugins/webpush/…`), for the dashboard and for any
 * other client that subscribes browsers.
 */

/** Longest push endpoint accepted (push services' are a few hundred characters). */
export const MAX_ENDPOINT_LENGTH = 2048;
/** Longest device label. */
export const MAX_DEVICE_LENGTH = 100;

/** `GET /config`: the VAPID public key, the `applicationServerKey` of `pushManager.subscribe()`. */
export const WebPushConfig = z.object({
  /** base64url, 65 bytes (an uncompressed P-256 point). */
  publicKey: z.string(),
});
export type WebPushConfig = z.output<typeof WebPushConfig>;

/**
 * `POST /subscriptions`: what `PushSubscription.toJSON()` gives (`endpoint`, `keys`, `expirationTime`),
 * plus an optional `device` label. Keys may be base64url or base64, padded or not.
 */
export const WebPushSubscriptionInput = z.object({
  endpoint: z
    .string()
    .min(1)
    .max(MAX_ENDPOINT_LENGTH)
    .refine((endpoint) => URL.canParse(endpoint), 'must be a URL'),
  keys: z.object({
    p256dh: z
      .string()
      .max(200)
      .transform((value, ctx) => {
        const key = parseP256dh(value);
        if (key) return key;
        ctx.addIssue({
          code: 'custom',
          message: 'must be a base64url P-256 public key (65 bytes, uncompressed)',
        });
        return z.NEVER;
      }),
    auth: z
      .string()
      .max(100)
      .transform((value, ctx) => {
        const secret = parseAuthSecret(value);
        if (secret) return secret;
        ctx.addIssue({ code: 'custom', message: 'must be a base64url secret of 16 bytes' });
        return z.NEVER;
      }),
  }),
  /** When the subscription ends (ms since the epoch), as the browser says; null or absent: never. */
  expirationTime: z.number().nonnegative().nullable().optional(),
  /** A label the user recognises the device by ("Firefox on the laptop"). */
  device: z.string().trim().max(MAX_DEVICE_LENGTH).optional(),
});
export type WebPushSubscriptionInput = z.input<typeof WebPushSubscriptionInput>;

/** A subscription as its user sees it: never its endpoint's path or its keys (they are secrets). */
export const WebPushSubscription = z.object({
  id: z.string(),
  device: z.string().nullable(),
  /** The push service (`https://fcm.googleapis.com`): the endpoint without its secret path. */
  endpointOrigin: z.string(),
  createdAt: z.string(),
});
export type WebPushSubscription = z.output<typeof WebPushSubscription>;

export const WebPushDeleted = z.object({ deleted: z.literal(true) });
