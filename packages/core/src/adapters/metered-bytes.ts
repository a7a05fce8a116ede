import { createHash } from 'node:crypto';
import { PlacetError } from '../errors/placet-error.js';
import type { ByteSource } from '../ports/file-store.js';

/** The bytes of a `FileStore.put` source as they stream through: counted, hashed and bounded. */
export interface MeteredBytes {
  /**
   * The source's chunks: each MUST be a `Uint8Array` (else `VALIDATION_FAILED`), together at most
   * `maxBytes` (else `PAYLOAD_TOO_LARGE`, thrown before the chunk that crosses it is yielded); empty
   * chunks are skipped.
   */
  readonly chunks: AsyncGenerator<Uint8Array>;
  /** Bytes yielded so far. */
  readonly size: number;
  /** The SHA-256 (hex) of everything yielded; call once, after `chunks` is done. */
  sha256(): string;
}

/** Meters a put's source for a FileStore adapter (every adapter owes the port the same size and hash). */
export function meteredBytes(source: ByteSource, maxBytes?: number): MeteredBytes {
  const hash = createHash('sha256');
  let size = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const from: AsyncIterable<unknown> | Iterable<unknown> = source instanceof Uint8Array ? [source] : source;
    for await (const chunk of from) {
      if (!(chunk instanceof Uint8Array)) {
        throw new PlacetError('VALIDATION_FAILED', 'A byte source must yield Uint8Array chunks');
      }
      if (maxBytes !== undefined && size + chunk.byteLength > maxBytes) {
        throw new PlacetError('PAYLOAD_TOO_LARGE', `File exceeds the limit of ${maxBytes} bytes`);
      }
      size += chunk.byteLength;
      if (chunk.byteLength === 0) continue;
      hash.update(chunk);
      yield chunk;
    }
  }
  return {
    chunks: chunks(),
    get size() {
      return size;
    },
    sha256: () => hash.digest('hex'),
  };
}
