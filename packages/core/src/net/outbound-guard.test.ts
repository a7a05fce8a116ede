import { describe, expect, it } from 'vitest';
import { parseAllowHosts } from './allow-hosts.js';
import {
  checkOutboundHost,
  localHostNameKind,
  type OutboundHostCheck,
  type OutboundHostOptions,
  type OutboundResolver,
  parseIpAddress,
  type ResolvedAddress,
} from './outbound-guard.js';

// No test in this file touches the network: every name goes to a stub resolver, and checkOutboundHost
// never connects. Public addresses below are only ever judged, never contacted.

interface StubResolver extends OutboundResolver {
  calls: string[];
}

/** A resolver answering from a table; unknown names fail like ENOTFOUND. */
function stubResolver(table: Record<string, string[]> = {}): StubResolver {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

interface CheckOptions extends Partial<Omit<OutboundHostOptions, 'allowHosts'>> {
  allowHosts?: string[];
}

const check = (host: string, port: number, { allowHosts = [], ...options }: CheckOptions = {}) =>
  checkOutboundHost(host, port, {
    resolver: stubResolver(),
    ...options,
    allowHosts: parseAllowHosts(allowHosts),
  });

async function refusal(host: string, port = 443, options: CheckOptions = {}) {
  const verdict: OutboundHostCheck = await check(host, port, options);
  if (verdict.ok) throw new Error(`expected ${host} to be refused, got ${verdict.address}`);
  return { stage: verdict.stage, reason: verdict.reason };
}

describe('checkOutboundHost: IP literals', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['10.255.255.254', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.0.0.2', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['169.254.0.1', 'linkLocal'],
    ['169.254.169.254', 'metadata'],
    ['169.254.170.2', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['febf:ffff::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['fd20:ce::254', 'metadata'],
    ['::7f00:1', 'reserved'], // IPv4-compatible ::/96 (deprecated)
    ['64:ff9b::7f00:1', 'rfc6052'], // NAT64
    ['2002:7f00:1::', '6to4'],
    ['2001:0:4136:e378::1', 'teredo'],
    ['2001:db8::1', 'reserved'],
  ])('refuses %s (%s) without resolving anything', async (host, kind) => {
    const resolver = stubResolver();
    expect(await check(host, 443, { resolver })).toEqual({
      ok: false,
      stage: 'address',
      reason: `${kind} address`,
    });
    expect(resolver.calls).toEqual([]);
  });

  it.each(['2130706433', '0177.0.0.1', '0x7f.1', '0x7f000001', '127.1', '::ffff:7f00:1'])(
    'reads the 127.0.0.1 spelling %s as loopback',
    async (spelling) => {
      expect(await refusal(spelling)).toEqual({ stage: 'address', reason: 'loopback address' });
    },
  );

  it('allows public literals, and says which address and family to connect to', async () => {
    const resolver = stubResolver();
    expect(await check('93.184.216.34', 443, { resolver })).toEqual({
      ok: true,
      address: '93.184.216.34',
      family: 4,
    });
    expect(await check('[2606:4700::1111]', 8443, { resolver })).toEqual({
      ok: true,
      address: '2606:4700::1111',
      family: 6,
    });
    expect(resolver.calls).toEqual([]);
  });
});

describe('checkOutboundHost: names', () => {
  it('resolves a name once and returns its first address when every address is public', async () => {
    const resolver = stubResolver({ 'hooks.example.com': ['93.184.216.34', '2606:4700::1111'] });
    expect(await check('Hooks.Example.com.', 443, { resolver })).toEqual({
      ok: true,
      address: '93.184.216.34',
      family: 4,
    });
    expect(resolver.calls).toEqual(['hooks.example.com']);
  });

  it('refuses a name that resolves to a private address, naming that address’s kind', async () => {
    const resolver = stubResolver({ 'internal.example.com': ['10.1.2.3'] });
    expect(await refusal('internal.example.com', 443, { resolver })).toEqual({
      stage: 'resolved',
      reason: 'private address',
    });
  });

  it.each([
    [['93.184.216.34', '192.168.0.10'], 'private address'],
    [['192.168.0.10', '93.184.216.34'], 'private address'],
    [['2606:4700::1111', '::1'], 'loopback address'],
    [['93.184.216.34', '169.254.169.254'], 'metadata address'],
  ])('refuses a name with one public and one non-public address (%j)', async (answers, reason) => {
    const resolver = stubResolver({ 'mixed.example.com': answers });
    expect(await refusal('mixed.example.com', 443, { resolver })).toEqual({ stage: 'resolved', reason });
  });

  it.each(['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '::ffff:127.0.0.1', '::ffff:7f00:1', '[::1]'])(
    'refuses a name resolving to the raw spelling %s (read as loopback)',
    async (spelling) => {
      const resolver = stubResolver({ 'odd.example': [spelling] });
      expect(await refusal('odd.example', 443, { resolver })).toEqual({
        stage: 'resolved',
        reason: 'loopback address',
      });
    },
  );

  it.each([
    ['localhost', 'loopback hostname'],
    ['LOCALHOST.', 'loopback hostname'],
    ['api.localhost', 'loopback hostname'],
    ['localhost.localdomain', 'loopback hostname'],
    ['ip6-localhost', 'loopback hostname'],
    ['metadata.google.internal', 'metadata hostname'],
    ['metadata', 'metadata hostname'],
    ['metadata.goog', 'metadata hostname'],
    ['instance-data.ec2.internal', 'metadata hostname'],
  ])('refuses %s before resolving it', async (host, reason) => {
    const resolver = stubResolver({ localhost: ['93.184.216.34'] });
    expect(await refusal(host, 443, { resolver })).toEqual({ stage: 'name', reason });
    expect(resolver.calls).toEqual([]);
  });

  it('refuses names that do not resolve, or resolve to nothing usable, without echoing details', async () => {
    expect(await refusal('nowhere.example.com')).toEqual({ stage: 'lookup', reason: 'dns ENOTFOUND' });
    const empty = stubResolver({ 'empty.example.com': [] });
    expect(await refusal('empty.example.com', 443, { resolver: empty })).toEqual({
      stage: 'lookup',
      reason: 'no address',
    });
    const junk = stubResolver({ 'junk.example.com': ['not-an-ip'] });
    expect(await refusal('junk.example.com', 443, { resolver: junk })).toEqual({
      stage: 'lookup',
      reason: 'unparseable address',
    });
    const weird: OutboundResolver = async () => {
      throw new Error('secret detail');
    };
    expect(await refusal('x.example.com', 443, { resolver: weird })).toEqual({
      stage: 'lookup',
      reason: 'dns failure',
    });
    const odd: OutboundResolver = async () => {
      throw Object.assign(new Error('x'), { code: 'not a code: secret' });
    };
    expect((await refusal('x.example.com', 443, { resolver: odd })).reason).toBe('dns failure');
    const notArray = (async () => 'nope') as unknown as OutboundResolver;
    expect((await refusal('x.example.com', 443, { resolver: notArray })).reason).toBe('no address');
  });
});

describe('checkOutboundHost: allowHosts', () => {
  it('lets a listed address or CIDR through, literal or resolved, and only what it contains', async () => {
    const resolver = stubResolver({
      'svc.example.com': ['10.0.0.7', '10.0.0.8'],
      'other.example.com': ['10.0.0.7', '172.16.0.1'],
    });
    const options = { allowHosts: ['10.0.0.0/24', '127.0.0.1/32', 'fd12::/16'], resolver };
    expect(await check('10.0.0.40', 8080, options)).toMatchObject({ ok: true, address: '10.0.0.40' });
    expect(await check('127.0.0.1', 80, options)).toMatchObject({ ok: true, address: '127.0.0.1' });
    expect(await check('fd12::5', 80, options)).toMatchObject({ ok: true, family: 6 });
    expect(await refusal('127.0.0.2', 80, options)).toEqual({ stage: 'address', reason: 'loopback address' });
    expect(await refusal('fd13::5', 80, options)).toEqual({
      stage: 'address',
      reason: 'uniqueLocal address',
    });
    expect(await check('svc.example.com', 80, options)).toMatchObject({ ok: true, address: '10.0.0.7' });
    expect(await refusal('other.example.com', 80, options)).toEqual({
      stage: 'resolved',
      reason: 'private address',
    });
  });

  it('judges IPv4-mapped IPv6 by its inner IPv4 and connects to that', async () => {
    expect(await check('[::ffff:127.0.0.1]', 80, { allowHosts: ['127.0.0.1'] })).toEqual({
      ok: true,
      address: '127.0.0.1',
      family: 4,
    });
  });

  it('trusts a listed name with its private addresses, and only that name', async () => {
    const resolver = stubResolver({
      'hooks.internal': ['10.0.0.5', 'fd00::5'],
      'evil.internal': ['10.0.0.5'],
      localhost: ['127.0.0.1', '::1'],
    });
    const options = { allowHosts: ['Hooks.Internal', 'localhost'], resolver };
    expect(await check('hooks.internal', 80, options)).toEqual({ ok: true, address: '10.0.0.5', family: 4 });
    expect(await check('hooks.internal.', 80, options)).toMatchObject({ ok: true });
    expect(await check('localhost', 8080, options)).toMatchObject({ ok: true, address: '127.0.0.1' });
    expect(await refusal('evil.internal', 80, options)).toEqual({
      stage: 'resolved',
      reason: 'private address',
    });
    expect(await refusal('sub.hooks.internal', 80, options)).toEqual({
      stage: 'lookup',
      reason: 'dns ENOTFOUND',
    });
  });

  it('lets a listed metadata name be resolved', async () => {
    const resolver = stubResolver({ 'metadata.google.internal': ['10.0.0.9'] });
    expect(
      await check('metadata.google.internal', 80, { allowHosts: ['metadata.google.internal'], resolver }),
    ).toMatchObject({ ok: true, address: '10.0.0.9' });
  });

  it('keeps metadata addresses closed for listed names, open only to an address entry on that very port', async () => {
    const resolver = stubResolver({
      'hooks.internal': ['169.254.169.254'],
      'v6.internal': ['fd00:ec2::254'],
    });
    expect(await refusal('hooks.internal', 80, { allowHosts: ['hooks.internal'], resolver })).toEqual({
      stage: 'resolved',
      reason: 'metadata address',
    });
    expect(await refusal('v6.internal', 80, { allowHosts: ['v6.internal'], resolver })).toEqual({
      stage: 'resolved',
      reason: 'metadata address',
    });
    expect(
      await check('hooks.internal', 80, { allowHosts: ['hooks.internal', '169.254.169.254'], resolver }),
    ).toMatchObject({ ok: true, address: '169.254.169.254' });
    expect(await refusal('169.254.169.254', 80, { allowHosts: ['169.254.169.254:8080'] })).toEqual({
      stage: 'address',
      reason: 'metadata address',
    });
    expect(await check('169.254.169.254', 8080, { allowHosts: ['169.254.169.254:8080'] })).toMatchObject({
      ok: true,
    });
    // A range covering it opens it too.
    expect(await check('169.254.169.254', 80, { allowHosts: ['169.254.0.0/16'] })).toMatchObject({
      ok: true,
    });
  });

  it('opens entries with a port on that port only, names and ranges alike', async () => {
    const resolver = stubResolver({ 'hooks.internal': ['10.0.0.5'], localhost: ['127.0.0.1'] });
    const options = { allowHosts: ['Hooks.Internal.:8443', 'localhost:3000', '10.1.0.0/16:8080'], resolver };
    expect(await check('hooks.internal', 8443, options)).toMatchObject({ ok: true, address: '10.0.0.5' });
    expect(await refusal('hooks.internal', 443, options)).toEqual({
      stage: 'resolved',
      reason: 'private address',
    });
    expect(await check('localhost', 3000, options)).toMatchObject({ ok: true });
    expect(await refusal('localhost', 6379, options)).toEqual({ stage: 'name', reason: 'loopback hostname' });
    expect(await check('10.1.2.3', 8080, options)).toMatchObject({ ok: true });
    expect(await refusal('10.1.2.3', 8081, options)).toEqual({ stage: 'address', reason: 'private address' });
  });
});

describe('checkOutboundHost: allowPrivateNetworks', () => {
  it('opens private ranges and localhost names, but not metadata, multicast, reserved or unspecified ones', async () => {
    const resolver = stubResolver({
      localhost: ['127.0.0.1'],
      'metadata.google.internal': ['169.254.169.254'],
    });
    const options = { allowPrivateNetworks: true, resolver };
    for (const host of [
      '10.0.0.1',
      '172.20.0.1',
      '192.168.1.1',
      '127.0.0.2',
      '100.64.0.1',
      '169.254.10.10',
      'fd12::1',
      '::1',
      'localhost',
    ]) {
      expect((await check(host, 80, options)).ok, host).toBe(true);
    }
    expect(await refusal('169.254.169.254', 80, options)).toEqual({
      stage: 'address',
      reason: 'metadata address',
    });
    expect(await refusal('fd00:ec2::254', 80, options)).toEqual({
      stage: 'address',
      reason: 'metadata address',
    });
    expect(await refusal('metadata.google.internal', 80, options)).toEqual({
      stage: 'name',
      reason: 'metadata hostname',
    });
    expect((await refusal('224.0.0.1', 80, options)).reason).toBe('multicast address');
    expect((await refusal('0.0.0.0', 80, options)).reason).toBe('unspecified address');
    expect((await refusal('2001:db8::1', 80, options)).reason).toBe('reserved address');
  });
});

describe('parseIpAddress and localHostNameKind', () => {
  it('reads IP literals in any spelling, unwrapping IPv4-mapped IPv6; names are not literals', () => {
    expect(parseIpAddress('0x7f.1')).toEqual({ address: '127.0.0.1', family: 4 });
    expect(parseIpAddress('[::ffff:10.0.0.1]')).toEqual({ address: '10.0.0.1', family: 4 });
    expect(parseIpAddress('2606:4700:0::1111')).toEqual({ address: '2606:4700::1111', family: 6 });
    expect(parseIpAddress('push.example')).toBeUndefined();
    expect(parseIpAddress('1.2.3.4.5')).toBeUndefined();
  });

  it('knows the names of this machine and of cloud metadata services', () => {
    expect(localHostNameKind('LocalHost.')).toBe('loopback');
    expect(localHostNameKind('app.localhost')).toBe('loopback');
    expect(localHostNameKind('ip6-loopback')).toBe('loopback');
    expect(localHostNameKind('instance-data')).toBe('metadata');
    expect(localHostNameKind('push.example')).toBeUndefined();
    expect(localHostNameKind('localhost.example')).toBeUndefined();
  });
});
