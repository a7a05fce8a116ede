import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'placet-sqlite-exclusive-'));
  dirs.push(dir);
  return join(dir, 'placet.db');
};

/** Opens `filename` with `exclusive` in another process and reports what migrate() did. */
function otherProcess(filename: string): string {
  const script = `
    const { sqliteStore } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
    const store = sqliteStore({ filename: ${JSON.stringify(filename)}, exclusive: true });
    try { await store.migrate(); console.log('started'); }
    catch (e) { console.log(e.code + ': ' + e.message); }
    finally { await store.close(); }`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.trim();
}

describe('sqliteStore({ exclusive: true })', () => {
  it('a second store on the same file is refused with a clear message until the first closes', async () => {
    const filename = fresh();
    const first = sqliteStore({ filename, exclusive: true });
    await first.migrate();
    const second = sqliteStore({ filename, exclusive: true });
    const refused = await second.migrate().then(
      () => undefined,
      (e: unknown) => e as { code?: string; message?: string },
    );
    expect(refused?.code).toBe('CONFLICT');
    expect(refused?.message).toContain(`Another process is using the SQLite database ${filename}`);
    await second.close();
    // The lock file is as private as the database.
    expect(statSync(`${filename}.lock`).mode & 0o777).toBe(0o600);

    await first.close();
    const third = sqliteStore({ filename, exclusive: true });
    await third.migrate();
    await third.close();
  });

  it('across processes: refused while held, free once the holder closes', async () => {
    const filename = fresh();
    const holder = sqliteStore({ filename, exclusive: true });
    await holder.migrate();
    expect(otherProcess(filename)).toMatch(/^CONFLICT: Another process is using the SQLite database/);
    await holder.close();
    expect(otherProcess(filename)).toBe('started');
  });

  it('without `exclusive`, no lock is taken (the default)', async () => {
    const filename = fresh();
    const a = sqliteStore({ filename });
    const b = sqliteStore({ filename });
    await a.migrate();
    await b.migrate();
    await a.close();
    await b.close();
  });
});
