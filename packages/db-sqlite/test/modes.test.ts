import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/index.js';

/** Issue #17, item 8: the database holds webhook secrets and passwords: owner-only when created here. */

const modeOf = (path: string) => statSync(path).mode & 0o777;

let root: string;
let previousUmask: number;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'placet-sqlite-modes-'));
  previousUmask = process.umask(0o022);
});

afterEach(() => {
  process.umask(previousUmask);
  rmSync(root, { recursive: true, force: true });
});

describe.runIf(process.platform !== 'win32')('sqliteStore file modes', () => {
  it('creates its directory 0700 and the database with its -wal and -shm 0600', async () => {
    const filename = join(root, 'data', 'placet.db');
    const store = sqliteStore({ filename });
    await store.migrate();
    await store.users.list(); // a read through WAL: the -shm exists while the database is open
    expect(modeOf(join(root, 'data'))).toBe(0o700);
    expect(modeOf(filename)).toBe(0o600);
    for (const companion of [`${filename}-wal`, `${filename}-shm`]) {
      expect(existsSync(companion)).toBe(true);
      expect([companion, modeOf(companion)]).toEqual([companion, 0o600]);
    }
    await store.close();
    // Reopened: still owner-only.
    const again = sqliteStore({ filename });
    await again.migrate();
    expect(modeOf(filename)).toBe(0o600);
    expect(modeOf(`${filename}-wal`)).toBe(0o600);
    await again.close();
  });

  it('leaves the mode of a database file it did not create', async () => {
    const filename = join(root, 'host.db');
    writeFileSync(filename, '', { mode: 0o640 });
    const store = sqliteStore({ filename });
    await store.migrate();
    expect(modeOf(filename)).toBe(0o640);
    await store.close();
  });
});
