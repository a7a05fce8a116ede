import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import S3rver from 's3rver';

/** s3rver's fixed credentials (it checks signatures made with them). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalS3 {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Where s3rver keeps its buckets (an independent read path for the tests). */
  directory: string;
  close(): Promise<void>;
}

/** The parts of s3rver's `FilesystemStore` (3.7.x) that `atomicWrites` replaces or uses. */
interface FilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, unknown>, md5: string): Promise<void>;
  putObject(object: StoredObject): Promise<{ size: number; md5: string }>;
}

interface StoredObject {
  bucket: string;
  key: string;
  content: Buffer | AsyncIterable<Buffer>;
  metadata: Record<string, unknown>;
}

/**
 * S3 replaces an object atomically: a reader sees the old object or the new one, and of concurrent PUTs
 * of one key exactly one wins whole. s3rver 3.7.1 truncates the object's file and streams into it (and
 * answers before the write has finished), so concurrent PUTs interleave their bytes. This gives its store
 * S3's behaviour — write a temp file, then rename it over the object — so that the conformance suite
 * tests the adapter against S3's guarantees, not against a shortcut of the fake server.
 */
function atomicWrites(store: FilesystemStore): void {
  store.putObject = async (object: StoredObject) => {
    const path = (key: string, resource: string) => store.getResourcePath(object.bucket, key, resource);
    const temp = `${object.key}.${randomUUID()}.part`;
    await mkdir(dirname(path(object.key, 'object')), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    try {
      const { content } = object;
      const chunks = Buffer.isBuffer(content)
        ? (async function* () {
            yield content;
          })()
        : content;
      await pipeline(
        chunks,
        async function* (chunks: AsyncIterable<Buffer>) {
          for await (const chunk of chunks) {
            md5.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(path(temp, 'object')),
      );
      const digest = md5.digest('hex');
      await store.putMetadata(object.bucket, temp, object.metadata, digest);
      // The object file last: until it is renamed, readers find the previous object (or none).
      for (const resource of ['metadata.json', 'object.md5', 'object']) {
        await rename(path(temp, resource), path(object.key, resource));
      }
      return { size, md5: digest };
    } catch (error) {
      await Promise.all(
        ['metadata.json', 'object.md5', 'object'].map((r) => rm(path(temp, r), { force: true })),
      );
      throw error;
    }
  };
}

/** An S3-compatible server (s3rver) on 127.0.0.1, on a port the OS picks, over a fresh temp directory. */
export async function startLocalS3(buckets: string[]): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'placet-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  atomicWrites((server as unknown as { store: FilesystemStore }).store);
  const address = await server.run();
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory,
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
