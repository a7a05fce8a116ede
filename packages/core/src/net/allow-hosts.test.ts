import { describe, expect, it } from 'vitest';
import { normaliseHost, parseAllowHostEntry, parseAllowHosts } from './allow-hosts.js';

// Pure parsing and matching: nothing here resolves a name or opens a connection.

describe('normaliseHost', () => {
  it('lower-cases, trims, and drops brackets around IPv6 and a trailing root dot', () => {
    expect(normaliseHost(' Hooks.Example.COM. ')).toBe('hooks.example.com');
    expect(normaliseHost('[::1]')).toBe('::1');
    expect(normaliseHost('[FD00::1]')).toBe('fd00::1');
    expect(normaliseHost('')).toBe('');
  });
});

describe('parseAllowHostEntry', () => {
  it('takes names, addresses and CIDR ranges, each optionally with a port, in canonical spelling', () => {
    const entries = [
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
      'localhost',
      'hooks_internal',
    ];
    expect(entries.map((entry) => parseAllowHostEntry(entry)?.canonical)).toEqual([
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
      'localhost',
      'hooks_internal',
    ]);
  });

  it('says what an entry names and on which port', () => {
    expect(parseAllowHostEntry('Hooks.Internal.:8443')).toEqual({
      kind: 'name',
      name: 'hooks.internal',
      port: 8443,
      canonical: 'hooks.internal:8443',
    });
    expect(parseAllowHostEntry('127.0.0.1')).toEqual({
      kind: 'range',
      range: '127.0.0.1/32',
      port: undefined,
      canonical: '127.0.0.1',
    });
    expect(parseAllowHostEntry('[fd00::/8]:8080')).toMatchObject({
      kind: 'range',
      range: 'fd00::/8',
      port: 8080,
    });
    expect(parseAllowHostEntry('::1')).toMatchObject({ kind: 'range', range: '::1/128', port: undefined });
    // IPv4-mapped IPv6 is its IPv4.
    expect(parseAllowHostEntry('::ffff:10.0.0.1')).toMatchObject({ kind: 'range', range: '10.0.0.1/32' });
    expect(Object.isFrozen(parseAllowHostEntry('localhost'))).toBe(true);
  });

  it.each([
    'localhost:',
    'localhost:0',
    'localhost:65536',
    'localhost:080',
    'localhost:http',
    'hooks.internal:80:81',
    'host:80:90',
    '127.0.0.1:-1',
    '127.0.0.1:',
    '[::1]9000',
    '[::1]:',
    '[::1',
    '[hooks.internal]:80',
    '[push.example]:443',
    ':8080',
    '10.0.0.0/33',
    '*.example.com',
    'https://push.example',
    'https://user:s3cret@hooks.example.com',
    'push example',
    '',
    '   ',
  ])('refuses the malformed entry %j', (entry) => {
    expect(parseAllowHostEntry(entry)).toBeUndefined();
  });

  it('reads addresses in strict spellings only (127.1 or 0x7f.0.0.1 in a config is a typo)', () => {
    // Not an address, so it would have to be a name: `0x7f.0.0.1` is one by the hostname rule,
    // `127.1` too; neither ever matches an address.
    expect(parseAllowHostEntry('127.1')).toMatchObject({ kind: 'name' });
    expect(parseAllowHostEntry('0x7f.0.0.1')).toMatchObject({ kind: 'name' });
    expect(parseAllowHosts(['127.1']).allowsAddress('127.0.0.1', 80)).toBe(false);
  });
});

