import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Logger, PlacetError } from '@placet/core';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { errorResponder, notFoundResponder } from './errors.js';

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

/** An app like the example server's tail: some routes, then the two responders. */
async function serve(logger: Logger): Promise<string> {
  const app = express();
  app.post('/api/auth/login', express.json({ limit: 1024 }), (_req, res) => void res.json({ ok: true }));
  app.get('/api/boom', () => {
    throw new Error('connect ECONNREFUSED postgres://placet:hunter2@db.internal/placet');
  });
  app.get('/api/refused', () => {
    throw new PlacetError('FORBIDDEN', 'Not yours');
  });
  app.get('/api/half', (_req, res, next) => {
    res.write('partial');
    next(new Error('failed mid-answer'));
  });
  app.use(notFoundResponder);
  app.use(errorResponder(logger));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe('errorResponder()', () => {
  it('answers an unknown error as a 500 that says nothing, and logs it once with its stack', async () => {
    const { logger, lines } = recordingLogger();
    const url = await serve(logger);
    const res = await fetch(`${url}/api/boom?token=secret-query`);
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      code: 'INTERNAL',
      message: 'Internal server error',
    });
    expect(text).not.toMatch(/hunter2|ECONNREFUSED|\bat /);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'error', message: 'request failed' });
    expect(lines[0]!.fields).toMatchObject({ method: 'GET', path: '/api/boom' });
    expect(String(lines[0]!.fields!.stack)).toContain('errors.test.ts');
    // The query (where tokens travel) is never logged.
    expect(JSON.stringify(lines)).not.toContain('secret-query');
  });

  it('maps body-parser failures as the router does, without logging them', async () => {
    const { logger, lines } = recordingLogger();
    const url = await serve(logger);
    const post = (body: BodyInit, headers: Record<string, string> = {}) =>
      fetch(`${url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    const large = await post(JSON.stringify({ password: 'x'.repeat(2048) }));
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    const invalid = await post('{"email":');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const notGzip = await post('plain text', { 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
    expect(await notGzip.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
    const refused = await fetch(`${url}/api/refused`);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN', message: 'Not yours' });
    expect(lines).toEqual([]);
  });

  it('ends the connection when part of the answer is already out', async () => {
    const { logger, lines } = recordingLogger();
    const url = await serve(logger);
    await expect(fetch(`${url}/api/half`).then((res) => res.text())).rejects.toThrow();
    expect(lines).toHaveLength(1);
  });
});

describe('notFoundResponder()', () => {
  it('answers a JSON 404 under /api and a plain one elsewhere', async () => {
    const url = await serve(recordingLogger().logger);
    const api = await fetch(`${url}/api/nope`);
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'NOT_FOUND',
      message: 'Cannot GET /api/nope',
    });
    const page = await fetch(`${url}/nope`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await page.text()).toBe('Not Found');
  });
});
