import net from 'node:net';
import type { OutboundRequest } from '@placet/core/adapter';
import { waitFor } from '@placet/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { httpWebhookSender, type ResolvedAddress } from '../src/index.js';
import { type Handler, type Receiver, startReceiver } from './receiver.js';

// Every request in this file goes to a server started here on 127.0.0.1, port 0. Targets the guard must
// refuse are given to a stub resolver or point at that same loopback server, so a failing guard could
// only ever reach 127.0.0.1.

const receivers: Receiver[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(handler: Handler): Promise<Receiver> {
  const r = await startReceiver(handler);
  receivers.push(r);
  return r;
}

function request(url: string, overrides: Partial<OutboundRequest> = {}): OutboundRequest {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"event":"review:responded"}',
    timeoutMs: 5_000,
    ...overrides,
  };
}

/** Counts outgoing TCP connects made by anything in this process while it is installed. */
function spyConnects() {
  return vi.spyOn(net.Socket.prototype, 'connect');
}

function countingResolver(answers: ResolvedAddress[][]) {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<ResolvedAddress[]> => {
    calls.push(hostname);
    const answer = answers[calls.length - 1];
    if (!answer) throw Object.assign(new Error('stub: no more answers'), { code: 'ENOTFOUND' });
    return answer;
  };
  return { resolver, calls };
}

const ok: Handler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('thanks');
};

