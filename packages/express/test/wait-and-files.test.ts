import { memoryStore } from '@placet/core';
import { countingStore } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

let s: Server;
afterEach(async () => s?.close());

const review = {
  type: 'approval',
  payload: {
    options: [
      { id: 'yes', label: 'Yes' },
      { id: 'no', label: 'No' },
    ],
  },
};
const quiet = { sweepIntervalMs: 3_600_000 }; // No sweeper reads during these tests.

async function until(predicate: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('long-poll over HTTP', () => {
  it('returns completed right after the answer, with zero store reads while waiting', async () => {
    const counting = countingStore(memoryStore());
    s = await startServer({ store: counting.store, placet: quiet });
    const msg = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, text: 'Continue?', review },
    });
    const waiting = call(`${s.url}/api/v1/reviews/${msg.body.id}/wait?channel=${s.channelId}&timeout=30000`, {
      headers: s.agent,
    });
    await until(() => s.placet.reviews.waiterCount() === 1);
    const before = counting.total();
    await new Promise((r) => setTimeout(r, 200)); // The waiter sleeps; nothing may touch the store.
    expect(counting.total()).toBe(before);
    await call(`${s.url}/api/v1/reviews/${msg.body.id}/respond`, {
      method: 'POST',
      headers: s.human,
      body: { response: { selectedOption: 'yes' } },
    });
    const result = await waiting;
    expect(result.body).toMatchObject({
      status: 'completed',
      message: { id: msg.body.id, review: { response: { selectedOption: 'yes' } } },
    });
    expect(s.placet.reviews.waiterCount()).toBe(0);
  });

  it('answers timeout no earlier than requested; a lenient timeout never 400s', async () => {
    s = await startServer({ placet: quiet });
    const msg = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, review },
    });
    const started = Date.now();
    const result = await call(
      `${s.url}/api/v1/reviews/${msg.body.id}/wait?channel=${s.channelId}&timeout=300`,
      { headers: s.agent },
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(result).toMatchObject({ status: 200, body: { status: 'timeout' } });
    expect(result.body.message).toBeUndefined();
    const odd = call(`${s.url}/api/v1/reviews/${msg.body.id}/wait?channel=${s.channelId}&timeout=banana`, {
      headers: s.agent,
    });
    await until(() => s.placet.reviews.waiterCount() === 1);
    await call(`${s.url}/api/v1/reviews/${msg.body.id}/respond`, {
      method: 'POST',
      headers: s.human,
      body: { response: { selectedOption: 'no' } },
    });
    expect((await odd).body.status).toBe('completed');
  });

  it('a client that disconnects releases its waiter', async () => {
    s = await startServer({ placet: quiet });
    const msg = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, review },
    });
    const controller = new AbortController();
    const waiting = call(`${s.url}/api/v1/reviews/${msg.body.id}/wait?channel=${s.channelId}`, {
      headers: s.agent,
      signal: controller.signal,
    }).catch(() => 'aborted');
    await until(() => s.placet.reviews.waiterCount() === 1);
    controller.abort();
    expect(await waiting).toBe('aborted');
    await until(() => s.placet.reviews.waiterCount() === 0);
  });
});

describe('files over HTTP', () => {
  const upload = (server: Server, path: string, file: Blob, name: string, fieldsFirst = true) => {
    const form = new FormData();
    if (fieldsFirst) form.append('channelId', server.channelId);
    form.append('file', file, name);
    if (!fieldsFirst) form.append('channelId', server.channelId);
    return call(`${server.url}/api/v1/files/${path}`, {
      method: 'POST',
      headers: { 'x-api-key': server.key },
      raw: form,
    });
  };

  it('an upload over the limit is a 413 and stores nothing, whatever the field order', async () => {
    s = await startServer({ router: { limits: { fileBytes: 1000 } } });
    for (const fieldsFirst of [true, false]) {
      const tooBig = await upload(s, 'store', new Blob([new Uint8Array(1001)]), 'big.bin', fieldsFirst);
      expect(tooBig).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    }
    expect((await call(`${s.url}/api/v1/files?channel=${s.channelId}`, { headers: s.agent })).body).toEqual(
      [],
    );
    const fits = await upload(s, 'store', new Blob([new Uint8Array(1000)]), 'ok.bin', false);
    expect(fits).toMatchObject({ status: 201, body: { size: 1000, messageId: null } });
  });

  it('HTML downloads as an attachment with nosniff; ranges are honoured; upload creates a message', async () => {
    s = await startServer();
    const html = await upload(
      s,
      'upload',
      new Blob(['<script>alert(1)</script>'], { type: 'text/html' }),
      'x.html',
    );
    expect(html.status).toBe(201);
    const download = await fetch(`${s.url}/api/v1/files/${html.body.id}/download`, {
      headers: { 'x-api-key': s.key },
    });
    expect(download.headers.get('content-disposition')).toMatch(/^attachment; filename="x.html"/);
    expect(download.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await download.text()).toBe('<script>alert(1)</script>');
    const text = await upload(s, 'store', new Blob(['hello world'], { type: 'text/plain' }), 'hello.txt');
    const part = await fetch(`${s.url}/api/v1/files/${text.body.id}/download`, {
      headers: { 'x-api-key': s.key, range: 'bytes=6-' },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 6-10/11');
    expect(part.headers.get('content-disposition')).toMatch(/^inline/);
    expect(await part.text()).toBe('world');
    const bad = await fetch(`${s.url}/api/v1/files/${text.body.id}/download`, {
      headers: { 'x-api-key': s.key, range: 'bytes=50-60' },
    });
    expect(bad.status).toBe(416);
    const messages = await call(`${s.url}/api/v1/messages?channel=${s.channelId}&has_attachments=true`, {
      headers: s.agent,
    });
    expect(messages.body.data.map((m: { attachments: { id: string }[] }) => m.attachments[0]?.id)).toEqual([
      html.body.id,
    ]);
  });
});
