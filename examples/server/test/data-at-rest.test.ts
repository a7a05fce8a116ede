import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, startServer } from './server-process.js';

/**
 * Issue #17, item 8: data at rest is private. The built server (`node dist/main.js`) creates its data
 * directory 0700 and every file in it 0600: the database holds webhook secrets and Basic passwords.
 */

const temporary: string[] = [];
const modeOf = (path: string) => statSync(path).mode & 0o777;

/** Every path below `dir`, depth first. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? [path, ...walk(path)] : [path];
  });
}

beforeAll(() => assertBuilt());
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

describe.runIf(process.platform !== 'win32')('data at rest', () => {
  it('the first start creates the data directory 0700, placet.db and an uploaded file 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'placet-data-at-rest-'));
    temporary.push(parent);
    const dataDir = join(parent, 'data'); // created by the server, not by the test
    const key = `hp_${randomBytes(24).toString('hex')}`;
    const server = await startServer({
      dataDir: parent,
      env: { PLACET_DATA_DIR: dataDir, PLACET_API_KEY: key },
    });
    try {
      const headers = { 'x-api-key': key };
      const channel = await fetch(`${server.url}/api/v1/agents`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bot' }),
      });
      expect(channel.status).toBe(201);
      const channelId = ((await channel.json()) as { id: string }).id;
      const form = new FormData();
      form.append('channelId', channelId);
      form.append('file', new Blob(['a secret report'], { type: 'text/plain' }), 'report.txt');
      const upload = await fetch(`${server.url}/api/v1/files/store`, { method: 'POST', headers, body: form });
      expect(upload.status).toBe(201);
      const attachmentId = ((await upload.json()) as { id: string }).id;

      expect(modeOf(dataDir)).toBe(0o700);
      const db = join(dataDir, 'placet.db');
      expect(modeOf(db)).toBe(0o600);
      for (const companion of [`${db}-wal`, `${db}-shm`]) {
        if (existsSync(companion)) expect([companion, modeOf(companion)]).toEqual([companion, 0o600]);
      }
      const uploaded = join(dataDir, 'files', 'channels', channelId, attachmentId);
      expect(modeOf(uploaded)).toBe(0o600);
      // Nothing below the data directory is open to the group or to others.
      for (const path of walk(dataDir)) {
        const expected = statSync(path).isDirectory() ? 0o700 : 0o600;
        expect([path, modeOf(path)]).toEqual([path, expected]);
      }
      expect(server.lines.some((line) => /readable by other users/.test(String(line.msg)))).toBe(false);
    } finally {
      await server.stop();
    }
  });
});
