import { createHash, randomBytes } from 'node:crypto';
import { type FileStore, type GetResult, isPlacetError } from '@placet/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, randomId } from './helpers.js';

export interface FileStoreHarness {
  files: FileStore;
  /** Called after each test; when absent the suite calls `files.close?.()`. */
  cleanup?: () => Promise<void>;
}

export interface FileStoreSuiteOptions {
  /** Shown in the describe titles. */
  name: string;
  /** Called before every test: each test gets a fresh, empty file store. */
  create: () => Promise<FileStoreHarness>;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function read(result: GetResult | undefined): Promise<Buffer | undefined> {
  return result === undefined ? undefined : readAll(result.body);
}

/** Yields `data` in chunks of `size`, yielding a macrotask between chunks so that others interleave. */
async function* chunked(data: Uint8Array, size: number, pause?: Promise<void>): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < data.length; offset += size) {
    if (offset > 0) {
      if (pause) await pause;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    yield data.slice(offset, offset + size);
  }
}

function key(name = 'file.bin'): string {
  return `test/${randomId()}/${name}`;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

function useFileStore(options: FileStoreSuiteOptions): () => FileStore {
  let current: FileStoreHarness | undefined;
  beforeEach(async () => {
    current = await options.create();
  });
  afterEach(async () => {
    const harness = current;
    current = undefined;
    if (harness === undefined) return;
    if (harness.cleanup) await harness.cleanup();
    else await harness.files.close?.();
  });
  return () => {
    if (current === undefined) throw new Error('file store harness used outside a test');
    return current.files;
  };
}

/** put/get/delete round-trips, hashes and byte ranges. */
export function fileStoreRoundTripGroup(options: FileStoreSuiteOptions): void {
  describe(`FileStore round-trips: ${options.name}`, () => {
    const files = useFileStore(options);

    it('put from a Uint8Array returns size and sha256, and get returns the same bytes', async () => {
      const data = new Uint8Array(randomBytes(4096));
      const k = key();
      const put = await files().put(k, data);
      expect(put).toMatchObject({ size: data.length, sha256: sha256(data) });
      expect(put.sha256).toMatch(/^[0-9a-f]{64}$/);
      const got = await files().get(k);
      expect(got?.size).toBe(data.length);
      expect((await read(got))?.equals(data)).toBe(true);
      if (got?.range !== undefined) expect(got.range).toEqual({ start: 0, end: data.length - 1 });
    });

    it('put from an async generator of chunks (uneven, empty, 1 MiB) hashes and stores every byte', async () => {
      const data = new Uint8Array(randomBytes(1024 * 1024 + 13));
      const k = key('big.bin');
      async function* source(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array(0);
        yield data.subarray(0, 1);
        yield* chunked(data.subarray(1), 64 * 1024 - 7);
        yield new Uint8Array(0);
      }
      expect(await files().put(k, source())).toMatchObject({ size: data.length, sha256: sha256(data) });
      const got = await files().get(k);
      expect(got?.size).toBe(data.length);
      const bytes = await read(got);
      expect(bytes?.length).toBe(data.length);
      expect(bytes?.equals(data)).toBe(true);
    });

    it('stored bytes are not aliased: mutating the input or a read chunk never changes the object', async () => {
      const data = new Uint8Array(randomBytes(256));
      const copy = new Uint8Array(data);
      const k = key();
      await files().put(k, data);
      data.fill(0);
      const first = await files().get(k);
      if (first === undefined) throw new Error('object missing');
      for await (const chunk of first.body) chunk.fill(0);
      expect((await read(await files().get(k)))?.equals(copy)).toBe(true);
    });

    it('an empty object round-trips', async () => {
      const k = key('empty.txt');
      expect(await files().put(k, new Uint8Array(0))).toMatchObject({
        size: 0,
        sha256: sha256(new Uint8Array(0)),
      });
      const got = await files().get(k);
      expect(got?.size).toBe(0);
      expect((await read(got))?.length).toBe(0);
    });

    it('get with a byte range: first byte, middle, last byte, clamped end', async () => {
      const data = new Uint8Array(randomBytes(1000));
      const k = key();
      await files().put(k, chunked(data, 77));
      const cases = [
        { range: { start: 0, end: 0 }, want: { start: 0, end: 0 } },
        { range: { start: 100, end: 199 }, want: { start: 100, end: 199 } },
        { range: { start: 999, end: 999 }, want: { start: 999, end: 999 } },
        { range: { start: 990, end: 5000 }, want: { start: 990, end: 999 } },
        { range: { start: 0, end: 999 }, want: { start: 0, end: 999 } },
      ];
      for (const { range, want } of cases) {
        const got = await files().get(k, { range });
        expect(got?.size, `total size for ${JSON.stringify(range)}`).toBe(1000);
        expect(got?.range).toEqual(want);
        const bytes = await read(got);
        expect(
          bytes?.equals(data.subarray(want.start, want.end + 1)),
          `bytes of ${JSON.stringify(range)}`,
        ).toBe(true);
      }
    });

    it('get with an invalid range rejects with VALIDATION_FAILED', async () => {
      const k = key();
      await files().put(k, new Uint8Array(randomBytes(100)));
      for (const range of [
        { start: 100, end: 150 },
        { start: 500, end: 600 },
        { start: 50, end: 10 },
      ]) {
        const error = await rejectionOf(files().get(k, { range }).then(read));
        expect(isPlacetError(error) && error.code, `${JSON.stringify(range)}: ${String(error)}`).toBe(
          'VALIDATION_FAILED',
        );
      }
    });

    it('a missing key resolves undefined (with or without a range)', async () => {
      expect(await files().get(key())).toBeUndefined();
      expect(await files().get(key(), { range: { start: 0, end: 10 } })).toBeUndefined();
    });

    it('delete resolves true, then false; the object is gone', async () => {
      const k = key();
      await files().put(k, new Uint8Array([1, 2, 3]));
      expect(await files().delete(k)).toBe(true);
      expect(await files().get(k)).toBeUndefined();
      expect(await files().delete(k)).toBe(false);
      expect(await files().delete(key())).toBe(false);
    });

    it('keys are independent: a nested key does not disturb its neighbours', async () => {
      const base = `test/${randomId()}`;
      await files().put(`${base}/a.txt`, new Uint8Array([1]));
      await files().put(`${base}/b.txt`, new Uint8Array([2, 2]));
      await files().put(`${base}/sub/c.txt`, new Uint8Array([3, 3, 3]));
      expect(await files().delete(`${base}/b.txt`)).toBe(true);
      expect((await files().get(`${base}/a.txt`))?.size).toBe(1);
      expect((await files().get(`${base}/sub/c.txt`))?.size).toBe(3);
    });

    it('refuses keys outside [a-z0-9/_.-] and path tricks', async () => {
      for (const bad of ['../x', 'a/../../x', '/abs', '', 'a\\b', 'UPPER.txt', 'a b', 'nul\u0000byte']) {
        const error = await rejectionOf(files().put(bad, new Uint8Array([1])));
        expect(error, `key ${JSON.stringify(bad)}`).toBeInstanceOf(Error);
      }
    });
  });
}

/** Atomicity: limits, failing sources, overwrites, concurrent puts. */
export function fileStoreAtomicityGroup(options: FileStoreSuiteOptions): void {
  describe(`FileStore atomicity: ${options.name}`, () => {
    const files = useFileStore(options);

    it('maxBytes: exactly the limit is accepted; one byte more rejects with PAYLOAD_TOO_LARGE and leaves nothing', async () => {
      const data = new Uint8Array(randomBytes(100));
      const ok = key();
      expect((await files().put(ok, data, { maxBytes: 100 })).size).toBe(100);
      for (const source of [() => data, () => chunked(data, 10)]) {
        const k = key();
        const error = await rejectionOf(files().put(k, source(), { maxBytes: 99 }));
        expect(isPlacetError(error) && error.code, String(error)).toBe('PAYLOAD_TOO_LARGE');
        expect(await files().get(k)).toBeUndefined();
      }
    });

    it('maxBytes: stops reading an endless source soon after the limit', async () => {
      let pulled = 0;
      async function* endless(): AsyncGenerator<Uint8Array> {
        for (;;) {
          pulled++;
          if (pulled > 10_000) throw new Error('the store kept reading past maxBytes');
          yield new Uint8Array(10);
        }
      }
      const k = key();
      const error = await rejectionOf(files().put(k, endless(), { maxBytes: 55 }));
      expect(isPlacetError(error) && error.code, String(error)).toBe('PAYLOAD_TOO_LARGE');
      // Bounded read-ahead (stream buffering) is fine; reading on and on is not.
      expect(pulled).toBeLessThanOrEqual(64);
      expect(await files().get(k)).toBeUndefined();
    });

    it('a source that throws midway rejects and leaves nothing (and an existing object intact)', async () => {
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield new Uint8Array([1, 2, 3]);
        await new Promise<void>((resolve) => setImmediate(resolve));
        yield new Uint8Array([4, 5, 6]);
        throw new Error('source failed');
      }
      const fresh = key();
      await rejectionOf(files().put(fresh, failing()));
      expect(await files().get(fresh)).toBeUndefined();

      const existing = key();
      const old = new Uint8Array(randomBytes(64));
      await files().put(existing, old);
      await rejectionOf(files().put(existing, failing()));
      expect((await read(await files().get(existing)))?.equals(old)).toBe(true);
      await rejectionOf(files().put(existing, chunked(new Uint8Array(200), 20), { maxBytes: 50 }));
      expect((await read(await files().get(existing)))?.equals(old)).toBe(true);
    });

    it('an overwrite is atomic: readers see the old object until the new one is complete', async () => {
      const k = key();
      const oldData = new Uint8Array(randomBytes(5000));
      const newData = new Uint8Array(randomBytes(7000));
      await files().put(k, oldData);
      const gate = deferred();
      const writing = files().put(k, chunked(newData, 1000, gate.promise));
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      const during = await files().get(k);
      expect(during?.size).toBe(oldData.length);
      expect((await read(during))?.equals(oldData)).toBe(true);
      gate.resolve();
      expect(await writing).toMatchObject({ size: newData.length, sha256: sha256(newData) });
      const after = await files().get(k);
      expect(after?.size).toBe(newData.length);
      expect((await read(after))?.equals(newData)).toBe(true);
    });

    it('a put in progress is invisible under a new key', async () => {
      const k = key();
      const gate = deferred();
      const data = new Uint8Array(randomBytes(3000));
      const writing = files().put(k, chunked(data, 1000, gate.promise));
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
      expect(await files().get(k)).toBeUndefined();
      gate.resolve();
      await writing;
      expect((await read(await files().get(k)))?.equals(data)).toBe(true);
    });

    it('concurrent puts to one key leave exactly one complete input, byte-exact', async () => {
      const k = key();
      const inputs = Array.from({ length: 10 }, (_, i) => new Uint8Array(randomBytes(1000 + i * 517)));
      const outcomes = await Promise.allSettled(
        inputs.map((data, i) => files().put(k, chunked(data, 100 + i * 31))),
      );
      const succeeded = inputs.filter((_, i) => outcomes[i]?.status === 'fulfilled');
      expect(succeeded.length).toBeGreaterThan(0);
      const got = await files().get(k);
      const bytes = await read(got);
      expect(bytes).toBeDefined();
      const match = succeeded.find((data) => bytes?.equals(data));
      expect(match, 'the stored object equals one of the inputs').toBeDefined();
      expect(got?.size).toBe(match?.length);
    });
  });
}

/** Registers the whole FileStore conformance suite. */
export function fileStoreConformance(options: FileStoreSuiteOptions): void {
  describe(`FileStore conformance: ${options.name}`, () => {
    fileStoreRoundTripGroup(options);
    fileStoreAtomicityGroup(options);
  });
}
