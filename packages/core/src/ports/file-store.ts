/** Bytes in: anything async-iterable of chunks (a Node Readable, a web stream, a generator) or one buffer. */
export type ByteSource = AsyncIterable<Uint8Array> | Uint8Array;

export interface PutResult {
  size: number;
  /** Lowercase hex SHA-256 of the bytes written. */
  sha256: string;
}

export interface ByteRange {
  /** First byte, inclusive. */
  start: number;
  /** Last byte, inclusive. */
  end: number;
}

export interface GetResult {
  /** Total size of the stored object. */
  size: number;
  /** The requested range (or the whole object) as a stream of chunks. */
  body: AsyncIterable<Uint8Array>;
  range: ByteRange | undefined;
}

export interface FileStoreCapabilities {
  readonly name: string;
  /** Whether `get` honours `range` without reading the whole object. */
  readonly ranges: boolean;
}

/**
 * The file storage port. Implemented by `memoryFileStore()` (core) and `fsFileStore()` (storage-fs).
 *
 * Contract:
 * - `put` MUST be atomic: a reader never sees a partial object, and a failed or aborted `put` (the
 *   source throws, or `maxBytes` is exceeded) leaves nothing behind and rejects.
 * - `put` with `maxBytes` MUST stop reading and reject with `PAYLOAD_TOO_LARGE` once more bytes arrive.
 * - `put` to an existing key replaces it atomically; concurrent puts to one key leave one complete object.
 * - `get` of a missing key resolves `undefined`; a range beyond the end is clamped; `start > end` or
 *   `start >= size` rejects with `VALIDATION_FAILED`.
 * - `delete` of a missing key resolves `false`, never throws.
 * - Keys are opaque strings made by the engine (`[a-z0-9/_.-]`); adapters MUST refuse any other key.
 */
export interface FileStore {
  readonly capabilities: FileStoreCapabilities;
  put(key: string, source: ByteSource, options?: { maxBytes?: number }): Promise<PutResult>;
  get(key: string, options?: { range?: ByteRange }): Promise<GetResult | undefined>;
  delete(key: string): Promise<boolean>;
  close?(): Promise<void>;
}
