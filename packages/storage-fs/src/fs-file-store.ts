import { randomUUID } from 'node:crypto';
import {
  close,
  constants,
  createReadStream,
  createWriteStream,
  fstat,
  open as openFd,
  type WriteStream,
} from 'node:fs';
import { chmod, type FileHandle, mkdir, open, realpath, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import {
  type ByteRange,
  type ByteSource,
  type FileStore,
  type GetResult,
  meteredBytes,
  PlacetError,
  type PutResult,
  resolveRange,
} from '@placet/core/adapter';
import { type FsFileStoreOptions, parseFsFileStoreOptions } from './options.js';
import { assertRealInside, errnoOf, pathOfKey } from './safe-path.js';

/** `O_NOFOLLOW` where the platform has it (not on Windows). */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const openRead = promisify(openFd);
const fstatFd = promisify(fstat);
const closeFd = promisify(close);

/**
 * A body the caller drops without reading keeps its descriptor open: close it once the body is garbage.
 * Bodies hold plain descriptors (not FileHandles, which Node closes on GC with a deprecation warning),
 * and each body unregisters when its stream closes, before the number can be reused.
 */
const abandoned = new FinalizationRegistry<number>((fd) => close(fd, () => undefined));

function conflict(error: unknown): PlacetError {
  return new PlacetError('CONFLICT', 'A file and a folder of the store share a path', { cause: error });
}

/** Waits until a write stream has released its file descriptor (unlinking an open file fails on Windows). */
function closed(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed) resolve();
    else stream.once('close', () => resolve());
  });
}

/** Owner-only modes: the store holds whatever agents upload, readable by no other local user. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * `mkdir -p` whose new directories are 0700 whatever the umask (it can only take bits away from the
 * mode given to mkdir; the chmod makes it exact). Existing directories are left as they are.
 */
async function mkdirPrivate(path: string): Promise<void> {
  const first = await mkdir(path, { recursive: true, mode: DIR_MODE });
  if (first === undefined) return;
  const created: string[] = [];
  for (let at = path; ; at = dirname(at)) {
    created.push(at);
    if (at === first || dirname(at) === at) break;
  }
  await Promise.all(created.map((d) => chmod(d, DIR_MODE)));
}

/** Best effort: makes a rename in `dir` durable. Some platforms cannot open or fsync a directory. */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // ignored: durability of the directory entry is best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The FileStore port on the local disk. An object of key `a/b.bin` is the file `<dir>/a/b.bin`. A put
 * streams into a uniquely named file in `tmpDir` (hashing and counting on the way), fsyncs it and renames
 * it into place, so readers see the old object or the new one, never a part. A get reads from a file
 * handle opened before it returns, so a concurrent overwrite or delete never mixes two objects.
 * Directories are created on demand and never removed.
 */
export function fsFileStore(options: FsFileStoreOptions): FileStore {
  const { dir, tmpDir, fsync } = parseFsFileStoreOptions(options);
  let ready: Promise<string> | undefined;

  /** Creates the directories once (retried after a failure) and resolves the real path of `dir`. */
  function init(): Promise<string> {
    ready ??= (async () => {
      await mkdirPrivate(dir);
      await mkdirPrivate(tmpDir);
      const [root, tmp] = await Promise.all([stat(dir), stat(tmpDir)]);
      if (root.dev !== tmp.dev) {
        throw new PlacetError('INVALID_OPTIONS', 'fsFileStore(): tmpDir must be on the filesystem of dir', {
          issues: [{ path: 'tmpDir', message: 'must be on the same filesystem as dir' }],
        });
      }
      return realpath(dir);
    })().catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  }

  /** A new temp file, 0600 whatever the umask; the rename keeps the mode. */
  async function openTemp(path: string): Promise<FileHandle> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'wx', FILE_MODE);
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT') throw error;
      // Someone removed tmpDir after start-up: recreate it once.
      await mkdirPrivate(tmpDir);
      handle = await open(path, 'wx', FILE_MODE);
    }
    try {
      await handle.chmod(FILE_MODE);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await rm(path, { force: true }).catch(() => undefined);
      throw error;
    }
    return handle;
  }

  return {
    capabilities: { name: 'fs', ranges: true },

    async put(key: string, source: ByteSource, putOptions: { maxBytes?: number } = {}): Promise<PutResult> {
      const target = pathOfKey(dir, key);
      const { maxBytes } = putOptions;
      if (maxBytes !== undefined && !(maxBytes >= 0)) {
        throw new PlacetError('VALIDATION_FAILED', 'maxBytes must be a number >= 0');
      }
      const realDir = await init();
      // A leading dot: no key segment can start with one, so a temp file never shadows an object.
      const temp = join(tmpDir, `.${randomUUID()}.part`);
      const bytes = meteredBytes(source, maxBytes);
      let out: WriteStream | undefined;
      try {
        out = createWriteStream('', { fd: await openTemp(temp), flush: fsync });
        await pipeline(bytes.chunks, out);
        const parent = dirname(target);
        await assertRealInside(dir, realDir, parent);
        try {
          await mkdirPrivate(parent);
        } catch (error) {
          const code = errnoOf(error);
          throw code === 'EEXIST' || code === 'ENOTDIR' ? conflict(error) : error;
        }
        // Again after mkdir: a symlink swapped in meanwhile must not receive the object.
        await assertRealInside(dir, realDir, parent);
        try {
          await rename(temp, target);
        } catch (error) {
          const code = errnoOf(error);
          throw code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY' ? conflict(error) : error;
        }
        if (fsync) await syncDir(parent);
        return { size: bytes.size, sha256: bytes.sha256() };
      } catch (error) {
        if (out) await closed(out);
        await rm(temp, { force: true }).catch(() => undefined);
        throw error;
      }
    },

    async get(key: string, getOptions: { range?: ByteRange } = {}): Promise<GetResult | undefined> {
      const path = pathOfKey(dir, key);
      const realDir = await init();
      if (!(await assertRealInside(dir, realDir, dirname(path)))) return undefined;
      let fd: number;
      try {
        fd = await openRead(path, constants.O_RDONLY | NO_FOLLOW);
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        if (code === 'ELOOP') throw new PlacetError('FORBIDDEN', 'Storage path is a symbolic link');
        throw error;
      }
      try {
        const info = await fstatFd(fd);
        if (!info.isFile()) {
          await closeFd(fd);
          return undefined;
        }
        const range = resolveRange(getOptions.range, info.size);
        // The stream owns the descriptor from here: it closes it at the end, on error and on destroy.
        const body = createReadStream(path, {
          fd,
          start: range?.start ?? 0,
          end: range?.end,
          autoClose: true,
        });
        abandoned.register(body, fd, body);
        body.once('close', () => abandoned.unregister(body));
        return { size: info.size, range, body };
      } catch (error) {
        await closeFd(fd).catch(() => undefined);
        throw error;
      }
    },

    async delete(key: string): Promise<boolean> {
      const path = pathOfKey(dir, key);
      const realDir = await init();
      if (!(await assertRealInside(dir, realDir, dirname(path)))) return false;
      try {
        await unlink(path);
        return true;
      } catch (error) {
        const code = errnoOf(error);
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return false;
        throw error;
      }
    },

    async close(): Promise<void> {
      // Nothing to release: every handle belongs to one call or one body stream.
    },
  };
}
