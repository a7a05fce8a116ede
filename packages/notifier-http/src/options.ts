import {
  type AllowHosts,
  type OutboundResolver,
  PlacetError,
  parseAllowHostEntry,
  parseAllowHosts,
  systemResolver,
  z,
  zodIssues,
} from '@placet/core/adapter';

/** One answer of a name lookup (the core's `ResolvedAddress`). */
export type { ResolvedAddress } from '@placet/core/adapter';

/** Resolves a hostname to ALL its addresses (the guard judges every one of them). */
export type Resolver = OutboundResolver;

/** Options of `httpWebhookSender()` and `checkTarget()`. Unknown keys are ignored, as in the core's options. */
export const HttpWebhookSenderOptionsSchema = z.object({
  /**
   * Targets that may be private: exact hostnames (`hooks.internal`, `localhost`), IP addresses
   * (`127.0.0.1`, `::1`) or CIDR ranges (`10.1.0.0/16`), each optionally with one port
   * (`hooks.internal:8443`, `127.0.0.1:9000`, `10.1.0.0/16:8080`, `[::1]:9000`, `[fd00::/8]:8080`). Without a
   * port an entry opens every port of its hosts (with `127.0.0.1`, any local service). A listed hostname
   * is trusted with whatever it resolves to, except cloud metadata addresses, which only a listed IP or
   * CIDR unlocks. A URL without a port is on 80 (`http`) or 443 (`https`).
   */
  allowHosts: z
    .array(
      z
        .string()
        .min(1)
        .refine((entry) => parseAllowHostEntry(entry) !== undefined, {
          message:
            'Expected a hostname, an IP address or a CIDR range, optionally with :port ([v6]:port for IPv6)',
        }),
    )
    .default([]),
  /** Allow private, loopback, link-local and CGNAT addresses (never metadata addresses unless listed). */
  allowPrivateNetworks: z.boolean().default(false),
  /** Upper bound of one attempt (DNS, connect, response); a request's own smaller `timeoutMs` wins. */
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  /** Bytes of the response body read (and discarded) before the connection is destroyed. */
  maxResponseBytes: z
    .number()
    .int()
    .min(0)
    .default(64 * 1024),
  /** Name resolution; tests pass a stub. Defaults to `dns.lookup(host, { all: true, verbatim: true })`. */
  resolver: z.custom<Resolver>((value) => typeof value === 'function', 'Expected a function').optional(),
  /** Sent as `User-Agent` unless the request carries its own. */
  userAgent: z
    .string()
    .regex(/^[\x20-\x7e]{1,200}$/, 'Expected printable ASCII')
    .default('Placet-Webhooks/0.1'),
});

export type HttpWebhookSenderOptions = z.input<typeof HttpWebhookSenderOptionsSchema>;

export interface ResolvedHttpWebhookSenderOptions {
  readonly allowHosts: AllowHosts;
  readonly allowPrivateNetworks: boolean;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly resolver: Resolver;
  readonly userAgent: string;
}

/** Parses once and freezes; an invalid option throws INVALID_OPTIONS listing paths, never values. */
export function parseHttpWebhookSenderOptions(input: unknown): ResolvedHttpWebhookSenderOptions {
  const result = HttpWebhookSenderOptionsSchema.safeParse(input ?? {});
  if (!result.success) {
    const issues = zodIssues(result.error);
    throw new PlacetError(
      'INVALID_OPTIONS',
      `Invalid httpWebhookSender() options: ${issues.map((i) => i.path || '(root)').join(', ')}`,
      { issues },
    );
  }
  const { allowHosts, ...rest } = result.data;
  return Object.freeze({
    allowHosts: parseAllowHosts(allowHosts),
    allowPrivateNetworks: rest.allowPrivateNetworks,
    timeoutMs: rest.timeoutMs,
    maxResponseBytes: rest.maxResponseBytes,
    resolver: rest.resolver ?? systemResolver,
    userAgent: rest.userAgent,
  });
}
