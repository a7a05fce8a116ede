import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import {
  type AllowEntry,
  isAllowedAddress,
  isAllowedName,
  normaliseHost,
  parseAllowHosts,
} from './allow-hosts.js';
import type { HostResolver, ResolvedAddress } from './options.js';

/**
 * The SSRF guard of outbound pushes. A push endpoint is a URL the browser hands over, so a signed-in
 * user could name any URL: pushes go only to public https push services on port 443, unless the host and
 * port are listed in `allowHosts`. Names are resolved and EVERY address must be public (a name with one
 * public and one private address is refused); the request then connects to the address that was checked,
 * so a DNS answer that changes between the check and the connection (rebinding) cannot redirect it.
 */

/** The verdict: where to connect, or a short reason without the URL (it is a capability). */
export type EndpointCheck =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

export interface EndpointGuardOptions {
  /**
   * Hosts allowed whatever their addresses, with http: names, IP addresses and CIDR ranges (that IP
   * endpoints, and the addresses names resolve to, may be in), each optionally with one port
   * (`push.lan:8080`, `127.0.0.1:4321`, `10.1.0.0/16:8080`, `[::1]:9000`, `[fd00::/8]:8080`). An entry with
   * a port allows only that port; without one, EVERY port of its hosts. A URL without a port is on 80
   * (`http`) or 443 (`https`). Invalid entries allow nothing.
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
  const entries = parseAllowHosts(options.allowHosts);
  const syntax = checkSyntax(endpoint, entries);
  if (!syntax.ok) return syntax;
  const { url, host, port, allowed } = syntax;

  const literal = parseAddress(host);
  if (literal) {
    // A listed literal is `allowed`; one that is not passed the https-on-443 check and must be public.
    const refused = allowed ? undefined : notPublic(literal);
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
    const refused = allowed || isAllowedAddress(address, port, entries) ? undefined : notPublic(address);
    if (refused) return { ok: false, reason: `resolves to a ${refused}` };
    first ??= address;
  }
  return target(url, first!);
}

/** The syntax check's verdict: `port` is the URL's (80 or 443 when it has none). */
export type EndpointSyntax =
  | { ok: true; url: URL; host: string; port: number; allowed: boolean }
  | { ok: false; reason: string };

/**
 * The part of the guard that needs no DNS: scheme, credentials, port, and names that are never public.
 * `host` is lower-case, without brackets or a trailing dot; `allowed` says an `allowHosts` entry lists
 * the host (a name, or an address in a listed range) on the URL's port.
 */
export function checkEndpointSyntax(
  endpoint: string,
  options: Pick<EndpointGuardOptions, 'allowHosts'>,
): EndpointSyntax {
  return checkSyntax(endpoint, parseAllowHosts(options.allowHosts));
}

function checkSyntax(endpoint: string, entries: readonly AllowEntry[]): EndpointSyntax {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'not an https URL' };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'credentials in the URL' };
  const host = normaliseHost(url.hostname);
  if (host === '') return { ok: false, reason: 'no host' };
  // WHATWG URL leaves `port` empty when it is the scheme's default.
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  const literal = parseAddress(host);
  const allowed =
    literal === undefined ? isAllowedName(host, port, entries) : isAllowedAddress(literal, port, entries);
  if (allowed) return { ok: true, url, host, port, allowed };
  if (url.protocol !== 'https:') return { ok: false, reason: 'not an https URL' };
  if (port !== 443) return { ok: false, reason: 'not port 443' };
  if (!literal) {
    if (LOCAL_NAMES.has(host) || host.endsWith('.localhost')) return { ok: false, reason: 'local host name' };
    if (!host.includes('.')) return { ok: false, reason: 'not a public host name' };
  }
  return { ok: true, url, host, port, allowed };
}
