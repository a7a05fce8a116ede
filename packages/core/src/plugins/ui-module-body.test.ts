import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { preferredEncoding, uiModuleBody } from './ui-module-body.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function moduleFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'placet-ui-module-'));
  dirs.push(dir);
  const file = join(dir, 'ui.js');
  writeFileSync(file, text);
  return file;
}

async function bytes(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const SOURCE = `export const x = ${JSON.stringify('placet '.repeat(500))};\n`;

describe('uiModuleBody', () => {
  it('compresses as accepted, and reads the file again once it changed on disk', async () => {
    const owner = {};
    const file = moduleFile(SOURCE);
    const br = await uiModuleBody(owner, file, 'gzip, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(await bytes(br.body)).toString()).toBe(SOURCE);
    const gz = await uiModuleBody(owner, file, 'gzip');
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(await bytes(gz.body)).toString()).toBe(SOURCE);
    const plain = await uiModuleBody(owner, file, undefined);
    expect(plain.encoding).toBeUndefined();
    expect((await bytes(plain.body)).toString()).toBe(SOURCE);
    expect(plain.size).toBe(Buffer.byteLength(SOURCE));
    expect(new Set([br.etag, gz.etag, plain.etag]).size).toBe(3);

    // An upgrade of the plugin: a new file version, a new validator, the new bytes.
    const next = `${SOURCE}export const y = 1;\n`;
    writeFileSync(file, next);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const upgraded = await uiModuleBody(owner, file, 'br');
    expect(upgraded.etag).not.toBe(br.etag);
    expect(brotliDecompressSync(await bytes(upgraded.body)).toString()).toBe(next);
  });

  it('sends a tiny module as it is when compressing would not make it smaller', async () => {
    const file = moduleFile('x');
    const sent = await uiModuleBody({}, file, 'br');
    expect(sent.encoding).toBeUndefined();
    expect((await bytes(sent.body)).toString()).toBe('x');
  });

  it('throws for a file that is not there', async () => {
    await expect(uiModuleBody({}, join(tmpdir(), 'placet-no-such-ui.js'), 'br')).rejects.toThrow();
  });
});

describe('preferredEncoding', () => {
  it('picks brotli, then gzip, by weight; q=0 refuses; * stands for the others', () => {
    expect(preferredEncoding(undefined)).toBeUndefined();
    expect(preferredEncoding('identity')).toBeUndefined();
    expect(preferredEncoding('gzip, deflate, br')).toBe('br');
    expect(preferredEncoding('gzip')).toBe('gzip');
    expect(preferredEncoding('br;q=0.2, gzip;q=0.8')).toBe('gzip');
    expect(preferredEncoding('*;q=0')).toBeUndefined();
    expect(preferredEncoding('br;q=0, *')).toBe('gzip');
  });
});
