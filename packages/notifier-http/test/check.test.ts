import net from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpWebhookSender, type ResolvedAddress, type Resolver } from '../src/index.js';
import { startReceiver } from './receiver.js';

// `check` is the guard alone: it never connects anywhere. Names go to a stub resolver (no real lookup);
// IP literals are judged without any lookup. The one server started here listens on 127.0.0.1, port 0,
// and only shows that an allowed target is not contacted either.

afterEach(() => {
  vi.restoreAllMocks();
});

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

/** Counts outgoing TCP connects made by anything in this process while it is installed. */
const spyConnects = () => vi.spyOn(net.Socket.prototype, 'connect');

describe('httpWebhookSender().check', () => {
  it('refuses private, loopback and metadata IP literals without a lookup or a connection', async () => {
    const resolver = stubResolver();
    const connects = spyConnects();
    const sender = httpWebhookSender({ resolver });
    expect(await sender.check!('http://10.0.0.1/hook')).toEqual({ ok: false, reason: 'private address' });
    expect(await sender.check!('http://127.0.0.1:9000/hook')).toEqual({
      ok: false,
      reason: 'loopback address',
    });
    expect(await sender.check!('http://169.254.169.254/latest/meta-data/')).toEqual({
      ok: false,
      reason: 'metadata address',
    });
    expect(await sender.check!('http://[::1]/hook')).toEqual({ ok: false, reason: 'loopback address' });
    expect(resolver.calls).toEqual([]);
    expect(connects).not.toHaveBeenCalled();
  });

  it('judges names by what the stub resolver answers, and never connects', async () => {
    const resolver = stubResolver({
      'hooks.example.test': ['93.184.215.14'],
      'inside.example.test': ['10.1.2.3'],
      'mixed.example.test': ['93.184.215.14', '192.168.1.9'],
    });
    const connects = spyConnects();
    const sender = httpWebhookSender({ resolver });
    expect(await sender.check!('https://hooks.example.test/placet')).toEqual({ ok: true });
    expect(await sender.check!('https://inside.example.test/placet')).toEqual({
      ok: false,
      reason: 'resolves to private address',
    });
    expect(await sender.check!('https://mixed.example.test/placet')).toEqual({
      ok: false,
      reason: 'resolves to private address',
    });
    expect(await sender.check!('https://missing.example.test/placet')).toEqual({
      ok: false,
      reason: 'dns ENOTFOUND',
    });
    // `localhost` is refused by its name, before any lookup.
    expect(await sender.check!('http://localhost:8080/hook')).toEqual({
      ok: false,
      reason: 'loopback hostname',
    });
    expect(resolver.calls).toEqual([
      'hooks.example.test',
      'inside.example.test',
      'mixed.example.test',
      'missing.example.test',
    ]);
    expect(connects).not.toHaveBeenCalled();
  });

  it('applies allowHosts and allowPrivateNetworks as send does', async () => {
    const resolver = stubResolver({ 'hooks.internal': ['10.20.0.5'] });
    const allowed = httpWebhookSender({ resolver, allowHosts: ['hooks.internal', '10.0.0.0/8:8080'] });
    expect(await allowed.check!('https://hooks.internal/placet')).toEqual({ ok: true });
    expect(await allowed.check!('http://10.0.0.1:8080/hook')).toEqual({ ok: true });
    // The entry names port 8080: another port is still refused.
    expect(await allowed.check!('http://10.0.0.1/hook')).toEqual({ ok: false, reason: 'private address' });

    const privateNets = httpWebhookSender({ resolver, allowPrivateNetworks: true });
    expect(await privateNets.check!('http://10.0.0.1/hook')).toEqual({ ok: true });
    // Never metadata addresses, whatever allowPrivateNetworks says.
    expect(await privateNets.check!('http://169.254.169.254/')).toEqual({
      ok: false,
      reason: 'metadata address',
    });
  });

  it('says an allowed loopback receiver is fine without contacting it', async () => {
    const receiver = await startReceiver((_req, res) => res.writeHead(200).end());
    try {
      const connects = spyConnects();
      const sender = httpWebhookSender({ allowHosts: [`127.0.0.1:${receiver.port}`] });
      expect(await sender.check!(`${receiver.origin}/hook`)).toEqual({ ok: true });
      expect(await sender.check!(`http://127.0.0.1:${receiver.port + 1}/hook`)).toEqual({
        ok: false,
        reason: 'loopback address',
      });
      expect(connects).not.toHaveBeenCalled();
      expect(receiver.connections()).toBe(0);
    } finally {
      await receiver.close();
    }
  });

  it('refuses URLs no webhook may have, with the reasons send gives', async () => {
    const resolver = stubResolver({ 'hooks.example.test': ['93.184.215.14'] });
    const sender = httpWebhookSender({ resolver });
    expect(await sender.check!('https://user:pw@hooks.example.test/')).toEqual({
      ok: false,
      reason: 'credentials in URL',
    });
    expect(await sender.check!('ftp://hooks.example.test/')).toEqual({
      ok: false,
      reason: 'protocol not allowed',
    });
    expect(await sender.check!('not a url')).toEqual({ ok: false, reason: 'invalid URL' });
    // The reason is the one a delivery would record after "refused: " (both refuse before connecting).
    for (const url of ['http://10.0.0.1/hook', 'https://user:pw@hooks.example.test/']) {
      const verdict = await sender.check!(url);
      const sent = await sender.send({ url, method: 'POST', headers: {}, body: '{}', timeoutMs: 1000 });
      expect(verdict.ok).toBe(false);
      if (!verdict.ok)
        expect(sent).toMatchObject({ status: null, error: `refused: ${verdict.reason}`, refused: true });
    }
  });

  it('answers within timeoutMs when the lookup hangs, and never throws', async () => {
    const hanging: Resolver = () => new Promise<ResolvedAddress[]>(() => {});
    const sender = httpWebhookSender({ resolver: hanging, timeoutMs: 50 });
    expect(await sender.check!('https://slow.example.test/hook')).toEqual({ ok: false, reason: 'timeout' });

    const garbage: Resolver = async () => [{ address: 'not an address', family: 4 }];
    expect(await httpWebhookSender({ resolver: garbage }).check!('https://odd.example.test/')).toEqual({
      ok: false,
      reason: 'unparseable address',
    });
  });
});
