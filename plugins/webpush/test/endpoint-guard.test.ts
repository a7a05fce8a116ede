import { describe, expect, it, vi } from 'vitest';
import { checkPushEndpoint, type HostResolver, WebPushOptions } from '../src/index.js';

/**
 * The SSRF guard on its own, with a stub resolver: it never connects, so no address here is ever sent
 * anything. Public addresses below are only strings the stub answers. The address, name and allowHosts
 * rules are the core's (`checkOutboundHost`, shared with webhooks) and are tested in full next to it
 * (packages/core/src/net); here, what push endpoints add: https on port 443 unless listed, the endpoint's
 * syntax, and the reasons the plugin reports.
 */

const answers =
  (...addresses: string[]): HostResolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

const check = (endpoint: string, resolver: HostResolver = answers('8.8.8.8'), allowHosts: string[] = []) =>
  checkPushEndpoint(endpoint, { allowHosts, resolver });

describe('checkPushEndpoint', () => {
  it('lets a public https push service through, and says which address to connect to', async () => {
    await expect(
      check('https://fcm.googleapis.com/fcm/send/abc', answers('142.250.1.1')),
    ).resolves.toMatchObject({
      ok: true,
      address: '142.250.1.1',
      family: 4,
    });
    await expect(check('https://web.push.apple.com/abc', answers('2606:4700::1'))).resolves.toMatchObject({
      ok: true,
      address: '2606:4700::1',
      family: 6,
    });
    await expect(check('https://8.8.4.4/push')).resolves.toMatchObject({ ok: true, address: '8.8.4.4' });
  });

  it.each([
    ['https://10.0.0.1/push', 'private address'],
    ['https://127.0.0.1/push', 'loopback address'],
    ['https://2130706433/push', 'loopback address'], // 127.0.0.1 spelt as a number
    ['https://0x7f.1/push', 'loopback address'],
    ['https://[::1]/push', 'loopback address'],
    ['https://[::ffff:127.0.0.1]/push', 'loopback address'],
    ['https://[fe80::1]/push', 'linkLocal address'],
    ['https://169.254.169.254/latest/meta-data', 'metadata address'],
    ['https://[fd00:ec2::254]/push', 'metadata address'],
    ['https://[64:ff9b::7f00:1]/push', 'rfc6052 address'],
  ])('refuses the non-public address in %s', async (endpoint, reason) => {
    await expect(check(endpoint)).resolves.toEqual({ ok: false, reason });
  });

  it('refuses names that resolve to any non-public address, whatever the others are', async () => {
    await expect(check('https://push.example.test/x', answers('10.9.8.7'))).resolves.toEqual({
      ok: false,
      reason: 'resolves to a private address',
    });
    await expect(check('https://push.example.test/x', answers('8.8.8.8', '127.0.0.1'))).resolves.toEqual({
      ok: false,
      reason: 'resolves to a loopback address',
    });
    await expect(check('https://push.example.test/x', answers('::ffff:192.168.0.1'))).resolves.toEqual({
      ok: false,
      reason: 'resolves to a private address',
    });
    await expect(check('https://push.example.test/x', answers())).resolves.toEqual({
      ok: false,
      reason: 'no address',
    });
    const failing: HostResolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND push.example.test'), { code: 'ENOTFOUND' });
    };
    await expect(check('https://push.example.test/x', failing)).resolves.toEqual({
      ok: false,
      reason: 'dns ENOTFOUND',
    });
  });

  it('refuses what is not https on port 443, credentials, and local names, without asking DNS', async () => {
    const resolver = vi.fn(answers('8.8.8.8'));
    const cases: [string, string][] = [
      ['http://push.example.test/x', 'not an https URL'],
      ['ftp://push.example.test/x', 'not an https URL'],
      ['https://push.example.test:8443/x', 'not port 443'],
      ['https://user:secret@push.example.test/x', 'credentials in the URL'],
      ['https://localhost/x', 'local host name'],
      ['https://api.localhost/x', 'local host name'],
      ['https://metadata.google.internal/x', 'local host name'],
      ['https://intranet/x', 'not a public host name'],
      ['not a url', 'not a URL'],
    ];
    for (const [endpoint, reason] of cases) {
      await expect(check(endpoint, resolver), endpoint).resolves.toEqual({ ok: false, reason });
    }
    expect(resolver).not.toHaveBeenCalled();
  });

  it('lets listed hosts through: loopback, http and any port (the tests’ stub)', async () => {
    await expect(check('http://127.0.0.1:4321/push/x', undefined, ['127.0.0.1'])).resolves.toMatchObject({
      ok: true,
      address: '127.0.0.1',
    });
    await expect(check('http://[::1]:4321/push/x', undefined, ['::1'])).resolves.toMatchObject({ ok: true });
    await expect(
      check('http://push.lan:8080/x', answers('192.168.1.20'), ['push.lan']),
    ).resolves.toMatchObject({
      ok: true,
      address: '192.168.1.20',
    });
    // Listing one host opens that host only.
    await expect(check('http://127.0.0.2:4321/push/x', undefined, ['127.0.0.1'])).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
    await expect(check('https://127.0.0.2/push/x', undefined, ['127.0.0.1'])).resolves.toEqual({
      ok: false,
      reason: 'loopback address',
    });
  });

  it('refuses a listed name that resolves to a cloud metadata address, as webhooks do', async () => {
    const metadata = answers('169.254.169.254');
    await expect(check('http://push.lan:8080/x', metadata, ['push.lan'])).resolves.toEqual({
      ok: false,
      reason: 'resolves to a metadata address',
    });
    await expect(
      check('https://push.lan/x', answers('192.168.1.20', 'fd00:ec2::254'), ['push.lan']),
    ).resolves.toEqual({
      ok: false,
      reason: 'resolves to a metadata address',
    });
    // Only an address or range entry that covers it, on that port, opens it.
    await expect(
      check('http://push.lan:8080/x', metadata, ['push.lan', '169.254.169.254:8080']),
    ).resolves.toMatchObject({ ok: true, address: '169.254.169.254' });
    await expect(
      check('http://169.254.169.254:8080/x', undefined, ['169.254.0.0/16']),
    ).resolves.toMatchObject({
      ok: true,
    });
  });

  it('lets CIDR ranges through: IP endpoints in them, and names whose addresses are public or in them', async () => {
    const ranges = ['10.1.0.0/16', 'fd00::/8'];
    await expect(check('http://10.1.2.3:8080/push', undefined, ranges)).resolves.toMatchObject({ ok: true });
    await expect(check('https://[fd00::5]/push', undefined, ranges)).resolves.toMatchObject({ ok: true });
    await expect(check('https://10.2.0.1/push', undefined, ranges)).resolves.toEqual({
      ok: false,
      reason: 'private address',
    });
    await expect(
      check('https://push.corp.example/x', answers('10.1.9.9', '8.8.8.8'), ranges),
    ).resolves.toMatchObject({
      ok: true,
      address: '10.1.9.9',
    });
    await expect(
      check('https://push.corp.example/x', answers('10.1.9.9', '10.3.0.1'), ranges),
    ).resolves.toEqual({
      ok: false,
      reason: 'resolves to a private address',
    });
    // A name is not listed by its range: plain http stays refused.
    await expect(check('http://push.corp.example/x', answers('10.1.9.9'), ranges)).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
  });
});

