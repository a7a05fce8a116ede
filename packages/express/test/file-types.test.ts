import { createHash } from 'node:crypto';
import { memoryFileStore } from '@placet/core';
import { contentDisposition, servedAs } from '@placet/core/adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/** Issue #17, item 6: files are served as what they are, and their names survive the round trip. */

let s: Server;
afterEach(async () => s?.close());

const DISGUISED = 'text/plain; a=b, text/html';
const ONE_TYPE = 'one MIME type only, without commas';

const upload = (server: Server, file: Blob, name: string, path = 'store') => {
  const form = new FormData();
  form.append('channelId', server.channelId);
  form.append('file', file, name);
  return call(`${server.url}/api/v1/files/${path}`, {
    method: 'POST',
    headers: { 'x-api-key': server.key },
    raw: form,
  });
};
const download = (server: Server, id: string) =>
  fetch(`${server.url}/api/v1/files/${id}/download`, { headers: { 'x-api-key': server.key } });
const listFiles = async (server: Server) =>
  (await call(`${server.url}/api/v1/files?channel=${server.channelId}`, { headers: server.agent })).body as {
    id: string;
    filename: string;
    mimeType: string;
  }[];

/** `POST /files/store` with a multipart body written by hand: the file part's headers exactly as given. */
function storeMultipart(server: Server, disposition: string, contentType: string, content: string) {
  const boundary = 'placet-test-boundary';
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="channelId"',
    '',
    server.channelId,
    `--${boundary}`,
    disposition,
    contentType,
    '',
    content,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return call(`${server.url}/api/v1/files/store`, {
    method: 'POST',
    headers: { 'x-api-key': server.key, 'content-type': `multipart/form-data; boundary=${boundary}` },
    raw: body,
  });
}

