import ipaddr from 'ipaddr.js';

/**
 * The `allowHosts` entries, in the format of `@placet/notifier-http`'s (`WEBHOOK_ALLOW_HOSTS`): a host
 * name, an IP address or a CIDR range, each optionally with one port — `push.lan:8080`, `127.0.0.1:4321`,
 * `10.1.0.0/16:8080`, `[::1]:9000`, `[fd00::/8]:8080` (IPv6 takes its port after brackets; an IPv6 entry
 * without brackets has no port). An entry with a port opens only that port; without one, every port.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One parsed entry: a name, or addresses (an IP is a /32 or /128); `port` undefined means every port. */
export type AllowEntry =
  | { readonly name: string; readonly port: number | undefined }
  | { readonly range: readonly [Address, number]; readonly port: number | undefined };

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const PORT = /^[1-9]\d{0,4}$/;

/** Lower-cased, without brackets around IPv6 and without a trailing root dot. */
export function normaliseHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  return h.endsWith('.') ? h.slice(0, -1) : h;
}

/** A CIDR range (an IP alone is a /32 or /128), or undefined when it is a name. */
function parseRange(host: string): [Address, number] | undefined {
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

/** One entry, parsed with its canonical spelling (lower-case, `[v6]:port`); undefined when invalid. */
export function parseAllowEntry(entry: string): (AllowEntry & { readonly canonical: string }) | undefined {
  const split = splitPort(entry);
  if (!split || split.host === '') return undefined;
  const host = normaliseHost(split.host);
  const canonical =
    split.port === undefined
      ? host
      : host.includes(':')
        ? `[${host}]:${split.port}`
        : `${host}:${split.port}`;
  const range = parseRange(host);
  if (range) return { range, port: split.port, canonical };
  if (split.host.startsWith('[') || !HOSTNAME.test(host)) return undefined;
  return { name: host, port: split.port, canonical };
}

/** The valid entries of a list (an invalid one opens nothing). */
export function parseAllowHosts(entries: readonly string[]): AllowEntry[] {
  return entries.map(parseAllowEntry).filter((entry) => entry !== undefined);
}

/** An entry without a port allows every port; one with a port, only that port. */
const portMatches = (allowed: number | undefined, port: number) => allowed === undefined || allowed === port;

/** Whether `name` (normalised) is listed for `port`. */
export function isAllowedName(name: string, port: number, entries: readonly AllowEntry[]): boolean {
  return entries.some((entry) => 'name' in entry && entry.name === name && portMatches(entry.port, port));
}

/** Whether `address` is in a listed address or range that is open on `port`. */
export function isAllowedAddress(address: Address, port: number, entries: readonly AllowEntry[]): boolean {
  return entries.some(
    (entry) =>
      'range' in entry &&
      portMatches(entry.port, port) &&
      entry.range[0].kind() === address.kind() &&
      address.match(entry.range[0], entry.range[1]),
  );
}
