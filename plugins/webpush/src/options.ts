import { type OutboundResolver, parseAllowHostEntry, z } from '@placet/core/plugin';
import { checkVapidKeys } from './keys.js';

/** How long a push service keeps a push for an offline device by default: one day (reviews last 24 h). */
export const DEFAULT_TTL_SECONDS = 86_400;
/** The longest TTL push services honour (28 days). */
export const MAX_TTL_SECONDS = 2_419_200;
/** Devices (browser subscriptions) kept per user by default; a new one beyond it replaces the stalest. */
export const DEFAULT_MAX_DEVICES = 20;

/** A VAPID `sub`: a `mailto:` address or an `https:` URL (RFC 8292 §2.1). */
export const VapidSubject = z
  .string()
  .min(1)
  .max(500)
  .refine((subject) => {
    try {
      const url = new URL(subject);
      return url.protocol === 'mailto:' ? url.pathname.includes('@') : url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be a mailto: address or an https: URL');

const VapidOption = z
  .object({
    /** base64url, 65 bytes (uncompressed P-256 point): browsers subscribe with it. */
    publicKey: z.string().min(1).max(200),
    /** base64url, 32 bytes. */
    privateKey: z.string().min(1).max(200),
    /** The contact push services see; overrides `subject`. */
    subject: VapidSubject.optional(),
  })
  .transform((vapid, ctx) => {
    const checked = checkVapidKeys(vapid);
    if (!checked.ok) {
      ctx.addIssue({ code: 'custom', message: checked.problem });
      return z.NEVER;
    }
    return { ...vapid, ...checked.keys };
  });

/**
 * An `allowHosts` entry: a host name, an IP address or a CIDR range that push endpoints may use although
 * it is not a public https push service (a test stub, a self-hosted one), optionally with one port
 * (`push.lan:8080`, `127.0.0.1:4321`, `10.1.0.0/16:8080`, `[::1]:9000`, `[fd00::/8]:8080`), as in
 * `WEBHOOK_ALLOW_HOSTS`. Kept in its canonical spelling: lower-case, no trailing dot, IPv6 in brackets
 * only before a port (`[::1]` becomes `::1`).
 */
const AllowedHost = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .transform((entry, ctx) => {
    const parsed = parseAllowHostEntry(entry);
    if (parsed) return parsed.canonical;
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a host name, an IP address or a CIDR range, optionally with :port ([v6]:port for IPv6)',
    });
    return z.NEVER;
  });

/** The options of `webpush()`: parsed by `createPlacet()`; invalid ones fail it, naming the paths. */
export const WebPushOptions = z.object({
  /**
   * The VAPID key pair. Without it, one is generated at the first start and kept in the plugin's
   * key-value store (in the Store), so every process on that store uses the same pair.
   */
  vapid: VapidOption.optional(),
  /** The VAPID contact (`mailto:` or `https:`). Default: `publicUrl` when it is https, else a placeholder. */
  subject: VapidSubject.optional(),
  /** Where humans reach the server (`https://hitl.example.com`): click URLs become absolute. */
  publicUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** Where the dashboard is served, below `publicUrl`: click URLs are `<publicUrl><dashboardPath>#/inbox/<id>`. */
  dashboardPath: z
    .string()
    .max(200)
    .regex(/^\/[^#?\s]*$/, 'must be a path starting with "/" (no query, no fragment)')
    .default('/'),
  /** How long a push service keeps a push for a device that is offline (the `TTL` header), in seconds. */
  ttlSeconds: z.number().int().min(0).max(MAX_TTL_SECONDS).default(DEFAULT_TTL_SECONDS),
  /** Devices kept per user; subscribing one more replaces the one updated longest ago. */
  maxDevicesPerUser: z.number().int().min(1).max(100).default(DEFAULT_MAX_DEVICES),
  /**
   * Hosts that push endpoints may use besides public https push services, each optionally with a port:
   * `['127.0.0.1:4321']` for a test stub. A listed host may be private or loopback and use http, on its
   * port (a listed name resolving to a cloud metadata address is still refused: only an address or range
   * entry covering it opens one); an entry without a port opens EVERY port of its hosts (with
   * `127.0.0.1`, any local service). Empty by default.
   */
  allowHosts: z.array(AllowedHost).max(100).default([]),
});

export type WebPushOptions = z.output<typeof WebPushOptions>;

/** One address a host name resolves to (the core's `ResolvedAddress`). */
export type { ResolvedAddress } from '@placet/core/plugin';

/** Resolves a host name to all its addresses (default: `dns.promises.lookup(host, { all: true })`). */
export type HostResolver = OutboundResolver;

/** What `webpush()` takes: the options above, and the resolver the SSRF guard uses (for tests). */
export type WebPushOptionsInput = z.input<typeof WebPushOptions> & {
  /** Replaces DNS for the SSRF guard (tests); every address it answers is checked. */
  resolver?: HostResolver;
};