describe('parseAllowHosts', () => {
  it('matches exact names, whatever their case or trailing dot, never their subdomains', () => {
    const list = parseAllowHosts(['Hooks.Internal', 'localhost']);
    expect(list.allowsName('hooks.internal', 80)).toBe(true);
    expect(list.allowsName('HOOKS.internal.', 443)).toBe(true);
    expect(list.allowsName('localhost', 8080)).toBe(true);
    expect(list.allowsName('sub.hooks.internal', 80)).toBe(false);
    expect(list.allowsName('evil.internal', 80)).toBe(false);
    // A name entry never matches an address, nor an address entry a name.
    expect(list.allowsAddress('127.0.0.1', 80)).toBe(false);
    expect(parseAllowHosts(['127.0.0.1']).allowsName('127.0.0.1', 80)).toBe(false);
  });

  it('lets a CIDR open exactly its range, in either family', () => {
    const list = parseAllowHosts(['10.0.0.0/8', '127.0.0.1/32', 'fd12::/16', '::1']);
    expect(list.allowsAddress('10.20.30.40', 8080)).toBe(true);
    expect(list.allowsAddress('127.0.0.1', 80)).toBe(true);
    expect(list.allowsAddress('127.0.0.2', 80)).toBe(false);
    expect(list.allowsAddress('192.168.0.1', 80)).toBe(false);
    expect(list.allowsAddress('fd12::5', 80)).toBe(true);
    expect(list.allowsAddress('[::1]', 9000)).toBe(true);
    expect(list.allowsAddress('fd13::5', 80)).toBe(false);
    expect(list.allowsAddress('not-an-ip', 80)).toBe(false);
  });

  it('judges IPv4-mapped IPv6 and other spellings by the address they are', () => {
    const list = parseAllowHosts(['127.0.0.1']);
    expect(list.allowsAddress('::ffff:127.0.0.1', 80)).toBe(true);
    expect(list.allowsAddress('::ffff:7f00:1', 80)).toBe(true);
    expect(list.allowsAddress('2130706433', 80)).toBe(true);
    expect(list.allowsAddress('0x7f.1', 80)).toBe(true);
  });

  it('an entry with a port opens that port only; a portless one opens every port', () => {
    const only = parseAllowHosts(['127.0.0.1:9000', 'hooks.internal:8443', '10.1.0.0/16:8080']);
    expect(only.allowsAddress('127.0.0.1', 9000)).toBe(true);
    for (const port of [9001, 80, 443]) expect(only.allowsAddress('127.0.0.1', port), `${port}`).toBe(false);
    expect(only.allowsName('hooks.internal', 8443)).toBe(true);
    expect(only.allowsName('hooks.internal', 443)).toBe(false);
    expect(only.allowsAddress('10.1.2.3', 8080)).toBe(true);
    expect(only.allowsAddress('10.1.2.3', 8081)).toBe(false);
    expect(only.allowsAddress('10.2.0.1', 8080)).toBe(false);
    const any = parseAllowHosts(['127.0.0.1/32']);
    for (const port of [9000, 5432, 80, 22])
      expect(any.allowsAddress('127.0.0.1', port), `${port}`).toBe(true);
  });

  it('IPv6 takes a port in brackets: [v6]:port and [v6/cidr]:port; without brackets, every port', () => {
    const list = parseAllowHosts(['[::1]:9000', '[fd12::/16]:8080']);
    expect(list.allowsAddress('::1', 9000)).toBe(true);
    expect(list.allowsAddress('::1', 9001)).toBe(false);
    expect(list.allowsAddress('fd12::5', 8080)).toBe(true);
    expect(list.allowsAddress('fd12::5', 80)).toBe(false);
    expect(parseAllowHosts(['::1']).allowsAddress('::1', 1234)).toBe(true);
    expect(parseAllowHosts(['[::1]']).allowsAddress('::1', 1234)).toBe(true);
  });

  it('lets an invalid entry open nothing, and keeps the valid ones in canonical spelling', () => {
    for (const entry of ['127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:x', '[::1]9000']) {
      const list = parseAllowHosts([entry]);
      expect(list.entries, entry).toEqual([]);
      expect(list.allowsAddress('127.0.0.1', 4321), entry).toBe(false);
      expect(list.allowsAddress('::1', 9000), entry).toBe(false);
    }
    const list = parseAllowHosts(['bad entry', 'Push.Lan.:8080']);
    expect(list.entries.map((entry) => entry.canonical)).toEqual(['push.lan:8080']);
    expect(Object.isFrozen(list) && Object.isFrozen(list.entries)).toBe(true);
  });
});