describe('allowHosts entries with a port', () => {
  it('opens only the listed port of a listed address: no other port, scheme default or not', async () => {
    const resolver = vi.fn(answers('127.0.0.1'));
    const stub = ['127.0.0.1:4321'];
    await expect(check('http://127.0.0.1:4321/push/x', resolver, stub)).resolves.toMatchObject({
      ok: true,
      address: '127.0.0.1',
    });
    await expect(check('https://127.0.0.1:4321/push/x', resolver, stub)).resolves.toMatchObject({ ok: true });
    // What a signed-in user would try to scan the machine's other services with.
    for (const port of [22, 80, 443, 3001, 4322, 5432, 6379, 9200]) {
      await expect(check(`http://127.0.0.1:${port}/x`, resolver, stub), `http ${port}`).resolves.toEqual({
        ok: false,
        reason: 'not an https URL',
      });
      await expect(check(`https://127.0.0.1:${port}/x`, resolver, stub), `https ${port}`).resolves.toEqual({
        ok: false,
        reason: port === 443 ? 'loopback address' : 'not port 443',
      });
    }
    await expect(check('http://127.0.0.1/x', resolver, stub)).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
    expect(resolver).not.toHaveBeenCalled();
  });

  it('reads a URL without a port as 80 (http) or 443 (https)', async () => {
    await expect(check('http://127.0.0.1/x', undefined, ['127.0.0.1:80'])).resolves.toMatchObject({
      ok: true,
    });
    await expect(check('https://127.0.0.1/x', undefined, ['127.0.0.1:443'])).resolves.toMatchObject({
      ok: true,
    });
    await expect(check('http://127.0.0.1/x', undefined, ['127.0.0.1:443'])).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
  });

  it('takes IPv6 ports after brackets', async () => {
    await expect(check('http://[::1]:9000/x', undefined, ['[::1]:9000'])).resolves.toMatchObject({
      ok: true,
      address: '::1',
      family: 6,
    });
    await expect(check('http://[::1]:9001/x', undefined, ['[::1]:9000'])).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
  });

  it('opens a listed name on its port only', async () => {
    const lan = answers('192.168.1.20');
    await expect(check('http://push.lan:8080/x', lan, ['push.lan:8080'])).resolves.toMatchObject({
      ok: true,
      address: '192.168.1.20',
    });
    await expect(check('http://push.lan:8081/x', lan, ['push.lan:8080'])).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
    // Its other ports are judged as any push service: here, a private address.
    await expect(check('https://push.lan/x', lan, ['push.lan:8080'])).resolves.toEqual({
      ok: false,
      reason: 'resolves to a private address',
    });
  });

  it('opens a CIDR range on its port only, for IP endpoints and for the addresses names resolve to', async () => {
    const ranges = ['10.1.0.0/16:8080', '[fd00::/8]:8443'];
    await expect(check('http://10.1.2.3:8080/push', undefined, ranges)).resolves.toMatchObject({ ok: true });
    await expect(check('https://[fd00::5]:8443/push', undefined, ranges)).resolves.toMatchObject({
      ok: true,
    });
    await expect(check('http://10.1.2.3:8081/push', undefined, ranges)).resolves.toEqual({
      ok: false,
      reason: 'not an https URL',
    });
    await expect(check('https://10.1.2.3/push', undefined, ranges)).resolves.toEqual({
      ok: false,
      reason: 'private address',
    });
    // A name (https on 443) resolving into the range: the range is not open on 443.
    await expect(check('https://push.corp.example/x', answers('10.1.9.9'), ranges)).resolves.toEqual({
      ok: false,
      reason: 'resolves to a private address',
    });
    await expect(
      check('https://push.corp.example/x', answers('10.1.9.9'), ['10.1.0.0/16:443']),
    ).resolves.toMatchObject({ ok: true, address: '10.1.9.9' });
  });

  it('lets a name resolving to a listed address through only when the address is open on 443', async () => {
    const local = answers('127.0.0.1');
    await expect(check('https://push.example.test/x', local, ['127.0.0.1:4321'])).resolves.toEqual({
      ok: false,
      reason: 'resolves to a loopback address',
    });
    await expect(check('https://push.example.test/x', local, ['127.0.0.1:443'])).resolves.toMatchObject({
      ok: true,
      address: '127.0.0.1',
    });
  });

  it('lets an entry without a port keep opening every port (the documented risk)', async () => {
    for (const port of [22, 5432, 4321]) {
      await expect(check(`http://127.0.0.1:${port}/x`, undefined, ['127.0.0.1'])).resolves.toMatchObject({
        ok: true,
      });
    }
  });

  it('lets an invalid entry open nothing when the guard is called directly', async () => {
    for (const entry of ['127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:x', '[::1]9000']) {
      await expect(check('http://127.0.0.1:4321/x', undefined, [entry]), entry).resolves.toEqual({
        ok: false,
        reason: 'not an https URL',
      });
    }
  });
});

