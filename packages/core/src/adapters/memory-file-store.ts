import type { ByteRange, ByteSource, FileStore, GetResult, PutResult } from '../ports/file-store.js';
import { meteredBytes } from './metered-bytes.js';
import { assertStorageKey, resolveRange } from './storage-keys.js';

/** Files kept in memory: for tests and demos. Honours the whole FileStore contract, ranges included. */
export function memoryFileStore(): FileStore {
  const objects = new Map<string, Uint8Array>();
  return {
    capabilities: { name: 'memory', ranges: true },
    async put(key: string, source: ByteSource, options: { maxBytes?: number } = {}): Promise<PutResult> {
      assertStorageKey(key);
      const bytes = meteredBytes(source, options.maxBytes);
      const parts: Uint8Array[] = [];
      for await (const chunk of bytes.chunks) parts.push(chunk);
      // A plain Uint8Array (not a Buffer, whose slice() aliases) owned by the store.
      objects.set(key, new Uint8Array(Buffer.concat(parts)));
      return { size: bytes.size, sha256: bytes.sha256() };
    },
    async get(key: string, options: { range?: ByteRange } = {}): Promise<GetResult | undefined> {
      assertStorageKey(key);
      const bytes = objects.get(key);
      if (!bytes) return undefined;
      const range = resolveRange(options.range, bytes.byteLength);
      // A copy: a caller mutating a chunk it read must never change the stored object.
      const slice = range ? bytes.slice(range.start, range.end + 1) : bytes.slice();
      return {
        size: bytes.byteLength,
        range,
        body: (async function* () {
          yield slice;
        })(),
      };
    },
    async delete(key: string): Promise<boolean> {
      assertStorageKey(key);
      return objects.delete(key);
    },
  };
}
