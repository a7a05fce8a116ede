import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/**
 * How `GET /plugins/:name/ui/:type` sends a review type's UI module: brotli- or gzip-compressed when the
 * request's `Accept-Encoding` allows (a widget is text: a fifth of its size or less on the wire), with a
 * validator per file version and encoding. Each version of a file is read and compressed once, then kept
 * in memory (per Placet instance) until the file changes on disk: a plugin upgrade is seen at once.
 */

/** What the route sends: the bytes (or a stream of a large file) and their headers. */
export interface UiModuleBody {
  etag: string;
  /** `Content-Encoding`, when compressed. */
  encoding?: 'br' | 'gzip';
  size: number;
  body: AsyncIterable<Uint8Array>;
}

/** Larger modules are streamed from disk as they are, never held in memory. */
const MAX_CACHED = 2 * 1024 * 1024;

interface Version {
  /** `<size>-<mtime>` of the file this was read from. */
  key: string;
  identity: Buffer;
  br: Promise<Buffer>;
  gzip: Promise<Buffer>;
}

/** The versions read so far, per cache owner (a Placet instance) and file path. */
const caches = new WeakMap<object, Map<string, Version>>();

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function* once(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}

/**
 * The body of `file` for a request with `acceptEncoding`. Throws as `stat` does when the file is missing.
 * `owner` scopes the in-memory copies (two Placet instances share none).
 */
export async function uiModuleBody(
  owner: object,
  file: string,
  acceptEncoding: string | undefined,
): Promise<UiModuleBody> {
  const info = await stat(file);
  const key = `${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}`;
  if (info.size > MAX_CACHED) {
    return { etag: `W/"${key}"`, size: info.size, body: createReadStream(file) };
  }
  const cache = caches.get(owner) ?? new Map<string, Version>();
  caches.set(owner, cache);
  let version = cache.get(file);
  if (version?.key !== key) {
    const identity = await readFile(file);
    const br = brotli(identity, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: identity.length,
      },
    });
    const gz = gzipAsync(identity, { level: 9 });
    // A rejection is read where it is awaited; never an unhandled one meanwhile.
    br.catch(() => undefined);
    gz.catch(() => undefined);
    version = { key, identity, br, gzip: gz };
    cache.set(file, version);
  }
  const encoding = preferredEncoding(acceptEncoding);
  if (encoding) {
    const bytes = await version[encoding];
    if (bytes.length < version.identity.length) {
      const tag = encoding === 'br' ? 'br' : 'gz';
      return { etag: `W/"${key}-${tag}"`, encoding, size: bytes.length, body: once(bytes) };
    }
  }
  return { etag: `W/"${key}"`, size: version.identity.length, body: once(version.identity) };
}

/**
 * The encoding to send for an `Accept-Encoding` header (RFC 9110 §12.5.3): the acceptable one with the
 * higher weight (brotli on a tie), else none. `q=0` refuses a coding; `*` stands for any coding not named.
 */
export function preferredEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (!coding.trim()) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gz = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  if (br > 0 && br >= gz) return 'br';
  if (gz > 0) return 'gzip';
  return undefined;
}
