import ipaddr from 'ipaddr.js';
import {
  type HttpWebhookSenderOptions,
  normaliseHost,
  parseHttpWebhookSenderOptions,
  type ResolvedHttpWebhookSenderOptions,
} from './options.js';

/** The guard's verdict: the address to connect to, or a short, secret-free reason. */
export type TargetCheck = { ok: true; address: string; family: 4 | 6 } | { ok: false; reason: string };

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** Names that mean "this machine"; refused unless listed in allowHosts or allowPrivateNetworks is set. */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** Cloud instance-metadata names; refused unless listed by name in allowHosts. */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/**
 * Cloud instance-metadata addresses (AWS/GCP/Azure/Oracle, AWS ECS credentials, Alibaba, AWS and GCP IPv6).
 * Refused even with allowPrivateNetworks or a listed hostname; only an allowHosts IP/CIDR covering them
 * lets them through.
 */
const METADATA_ADDRESSES: readonly Address[] = [
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  'fd00:ec2::254',
  'fd20:ce::254',
].map((a) => ipaddr.parse(a));

/** Ranges that `allowPrivateNetworks` opens (other special ranges never carry a webhook receiver). */
const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat']);

/** Public IPv6 lives in 2000::/3; ipaddr.js calls the unassigned rest (e.g. IPv4-compatible ::/96) "unicast". */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

function sameAddress(a: Address, b: Address): boolean {
  return a.kind() === b.kind() && a.toNormalizedString() === b.toNormalizedString();
}

/** An entry without a port allows every port; one with a port only that port. */
const portMatches = (allowed: number | undefined, port: number) => allowed === undefined || allowed === port;

function inAllowedRange(address: Address, port: number, options: ResolvedHttpWebhookSenderOptions): boolean {
  return options.allowRanges.some(
    ({ range: [base, bits], port: allowed }) =>
      portMatches(allowed, port) && base.kind() === address.kind() && address.match(base, bits),
  );
}

/** Parses any spelling ipaddr.js accepts (`2130706433`, `0x7f.1`, `::ffff:7f00:1` …), unwrapping IPv4-mapped. */
function parseAddress(text: string): Address | undefined {
  const t = normaliseHost(text);
  if (!ipaddr.isValid(t)) return undefined;
  try {
    return ipaddr.process(t);
  } catch {
    return undefined;
  }
}

/**
 * Judges one (already unwrapped) address on `port`; `nameAllowed` says the hostname itself is listed in
 * allowHosts (for this port).
 */
function judgeAddress(
  address: Address,
  port: number,
  options: ResolvedHttpWebhookSenderOptions,
  nameAllowed: boolean,
): string | undefined {
  if (inAllowedRange(address, port, options)) return undefined;
  if (METADATA_ADDRESSES.some((m) => sameAddress(m, address))) return 'metadata address';
  if (nameAllowed) return undefined;
  const range = address.range();
  if (options.allowPrivateNetworks && PRIVATE_RANGES.has(range)) return undefined;
  if (range !== 'unicast') return `${range} address`;
  if (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6)) return 'reserved address';
  return undefined;
}

function toTarget(address: Address): TargetCheck {
  return { ok: true, address: address.toString(), family: address.kind() === 'ipv4' ? 4 : 6 };
}

/** The guard with options already parsed (the sender calls this; it never throws). */
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
  // `127.0.0.1`; ipaddr.js would read those spellings too, so the check holds either way.
  const literal = parseAddress(host);
  if (literal) {
    const refused = judgeAddress(literal, port, options, false);
    return refused ? { ok: false, reason: refused } : toTarget(literal);
  }

  const nameAllowed = options.allowNames.some(
    (allowed) => allowed.name === host && portMatches(allowed.port, port),
  );
  if (!nameAllowed) {
    if (METADATA_NAMES.has(host)) return { ok: false, reason: 'metadata hostname' };
    const loopbackName = LOOPBACK_NAMES.has(host) || host.endsWith('.localhost');
    if (loopbackName && !options.allowPrivateNetworks) return { ok: false, reason: 'loopback hostname' };
  }

  let answers: Awaited<ReturnType<ResolvedHttpWebhookSenderOptions['resolver']>>;
  try {
    answers = await options.resolver(host);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    return {
      ok: false,
      reason: typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? `dns ${code}` : 'dns failure',
    };
  }
  if (!Array.isArray(answers) || answers.length === 0) return { ok: false, reason: 'no address' };

  // Every answer must pass: a name with one public and one private address is refused, so that
  // whichever address a later connection would pick, it is one that was judged.
  let first: Address | undefined;
  for (const answer of answers) {
    const address = typeof answer?.address === 'string' ? parseAddress(answer.address) : undefined;
    if (!address) return { ok: false, reason: 'unparseable address' };
    const refused = judgeAddress(address, port, options, nameAllowed);
    if (refused) return { ok: false, reason: `resolves to ${refused}` };
    first ??= address;
  }
  return toTarget(first!);
}

/**
 * The SSRF guard on its own: parses `url`, refuses what the options do not allow, resolves names (ALL
 * addresses must pass) and returns the address a connection must use. Rejects only with INVALID_OPTIONS.
 */
export async function checkTarget(url: string, options: HttpWebhookSenderOptions = {}): Promise<TargetCheck> {
  return checkParsedTarget(url, parseHttpWebhookSenderOptions(options));
}
