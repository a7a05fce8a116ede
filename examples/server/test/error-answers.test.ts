import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningServer, startServer } from './server-process.js';

/**
 * Bad input anywhere in the built server — the dashboard's assets, the sign-in routes, paths nobody
 * serves — answers a 4xx of its own: never a 500, never Express's default page with a stack trace and
 * the absolute paths of the installation.
 */

interface Answer {
  status: number;
  type: string;
  text: string;
}

/** One request with the path sent exactly as given (fetch and URL strings resolve `%2e%2e` first). */
function send(
  url: string,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string } = {},
): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const body = typeof init.body === 'string' ? Buffer.from(init.body) : init.body;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port,
        path,
        method: init.method ?? 'GET',
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), text }),
        );
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`${path}: no answer within 20 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const bodyOf = (answer: Answer) => JSON.parse(answer.text) as Record<string, unknown>;

let server: RunningServer;
let dataDir: string;
const email = 'owner@example.com';

/** What an answer must never hold: stack frames, an `Error:` line, the paths of the installation. */
function leaks(answer: Answer): string[] {
  const found: string[] = [];
  if (/\bat (?:\S+ )?\(?(?:file:\/\/|\/|node:)\S*:\d+:\d+/.test(answer.text)) found.push('a stack frame');
  if (/\b[A-Z]\w*Error\b/.test(answer.text)) found.push('an error class');
  for (const word of ['node_modules', REPO_ROOT, dataDir]) if (answer.text.includes(word)) found.push(word);
  return found;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'placet-server-errors-'));
  server = await startServer({
    dataDir,
    env: {
      INITIAL_USER_EMAIL: email,
      INITIAL_USER_PASSWORD: `first-${randomBytes(8).toString('hex')}`,
      PLACET_API_KEY: `hp_${randomBytes(24).toString('hex')}`,
    },
  });
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('bad input answers a 4xx without a stack or a path', () => {
  it('a traversal under /placet-assets: a plain 404', async () => {
    for (const path of [
      '/placet-assets/..%2f..%2fpackage.json',
      '/placet-assets/..%2f..%2f..%2f..%2fpackage.json',
      '/placet-assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/placet-assets/..%5c..%5cpackage.json',
    ]) {
      const answer = await send(server.url, path);
      expect({ path, status: answer.status, leaks: leaks(answer) }).toEqual({ path, status: 404, leaks: [] });
      expect(answer.type).toMatch(/^text\/plain/);
    }
  });

  it('malformed percent-encoding and NUL bytes in asset paths: a plain 400', async () => {
    for (const path of ['/placet-assets/%ff', '/placet-assets/%', '/placet-assets/app.js%00']) {
      const answer = await send(server.url, path);
      expect({ path, status: answer.status, leaks: leaks(answer) }).toEqual({ path, status: 400, leaks: [] });
    }
  });

  it('a sign-in body over 64 KiB: 413 PAYLOAD_TOO_LARGE', async () => {
    const answer = await send(server.url, '/api/auth/login', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ email, password: 'x'.repeat(70 * 1024) }),
    });
    expect(leaks(answer)).toEqual([]);
    expect(answer.status).toBe(413);
    expect(bodyOf(answer)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('a sign-in body labelled gzip that is not gzip, or is cut short: 400', async () => {
    const whole = gzipSync(JSON.stringify({ email, password: 'not-the-password' }));
    for (const [label, body, encoding] of [
      ['not gzip', Buffer.from('{"email":"a@b.c","password":"x"}'), 'gzip'],
      ['truncated gzip', whole.subarray(0, whole.length - 12), 'gzip'],
      ['not deflate', Buffer.from('garbage'), 'deflate'],
    ] as const) {
      const answer = await send(server.url, '/api/auth/login', {
        method: 'POST',
        headers: { ...json, 'content-encoding': encoding },
        body,
      });
      expect({ label, status: answer.status, leaks: leaks(answer) }).toEqual({
        label,
        status: 400,
        leaks: [],
      });
      expect(bodyOf(answer)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    }
    // An encoding nobody supports: refused as the router refuses it.
    const unknown = await send(server.url, '/api/auth/login', {
      method: 'POST',
      headers: { ...json, 'content-encoding': 'compress' },
      body: 'x',
    });
    expect([400, 415]).toContain(unknown.status);
    expect(leaks(unknown)).toEqual([]);
  });

  it('invalid JSON and a wrong content type at sign-in: 4xx JSON', async () => {
    const invalid = await send(server.url, '/api/auth/login', {
      method: 'POST',
      headers: json,
      body: '{"email":',
    });
    expect(invalid.status).toBe(400);
    expect(bodyOf(invalid)).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const charset = await send(server.url, '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=koi8-r' },
      body: '{}',
    });
    expect([400, 415]).toContain(charset.status);
    expect(leaks(charset)).toEqual([]);
    const text = await send(server.url, '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'email=a',
    });
    expect(text.status).toBe(401);
  });

  it('an unmatched path: a JSON 404 under /api, a plain 404 elsewhere', async () => {
    for (const path of ['/api/nope', '/api/auth/nope', '/API/Nope', '/api', '/api/%ff', '/api/auth/%ff']) {
      const answer = await send(server.url, path);
      expect({ path, status: answer.status }).toEqual({ path, status: 404 });
      expect(bodyOf(answer)).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' });
      expect(leaks(answer)).toEqual([]);
    }
    for (const path of ['/nope', '/%ff', '/index.html%00', '/placet-assets%2f..%2fpackage.json']) {
      const answer = await send(server.url, path);
      expect({ path, status: answer.status, leaks: leaks(answer) }).toEqual({ path, status: 404, leaks: [] });
      expect(answer.type).toMatch(/^text\/plain/);
    }
    // The router's own answers are unchanged: its JSON 400 for a path parameter that does not decode.
    const param = await send(server.url, '/api/v1/agents/%ff', {
      headers: { 'x-api-key': `hp_${'0'.repeat(48)}` },
    });
    expect(param.status).toBeLessThan(500);
    expect(leaks(param)).toEqual([]);
  });
});
