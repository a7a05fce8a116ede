import { isPlacetError } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { checkTarget, httpWebhookSender, type ResolvedAddress, type Resolver } from '../src/index.js';

// No test in this file touches the network: every name goes to a stub resolver, and checkTarget never
// connects. Public addresses below are only ever judged, never contacted.
//
// The address, name and allowHosts rules themselves are the core's (`checkOutboundHost`, `parseAllowHosts`)
// and are tested next to it, in packages/core/src/net/*.test.ts. Here: the URL a webhook may have, the
// reasons the sender reports, the options, and that the rules are applied to what the URL gives.

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
    ['http://127.255.255.254:8080/', 'loopback'],
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::1]/', 'loopback'],
    ['http://[fe80::1]/', 'linkLocal'],
    ['http://[::ffff:10.0.0.1]/', 'private'],
    ['http://[::ffff:169.254.169.254]/', 'metadata'],
    ['http://[fd00:ec2::254]/', 'metadata'],
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

  it('refuses a name with one public and one non-public address, naming the refused one', async () => {
    const resolver = stubResolver({ 'mixed.example.com': ['93.184.216.34', '169.254.169.254'] });
    expect(await reasonOf('https://mixed.example.com/', { resolver })).toBe('resolves to metadata address');
  });

  it.each([
    ['http://localhost:3000/', 'loopback hostname'],
    ['http://LOCALHOST./', 'loopback hostname'],
    ['http://api.localhost/', 'loopback hostname'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata hostname'],
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
  it('the default port of the scheme counts as written: :80 for http, :443 for https', async () => {
    const options = { allowHosts: ['127.0.0.1:443', '127.0.0.2:80'], resolver: stubResolver() };
    expect((await checkTarget('https://127.0.0.1/', options)).ok).toBe(true);
    expect((await checkTarget('https://127.0.0.1:443/', options)).ok).toBe(true);
    expect((await checkTarget('http://127.0.0.1/', options)).ok).toBe(false);
    expect((await checkTarget('http://127.0.0.2/', options)).ok).toBe(true);
    expect((await checkTarget('http://127.0.0.2:80/', options)).ok).toBe(true);
    expect((await checkTarget('https://127.0.0.2/', options)).ok).toBe(false);
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
