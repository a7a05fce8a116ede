import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, REPO_ROOT, type RunningServer, runServerSync, startServer } from './server-process.js';

/**
 * Issue #18, item 11: with S3_BUCKET set, the built server keeps uploaded files in an S3-compatible store
 * (here s3rver on 127.0.0.1), not in PLACET_DATA_DIR/files. Run `npm run build` first (the server runs from
 * dist, and so does @placet/storage-s3 inside it).
 */

const BUCKET = 'placet-files';
const PREFIX = 'deployment-a/';
/** s3rver accepts this key and does not check SigV4 signatures: the secret is only watched for in the output. */
const SECRET = `secret-marker-${randomBytes(8).toString('hex')}`;

const temporary: string[] = [];
let s3: S3rver;
let s3Directory: string;
let endpoint: string;

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `placet-${name}-`));
  temporary.push(dir);
  return dir;
}

beforeAll(async () => {
  assertBuilt();
  s3Directory = tempDir('s3rver');
  s3 = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: s3Directory,
    vhostBuckets: false,
    configureBuckets: [{ name: BUCKET }],
  });
  const { port } = await s3.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await s3?.close();
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The variables of the "Files on S3" block in the self-hosting guide. */
function documentedVariables(): Record<string, string> {
  const guide = readFileSync(join(REPO_ROOT, 'docs/guides/self-hosting.md'), 'utf8');
  const section = guide.slice(guide.indexOf('## Files on S3'));
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return Object.fromEntries([...block.matchAll(/^(S3_\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('the example server with files on S3', () => {
  it('uploads to the bucket under S3_PREFIX, downloads whole and by byte range, never prints the secret', async () => {
    const documented = documentedVariables();
    expect(Object.keys(documented).sort()).toEqual([
      'S3_ACCESS_KEY_ID',
      'S3_BUCKET',
      'S3_ENDPOINT',
      'S3_FORCE_PATH_STYLE',
      'S3_PREFIX',
      'S3_REGION',
      'S3_SECRET_ACCESS_KEY',
    ]);
    const dataDir = tempDir('s3-data');
    const key = `hp_${randomBytes(24).toString('hex')}`;
    let server: RunningServer | undefined;
    try {
      // The guide's variables, pointed at the local store.
      server = await startServer({
        dataDir,
        env: {
          PLACET_API_KEY: key,
          ...documented,
          S3_BUCKET: BUCKET,
          S3_ENDPOINT: endpoint,
          S3_ACCESS_KEY_ID: 'S3RVER',
          S3_SECRET_ACCESS_KEY: SECRET,
          S3_PREFIX: PREFIX,
        },
      });
      const api = `${server.url}/api/v1`;
      const headers = { 'x-api-key': key };
      const channel = await fetch(`${api}/agents`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 's3-bot' }),
      });
      expect(channel.status).toBe(201);
      const channelId = ((await channel.json()) as { id: string }).id;

      const data = new Uint8Array(randomBytes(300_000));
      const form = new FormData();
      form.append('channelId', channelId);
      form.append('file', new Blob([data], { type: 'application/octet-stream' }), 'data.bin');
      const upload = await fetch(`${api}/files/store`, { method: 'POST', headers, body: form });
      expect(upload.status).toBe(201);
      const attachment = (await upload.json()) as { id: string; size: number; sha256?: string };
      expect(attachment).toMatchObject({ size: data.length, sha256: sha256(data) });

      // In the bucket, under the prefix (read straight from s3rver's directory), and not on disk.
      const objectDir = join(
        s3Directory,
        BUCKET,
        ...PREFIX.split('/').filter(Boolean),
        'channels',
        channelId,
      );
      const stored = readFileSync(join(objectDir, `${attachment.id}._S3rver_object`));
      expect(stored.equals(data)).toBe(true);
      const onDisk = join(dataDir, 'files');
      expect(existsSync(onDisk) ? readdirSync(onDisk) : []).toEqual([]);

      const whole = await fetch(`${api}/files/${attachment.id}/download`, { headers });
      expect(whole.status).toBe(200);
      expect(whole.headers.get('content-length')).toBe(String(data.length));
      expect(Buffer.from(await whole.arrayBuffer()).equals(data)).toBe(true);

      const middle = await fetch(`${api}/files/${attachment.id}/download`, {
        headers: { ...headers, range: 'bytes=1000-1999' },
      });
      expect(middle.status).toBe(206);
      expect(middle.headers.get('content-range')).toBe(`bytes 1000-1999/${data.length}`);
      expect(Buffer.from(await middle.arrayBuffer()).equals(data.subarray(1000, 2000))).toBe(true);

      // The first byte alone (s3rver answers `bytes=0-0` with the whole object: the store trims it).
      const first = await fetch(`${api}/files/${attachment.id}/download`, {
        headers: { ...headers, range: 'bytes=0-0' },
      });
      expect(first.status).toBe(206);
      expect(Buffer.from(await first.arrayBuffer()).equals(data.subarray(0, 1))).toBe(true);

      const tail = await fetch(`${api}/files/${attachment.id}/download`, {
        headers: { ...headers, range: 'bytes=-100' },
      });
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(data.length - 100))).toBe(true);

      // Deleting the agent deletes its files: from the bucket.
      const deleted = await fetch(`${api}/agents/${channelId}`, { method: 'DELETE', headers });
      expect(deleted.ok).toBe(true);
      expect(existsSync(join(objectDir, `${attachment.id}._S3rver_object`))).toBe(false);
    } finally {
      const exit = await server?.stop();
      if (server) {
        expect(exit).toEqual({ code: 0, signal: null });
        expect(server.output()).not.toContain(SECRET);
      }
    }
  });

  it('an S3_* setting without S3_BUCKET stops the server with exit code 2, naming it, not its value', () => {
    const dir = tempDir('s3-config');
    const result = runServerSync([], { PLACET_DATA_DIR: dir, S3_SECRET_ACCESS_KEY: SECRET }, dir);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/S3_SECRET_ACCESS_KEY: needs S3_BUCKET/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(SECRET);
    const help = runServerSync(['--help'], { S3_SECRET_ACCESS_KEY: SECRET }, dir);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/S3_BUCKET[\s\S]*S3_SECRET_ACCESS_KEY[\s\S]*S3_PREFIX/);
    expect(help.stdout).not.toContain(SECRET);
  });
});
