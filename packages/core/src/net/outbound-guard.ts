import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import { type AllowHosts, normaliseHost, toAddress } from './allow-hosts.js';

/**
 * The SSRF rules every outbound request of Placet follows (webhooks in `@placet/notifier-http`, pushes in
 * `@placet/plugin-webpush`), without URL syntax, which is each sender's own:
 *
 * - an address must be public unicast: private, loopback, link-local, CGNAT, unique-local, unspecified,
 *   broadcast, multicast, reserved and documentation ranges, IPv4-compatible, NAT64, 6to4 and Teredo are
 *   refused, IPv4-mapped IPv6 is judged by its inner IPv4;
 * - `localhost`, `*.localhost` and cloud metadata names are refused without asking DNS;
 * - a name is resolved once, with ALL its addresses, and EVERY address must pass: the caller then connects
 *   to the address returned, so a second, different DNS answer (rebinding) is never used;
 * - `allowHosts` opens listed names (whatever they resolve to) and listed addresses or ranges, on their
 *   port, EXCEPT cloud metadata addresses, which only an address or range entry covering them opens.
 */

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** One answer of a name lookup. */
export interface ResolvedAddress {
  address: string;
  family?: number;
}

/** Resolves a host name to ALL its addresses (every one is judged). Tests pass a stub. */
export type OutboundResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** The default resolver: `dns.lookup(hostname, { all: true, verbatim: true })`. */
export const systemResolver: OutboundResolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/** An IP address in its canonical spelling, with its family. */
export interface IpAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Names that mean "this machine" (and every `*.localhost`). */
const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback']);

/** Cloud instance-metadata names. */
const METADATA_NAMES = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
]);

/**
 * Cloud instance-metadata addresses (AWS/GCP/Azure/Oracle, AWS ECS credentials, Alibaba, AWS and GCP IPv6).
 * Refused even with `allowPrivateNetworks` or a listed name: only an address or range entry covering them
 * lets them through.
 */
const METADATA_ADDRESSES: readonly Address[] = [
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  'fd00:ec2::254',
  'fd20:ce::254',
].map((a) => ipaddr.parse(a));

/** Ranges that `allowPrivateNetworks` opens (other special ranges never carry a receiver). */
const PRIVATE_RANGES = new Set(['private', 'uniqueLocal', 'loopback', 'linkLocal', 'carrierGradeNat']);

/** Public IPv6 lives in 2000::/3; ipaddr.js calls the unassigned rest (e.g. IPv4-compatible ::/96) "unicast". */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

const toIpAddress = (address: Address): IpAddress => ({
  address: address.toString(),
  family: address.kind() === 'ipv4' ? 4 : 6,
});

/**
 * An IP literal in any spelling ipaddr.js reads (`2130706433`, `0x7f.1`, `[::ffff:7f00:1]` …; IPv4-mapped
 * IPv6 becomes its IPv4), or undefined when `text` is not one (a host name).
 */
export function parseIpAddress(text: string): IpAddress | undefined {
  const address = toAddress(text);
  return address ? toIpAddress(address) : undefined;
}

/** Whether a host name is one of this machine's (`localhost`, `*.localhost` …) or a cloud metadata name. */
export function localHostNameKind(host: string): 'loopback' | 'metadata' | undefined {
  const name = normaliseHost(host);
  if (METADATA_NAMES.has(name)) return 'metadata';
  if (LOOPBACK_NAMES.has(name) || name.endsWith('.localhost')) return 'loopback';
  return undefined;
}

/** What `checkOutboundHost` applies besides its built-in rules. */
export interface OutboundHostOptions {
  /** Hosts opened although they are not public (`parseAllowHosts(options.allowHosts)`). */
  readonly allowHosts: AllowHosts;
  /** Also open private, unique-local, loopback, link-local and CGNAT addresses and the `localhost` names (never metadata). */
  readonly allowPrivateNetworks?: boolean;
  /** Default `systemResolver`. */
  readonly resolver?: OutboundResolver;
}

/**
 * The verdict: the address to connect to, or why not, in a short reason that never holds the host. `stage`
 * says what was refused: the IP literal itself (`address`: `private address` …), the name before any
 * lookup (`name`: `loopback hostname`, `metadata hostname`), the lookup (`lookup`: `dns ENOTFOUND`,
 * `dns failure`, `no address`, `unparseable address`) or one of the addresses it gave (`resolved`: the
 * reason is that address's, `private address` …).
 */
export type OutboundHostCheck =
  | ({ readonly ok: true } & IpAddress)
  | {
      readonly ok: false;
      readonly stage: 'address' | 'name' | 'lookup' | 'resolved';
      readonly reason: string;
    };

/** Why `address` (on `port`) is refused, or undefined; `nameAllowed`: its name is listed for `port`. */
function refusal(
  address: Address,
  port: number,
  options: OutboundHostOptions,
  nameAllowed: boolean,
): string | undefined {
  if (options.allowHosts.allowsAddress(address.toString(), port)) return undefined;
  if (
    METADATA_ADDRESSES.some(
      (m) => m.kind() === address.kind() && m.toNormalizedString() === address.toNormalizedString(),
    )
  )
    return 'metadata address';
  if (nameAllowed) return undefined;
  const range = address.range();
  if (options.allowPrivateNetworks && PRIVATE_RANGES.has(range)) return undefined;
  if (range !== 'unicast') return `${range} address`;
  if (address.kind() === 'ipv6' && !address.match(GLOBAL_UNICAST_V6)) return 'reserved address';
  return undefined;
}

/**
 * Judges a host (an IP literal in any spelling, or a name, which is resolved) on `port` by the rules above,
 * and says which address a connection must use. Never throws; never connects.
 */
export async function checkOutboundHost(
  host: string,
  port: number,
  options: OutboundHostOptions,
): Promise<OutboundHostCheck> {
  const name = normaliseHost(host);
  const literal = toAddress(name);
  if (literal) {
    const refused = refusal(literal, port, options, false);
    return refused ? { ok: false, stage: 'address', reason: refused } : { ok: true, ...toIpAddress(literal) };
  }

  const nameAllowed = options.allowHosts.allowsName(name, port);
  if (!nameAllowed) {
    const kind = localHostNameKind(name);
    if (kind === 'metadata') return { ok: false, stage: 'name', reason: 'metadata hostname' };
    if (kind === 'loopback' && !options.allowPrivateNetworks) {
      return { ok: false, stage: 'name', reason: 'loopback hostname' };
    }
  }

  let answers: readonly ResolvedAddress[];
  try {
    answers = await (options.resolver ?? systemResolver)(name);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const reason = typeof code === 'string' && /^[A-Z_]{1,32}$/.test(code) ? `dns ${code}` : 'dns failure';
    return { ok: false, stage: 'lookup', reason };
  }
  if (!Array.isArray(answers) || answers.length === 0)
    return { ok: false, stage: 'lookup', reason: 'no address' };

  // Every answer must pass: a name with one public and one private address is refused, so that whichever
  // address a later connection would pick, it is one that was judged.
  let first: Address | undefined;
  for (const answer of answers) {
    const address = typeof answer?.address === 'string' ? toAddress(answer.address) : undefined;
    if (!address) return { ok: false, stage: 'lookup', reason: 'unparseable address' };
    const refused = refusal(address, port, options, nameAllowed);
    if (refused) return { ok: false, stage: 'resolved', reason: refused };
    first ??= address;
  }
  return { ok: true, ...toIpAddress(first!) };
}
