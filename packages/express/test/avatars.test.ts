import { type FileStore, MAX_AVATAR_BYTES, memoryFileStore } from '@placet/core';
import { Channel } from '@placet/core/contract';
import { tinyPng } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

const form = (bytes: Uint8Array, filename: string, type: string) => {
  const data = new FormData();
  data.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  return data;
};

/** The storage key an avatar URL names (`?v=<id>.<ext>` of channel `channelId`). */
const keyOf = (channelId: string, avatarUrl: string) =>
  `channels/${channelId}/avatar-${new URL(avatarUrl, 'http://x').searchParams.get('v')}`;

let server: Server;
let files: FileStore;
/** Every key the file store was asked to write, in order. */
const written: string[] = [];
const human = () => ({ 'x-test-user': server.owner.id });
const avatarUrl = (channelId = server.channelId) => `${server.url}/api/v1/agents/${channelId}/avatar`;

beforeAll(async () => {
  const store = memoryFileStore();
  files = {
    ...store,
    put: (key, source, options) => {
      written.push(key);
      return store.put(key, source, options);
    },
  };
  server = await startServer({ placet: { files } });
});
afterAll(() => server.close());

describe('POST|GET|DELETE /agents/:id/avatar', () => {
  it('uploads a PNG, serves it same-origin with its type, and emits channel:updated', async () => {
    const png = tinyPng();
    const events: { type: string; payload: unknown }[] = [];
    const off = server.placet.events.subscribe({ ownerId: server.owner.id }, (e) => void events.push(e));
    const res = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(png, 'me.png', 'image/png'),
    });
    expect(res.status).toBe(200);
    const channel = Channel.parse(res.body);
    expect(channel.avatarUrl).toMatch(
      new RegExp(`^/api/v1/agents/${server.channelId}/avatar\\?v=[a-z0-9]+\\.png$`),
    );
    const image = await fetch(`${server.url}${channel.avatarUrl}`, { headers: human() });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(image.headers.get('x-content-type-options')).toBe('nosniff');
    expect(image.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    // Without the current version the image is served, but not cached for good.
    const bare = await fetch(avatarUrl(), { headers: human() });
    expect(bare.headers.get('cache-control')).toBe('private, no-cache');
    await bare.arrayBuffer();
    await expect
      .poll(() => events.find((e) => e.type === 'channel:updated')?.payload)
      .toMatchObject({ id: server.channelId, avatarUrl: channel.avatarUrl });
    off();
  });

  it('a request refused after its file (a second file part) changes nothing and stores nothing', async () => {
    const before = (await server.placet.options.store.channels.findById(server.channelId))?.avatarUrl ?? null;
    const writesBefore = written.length;
    const data = form(tinyPng(3), 'first.png', 'image/png');
    data.append('file', new Blob([new Uint8Array(tinyPng(4))], { type: 'image/png' }), 'second.png');
    const res = await call(avatarUrl(), { method: 'POST', headers: human(), raw: data });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const after = (await server.placet.options.store.channels.findById(server.channelId))?.avatarUrl ?? null;
    expect(after).toBe(before);
    expect(written.slice(writesBefore)).toEqual([]);
  });

  it('replacing an avatar deletes the old file; removing it deletes the file and clears avatarUrl', async () => {
    const first = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(tinyPng(2), 'a.png', 'image/png'),
    });
    const firstUrl = (first.body as Channel).avatarUrl!;
    expect(await files.get(keyOf(server.channelId, firstUrl))).toBeDefined();
    // A GIF declared as octet-stream: judged by its bytes.
    const gif = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0x3b])]);
    const second = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(gif, 'b.bin', 'application/octet-stream'),
    });
    expect(second.status).toBe(200);
    const secondUrl = (second.body as Channel).avatarUrl!;
    expect(secondUrl).toMatch(/\.gif$/);
    expect(await files.get(keyOf(server.channelId, firstUrl))).toBeUndefined();
    expect(await files.get(keyOf(server.channelId, secondUrl))).toBeDefined();
    const gifRes = await fetch(`${server.url}${secondUrl}`, { headers: human() });
    expect(gifRes.headers.get('content-type')).toBe('image/gif');
    await gifRes.arrayBuffer();

    const removed = await call(avatarUrl(), { method: 'DELETE', headers: human() });
    expect(removed.status).toBe(200);
    expect((removed.body as Channel).avatarUrl).toBeNull();
    expect(await files.get(keyOf(server.channelId, secondUrl))).toBeUndefined();
    expect((await call(avatarUrl(), { headers: human() })).status).toBe(404);
  });

  it('a PATCH that replaces an uploaded avatarUrl deletes the uploaded file', async () => {
    const up = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(tinyPng(), 'a.png', 'image/png'),
    });
    const url = (up.body as Channel).avatarUrl!;
    const patched = await call(`${server.url}/api/v1/agents/${server.channelId}`, {
      method: 'PATCH',
      headers: server.human,
      body: { avatarUrl: null },
    });
    expect(patched.status).toBe(200);
    expect(await files.get(keyOf(server.channelId, url))).toBeUndefined();
  });

  it('refuses SVG, a text file named .png, an empty file and one over the limit, storing nothing', async () => {
    const before = (
      await server.placet.channels.get(
        (await server.placet.authenticate({ apiKey: server.key }))!,
        server.channelId,
      )
    ).avatarUrl;
    const svg = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        'x.svg',
        'image/svg+xml',
      ),
    });
    expect(svg.status).toBe(415);
    expect(svg.body).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/SVG/) });

    const text = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(Buffer.from('just some text, not an image'), 'photo.png', 'image/png'),
    });
    expect(text.status).toBe(415);
    expect(text.body).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringMatching(/PNG, JPEG, WebP or GIF/),
    });

    const empty = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(new Uint8Array(), 'e.png', 'image/png'),
    });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'VALIDATION_FAILED', message: 'The avatar file is empty' });

    const big = Buffer.concat([tinyPng(), Buffer.alloc(MAX_AVATAR_BYTES)]);
    const tooBig = await call(avatarUrl(), {
      method: 'POST',
      headers: human(),
      raw: form(big, 'big.png', 'image/png'),
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/1048576 bytes/),
    });

    const noFile = await call(avatarUrl(), { method: 'POST', headers: human(), raw: new FormData() });
    expect(noFile.status).toBe(400);
    const after = (
      await server.placet.channels.get(
        (await server.placet.authenticate({ apiKey: server.key }))!,
        server.channelId,
      )
    ).avatarUrl;
    expect(after).toBe(before);
  });

  it("another owner's channel is 404; an agent key may read the avatar but not change it", async () => {
    const other = await server.placet.users.create({
      email: `other-${Math.random()}@example.test`,
      displayName: 'Other',
      password: 'other-password',
      role: 'owner',
    });
    const foreign = await call(avatarUrl(), {
      method: 'POST',
      headers: { 'x-test-user': other.id },
      raw: form(tinyPng(), 'a.png', 'image/png'),
    });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ code: 'NOT_FOUND' });
    const foreignDelete = await call(avatarUrl(), { method: 'DELETE', headers: { 'x-test-user': other.id } });
    expect(foreignDelete.status).toBe(404);

    const byAgent = await call(avatarUrl(), {
      method: 'POST',
      headers: { 'x-api-key': server.key },
      raw: form(tinyPng(), 'a.png', 'image/png'),
    });
    expect(byAgent.status).toBe(403);
    expect(byAgent.body).toMatchObject({ code: 'FORBIDDEN' });
    expect((await call(avatarUrl(), { method: 'DELETE', headers: { 'x-api-key': server.key } })).status).toBe(
      403,
    );
    await call(avatarUrl(), { method: 'POST', headers: human(), raw: form(tinyPng(), 'a.png', 'image/png') });
    const read = await fetch(avatarUrl(), { headers: { 'x-api-key': server.key } });
    expect(read.status).toBe(200);
    await read.arrayBuffer();
    const foreignRead = await fetch(avatarUrl(), { headers: { 'x-test-user': other.id } });
    expect(foreignRead.status).toBe(404);
    await foreignRead.arrayBuffer();
  });

  it('deleting the channel deletes its avatar file', async () => {
    const channel = await server.placet.channels.create(
      (await server.placet.authenticate({ apiKey: server.key }))!,
      {
        name: 'short-lived',
      },
    );
    const up = await call(avatarUrl(channel.id), {
      method: 'POST',
      headers: human(),
      raw: form(tinyPng(), 'a.png', 'image/png'),
    });
    const url = (up.body as Channel).avatarUrl!;
    expect(await files.get(keyOf(channel.id, url))).toBeDefined();
    await call(`${server.url}/api/v1/agents/${channel.id}`, { method: 'DELETE', headers: human() });
    expect(await files.get(keyOf(channel.id, url))).toBeUndefined();
  });
});
