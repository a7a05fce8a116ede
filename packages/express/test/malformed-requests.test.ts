import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * Requests the HTTP libraries cannot parse: each used to reach the error handler as an unknown error and
 * become a 500. They are the client's fault: a 400 with the error body, and nothing stored.
 */

let s: Server;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.close();
});

const api = (path: string) => `${s.url}/api/v1${path}`;

function expectBadRequest(res: { status: number; body: unknown }): void {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
}

describe('malformed requests answer 400, never 500', () => {
  it('a path parameter that is not valid percent-encoding', async () => {
    expectBadRequest(await call(api('/agents/%ff'), { headers: s.agent }));
    expectBadRequest(await call(api(`/messages/%E0%A4%A?channel=${s.channelId}`), { headers: s.agent }));
  });

  it('a compressed JSON body that does not inflate', async () => {
    for (const encoding of ['gzip', 'deflate']) {
      const res = await call(api('/messages'), {
        method: 'POST',
        headers: { ...s.agent, 'content-encoding': encoding },
        raw: 'not compressed at all',
      });
      expectBadRequest(res);
    }
  });

  it('multipart bodies busboy cannot parse', async () => {
    const headers = { 'x-api-key': s.key };
    const noBoundary = await call(api('/files/store'), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'multipart/form-data' },
      raw: 'abc',
    });
    const cutShort = await call(api('/files/store'), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'multipart/form-data; boundary=xyz' },
      raw: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc',
    });
    const badHeader = await call(api('/files/upload'), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'multipart/form-data; boundary=xyz' },
      raw: `--xyz\r\nContent-Disposition: form-data; name="channelId"\r\n\r\n${s.channelId}\r\n--xyz\r\nbroken header line\r\n\r\nabc\r\n--xyz--\r\n`,
    });
    for (const res of [noBoundary, cutShort, badHeader]) expectBadRequest(res);
    const agent = (await s.placet.authenticate({ apiKey: s.key }))!;
    expect((await s.placet.files.list(agent, s.channelId, { limit: 100 })).items).toEqual([]);
  });

  it('metadata nested deeper than JSON.stringify can store', async () => {
    const levels = 50_000;
    const res = await call(api('/messages'), {
      method: 'POST',
      headers: s.agent,
      raw: `{"channelId":"${s.channelId}","text":"deep","metadata":{"a":${'['.repeat(levels)}${']'.repeat(levels)}}}`,
    });
    expectBadRequest(res);
    expect(res.body.issues).toEqual([
      { path: 'metadata', message: expect.stringMatching(/Nested more than/) },
    ]);
  });
});

const BOUNDARY = 'zzz';
const filePart = (size: number) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n${'a'.repeat(size)}\r\n`;
const fieldPart = (name: string, value: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
const multipart = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

describe('a refused upload leaves nothing behind', () => {
  it('a part after the stored file that breaks a limit: no file and no message remain', async () => {
    const headers = { 'x-api-key': s.key, ...multipart };
    const agent = (await s.placet.authenticate({ apiKey: s.key }))!;
    const channel = await s.placet.channels.create(agent, { name: 'refused-uploads' });
    const bodies = [
      // The channel first, so the file streams into the store; then a second file (limit: one file).
      `${fieldPart('channelId', channel.id)}${filePart(10)}${filePart(10)}--${BOUNDARY}--\r\n`,
      // Then a field larger than the field limit (1 MiB).
      `${fieldPart('channelId', channel.id)}${filePart(10)}${fieldPart('text', 'y'.repeat(1024 * 1024 + 1))}--${BOUNDARY}--\r\n`,
    ];
    for (const path of ['/files/upload', '/files/store']) {
      for (const raw of bodies) {
        const res = await call(api(path), { method: 'POST', headers, raw });
        expect([400, 413], JSON.stringify(res.body)).toContain(res.status);
      }
    }
    expect((await s.placet.files.list(agent, channel.id, { limit: 100 })).items).toEqual([]);
    expect((await s.placet.messages.list(agent, { channel: channel.id })).data).toEqual([]);
  });

  it('a body cut off in the middle of a spooled file releases the spool file', async () => {
    const spoolRoot = mkdtempSync(join(tmpdir(), 'placet-spool-test-'));
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = spoolRoot; // os.tmpdir() reads it on every call: the spool goes here.
    try {
      // The file before the channel: spooled to a temp file until the fields are known.
      const raw = `${filePart(3000)}${fieldPart('channelId', s.channelId)}`.slice(0, 1500);
      const res = await call(api('/files/store'), {
        method: 'POST',
        headers: { 'x-api-key': s.key, ...multipart },
        raw,
      });
      expectBadRequest(res);
      await waitFor(() => readdirSync(spoolRoot).length === 0, {
        timeoutMs: 3000,
        message: 'the spool directory of the cut-off upload to be removed',
      });
    } finally {
      process.env.TMPDIR = saved;
      if (saved === undefined) delete process.env.TMPDIR;
      rmSync(spoolRoot, { recursive: true, force: true });
    }
  });
});