describe('httpWebhookSender: refused targets', () => {
  it('refuses loopback without allowHosts and opens no socket', async () => {
    const r = await receiver(ok);
    const connects = spyConnects();
    const sender = httpWebhookSender();
    for (const url of [
      `${r.origin}/hook`,
      `http://[::ffff:127.0.0.1]:${r.port}/`,
      `http://2130706433:${r.port}/`,
    ]) {
      const result = await sender.send(request(url));
      expect(result.status).toBeNull();
      expect(result.error).toBe('refused: loopback address');
      // Refused by the rules: every retry would be refused too (the engine stops at once).
      expect(result.refused).toBe(true);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(connects).not.toHaveBeenCalled();
    expect(r.connections()).toBe(0);
  });

  it('refuses a name that resolves to the (loopback) receiver, after one lookup, without connecting', async () => {
    const r = await receiver(ok);
    const { resolver, calls } = countingResolver([[{ address: '127.0.0.1', family: 4 }]]);
    const connects = spyConnects();
    const result = await httpWebhookSender({ resolver }).send(
      request(`http://rebind.example.com:${r.port}/`),
    );
    expect(result).toMatchObject({
      status: null,
      error: 'refused: resolves to loopback address',
      refused: true,
    });
    expect(calls).toEqual(['rebind.example.com']);
    expect(connects).not.toHaveBeenCalled();
    expect(r.connections()).toBe(0);
  });

  it('refuses bad schemes and credentials without resolving', async () => {
    const { resolver, calls } = countingResolver([]);
    const sender = httpWebhookSender({ resolver });
    expect((await sender.send(request('file:///etc/passwd'))).error).toBe('refused: protocol not allowed');
    expect((await sender.send(request('https://u:hunter2@hooks.example.com/'))).error).toBe(
      'refused: credentials in URL',
    );
    expect(calls).toEqual([]);
  });

  it('counts DNS against the deadline, and never connects once it has passed', async () => {
    let answer: ((a: ResolvedAddress[]) => void) | undefined;
    const resolver = (): Promise<ResolvedAddress[]> =>
      new Promise((resolve) => {
        answer = resolve;
      });
    const connects = spyConnects();
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'], resolver, timeoutMs: 100 }).send(
      request('http://slow-dns.example.com/'),
    );
    expect(result).toMatchObject({ status: null, error: 'timeout' });
    // A late answer (even an allowed one) starts nothing.
    answer?.([{ address: '127.0.0.1', family: 4 }]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(connects).not.toHaveBeenCalled();
  });

  it('never throws, even on a malformed request', async () => {
    const sender = httpWebhookSender();
    await expect(sender.send(null as never)).resolves.toMatchObject({
      status: null,
      error: 'invalid request',
    });
    await expect(sender.send({} as never)).resolves.toMatchObject({
      status: null,
      error: 'refused: invalid URL',
    });
  });
});

describe('httpWebhookSender: loopback receivers', () => {
  it('delivers method, headers and body as sent, and returns the status', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(201);
      res.end('created');
    });
    const sender = httpWebhookSender({ allowHosts: ['127.0.0.1'] });
    const body = JSON.stringify({ event: 'review:responded', message_id: 'm1', note: 'héllo' });
    const result = await sender.send(
      request(`${r.origin}/hooks/a?x=1`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', 'X-Placet-Signature': 'v1=abc', 'X-Custom': 'yes' },
        body,
      }),
    );
    expect(result).toMatchObject({ status: 201, error: null });
    expect(r.requests).toHaveLength(1);
    const [received] = r.requests;
    expect(received).toMatchObject({ method: 'PUT', url: '/hooks/a?x=1', body });
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-placet-signature': 'v1=abc',
      'x-custom': 'yes',
      'user-agent': 'Placet-Webhooks/0.1',
      host: `127.0.0.1:${r.port}`,
      'content-length': String(Buffer.byteLength(body)),
    });
  });

  it('keeps a User-Agent the request sets itself, and uses the configured default otherwise', async () => {
    const r = await receiver(ok);
    await httpWebhookSender({ allowHosts: ['127.0.0.1'] }).send(
      request(r.origin, { headers: { 'user-agent': 'Engine/2' } }),
    );
    await httpWebhookSender({ allowHosts: ['127.0.0.0/8'], userAgent: 'Acme/1' }).send(request(r.origin));
    expect(r.requests.map((q) => q.headers['user-agent'])).toEqual(['Engine/2', 'Acme/1']);
  });

  it('returns non-2xx statuses as results', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(503);
      res.end('down');
    });
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'] }).send(request(r.origin));
    expect(result).toMatchObject({ status: 503, error: null });
  });

  it('does not follow redirects: a 302 is the result, and nothing else is attempted', async () => {
    const r = await receiver((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    const { resolver, calls } = countingResolver([]);
    const connects = spyConnects();
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'], resolver }).send(
      request(`${r.origin}/hook`),
    );
    expect(result).toMatchObject({ status: 302, error: null });
    expect(r.connections()).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect(connects).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([]);
  });

  it.each([
    ['the request', { timeoutMs: 10_000 }, 200],
    ['the options', { timeoutMs: 200 }, 10_000],
  ])('times out (the smaller timeout, from %s, wins)', async (_label, options, requestTimeout) => {
    const r = await receiver(() => {
      // Never answers.
    });
    const started = performance.now();
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'], ...options }).send(
      request(r.origin, { timeoutMs: requestTimeout }),
    );
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ status: null, error: 'timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(3_000);
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    // The sender hangs up: the receiver sees its socket close.
    await waitFor(() => r.closedSockets() === 1);
  });

  it('reads at most maxResponseBytes of a huge body, then hangs up', async () => {
    const total = 512 * 1024 * 1024;
    let written = 0;
    let cutShort: boolean | undefined;
    const r = await receiver((_req, res) => {
      res.writeHead(200, { 'content-length': String(total) });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      res.on('close', () => {
        cutShort = !res.writableFinished;
      });
      const pump = (): void => {
        while (written < total && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        if (written >= total) res.end();
      };
      pump();
    });
    const started = performance.now();
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'], maxResponseBytes: 1024 }).send(
      request(r.origin),
    );
    expect(result).toMatchObject({ status: 200, error: null });
    expect(performance.now() - started).toBeLessThan(3_000);
    await waitFor(() => cutShort !== undefined);
    expect(cutShort).toBe(true);
    expect(written).toBeLessThan(total / 4);
  });

  it('connects to the checked address even if the name would resolve differently later', async () => {
    const r = await receiver(ok);
    // First answer: the loopback receiver. Any later lookup fails, so a second resolution could not
    // quietly succeed (and could never send traffic anywhere but here).
    const { resolver, calls } = countingResolver([[{ address: '127.0.0.1', family: 4 }]]);
    const connects = spyConnects();
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'], resolver }).send(
      request(`http://receiver.test:${r.port}/pinned`),
    );
    expect(result).toMatchObject({ status: 200, error: null });
    expect(calls).toEqual(['receiver.test']);
    expect(connects).toHaveBeenCalledTimes(1);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]?.headers.host).toBe(`receiver.test:${r.port}`);
    expect(r.requests[0]?.url).toBe('/pinned');
  });

  it('reports network failures with short, secret-free errors', async () => {
    const gone = await startReceiver(ok);
    const port = gone.port;
    await gone.close();
    const sender = httpWebhookSender({ allowHosts: ['127.0.0.1'] });
    expect(await sender.send(request(`http://127.0.0.1:${port}/`))).toMatchObject({
      status: null,
      error: 'connection refused',
    });

    const rude = await receiver((req) => req.socket.destroy());
    expect(await sender.send(request(rude.origin))).toMatchObject({
      status: null,
      error: 'connection reset',
    });
  });

  it('turns an invalid header into an error that does not quote it, before connecting', async () => {
    const r = await receiver(ok);
    const connects = spyConnects();
    const result = await httpWebhookSender({ allowHosts: ['127.0.0.1'] }).send(
      request(r.origin, { headers: { authorization: 'Bearer s3cret\r\nX-Injected: 1' } }),
    );
    expect(result).toMatchObject({ status: null, error: 'invalid request' });
    expect(connects).not.toHaveBeenCalled();
    expect(r.connections()).toBe(0);
  });
});