describe('declared MIME types', () => {
  it('refuses a list of types on store-text and in textAttachments, naming the path; stores nothing', async () => {
    s = await startServer();
    const stored = await call(`${s.url}/api/v1/files/store-text`, {
      method: 'POST',
      headers: s.agent,
      body: {
        channelId: s.channelId,
        content: '<script>alert(document.cookie)</script>',
        mimeType: DISGUISED,
      },
    });
    expect(stored).toMatchObject({
      status: 400,
      body: { statusCode: 400, code: 'VALIDATION_FAILED', issues: [{ path: 'mimeType', message: ONE_TYPE }] },
    });
    expect(stored.body.message).toContain('mimeType');
    const params = await call(`${s.url}/api/v1/files/store-text`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, content: 'x', mimeType: 'text/plain; charset=utf-8; x=y' },
    });
    expect(params).toMatchObject({ status: 400, body: { issues: [{ path: 'mimeType' }] } });
    const message = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, textAttachments: [{ content: '<b>hi</b>', mimeType: DISGUISED }] },
    });
    expect(message).toMatchObject({
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        issues: [{ path: 'textAttachments.0.mimeType', message: ONE_TYPE }],
      },
    });
    expect(await listFiles(s)).toEqual([]);
  });

  it('stores the essence and a charset only, and serves them', async () => {
    s = await startServer();
    const stored = await call(`${s.url}/api/v1/files/store-text`, {
      method: 'POST',
      headers: s.agent,
      body: {
        channelId: s.channelId,
        content: 'caf\u00e9',
        filename: 'a.txt',
        mimeType: 'Text/Plain; Charset="UTF-8"',
      },
    });
    expect(stored).toMatchObject({ status: 201, body: { mimeType: 'text/plain; charset=utf-8' } });
    const res = await download(s, stored.body.id);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; /);
    expect(await res.text()).toBe('caf\u00e9');
  });

  it('a multipart part typed as a list of types is never stored or served as HTML', async () => {
    s = await startServer();
    const stored = await storeMultipart(
      s,
      'Content-Disposition: form-data; name="file"; filename="x.txt"',
      `Content-Type: ${DISGUISED}`,
      '<script>alert(1)</script>',
    );
    expect(stored.status).toBe(201);
    expect(stored.body.mimeType).not.toMatch(/html|,/);
    const res = await download(s, stored.body.id);
    expect(res.headers.get('content-type')).not.toMatch(/html|,/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('serving stored files', () => {
  it('a row stored before types were checked is served as an attachment, never as HTML', async () => {
    const files = memoryFileStore();
    s = await startServer({ placet: { files } });
    const id = `att_legacy_${Math.random().toString(36).slice(2)}`;
    const bytes = Buffer.from(
      '<html><body><form action="https://evil.example/">Sign in</form></body></html>',
    );
    const storageKey = `channels/${s.channelId}/${id}`;
    await files.put(storageKey, bytes);
    await s.store.attachments.insert({
      id,
      channelId: s.channelId,
      ownerId: s.owner.id,
      messageId: null,
      filename: 'login.txt',
      mimeType: DISGUISED,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      storageKey,
      pluginType: '@uax/file',
      createdAt: new Date(),
    });
    const res = await download(s, id);
    expect(res.status).toBe(200);
    const type = res.headers.get('content-type') ?? '';
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(type).not.toMatch(/html|,/);
    expect(disposition.startsWith('attachment;') || type.startsWith('text/plain')).toBe(true);
    expect(type).toBe('application/octet-stream');
    expect(disposition).toMatch(/^attachment; filename="login.txt"/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    // The API shows the row in its safe form too.
    expect((await listFiles(s)).find((f) => f.id === id)?.mimeType).toBe('application/octet-stream');
  });

  it('inline only for the allow-list: raster images, audio, video, PDF and plain text formats', async () => {
    s = await startServer();
    const cases: [string, string, 'inline' | 'attachment'][] = [
      ['image/png', 'image/png', 'inline'],
      ['image/webp', 'image/webp', 'inline'],
      ['audio/mpeg', 'audio/mpeg', 'inline'],
      ['video/mp4', 'video/mp4', 'inline'],
      ['application/pdf', 'application/pdf', 'inline'],
      ['text/plain', 'text/plain; charset=utf-8', 'inline'],
      ['text/csv', 'text/csv; charset=utf-8', 'inline'],
      ['text/markdown', 'text/markdown; charset=utf-8', 'inline'],
      ['image/svg+xml', 'image/svg+xml', 'attachment'],
      ['text/html', 'text/html', 'attachment'],
      ['application/xhtml+xml', 'application/xhtml+xml', 'attachment'],
      ['text/xml', 'text/xml', 'attachment'],
      ['application/xml', 'application/xml', 'attachment'],
      ['text/javascript', 'text/javascript', 'attachment'],
      ['application/json', 'application/json', 'attachment'],
      ['text/css', 'text/css', 'attachment'],
      ['application/x-msdownload', 'application/x-msdownload', 'attachment'],
      ['application/octet-stream', 'application/octet-stream', 'attachment'],
    ];
    for (const [declared, contentType, disposition] of cases) {
      const stored = await upload(s, new Blob(['<svg onload=alert(1)>'], { type: declared }), 'f');
      expect(stored.body.mimeType).toBe(declared);
      const res = await download(s, stored.body.id);
      await res.arrayBuffer();
      expect([declared, res.headers.get('content-type')?.replace(/; charset=utf-8$/, '')]).toEqual([
        declared,
        contentType.replace(/; charset=utf-8$/, ''),
      ]);
      expect([declared, res.headers.get('content-disposition')?.split(';')[0]]).toEqual([
        declared,
        disposition,
      ]);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('servedAs builds the header from the allow-list, never from the stored text', () => {
    expect(servedAs(DISGUISED)).toEqual({
      contentType: 'application/octet-stream',
      disposition: 'attachment',
    });
    expect(servedAs('text/plain; charset=iso-8859-1')).toEqual({
      contentType: 'text/plain; charset=iso-8859-1',
      disposition: 'inline',
    });
    expect(servedAs('text/plain; charset=x-unknown')).toEqual({
      contentType: 'text/plain; charset=utf-8',
      disposition: 'inline',
    });
    expect(servedAs('TEXT/CSV; header=present')).toEqual({
      contentType: 'text/csv; charset=utf-8',
      disposition: 'inline',
    });
    expect(servedAs('text/html; charset=utf-8')).toEqual({
      contentType: 'text/html; charset=utf-8',
      disposition: 'attachment',
    });
    expect(servedAs('image/svg+xml')).toEqual({ contentType: 'image/svg+xml', disposition: 'attachment' });
    expect(servedAs('not a type')).toEqual({
      contentType: 'application/octet-stream',
      disposition: 'attachment',
    });
  });
});

describe('file names', () => {
  it('a UTF-8 name survives a multipart upload, the list and the download', async () => {
    s = await startServer();
    const name = '\u00e9-\u00fc.txt';
    const stored = await upload(s, new Blob(['bonjour'], { type: 'text/plain' }), name, 'upload');
    expect(stored).toMatchObject({ status: 201, body: { filename: name } });
    expect((await listFiles(s)).map((f) => f.filename)).toEqual([name]);
    const res = await download(s, stored.body.id);
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toBe(`inline; filename="e-u.txt"; filename*=UTF-8''%C3%A9-%C3%BC.txt`);
    expect(decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(disposition)![1]!)).toBe(name);
    expect(await res.text()).toBe('bonjour');
  });

  it('an RFC 5987 name from the client is kept as well', async () => {
    s = await startServer();
    const stored = await storeMultipart(
      s,
      `Content-Disposition: form-data; name="file"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`,
      'Content-Type: text/plain',
      'x',
    );
    expect(stored).toMatchObject({ status: 201, body: { filename: '\u65e5\u672c.txt' } });
  });

  it('contentDisposition: an ASCII fallback and an exact RFC 5987 name, whatever the name holds', () => {
    expect(contentDisposition('attachment', 'r\u00e9sum\u00e9 "final" (1)*.pdf')).toBe(
      `attachment; filename="resume _final_ (1)*.pdf"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22%20%281%29%2A.pdf`,
    );
    expect(contentDisposition('inline', '100%\\x.txt')).toBe(
      `inline; filename="100__x.txt"; filename*=UTF-8''100%25%5Cx.txt`,
    );
    expect(contentDisposition('attachment', 'a\ud800b.txt')).toBe(
      `attachment; filename="a_b.txt"; filename*=UTF-8''a%EF%BF%BDb.txt`,
    );
    expect(contentDisposition('attachment', '\u65e5\u672c.txt')).toBe(
      `attachment; filename="__.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt`,
    );
  });
});
