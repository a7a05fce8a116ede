import {
  type AllowHosts,
  checkOutboundHost,
  localHostNameKind,
  normaliseHost,
  parseAllowHosts,
  parseIpAddress,
  systemResolver,
} from '@placet/core/plugin';
import type { HostResolver } from './options.js';

/**
 * The SSRF guard of outbound pushes. A push endpoint is a URL the browser hands over, so a signed-in
 * user could name any URL: pushes go only to public https push services on port 443, unless the host and
 * port are listed in `allowHosts`. Hosts are judged by the core's outbound rules (`checkOutboundHost`, the
 * same as webhooks'): names are resolved and EVERY address must be public (a name with one public and one
 * private address is refused), cloud metadata addresses are refused even for a listed name; the request
 * then connects to the address that was checked, so a DNS answer that changes between the check and the
 * connection (rebinding) cannot redirect it.
 */

/** The verdict: where to connect, or a short reason without the URL (it is a capability). */
export type EndpointCheck =
  | { ok: true; url: URL; address: string; family: 4 | 6 }
  | { ok: false; reason: string };

export interface EndpointGuardOptions {
  /**
   * Hosts allowed although they are not public https push services, with http: names, IP addresses and
   * CIDR ranges (that IP endpoints, and the addresses names resolve to, may be in), each optionally with
   * one port (`push.lan:8080`, `127.0.0.1:4321`, `10.1.0.0/16:8080`, `[::1]:9000`, `[fd00::/8]:8080`). An
   * entry with a port allows only that port; without one, EVERY port of its hosts. A URL without a port is
   * on 80 (`http`) or 443 (`https`). A listed name may resolve to private addresses, never to a cloud
   * metadata address (only an address or range entry covering it opens one). Invalid entries allow
   * nothing.
   */
  allowHosts: readonly string[];
  resolver?: HostResolver;
}

/**
 * Checks a push endpoint and says which address to connect to. Never throws; never connects. Without
 * `allowHosts`, only `https:` on port 443 to a host whose addresses are all public passes.
 */
export async function checkPushEndpoint(
  endpoint: string,
  options: EndpointGuardOptions,
): Promise<EndpointCheck> {
  const allowHosts = parseAllowHosts(options.allowHosts);
  const syntax = checkSyntax(endpoint, allowHosts);
  if (!syntax.ok) return syntax;
  const { url, host, port } = syntax;
  const verdict = await checkOutboundHost(host, port, {
    allowHosts,
    resolver: options.resolver ?? systemResolver,
  });
  if (verdict.ok) return { ok: true, url, address: verdict.address, family: verdict.family };
  return {
    ok: false,
    reason: verdict.stage === 'resolved' ? `resolves to a ${verdict.reason}` : verdict.reason,
  };
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

function checkSyntax(endpoint: string, allowHosts: AllowHosts): EndpointSyntax {
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
  const literal = parseIpAddress(host);
  const allowed = literal
    ? allowHosts.allowsAddress(literal.address, port)
    : allowHosts.allowsName(host, port);
  if (allowed) return { ok: true, url, host, port, allowed };
  if (url.protocol !== 'https:') return { ok: false, reason: 'not an https URL' };
  if (port !== 443) return { ok: false, reason: 'not port 443' };
  if (!literal) {
    if (localHostNameKind(host)) return { ok: false, reason: 'local host name' };
    if (!host.includes('.')) return { ok: false, reason: 'not a public host name' };
  }
  return { ok: true, url, host, port, allowed };
}
