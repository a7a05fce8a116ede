import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { HostResolver, ResolvedAddress } from './options.js';

/**
 * The SSRF guard of outbound pushes. A push endpoint is a URL the browser hands over, so a signed-in
 * user could name any URL: pushes go only to public https push services on port 443, unless the host is
 * listed in `allowHosts`. Names are resolved and EVERY address must be public (a name with one public and
 * one private address is refused); the request then connects to the address that was checked, so a DNS
 * answer that changes between the check and the connection (rebinding) cannot redirect it.
 */

/** The verdict: where to connect, or a short reason without the URL (it is a capability). */
export type EndpointCheck =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

export interface EndpointGuardOptions {
  /**
   * Hosts allowed whatever their addresses, with http and any port: names or IP addresses (lower-case,
   * IPv6 without brackets), and CIDR ranges (`10.1.0.0/16`, `fd00::/8`) that IP endpoints, and the
   * addresses names resolve to, may be in.
   */
  allowHosts: readonly string[];
  resolver?: HostResolver;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Names of this machine or of cloud metadata services: refused without asking DNS. */
const LOCAL_NAMES = new Set([
  'localhost',
  'localhost.localdomain',
  'ip6-localhost',
  'ip6-loopback',
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/** Public IPv6 is 2000::/3; the rest ipaddr.js calls "unicast" is unassigned or special. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

export const defaultResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** Any spelling of an IP address ipaddr.js reads, IPv4-mapped IPv6 unwrapped; undefined for a name. */
function parseAddress(text: string): Address | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  if (!ipaddr.isValid(bare)) return undefined;
  try {
    return ipaddr.process(bare);
  } catch {
    return undefined;
  }
}

/** A CIDR range (`10.1.0.0/16`, `fd00::/8`), or undefined when `entry` is not one. */
export function parseRange(entry: string): [Address, number] | undefined {
  if (!entry.includes('/')) return undefined;
  try {
    return ipaddr.parseCIDR(entry.replace(/^\[(.*)\]$/, '$1'));
  } catch {
    return undefined;
  }
}

/** Whether `text` is an IP address (IPv6 with or without brackets). */
export const isIpAddress = (text: string): boolean => parseAddress(text) !== undefined;

/** Whether `address` is in one of the CIDR ranges of `allowHosts`. */
function inAllowedRange(address: Address, allowHosts: readonly string[]): boolean {
  return allowHosts.some((entry) => {
    const range = parseRange(entry);
    return range !== undefined && range[0].kind() === address.kind() && address.match(range);
  });
}

/** Why an address is not a public one, or undefined when it is. */
function notPublic(address: Address): string | undefined {
  const range = address.range();
  if (range !== 'unicast') return `${range} address`;
  if (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6)) return 'reserved address';
  return undefined;
}

const target = (url: URL, address: Address): EndpointCheck => ({
  ok: true,
  url,
  address: address.toString(),
  family: address.kind() === 'ipv4' ? 4 : 6,
});

/**
 * Checks a push endpoint and says which address to connect to. Never throws; never connects. Without
 * `allowHosts`, only `https:` on port 443 to a host whose addresses are all public passes.
 */
export async function checkPushEndpoint(
  endpoint: string,
  options: EndpointGuardOptions,
): Promise<EndpointCheck> {
  const syntax = checkEndpointSyntax(endpoint, options);
  if (!syntax.ok) return syntax;
  const { url, host, allowed } = syntax;

  const literal = parseAddress(host);
  if (literal) {
    const refused = allowed || inAllowedRange(literal, options.allowHosts) ? undefined : notPublic(literal);
    return refused ? { ok: false, reason: refused } : target(url, literal);
  }

  let answers: readonly ResolvedAddress[];
  try {
    answers = await (options.resolver ?? defaultResolver)(host);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return {
      ok: false,
      reason: typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? `dns ${code}` : 'dns failure',
    };
  }
  if (!Array.isArray(answers) || answers.length === 0) return { ok: false, reason: 'no address' };
  let first: Address | undefined;
  for (const answer of answers) {
    const address = typeof answer?.address === 'string' ? parseAddress(answer.address) : undefined;
    if (!address) return { ok: false, reason: 'unparseable address' };
    const refused = allowed || inAllowedRange(address, options.allowHosts) ? undefined : notPublic(address);
    if (refused) return { ok: false, reason: `resolves to a ${refused}` };
    first ??= address;
  }
  return target(url, first!);
}

/**
 * The part of the guard that needs no DNS: scheme, credentials, port, and names that are never public.
 * `host` is lower-case, without brackets or a trailing dot.
 */
export function checkEndpointSyntax(
  endpoint: string,
  options: Pick<EndpointGuardOptions, 'allowHosts'>,
): { ok: true; url: URL; host: string; allowed: boolean } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'not an https URL' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL' };
  const host = url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (host === '') return { ok: false, reason: 'no host' };
  const literal = parseAddress(host);
  const allowed =
    options.allowHosts.includes(host) ||
    (literal !== undefined &&
      (isListedAddress(literal, options.allowHosts) || inAllowedRange(literal, options.allowHosts)));
  if (allowed) return { ok: true, url, host, allowed };
  if (url.protocol !== 'https:') return { ok: false, reason: 'not an https URL' };
  if (url.port !== '' && url.port !== '443') return { ok: false, reason: 'not port 443' };
  if (!literal) {
    if (LOCAL_NAMES.has(host) || host.endsWith('.localhost')) return { ok: false, reason: 'local host name' };
    if (!host.includes('.')) return { ok: false, reason: 'not a public host name' };
  }
  return { ok: true, url, host, allowed };
}

/** Whether an `allowHosts` entry names `address` (in any spelling). */
function isListedAddress(address: Address, allowHosts: readonly string[]): boolean {
  return allowHosts.some((entry) => {
    const listed = parseAddress(entry);
    return (
      listed !== undefined &&
      listed.kind() === address.kind() &&
      listed.toNormalizedString() === address.toNormalizedString()
    );
  });
}