describe('the allowHosts option', () => {
  it('takes names, addresses and CIDR ranges, each optionally with a port, in canonical spelling', () => {
    expect(
      WebPushOptions.parse({
        allowHosts: [
          'Push.Example.',
          '[::1]',
          '127.0.0.1',
          '10.0.0.0/8',
          'Push.Example.:8443',
          '127.0.0.1:4321',
          '[::1]:9000',
          '10.1.0.0/16:8080',
          '[FD00::/8]:8080',
          ' fd00::/8 ',
        ],
      }).allowHosts,
    ).toEqual([
      'push.example',
      '::1',
      '127.0.0.1',
      '10.0.0.0/8',
      'push.example:8443',
      '127.0.0.1:4321',
      '[::1]:9000',
      '10.1.0.0/16:8080',
      '[fd00::/8]:8080',
      'fd00::/8',
    ]);
  });

  it('refuses anything else, naming the path and not the value', () => {
    for (const entry of [
      '10.0.0.0/33',
      'host:0',
      'host:65536',
      'host:80:90',
      '127.0.0.1:',
      '[::1]9000',
      '[push.example]:443',
      '[::1',
      'https://push.example',
      'push example',
      '',
    ]) {
      const result = WebPushOptions.safeParse({ allowHosts: [entry] });
      expect(result.success, entry).toBe(false);
      expect(result.error!.issues[0]!.path).toEqual(['allowHosts', 0]);
      if (entry !== '') expect(result.error!.issues[0]!.message).not.toContain(entry);
    }
  });
});
