import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  assertStorageKey,
  type ByteRange,
  type ByteSource,
  type FileStore,
  type GetResult,
  meteredBytes,
  PlacetError,
  type PutResult,
  resolveRange,
} from '@placet/core/adapter';
import { parseS3FileStoreOptions, type S3FileStoreOptions } from './options.js';
import { rangeHeader, servedSpan, sliceBody } from './ranges.js';
import { isMissingObject, isUnsatisfiableRange, statusOf } from './s3-errors.js';

/** Stops a response body nobody will read, so its connection goes back to the pool (or is closed). */
function discard(body: unknown): void {
  const stream = body as { destroy?: (error?: Error) => void } | undefined;
  stream?.destroy?.();
}

/**
 * The FileStore port on S3 or any S3-compatible store. Object `c1/a1` is `<prefix>c1/a1` in `bucket`.
 *
 * - `put` reads the source once, counting and hashing on the way (`maxBytes` stops it at once), through
 *   lib-storage's `Upload`: a body of at most `partSize` bytes is one PutObject sent when the source has
 *   ended, a larger one a multipart upload that S3 publishes only on completion, and aborts on any failure.
 *   Either way S3 shows the old object or the new one, never a part, and a failed put leaves nothing.
 * - `get` is one GetObject (with `Range: bytes=a-b` for a range); the body streams from S3 and reads one
 *   version of the object even if it is overwritten meanwhile. A store that ignores or widens the range is
 *   answered with exactly the bytes asked for.
 * - `delete` is HeadObject then DeleteObject (S3 does not say whether a deleted key existed), so two
 *   concurrent deletes of one key may both report `true`; a missing bucket rejects, never reads as `false`.
 *
 * A host's `client` is used as it is and never destroyed; a client made here is destroyed by `close()`.
 */
export function s3FileStore(options: S3FileStoreOptions): FileStore {
  const resolved = parseS3FileStoreOptions(options);
  const { bucket, prefix, partSize, queueSize } = resolved;
  const owned = resolved.client === undefined;
  const client =
    resolved.client ??
    new S3Client({
      ...resolved.clientConfig,
      ...(resolved.clientConfig.credentials ? { credentials: { ...resolved.clientConfig.credentials } } : {}),
    });

  function objectKey(key: string): string {
    assertStorageKey(key);
    return `${prefix}${key}`;
  }

  return {
    capabilities: { name: 's3', ranges: true },

    async put(key: string, source: ByteSource, putOptions: { maxBytes?: number } = {}): Promise<PutResult> {
      const Key = objectKey(key);
      const { maxBytes } = putOptions;
      if (maxBytes !== undefined && !(maxBytes >= 0)) {
        throw new PlacetError('VALIDATION_FAILED', 'maxBytes must be a number >= 0');
      }
      const bytes = meteredBytes(source, maxBytes);
      /** Why reading stopped (the source failed, or `maxBytes`): the put's answer, whatever S3 said after. */
      let sourceError: unknown;
      async function* counted(): AsyncGenerator<Uint8Array> {
        try {
          yield* bytes.chunks;
        } catch (error) {
          sourceError ??= error;
          throw error;
        }
      }
      // Upload buffers the stream into parts of `partSize`: what it sends always has a known length, so no
      // store has to accept a chunked (`aws-chunked`) body.
      const body = Readable.from(counted(), { objectMode: true, highWaterMark: 1 });
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key, Body: body, ContentType: 'application/octet-stream' },
        partSize,
        queueSize,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        // Upload aborts the multipart upload before rejecting; if S3 refuses that too (no
        // s3:AbortMultipartUpload permission), its error must not replace the cause (a 413 is not a 500).
        // Parts left behind are removed by the bucket's AbortIncompleteMultipartUpload lifecycle rule.
        throw sourceError ?? error;
      } finally {
        body.destroy();
      }
      return { size: bytes.size, sha256: bytes.sha256() };
    },

    async get(key: string, getOptions: { range?: ByteRange } = {}): Promise<GetResult | undefined> {
      const Key = objectKey(key);
      const { range } = getOptions;
      // Shape checks (integers, 0 <= start <= end) before asking: S3 ignores a malformed Range header.
      if (range) resolveRange(range, Number.MAX_SAFE_INTEGER);
      let response: GetObjectCommandOutput;
      try {
        response = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key, ...(range ? { Range: rangeHeader(range) } : {}) }),
        );
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        if (range && isUnsatisfiableRange(error)) {
          throw new PlacetError('VALIDATION_FAILED', `Range ${range.start}-${range.end} is not satisfiable`, {
            cause: error,
          });
        }
        throw error;
      }
      const stream = response.Body as AsyncIterable<Uint8Array> | undefined;
      try {
        const served = servedSpan(statusOf(response), response.ContentRange, response.ContentLength);
        if (served === undefined) {
          throw new Error(
            'The S3 answer does not say which bytes it holds (Content-Range or Content-Length)',
          );
        }
        // Clamps the end; rejects a range at or past the end (a server may answer it with the whole object).
        const want = resolveRange(range, served.size);
        const body = stream ?? (async function* () {})();
        if (want === undefined) {
          if (served.start !== 0 || served.end !== served.size - 1) {
            throw new Error('The S3 answer holds part of an object that was asked for whole');
          }
          return { size: served.size, range: undefined, body };
        }
        if (served.start > want.start || served.end < want.end) {
          throw new Error('The S3 answer holds less than the range asked for');
        }
        const exact = served.start === want.start && served.end === want.end;
        return {
          size: served.size,
          range: want,
          body: exact ? body : sliceBody(body, want.start - served.start, want.end - want.start + 1),
        };
      } catch (error) {
        discard(stream);
        throw error;
      }
    },

    async delete(key: string): Promise<boolean> {
      const Key = objectKey(key);
      let existed = true;
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key }));
      } catch (error) {
        if (!isMissingObject(error)) throw error;
        existed = false;
      }
      // Sent even when HEAD found nothing: HEAD's 404 has no body, so there a missing bucket looks like a
      // missing key; DELETE names NoSuchBucket (and removes an object written in between).
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
      return existed;
    },

    async close(): Promise<void> {
      // A host's client is the host's to destroy: it may serve other stores or its own code.
      if (owned) client.destroy();
    },
  };
}
