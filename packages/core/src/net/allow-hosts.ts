import ipaddr from 'ipaddr.js';

/**
 * The `allowHosts` format of every outbound guard (webhooks' `WEBHOOK_ALLOW_HOSTS`, web push's
 * `WEBPUSH_ALLOW_HOSTS`): an exact host name (`hooks.internal`; case and a trailing dot are ignored, no
 * wildcards), an IP address (`127.0.0.1`, `::1`) or a CIDR range (`10.1.0.0/16`, `fd00::/8`), each
 * optionally with one port: `hooks.internal:8443`, `127.0.0.1:9000`, `10.1.0.0/16:8080`, `[::1]:9000`,
 * `[fd00::/8]:8080`. IPv6 takes its port after brackets; an IPv6 entry without brackets has no port. An
 * entry with a port opens that port only; without one, every port of its hosts.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One valid `allowHosts` entry; `port` undefined means every port. */
export type AllowHostEntry = {
  /** The entry lower-cased, without a trailing dot, IPv6 in brackets only before a port (`[::1]` is `::1`). */
  readonly canonical: string;
  readonly port: number | undefined;
} & (
  | { readonly kind: 'name'; readonly name: string }
  | {
      readonly kind: 'range';
      /** The range as CIDR text (an address alone is a /32 or /128): `10.1.0.0/16`, `::1/128`. */
      readonly range: string;
    }
);

/** A parsed `allowHosts` list (invalid entries open nothing): asks whether a host is listed on a port. */
export interface AllowHosts {
  readonly entries: readonly AllowHostEntry[];
  /** Whether this exact name (any case, with or without a trailing dot) is listed for `port`. */
  allowsName(name: string, port: number): boolean;
  /** Whether an address (any spelling; IPv4-mapped IPv6 as its IPv4) is in a listed address or range open on `port`. */
  allowsAddress(address: string, port: number): boolean;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const PORT = /^[1-9]\d{0,4}$/;

/** A host lower-cased, without brackets around IPv6 and without a trailing root dot. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** Any spelling ipaddr.js reads (`2130706433`, `0x7f.1`, `[::ffff:7f00:1]` …), IPv4-mapped IPv6 unwrapped. */
export function toAddress(text: string): Address | undefined {
  const t = normaliseHost(text);
  if (!ipaddr.isValid(t)) return undefined;
  try {
    return ipaddr.process(t);
  } catch {
    return undefined;
  }
}

/** A CIDR range (an IP alone is a /32 or /128), or undefined when `host` (normalised) is a name. */
function parseRange(host: string): [Address, number] | undefined {
  // Strict spellings only: `127.1` or `0x7f.0.0.1` in a config is more likely a typo than intent.
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(host) || (host.includes(':') && ipaddr.IPv6.isValidCIDR(host))) {
    return ipaddr.parseCIDR(host);
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return [ipaddr.IPv4.parse(host), 32];
  if (host.includes(':') && ipaddr.IPv6.isValid(host)) {
    const address = ipaddr.process(host);
    return [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  return undefined;
}

/** Splits `host:port`, `[v6]:port` and `cidr:port`; undefined when the port part is malformed. */
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

/** An entry and, for an address or range, its parsed CIDR (ipaddr.js stays out of the public shape). */
interface ParsedEntry {
  readonly entry: AllowHostEntry;
  readonly cidr: readonly [Address, number] | undefined;
}

function parseEntry(text: string): ParsedEntry | undefined {
  const split = splitPort(text);
  if (!split || split.host === '') return undefined;
  const { port } = split;
  const host = normaliseHost(split.host);
  const canonical = port === undefined ? host : host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const cidr = parseRange(host);
  if (cidr) {
    const range = `${cidr[0].toString()}/${cidr[1]}`;
    return { entry: Object.freeze({ kind: 'range', range, port, canonical }), cidr };
  }
  if (split.host.startsWith('[') || !HOSTNAME.test(host)) return undefined;
  return { entry: Object.freeze({ kind: 'name', name: host, port, canonical }), cidr: undefined };
}

/** One `allowHosts` entry, parsed; undefined when it is not in the format above. */
export function parseAllowHostEntry(text: string): AllowHostEntry | undefined {
  return parseEntry(text)?.entry;
}

/** An entry without a port allows every port; one with a port, only that port. */
const portMatches = (allowed: number | undefined, port: number) => allowed === undefined || allowed === port;

/** Parses a list once (an invalid entry opens nothing: validate options with `parseAllowHostEntry`). */
export function parseAllowHosts(texts: readonly string[]): AllowHosts {
  const parsed = texts.map(parseEntry).filter((p) => p !== undefined);
  const entries = Object.freeze(parsed.map((p) => p.entry));
  const ranges = parsed.flatMap(({ entry, cidr }) => (cidr ? [{ cidr, port: entry.port }] : []));
  return Object.freeze({
    entries,
    allowsName: (name: string, port: number) => {
      const host = normaliseHost(name);
      return entries.some(
        (entry) => entry.kind === 'name' && entry.name === host && portMatches(entry.port, port),
      );
    },
    allowsAddress: (text: string, port: number) => {
      const address = toAddress(text);
      return (
        address !== undefined &&
        ranges.some(
          ({ cidr: [base, bits], port: allowed }) =>
            portMatches(allowed, port) && base.kind() === address.kind() && address.match(base, bits),
        )
      );
    },
  });
}
