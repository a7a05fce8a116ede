import { createHash } from 'node:crypto';
import { PlacetError } from '../errors/placet-error.js';
import type { ByteRange, ByteSource, FileStore, GetResult, PutResult } from '../ports/file-store.js';
import { assertStorageKey, resolveRange } from './storage-keys.js';

async function* chunksOf(source: ByteSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) yield source;
  else for await (const chunk of source) yield chunk;
}

/** Files kept in memory: for tests and demos. Honours the whole FileStore contract, ranges included. */
export function memoryFileStore(): FileStore {
  const objects = new Map<string, Uint8Array>();
  return {
    capabilities: { name: 'memory', ranges: true },
    async put(key: string, source: ByteSource, options: { maxBytes?: number } = {}): Promise<PutResult> {
      assertStorageKey(key);
      const hash = createHash('sha256');
      const parts: Uint8Array[] = [];
      let size = 0;
      for await (const chunk of chunksOf(source)) {
        size += chunk.byteLength;
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          throw new PlacetError('PAYLOAD_TOO_LARGE', `File exceeds the limit of ${options.maxBytes} bytes`);
        }
        hash.update(chunk);
        parts.push(chunk);
      }
      // A plain Uint8Array (not a Buffer, whose slice() aliases) owned by the store.
      objects.set(key, new Uint8Array(Buffer.concat(parts)));
      return { size, sha256: hash.digest('hex') };
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
