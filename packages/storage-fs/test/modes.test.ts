import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsFileStore } from '../src/index.js';

/** Issue #17, item 8: what agents upload is readable by its owner only (directories 0700, files 0600). */

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;
const unix = process.platform !== 'win32';

let root: string;
let previousUmask: number;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'placet-storage-fs-modes-'));
  previousUmask = process.umask();
});

afterEach(async () => {
  process.umask(previousUmask);
  await rm(root, { recursive: true, force: true });
});

describe.runIf(unix)('fsFileStore modes', () => {
  for (const umask of [0o022, 0o000, 0o002]) {
    it(`creates directories 0700 and files 0600 under umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      process.umask(umask);
      const dir = join(root, 'data', 'files');
      const files = fsFileStore({ dir, fsync: false });
      await files.put('channels/ch_1/att_1', Buffer.from('secret'));
      await files.put('channels/ch_1/att_2', Buffer.from('also secret'));
      for (const path of [
        join(root, 'data'),
        dir,
        join(dir, '.tmp'),
        join(dir, 'channels'),
        join(dir, 'channels', 'ch_1'),
      ]) {
        expect([path, await modeOf(path)]).toEqual([path, 0o700]);
      }
      for (const key of ['att_1', 'att_2']) {
        const path = join(dir, 'channels', 'ch_1', key);
        expect([path, await modeOf(path)]).toEqual([path, 0o600]);
      }
      await files.close?.();
    });
  }

  it('recreates a removed tmpDir 0700 and leaves directories it did not create as they are', async () => {
    process.umask(0o022);
    const dir = join(root, 'shared');
    await mkdir(dir, { mode: 0o755 });
    const tmpDir = join(root, 'shared', 'spool');
    const files = fsFileStore({ dir, tmpDir, fsync: false });
    await files.put('a', Buffer.from('x'));
    expect(await modeOf(dir)).toBe(0o755);
    await rm(tmpDir, { recursive: true });
    await files.put('b', Buffer.from('y'));
    expect(await modeOf(tmpDir)).toBe(0o700);
    expect(await modeOf(join(dir, 'b'))).toBe(0o600);
    await files.close?.();
  });
});
