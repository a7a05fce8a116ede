import { afterEach, describe, expect, it } from 'vitest';
import { codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

async function* chunks(...parts: string[]) {
  for (const part of parts) yield Buffer.from(part);
}
async function text(body: AsyncIterable<Uint8Array>) {
  const out: Uint8Array[] = [];
  for await (const c of body) out.push(c);
  return Buffer.concat(out).toString('utf8');
}

describe('files', () => {
  it('stores a streamed file as an orphan, links it, serves it with ranges, lists it', async () => {
    w = await world();
    const stored = await w.placet.files.store(w.agent, {
      channelId: w.channelId,
      filename: 'C:\\tmp\\report.csv',
      mimeType: 'text/csv',
      body: chunks('a,b\n', '1,2\n'),
    });
    expect(stored).toMatchObject({
      filename: 'report.csv',
      mimeType: 'text/csv',
      size: 8,
      messageId: null,
      pluginType: '@uax/file',
    });
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'see',
      attachmentIds: [stored.id],
    });
    expect(msg.attachments.map((a) => a.id)).toEqual([stored.id]);
    const opened = await w.placet.files.open(w.agent, stored.id, { range: { start: 4, end: 100 } });
    expect(opened).toMatchObject({ size: 8, range: { start: 4, end: 7 } });
    expect(await text(opened.body)).toBe('1,2\n');
    expect((await w.placet.files.list(w.agent, w.channelId, { limit: 100 })).items.map((a) => a.id)).toEqual([
      stored.id,
    ]);
  });

  it('upload creates a message carrying the file; store-text stores text', async () => {
    w = await world();
    const { attachment, message } = await w.placet.files.upload(w.agent, {
      channelId: w.channelId,
      filename: 'shot.png',
      mimeType: 'image/png',
      body: Buffer.from([137, 80, 78, 71]),
    });
    expect(message).toMatchObject({
      senderType: 'agent',
      attachments: [{ id: attachment.id, pluginType: '@uax/image' }],
    });
    const t = await w.placet.files.storeText(w.agent, { channelId: w.channelId, content: '# Notes' });
    expect(t).toMatchObject({ filename: 'content.md', mimeType: 'text/markdown', size: 7, messageId: null });
  });

  it('a file sent without a useful type gets the type of its extension when it is a common one', async () => {
    w = await world();
    const store = (filename: string, mimeType: string) =>
      w.placet.files.store(w.agent, {
        channelId: w.channelId,
        filename,
        mimeType,
        body: Buffer.from('a,b\n'),
      });
    expect((await store('metrics.csv', 'application/octet-stream')).mimeType).toBe('text/csv');
    expect((await store('train.py', '')).mimeType).toBe('text/x-python');
    expect((await store('server.log', 'application/octet-stream')).mimeType).toBe('text/plain');
    // A declared type wins; an unknown extension stays opaque.
    expect((await store('table.csv', 'text/plain')).mimeType).toBe('text/plain');
    expect((await store('blob.bin', 'application/octet-stream')).mimeType).toBe('application/octet-stream');
  });

  it('refuses files over the limit without leaving anything behind, and foreign files are 404', async () => {
    w = await world();
    const big = {
      channelId: w.channelId,
      filename: 'big.bin',
      mimeType: 'application/octet-stream',
      body: Buffer.alloc(w.placet.options.maxFileBytes + 1),
    };
    expect(await codeOf(w.placet.files.store(w.agent, big))).toBe('PAYLOAD_TOO_LARGE');
    expect((await w.placet.files.list(w.agent, w.channelId, { limit: 100 })).items).toEqual([]);
    const mine = await w.placet.files.storeText(w.agent, { channelId: w.channelId, content: 'mine' });
    const other = await w.placet.users.create({
      email: 'o@example.test',
      displayName: 'O',
      password: 'password-o',
    });
    const otherAgent = (await w.placet.authenticate({
      apiKey: (await w.placet.apiKeys.create(other.id)).key,
    }))!;
    expect(await codeOf(w.placet.files.open(otherAgent, mine.id))).toBe('NOT_FOUND');
    expect(await codeOf(w.placet.files.delete(otherAgent, mine.id))).toBe('NOT_FOUND');
  });

  it('sweeps orphans older than orphanFileMaxAgeMs, keeping linked files', async () => {
    w = await world();
    const orphan = await w.placet.files.storeText(w.agent, { channelId: w.channelId, content: 'orphan' });
    const linked = await w.placet.files.storeText(w.agent, { channelId: w.channelId, content: 'linked' });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, attachmentIds: [linked.id] });
    await w.clock.advance(24 * 3600_000 + 10_000);
    await w.placet.sweep();
    expect((await w.placet.files.list(w.agent, w.channelId, { limit: 100 })).items.map((a) => a.id)).toEqual([
      linked.id,
    ]);
    expect(await w.placet.options.files.get(`channels/${w.channelId}/${orphan.id}`)).toBeUndefined();
  });
});
