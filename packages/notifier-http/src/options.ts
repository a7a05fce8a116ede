import { lookup } from 'node:dns/promises';
import { PlacetError, z, zodIssues } from '@placet/core/adapter';
import ipaddr from 'ipaddr.js';

/** One answer of a name lookup. */
export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a hostname to ALL its addresses (the guard judges every one of them). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

type IpRange = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** An allowHosts entry that names addresses; `port` undefined means every port. */
export interface AllowedRange {
  readonly range: IpRange;
  readonly port: number | undefined;
}

/** An allowHosts entry that names a host; `port` undefined means every port. */
export interface AllowedName {
  readonly name: string;
  readonly port: number | undefined;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Lower-cased, without brackets around IPv6 and without a trailing root dot. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** A CIDR range (an IP alone is a /32 or /128), or undefined when it is a name. */
function parseRange(host: string): IpRange | undefined {
  const e = normaliseHost(host);
  // Strict spellings only: `127.1` or `0x7f.0.0.1` in a config is more likely a typo than intent.
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(e) || (e.includes(':') && ipaddr.IPv6.isValidCIDR(e))) {
    return ipaddr.parseCIDR(e);
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(e)) return [ipaddr.IPv4.parse(e), 32];
  if (e.includes(':') && ipaddr.IPv6.isValid(e)) {
    const address = ipaddr.process(e);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  return undefined;
}

const PORT = /^[1-9]\d{0,4}$/;

/**
 * Splits `host:port`, `[v6]:port` (an IPv6 address or CIDR in brackets) and `cidr:port` from their
 * optional port. An IPv6 entry without brackets has no port. Undefined when the port part is malformed.
 */
function splitPort(entry: string): { host: string; port: number | undefined } | undefined {
  const e = entry.trim();
  let host = e;
  let port: string | undefined;
  if (e.startsWith('[')) {
    const close = e.indexOf(']');
    if (close < 0) return undefined;
    host = e.slice(0, close + 1);
    const rest = e.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return undefined;
      port = rest.slice(1);
    }
  } else if (e.indexOf(':') !== -1 && e.indexOf(':') === e.lastIndexOf(':')) {
    host = e.slice(0, e.indexOf(':'));
    port = e.slice(e.indexOf(':') + 1);
  }
  if (port === undefined) return { host, port: undefined };
  if (!PORT.test(port) || Number(port) > 65_535) return undefined;
  return { host, port: Number(port) };
}

/** An allowHosts entry as a range or a name, each with its optional port; undefined when invalid. */
function parseAllowEntry(entry: string): AllowedRange | AllowedName | undefined {
  const split = splitPort(entry);
  if (!split || split.host === '') return undefined;
  const range = parseRange(split.host);
  if (range) return { range, port: split.port };
  const name = normaliseHost(split.host);
  if (split.host.startsWith('[') || !HOSTNAME.test(name)) return undefined;
  return { name, port: split.port };
}

function isValidAllowEntry(entry: string): boolean {
  return parseAllowEntry(entry) !== undefined;
}

async function systemResolver(hostname: string): Promise<ResolvedAddress[]> {
  const answers = await lookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
}

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
      z.string().min(1).refine(isValidAllowEntry, {
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
  readonly allowNames: readonly AllowedName[];
  readonly allowRanges: readonly AllowedRange[];
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
  const allowNames: AllowedName[] = [];
  const allowRanges: AllowedRange[] = [];
  for (const entry of allowHosts) {
    const allowed = parseAllowEntry(entry)!;
    if ('range' in allowed) allowRanges.push(Object.freeze(allowed));
    else allowNames.push(Object.freeze(allowed));
  }
  return Object.freeze({
    allowNames: Object.freeze(allowNames),
    allowRanges: Object.freeze(allowRanges),
    allowPrivateNetworks: rest.allowPrivateNetworks,
    timeoutMs: rest.timeoutMs,
    maxResponseBytes: rest.maxResponseBytes,
    resolver: rest.resolver ?? systemResolver,
    userAgent: rest.userAgent,
  });
}
