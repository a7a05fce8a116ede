import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { meteredBytes } from './metered-bytes.js';

/**
 * A multipart parser's file stream behind a PassThrough, for an HTTP adapter: a consumer that stops early
 * (a limit, a failure) destroys only the PassThrough, never the parser's stream — which would abort the
 * request with a meaningless AbortError instead of the adapter's 413/400. A file stream the parser cuts
 * off (the body ends mid-file) fails the copy, so that its reader never waits forever.
 */
export function detachedStream(stream: NodeJS.ReadableStream): PassThrough {
  const through = new PassThrough();
  stream.pipe(through);
  // `pipe` does not pass a destroyed source on; the error stays on the stream for a reader not listening yet.
  through.on('error', () => {});
  const cutOff = (error?: unknown) => {
    if (!through.destroyed && !through.writableEnded)
      through.destroy(error instanceof Error ? error : new Error('the upload was cut off'));
  };
  stream.once('error', cutOff);
  stream.once('close', () => {
    if (!(stream as Readable).readableEnded) cutOff();
  });
  through.on('close', () => {
    stream.unpipe(through);
    stream.resume();
  });
  return through;
}

/** A file spooled by `spoolToTempFile`: its path, and the private directory to remove when done. */
export interface SpooledFile {
  /** The file. */
  readonly path: string;
  /** Its directory, which only it is in: remove it (recursively) to remove the file. */
  readonly dir: string;
}

/**
 * Writes an upload to a file of its own (mode 0600 in a fresh temporary directory) until the request
 * that carries it is known to be good; at most `maxBytes` (else `PAYLOAD_TOO_LARGE`, and nothing is left
 * behind). The caller removes `dir` when it is done with the file.
 */
export async function spoolToTempFile(stream: NodeJS.ReadableStream, maxBytes: number): Promise<SpooledFile> {
  const dir = await mkdtemp(join(tmpdir(), 'placet-upload-'));
  const path = join(dir, 'file');
  try {
    const handle = await open(path, 'wx', 0o600);
    await pipeline(
      Readable.from(meteredBytes(stream as AsyncIterable<Uint8Array>, maxBytes).chunks),
      handle.createWriteStream(),
    );
    return { path, dir };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
