import { checkOutboundHost, normaliseHost } from '@placet/core/adapter';
import {
  type HttpWebhookSenderOptions,
  parseHttpWebhookSenderOptions,
  type ResolvedHttpWebhookSenderOptions,
} from './options.js';

/** The guard's verdict: the address to connect to, or a short, secret-free reason. */
export type TargetCheck = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string };

/**
 * The guard with options already parsed (the sender calls this; it never throws). The URL's shape is the
 * webhooks' own (http or https, no credentials); the host and every address it resolves to are judged by
 * the core's outbound rules (`checkOutboundHost`), with `allowHosts` and `allowPrivateNetworks`.
 */
export async function checkParsedTarget(
  url: string,
  options: ResolvedHttpWebhookSenderOptions,
): Promise<TargetCheck> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'invalid URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { ok: false, reason: 'protocol not allowed' };
  }
  if (parsed.username !== '' || parsed.password !== '') return { ok: false, reason: 'credentials in URL' };
  const host = normaliseHost(parsed.hostname);
  if (host === '') return { ok: false, reason: 'missing host' };
  // WHATWG URL leaves `port` empty when it is the scheme's default.
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port);

  // IP literals: WHATWG URL already turns `2130706433`, `0177.0.0.1`, `0x7f.1` and `127.1` into
  // `127.0.0.1`; the core reads those spellings too, so the check holds either way.
  const verdict = await checkOutboundHost(host, port, options);
  if (verdict.ok) return { ok: true, address: verdict.address, family: verdict.family };
  return {
    ok: false,
    reason: verdict.stage === 'resolved' ? `resolves to ${verdict.reason}` : verdict.reason,
  };
}

/**
 * The SSRF guard on its own: parses `url`, refuses what the options do not allow, resolves names (ALL
 * addresses must pass) and returns the address a connection must use. Rejects only with INVALID_OPTIONS.
 */
export async function checkTarget(url: string, options: HttpWebhookSenderOptions = {}): Promise<TargetCheck> {
  return checkParsedTarget(url, parseHttpWebhookSenderOptions(options));
}
