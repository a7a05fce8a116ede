import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type ByteSource, type FileStore, isPlacetError } from '@placet/core/adapter';
import { waitFor } from '@placet/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsFileStore } from '../src/index.js';

async function readAll(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

function bodyOf(result: Awaited<ReturnType<FileStore['get']>>): AsyncIterable<Uint8Array> {
  if (result === undefined) throw new Error('object missing');
  return result.body;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isPlacetError(error) ? error.code : `not a PlacetError: ${String(error)}`;
  }
  return undefined;
}

async function* chunks(count: number, size: number, fail?: Error): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    yield new Uint8Array(size).fill(i);
  }
  if (fail) throw fail;
}

let root: string;
let dir: string;
let files: FileStore;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'placet-storage-fs-'));
  dir = join(root, 'store');
  files = fsFileStore({ dir });
});

afterEach(async () => {
  await files.close?.();
  await rm(root, { recursive: true, force: true });
});

describe('fsFileStore on disk', () => {
  it('creates dir (recursively) at first use and writes the object to dir/<key>', async () => {
    dir = join(root, 'deep', 'er', 'store');
    files = fsFileStore({ dir: relative(process.cwd(), dir) });
    expect(await readdir(root)).toEqual([]);
    const data = new Uint8Array(randomBytes(3000));
    const put = await files.put('ab/cd/file.bin', data);
    expect(put).toEqual({ size: 3000, sha256: createHash('sha256').update(data).digest('hex') });
    expect((await readFile(join(dir, 'ab', 'cd', 'file.bin'))).equals(data)).toBe(true);
    expect(files.capabilities).toEqual({ name: 'fs', ranges: true });
  });

  it('leaves no temp file after a success, a too-large put or a failing source', async () => {
    const tmp = join(dir, '.tmp');
    await files.put('ok.bin', chunks(5, 100));
    expect(await readdir(tmp)).toEqual([]);
    expect(await codeOf(files.put('big.bin', new Uint8Array(100), { maxBytes: 10 }))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(await codeOf(files.put('big.bin', chunks(50, 100), { maxBytes: 1000 }))).toBe('PAYLOAD_TOO_LARGE');
    await expect(files.put('fail.bin', chunks(3, 100, new Error('source failed')))).rejects.toThrow(
      'source failed',
    );
    const strings = (async function* () {
      yield 'text' as unknown as Uint8Array;
    })();
    expect(await codeOf(files.put('str.bin', strings))).toBe('VALIDATION_FAILED');
    expect(await readdir(tmp)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual(['.tmp', 'ok.bin']);
  });

  it('writes temp files to a custom tmpDir', async () => {
    const tmpDir = join(root, 'uploads');
    files = fsFileStore({ dir, tmpDir, fsync: false });
    await files.put('a.bin', new Uint8Array([1, 2, 3]));
    expect(await readdir(tmpDir)).toEqual([]);
    expect(await readdir(dir)).toEqual(['a.bin']);
  });

  it('refuses keys that would leave dir: .., absolute, backslash', async () => {
    const bad = ['..', '../x', 'a/../../x', '/etc/passwd', '..\\x', 'a\\..\\..\\x', './x', 'a//b', 'a/'];
    for (const key of bad) {
      expect(await codeOf(files.put(key, new Uint8Array([1]))), key).toBe('VALIDATION_FAILED');
      expect(await codeOf(files.get(key)), key).toBe('VALIDATION_FAILED');
      expect(await codeOf(files.delete(key)), key).toBe('VALIDATION_FAILED');
    }
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses a key whose parent folder is a symlink out of dir', async () => {
    const outside = join(root, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret'), 'secret');
    await files.put('seed.bin', new Uint8Array([0]));
    await symlink(outside, join(dir, 'link'));
    expect(await codeOf(files.put('link/new.bin', new Uint8Array([1])))).toBe('FORBIDDEN');
    expect(await codeOf(files.put('link/sub/new.bin', new Uint8Array([1])))).toBe('FORBIDDEN');
    expect(await codeOf(files.get('link/secret'))).toBe('FORBIDDEN');
    expect(await codeOf(files.delete('link/secret'))).toBe('FORBIDDEN');
    expect(await readdir(outside)).toEqual(['secret']);
    expect(await readdir(join(dir, '.tmp'))).toEqual([]);
  });

  it('never reads through a symlinked object, and a put replaces the link, not its target', async () => {
    const secret = join(root, 'secret.txt');
    await writeFile(secret, 'secret');
    await files.put('seed.bin', new Uint8Array([0]));
    await symlink(secret, join(dir, 'file.txt'));
    expect(await codeOf(files.get('file.txt'))).toBe('FORBIDDEN');
    await files.put('file.txt', new Uint8Array([42]));
    expect(await readFile(secret, 'utf8')).toBe('secret');
    expect([...(await readFile(join(dir, 'file.txt')))]).toEqual([42]);
  });

  it('a body already returned keeps reading its object across an overwrite and a delete', async () => {
    const old = new Uint8Array(randomBytes(200_000));
    await files.put('obj.bin', old);
    const first = await files.get('obj.bin');
    const ranged = await files.get('obj.bin', { range: { start: 10, end: 19 } });
    await files.put('obj.bin', new Uint8Array(randomBytes(50)));
    const second = await files.get('obj.bin');
    expect(await files.delete('obj.bin')).toBe(true);
    expect(first?.size).toBe(200_000);
    expect((await readAll(bodyOf(first))).equals(old)).toBe(true);
    expect((await readAll(bodyOf(ranged))).equals(old.subarray(10, 20))).toBe(true);
    expect(second?.size).toBe(50);
  });

  it('a file and a folder at one path: CONFLICT on put, undefined on get, false on delete', async () => {
    await files.put('a', new Uint8Array([1]));
    expect(await codeOf(files.put('a/b', new Uint8Array([2])))).toBe('CONFLICT');
    await files.put('x/y', new Uint8Array([3]));
    expect(await codeOf(files.put('x', new Uint8Array([4])))).toBe('CONFLICT');
    expect(await files.get('x')).toBeUndefined();
    expect(await files.get('a/b')).toBeUndefined();
    expect(await files.delete('x')).toBe(false);
    expect(await files.delete('a/b')).toBe(false);
    expect(await readdir(join(dir, '.tmp'))).toEqual([]);
  });

  it('rejects a negative or NaN maxBytes', async () => {
    for (const maxBytes of [-1, Number.NaN]) {
      expect(await codeOf(files.put('m.bin', new Uint8Array(1), { maxBytes }))).toBe('VALIDATION_FAILED');
    }
  });

  it.skipIf(process.platform !== 'linux')(
    'closes the descriptor of a body read to the end, cut short, or dropped unread',
    async () => {
      await files.put('fd.bin', new Uint8Array(randomBytes(300_000)));
      const target = join(dir, 'fd.bin');
      const openOnTarget = async (fd: number) =>
        (await readlink(`/proc/self/fd/${fd}`).catch(() => undefined)) === target;
      const fdOf = (result: Awaited<ReturnType<FileStore['get']>>) =>
        (result?.body as { fd?: number } | undefined)?.fd ?? -1;

      const full = await files.get('fd.bin');
      await readAll(bodyOf(full));
      await waitFor(async () => !(await openOnTarget(fdOf(full))));

      const cut = await files.get('fd.bin');
      for await (const _ of bodyOf(cut)) break;
      await waitFor(async () => !(await openOnTarget(fdOf(cut))));

      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as () => void;
      let fd = -1;
      await (async () => {
        fd = fdOf(await files.get('fd.bin'));
      })();
      expect(await openOnTarget(fd)).toBe(true);
      await waitFor(async () => {
        gc();
        return !(await openOnTarget(fd));
      });
    },
  );
});

describe('fsFileStore options', () => {
  it('invalid options throw INVALID_OPTIONS listing paths, never values', () => {
    const secret = 'postgres://user:hunter2@db/x';
    const cases: [unknown, string[]][] = [
      [undefined, ['']],
      [{}, ['dir']],
      [{ dir: 42 }, ['dir']],
      [{ dir: '' }, ['dir']],
      [{ dir: '/tmp/x', fsync: secret }, ['fsync']],
      [{ dir: '/tmp/x', tmpDir: 7 }, ['tmpDir']],
      [{ dir: false, tmpDir: secret, fsync: secret }, ['dir', 'fsync']],
    ];
    for (const [input, paths] of cases) {
      let caught: unknown;
      try {
        fsFileStore(input as { dir: string });
      } catch (error) {
        caught = error;
      }
      expect(isPlacetError(caught) && caught.code, JSON.stringify(input)).toBe('INVALID_OPTIONS');
      if (!isPlacetError(caught)) continue;
      expect(caught.issues?.map((issue) => issue.path)).toEqual(paths);
      expect(JSON.stringify({ message: caught.message, issues: caught.issues })).not.toContain('hunter2');
    }
  });

  it('fsync: false still writes complete objects', async () => {
    files = fsFileStore({ dir, fsync: false });
    const source: ByteSource = chunks(4, 1000);
    expect((await files.put('n.bin', source)).size).toBe(4000);
    expect((await readFile(join(dir, 'n.bin'))).length).toBe(4000);
  });
});
