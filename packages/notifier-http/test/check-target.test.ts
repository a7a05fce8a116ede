import { isPlacetError } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { checkTarget, httpWebhookSender, type ResolvedAddress, type Resolver } from '../src/index.js';

// No test in this file touches the network: every name goes to a stub resolver, and checkTarget never
// connects. Public addresses below are only ever judged, never contacted.

interface StubResolver extends Resolver {
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

async function reasonOf(url: string, options: Parameters<typeof checkTarget>[1] = {}): Promise<string> {
  const verdict = await checkTarget(url, { resolver: stubResolver(), ...options });
  if (verdict.ok) throw new Error(`expected ${url} to be refused, got ${verdict.address}`);
  return verdict.reason;
}

describe('checkTarget: IP literals', () => {
  it.each([
    ['http://10.0.0.1/', 'private'],
    ['http://10.255.255.254/', 'private'],
    ['http://172.16.0.1/', 'private'],
    ['http://172.31.255.254/', 'private'],
    ['http://192.168.1.1/', 'private'],
    ['http://127.0.0.1/', 'loopback'],
    ['http://127.0.0.2/', 'loopback'],
    ['http://127.255.255.254:8080/', 'loopback'],
    ['http://0.0.0.0/', 'unspecified'],
    ['http://0.1.2.3/', 'unspecified'],
    ['http://100.64.0.1/', 'carrierGradeNat'],
    ['http://100.127.255.254/', 'carrierGradeNat'],
    ['http://169.254.0.1/', 'linkLocal'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://224.0.0.1/', 'multicast'],
    ['http://239.255.255.250/', 'multicast'],
    ['http://255.255.255.255/', 'broadcast'],
    ['http://240.0.0.1/', 'reserved'],
    ['http://192.0.2.10/', 'reserved'],
    ['http://[::1]/', 'loopback'],
    ['http://[::]/', 'unspecified'],
    ['http://[fc00::1]/', 'uniqueLocal'],
    ['http://[fd12:3456:789a::1]/', 'uniqueLocal'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[febf:ffff::1]/', 'linkLocal'],
    ['http://[ff02::1]/', 'multicast'],
    ['http://[::ffff:127.0.0.1]/', 'loopback'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
    ['http://[::7f00:1]/', 'reserved'], // IPv4-compatible ::/96 (deprecated)
    ['http://[64:ff9b::7f00:1]/', 'rfc6052'], // NAT64
    ['http://[2002:7f00:1::]/', '6to4'],
    ['http://[2001:0:4136:e378::1]/', 'teredo'],
    ['http://[2001:db8::1]/', 'reserved'],
  ])('refuses %s (%s)', async (url, kind) => {
    const resolver = stubResolver();
    const verdict = await checkTarget(url, { resolver });
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toContain(kind);
    expect(resolver.calls).toEqual([]);
  });

  it.each([
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://017700000001/',
    'http://127.1/',
    'http://0x7f.0.0.1:9000/x',
  ])('refuses the 127.0.0.1 spelling %s', async (url) => {
    // WHATWG URL already canonicalises these to 127.0.0.1; the guard judges what URL gives.
    expect(new URL(url).hostname).toBe('127.0.0.1');
    expect(await reasonOf(url)).toBe('loopback address');
  });

  it.each(['2130706433', '0177.0.0.1', '0x7f.1', '127.1', '::ffff:127.0.0.1', '::ffff:7f00:1'])(
    'refuses a name resolving to the raw spelling %s (ipaddr.js reads it as loopback)',
    async (spelling) => {
      const resolver = stubResolver({ 'odd.example': [spelling] });
      const verdict = await checkTarget('http://odd.example/', { resolver });
      expect(verdict).toEqual({ ok: false, reason: 'resolves to loopback address' });
    },
  );

  it('allows public literals without resolving anything', async () => {
    const resolver = stubResolver();
    expect(await checkTarget('https://93.184.216.34/hook', { resolver })).toEqual({
      ok: true,
      address: '93.184.216.34',
      family: 4,
    });
    expect(await checkTarget('http://[2606:4700::1111]:8443/hook', { resolver })).toEqual({
      ok: true,
      address: '2606:4700::1111',
      family: 6,
    });
    expect(resolver.calls).toEqual([]);
  });
});

describe('checkTarget: names', () => {
  it('resolves a name once and returns its first address when every address is public', async () => {
    const resolver = stubResolver({ 'hooks.example.com': ['93.184.216.34', '2606:4700::1111'] });
    expect(await checkTarget('https://Hooks.Example.com./x', { resolver })).toEqual({
      ok: true,
      address: '93.184.216.34',
      family: 4,
    });
    expect(resolver.calls).toEqual(['hooks.example.com']);
  });

  it('refuses a name that resolves to a private address', async () => {
    const resolver = stubResolver({ 'internal.example.com': ['10.1.2.3'] });
    expect(await reasonOf('https://internal.example.com/', { resolver })).toBe('resolves to private address');
  });

  it.each([
    [['93.184.216.34', '192.168.0.10']],
    [['192.168.0.10', '93.184.216.34']],
    [['2606:4700::1111', '::1']],
    [['93.184.216.34', '169.254.169.254']],
  ])('refuses a name with one public and one private address (%j)', async (answers) => {
    const resolver = stubResolver({ 'mixed.example.com': answers });
    expect(await reasonOf('https://mixed.example.com/', { resolver })).toMatch(/^resolves to /);
  });

  it.each([
    ['http://localhost:3000/', 'loopback hostname'],
    ['http://LOCALHOST./', 'loopback hostname'],
    ['http://api.localhost/', 'loopback hostname'],
    ['http://localhost.localdomain/', 'loopback hostname'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata hostname'],
    ['http://metadata/', 'metadata hostname'],
    ['http://instance-data.ec2.internal/', 'metadata hostname'],
  ])('refuses %s before resolving it', async (url, reason) => {
    const resolver = stubResolver({ localhost: ['93.184.216.34'] });
    expect(await reasonOf(url, { resolver })).toBe(reason);
    expect(resolver.calls).toEqual([]);
  });

  it('refuses names that do not resolve, or resolve to nothing usable', async () => {
    expect(await reasonOf('https://nowhere.example.com/')).toBe('dns ENOTFOUND');
    const empty = stubResolver({ 'empty.example.com': [] });
    expect(await reasonOf('https://empty.example.com/', { resolver: empty })).toBe('no address');
    const junk = stubResolver({ 'junk.example.com': ['not-an-ip'] });
    expect(await reasonOf('https://junk.example.com/', { resolver: junk })).toBe('unparseable address');
    const weird: Resolver = async () => {
      throw new Error('secret detail');
    };
    expect(await reasonOf('https://x.example.com/', { resolver: weird })).toBe('dns failure');
  });
});

describe('checkTarget: URL shape', () => {
  it.each([
    ['file:///etc/passwd', 'protocol not allowed'],
    ['ftp://example.com/x', 'protocol not allowed'],
    ['gopher://example.com:70/', 'protocol not allowed'],
    ['javascript:alert(1)', 'protocol not allowed'],
    ['data:text/plain,hi', 'protocol not allowed'],
    ['ws://example.com/', 'protocol not allowed'],
    ['https://user:s3cret@example.com/', 'credentials in URL'],
    ['https://user@example.com/', 'credentials in URL'],
    ['not a url', 'invalid URL'],
    ['http://1.2.3.4.5/', 'invalid URL'],
  ])('refuses %s', async (url, reason) => {
    expect(await reasonOf(url)).toBe(reason);
  });

  it('never echoes the URL (paths and queries may carry tokens)', async () => {
    const reason = await reasonOf('https://user:hunter2@10.0.0.1/hook?token=abc123');
    expect(reason).not.toMatch(/hunter2|abc123|10\.0\.0\.1/);
  });
});

describe('checkTarget: allowHosts and allowPrivateNetworks', () => {
  it('lets a CIDR open exactly its range', async () => {
    const options = { allowHosts: ['10.0.0.0/8', '127.0.0.1/32'], resolver: stubResolver() };
    expect(await checkTarget('http://10.20.30.40:8080/', options)).toMatchObject({
      ok: true,
      address: '10.20.30.40',
    });
    expect(await checkTarget('http://127.0.0.1/', options)).toMatchObject({ ok: true, address: '127.0.0.1' });
    expect((await checkTarget('http://127.0.0.2/', options)).ok).toBe(false);
    expect((await checkTarget('http://192.168.0.1/', options)).ok).toBe(false);
  });

  it('judges IPv4-mapped IPv6 by its inner IPv4 and connects to that', async () => {
    const verdict = await checkTarget('http://[::ffff:127.0.0.1]/', { allowHosts: ['127.0.0.1'] });
    expect(verdict).toEqual({ ok: true, address: '127.0.0.1', family: 4 });
  });

  it('lets an IPv6 CIDR open its range', async () => {
    const options = { allowHosts: ['fd12::/16', '::1'] };
    expect((await checkTarget('http://[fd12::5]/', options)).ok).toBe(true);
    expect((await checkTarget('http://[::1]:9000/', options)).ok).toBe(true);
    expect((await checkTarget('http://[fd13::5]/', options)).ok).toBe(false);
  });

  it('checks resolved addresses against allowed CIDRs too', async () => {
    const resolver = stubResolver({
      'svc.example.com': ['10.0.0.7', '10.0.0.8'],
      'other.example.com': ['10.0.0.7', '172.16.0.1'],
    });
    const options = { allowHosts: ['10.0.0.0/24'], resolver };
    expect(await checkTarget('http://svc.example.com/', options)).toMatchObject({
      ok: true,
      address: '10.0.0.7',
    });
    expect(await reasonOf('http://other.example.com/', options)).toBe('resolves to private address');
  });

  it('trusts a listed hostname with its private addresses, and only that hostname', async () => {
    const resolver = stubResolver({
      'hooks.internal': ['10.0.0.5', 'fd00::5'],
      'evil.internal': ['10.0.0.5'],
      localhost: ['127.0.0.1', '::1'],
    });
    const options = { allowHosts: ['Hooks.Internal', 'localhost'], resolver };
    expect(await checkTarget('http://hooks.internal/x', options)).toEqual({
      ok: true,
      address: '10.0.0.5',
      family: 4,
    });
    expect(await checkTarget('http://hooks.internal./x', options)).toMatchObject({ ok: true });
    expect(await checkTarget('http://localhost:8080/', options)).toMatchObject({
      ok: true,
      address: '127.0.0.1',
    });
    expect(await reasonOf('http://evil.internal/', options)).toBe('resolves to private address');
    expect(await reasonOf('http://sub.hooks.internal/', options)).toBe('dns ENOTFOUND');
  });

  it('keeps metadata addresses closed for listed hostnames, open only to a listed address', async () => {
    const resolver = stubResolver({ 'hooks.internal': ['169.254.169.254'] });
    expect(await reasonOf('http://hooks.internal/', { allowHosts: ['hooks.internal'], resolver })).toBe(
      'resolves to metadata address',
    );
    expect(
      await checkTarget('http://hooks.internal/', {
        allowHosts: ['hooks.internal', '169.254.169.254'],
        resolver,
      }),
    ).toMatchObject({ ok: true, address: '169.254.169.254' });
  });

  it('allowPrivateNetworks opens private ranges but not metadata, multicast or reserved ones', async () => {
    const resolver = stubResolver({
      localhost: ['127.0.0.1'],
      'metadata.google.internal': ['169.254.169.254'],
    });
    const options = { allowPrivateNetworks: true, resolver };
    for (const url of [
      'http://10.0.0.1/',
      'http://172.20.0.1/',
      'http://192.168.1.1/',
      'http://127.0.0.2/',
      'http://100.64.0.1/',
      'http://169.254.10.10/',
      'http://[fd12::1]/',
      'http://[::1]/',
      'http://localhost/',
    ]) {
      expect((await checkTarget(url, options)).ok, url).toBe(true);
    }
    expect(await reasonOf('http://169.254.169.254/', options)).toBe('metadata address');
    expect(await reasonOf('http://[fd00:ec2::254]/', options)).toBe('metadata address');
    expect(await reasonOf('http://metadata.google.internal/', options)).toBe('metadata hostname');
    expect(await reasonOf('http://224.0.0.1/', options)).toBe('multicast address');
    expect(await reasonOf('http://0.0.0.0/', options)).toBe('unspecified address');
  });
});

describe('checkTarget: allowHosts entries with a port', () => {
  it('an address entry with a port opens that port only; a portless one opens every port', async () => {
    const only = { allowHosts: ['127.0.0.1:9000'], resolver: stubResolver() };
    expect(await checkTarget('http://127.0.0.1:9000/hook', only)).toEqual({
      ok: true,
      address: '127.0.0.1',
      family: 4,
    });
    expect(await reasonOf('http://127.0.0.1:9001/hook', only)).toBe('loopback address');
    expect(await reasonOf('http://127.0.0.1/hook', only)).toBe('loopback address'); // port 80
    expect(await reasonOf('https://127.0.0.1/hook', only)).toBe('loopback address'); // port 443
    // Today's portless entry keeps working, for every port (the risk the docs spell out).
    const any = { allowHosts: ['127.0.0.1/32'], resolver: stubResolver() };
    for (const url of ['http://127.0.0.1:9000/', 'http://127.0.0.1:5432/', 'http://127.0.0.1/']) {
      expect((await checkTarget(url, any)).ok, url).toBe(true);
    }
  });

  it('a CIDR with a port opens that port in its range only', async () => {
    const options = { allowHosts: ['10.1.0.0/16:8080'], resolver: stubResolver() };
    expect((await checkTarget('http://10.1.2.3:8080/', options)).ok).toBe(true);
    expect(await reasonOf('http://10.1.2.3:8081/', options)).toBe('private address');
    expect(await reasonOf('http://10.2.0.1:8080/', options)).toBe('private address');
  });

  it('the default port of the scheme counts as written: :80 for http, :443 for https', async () => {
    const options = { allowHosts: ['127.0.0.1:443', '127.0.0.2:80'], resolver: stubResolver() };
    expect((await checkTarget('https://127.0.0.1/', options)).ok).toBe(true);
    expect((await checkTarget('https://127.0.0.1:443/', options)).ok).toBe(true);
    expect((await checkTarget('http://127.0.0.1/', options)).ok).toBe(false);
    expect((await checkTarget('http://127.0.0.2/', options)).ok).toBe(true);
    expect((await checkTarget('http://127.0.0.2:80/', options)).ok).toBe(true);
    expect((await checkTarget('https://127.0.0.2/', options)).ok).toBe(false);
  });

  it('IPv6 takes a port in brackets: [v6]:port and [v6/cidr]:port', async () => {
    const options = { allowHosts: ['[::1]:9000', '[fd12::/16]:8080'], resolver: stubResolver() };
    expect(await checkTarget('http://[::1]:9000/', options)).toEqual({ ok: true, address: '::1', family: 6 });
    expect(await reasonOf('http://[::1]:9001/', options)).toBe('loopback address');
    expect((await checkTarget('http://[fd12::5]:8080/', options)).ok).toBe(true);
    expect(await reasonOf('http://[fd12::5]/', options)).toBe('uniqueLocal address');
    // Without brackets an IPv6 entry has no port: `::1` stays every port of ::1.
    expect((await checkTarget('http://[::1]:1234/', { allowHosts: ['::1'] })).ok).toBe(true);
    expect((await checkTarget('http://[::1]:1234/', { allowHosts: ['[::1]'] })).ok).toBe(true);
  });

  it('a hostname with a port is trusted on that port only', async () => {
    const resolver = stubResolver({ 'hooks.internal': ['10.0.0.5'], localhost: ['127.0.0.1'] });
    const options = { allowHosts: ['Hooks.Internal.:8443', 'localhost:3000'], resolver };
    expect(await checkTarget('https://hooks.internal:8443/x', options)).toMatchObject({
      ok: true,
      address: '10.0.0.5',
    });
    expect(await reasonOf('https://hooks.internal/x', options)).toBe('resolves to private address');
    expect(await reasonOf('http://hooks.internal:8444/x', options)).toBe('resolves to private address');
    expect((await checkTarget('http://localhost:3000/', options)).ok).toBe(true);
    expect(await reasonOf('http://localhost:6379/', options)).toBe('loopback hostname');
  });

  it('keeps metadata closed unless an address entry on that very port covers it', async () => {
    const resolver = stubResolver();
    expect(
      await reasonOf('http://169.254.169.254/', { allowHosts: ['169.254.169.254:8080'], resolver }),
    ).toBe('metadata address');
    expect(
      (await checkTarget('http://169.254.169.254:8080/', { allowHosts: ['169.254.169.254:8080'], resolver }))
        .ok,
    ).toBe(true);
  });

  it.each([
    'localhost:',
    'localhost:0',
    'localhost:65536',
    'localhost:080',
    'localhost:http',
    'hooks.internal:80:81',
    '127.0.0.1:-1',
    '[::1]9000',
    '[::1]:',
    '[::1',
    '[hooks.internal]:80',
    ':8080',
  ])('refuses the malformed entry %s with INVALID_OPTIONS', async (entry) => {
    const error = await checkTarget('http://example.com/', { allowHosts: [entry] }).catch((e: unknown) => e);
    expect(isPlacetError(error) && error.code).toBe('INVALID_OPTIONS');
    expect(String((error as Error).message)).toContain('allowHosts.0');
  });
});

describe('options', () => {
  it('rejects invalid options with INVALID_OPTIONS listing paths, never values', async () => {
    const error = await checkTarget('http://example.com/', {
      allowHosts: ['10.0.0.0/8', 'https://user:s3cret@hooks.example.com'],
    }).catch((e: unknown) => e);
    expect(isPlacetError(error) && error.code).toBe('INVALID_OPTIONS');
    expect(String((error as Error).message)).toContain('allowHosts.1');
    expect(
      JSON.stringify({ m: (error as Error).message, i: (error as { issues?: unknown }).issues }),
    ).not.toContain('s3cret');

    let thrown: unknown;
    try {
      httpWebhookSender({
        timeoutMs: -1,
        maxResponseBytes: 1.5,
        resolver: 'dns' as never,
        userAgent: 'x\r\nInjected: 1',
        allowHosts: ['*.example.com'],
      });
    } catch (e) {
      thrown = e;
    }
    expect(isPlacetError(thrown) && thrown.code).toBe('INVALID_OPTIONS');
    const paths = (isPlacetError(thrown) ? (thrown.issues ?? []) : []).map((i) => i.path).sort();
    expect(paths).toEqual(['allowHosts.0', 'maxResponseBytes', 'resolver', 'timeoutMs', 'userAgent']);
    expect((thrown as Error).message).not.toContain('Injected');
  });

  it('accepts the documented defaults', () => {
    expect(() => httpWebhookSender()).not.toThrow();
    expect(() =>
      httpWebhookSender({
        allowHosts: [
          '127.0.0.1/32',
          'localhost',
          'hooks.internal',
          '::1',
          'fd00::/8',
          '127.0.0.1:9000',
          'hooks.internal:8443',
          '10.0.0.0/8:8080',
          '[::1]:9000',
          '[fd00::/8]:8080',
        ],
      }),
    ).not.toThrow();
  });
});
