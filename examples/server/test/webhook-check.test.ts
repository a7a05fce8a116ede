import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './http-call.js';
import { signIn } from './scripted-human.js';
import { type RunningServer, startServer } from './server-process.js';

/**
 * `POST /api/v1/webhooks/check` over HTTP against the built example server, whose webhook sender is the
 * real `httpWebhookSender({ allowHosts: WEBHOOK_ALLOW_HOSTS })`: the guard's verdict, for humans, sending
 * nothing. Network: only IP literals and `localhost` are asked about (judged without any lookup); the one
 * allowed target is a receiver on 127.0.0.1 that must never see a request.
 */
describe('example server: POST /webhooks/check', { timeout: 60_000 }, () => {
  let server: RunningServer;
  let receiver: Server;
  let port: number;
  let received = 0;
  let dataDir: string;
  let human: Record<string, string>;
  const email = 'owner@example.test';
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const key = `hp_${randomBytes(24).toString('hex')}`;

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      received++;
      req.resume();
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
    dataDir = mkdtempSync(join(tmpdir(), 'placet-webhook-check-'));
    server = await startServer({
      dataDir,
      env: {
        INITIAL_USER_EMAIL: email,
        INITIAL_USER_PASSWORD: password,
        PLACET_API_KEY: key,
        WEBHOOK_ALLOW_HOSTS: `127.0.0.1:${port}`,
      },
    });
    human = { Cookie: await signIn(server.url, email, password), 'X-Requested-With': 'XMLHttpRequest' };
  });
  afterAll(async () => {
    await server?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const check = (url: unknown, headers = human) =>
    call(server.url, '/api/v1/webhooks/check', { method: 'POST', headers, body: { url } });

  it("answers the guard's verdict: refused addresses with their reason, the allowed receiver ok", async () => {
    expect((await check('http://10.0.0.1/hook')).body).toEqual({
      ok: false,
      checked: true,
      reason: 'private address',
    });
    expect((await check('http://169.254.169.254/latest/meta-data/')).body).toEqual({
      ok: false,
      checked: true,
      reason: 'metadata address',
    });
    // Loopback: allowed on the receiver's port only, and `localhost` is refused by its name.
    const allowed = await check(`http://127.0.0.1:${port}/hook`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ ok: true, checked: true });
    expect((await check(`http://127.0.0.1:${port === 65535 ? port - 1 : port + 1}/hook`)).body).toEqual({
      ok: false,
      checked: true,
      reason: 'loopback address',
    });
    expect((await check(`http://localhost:${port}/hook`)).body).toEqual({
      ok: false,
      checked: true,
      reason: 'loopback hostname',
    });
    // Asked, never sent.
    expect(received).toBe(0);
  });

  it('is for humans only, and refuses a URL no webhook may have with the issue path', async () => {
    const agent = await call(server.url, '/api/v1/webhooks/check', {
      method: 'POST',
      headers: { 'x-api-key': key },
      body: { url: 'http://10.0.0.1/hook' },
    });
    expect(agent.status).toBe(403);
    expect(agent.body.code).toBe('FORBIDDEN');
    expect((await check('http://10.0.0.1/hook', {})).status).toBe(401);

    for (const url of ['ftp://10.0.0.1/hook', 'http://user:pw@10.0.0.1/hook', 42]) {
      const res = await check(url);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.issues).toEqual([expect.objectContaining({ path: 'url' })]);
    }
    expect(received).toBe(0);
  });
});
