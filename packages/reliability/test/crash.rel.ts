import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sqliteStore } from '@placet/db-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { figure } from '../src/figures.js';
import { PG_URL, postgresGate, postgresSandbox } from '../src/postgres.js';
import { pool, type RunningChild, startChild } from '../src/processes.js';

/**
 * SIGKILL under load. Clients create messages over HTTP against the real router in a child process
 * (SQLite file / Postgres schema); after a few seconds the child is SIGKILLed mid-load and started again
 * on the same database. Every message whose POST had returned 201 must be readable: lost = 0.
 */

const SCRIPT = fileURLToPath(new URL('../src/server-child.ts', import.meta.url));
/** The clients write for at least this long, and until MIN_ACKED creates were acknowledged (at most MAX_LOAD_MS). */
const LOAD_MS = 3_000;
const MIN_ACKED = 300;
const MAX_LOAD_MS = 30_000;
const CLIENTS = 12;

const children: RunningChild[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function startServer(env: Record<string, string>): Promise<{ origin: string; channelId: string }> {
  const child = await startChild({
    script: SCRIPT,
    env,
    ready: (line) => (line.startsWith('ready ') ? line.split(' ').slice(1) : undefined),
  });
  children.push(child);
  const [origin, channelId] = child.ready;
  return { origin: origin!, channelId: channelId! };
}

interface LoadResult {
  acknowledged: string[];
  /** Requests that had no answer when the server died (their fate is unknown, and either is fine). */
  inFlightAtKill: number;
  /** Answers other than 201 while the server was up: under load they would be a bug. */
  unexpected: string[];
}

/** CLIENTS loops of `POST /messages` until the kill; the child is SIGKILLed after LOAD_MS. */
async function loadThenKill(
  origin: string,
  channelId: string,
  key: string,
  kill: () => Promise<unknown>,
): Promise<LoadResult> {
  const acknowledged: string[] = [];
  const unexpected: string[] = [];
  let killed = false;
  let inFlightAtKill = 0;
  let inFlight = 0;
  let n = 0;
  const client = async (c: number) => {
    while (!killed) {
      const i = ++n;
      inFlight++;
      try {
        const res = await fetch(`${origin}/api/v1/messages`, {
          method: 'POST',
          headers: { 'x-api-key': key, 'content-type': 'application/json' },
          body: JSON.stringify({ channelId, text: `load ${i} from client ${c}`, clientId: `c${c}-${i}` }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json()) as { id?: string };
        if (res.status === 201 && body.id) acknowledged.push(body.id);
        else if (!killed) unexpected.push(`${res.status} ${JSON.stringify(body)}`);
      } catch (error) {
        // The server died under this request: neither acknowledged nor an error of the server.
        if (!killed) unexpected.push(`no answer: ${String(error)}`);
      } finally {
        inFlight--;
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, (_, c) => client(c));
  const started = Date.now();
  while (
    Date.now() - started < MAX_LOAD_MS &&
    (Date.now() - started < LOAD_MS || acknowledged.length < MIN_ACKED)
  )
    await new Promise((resolve) => setTimeout(resolve, 50));
  inFlightAtKill = inFlight;
  killed = true;
  await kill();
  await Promise.all(clients);
  return { acknowledged, inFlightAtKill, unexpected };
}

/** Reads every acknowledged id back over HTTP from the restarted server: the ids it cannot find. */
async function missingAfterRestart(
  origin: string,
  channelId: string,
  key: string,
  ids: readonly string[],
): Promise<string[]> {
  const missing: string[] = [];
  await pool(16, ids, async (id) => {
    const res = await fetch(`${origin}/api/v1/messages/${id}?channel=${channelId}`, {
      headers: { 'x-api-key': key },
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await res.json()) as { id?: string; text?: string };
    if (res.status !== 200 || body.id !== id || !body.text?.startsWith('load ')) missing.push(id);
  });
  return missing;
}

async function crashCase(label: string, env: Record<string, string>, countRows: () => Promise<number>) {
  const key = `hp_${randomBytes(24).toString('hex')}`;
  const first = await startChild({
    script: SCRIPT,
    env: { ...env, RELIABILITY_API_KEY: key },
    ready: (line) => (line.startsWith('ready ') ? line.split(' ').slice(1) : undefined),
  });
  children.push(first);
  const [origin, channelId] = first.ready as [string, string];
  const load = await loadThenKill(origin, channelId, key, () => first.kill());
  const exit = await first.exited;

  const second = await startServer({ ...env, RELIABILITY_API_KEY: key });
  expect(second.channelId).toBe(channelId);
  const missing = await missingAfterRestart(second.origin, channelId, key, load.acknowledged);
  const rows = await countRows();
  // The restarted server takes new writes.
  const after = await fetch(`${second.origin}/api/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ channelId, text: 'after the restart' }),
  });

  figure(
    `SIGKILL under load (${label})`,
    `lost ${missing.length} of ${load.acknowledged.length} acknowledged; ${load.inFlightAtKill} in flight ` +
      `at the kill; ${rows} messages stored; ${load.unexpected.length} non-201 answers before the kill`,
  );
  expect(exit.signal).toBe('SIGKILL');
  expect(load.acknowledged.length).toBeGreaterThanOrEqual(MIN_ACKED);
  expect(load.unexpected).toEqual([]);
  expect(missing).toEqual([]);
  expect(rows).toBeGreaterThanOrEqual(load.acknowledged.length);
  expect(rows).toBeLessThanOrEqual(load.acknowledged.length + load.inFlightAtKill);
  expect(after.status).toBe(201);
}

describe('SIGKILL under load', () => {
  it('SQLite: every message whose POST returned 201 is there after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'placet-reliability-crash-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const filename = join(dir, 'placet.db');
    const env = {
      RELIABILITY_STORE: 'sqlite',
      RELIABILITY_DATABASE: filename,
      RELIABILITY_FILES: join(dir, 'files'),
    };
    await crashCase('SQLite', env, async () => {
      // A connection of the test's own (plain SQL through the store's inspector, not the server).
      const store = sqliteStore({ filename });
      try {
        return await store.inspect().count('messages');
      } finally {
        await store.close();
      }
    });
  });

  const pg = postgresGate('SIGKILL under load (Postgres)');
  it.skipIf(!pg)('Postgres: every message whose POST returned 201 is there after the restart', async () => {
    const sandbox = await postgresSandbox(PG_URL);
    cleanups.push(() => sandbox.drop());
    const dir = mkdtempSync(join(tmpdir(), 'placet-reliability-crash-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const env = {
      RELIABILITY_STORE: 'postgres',
      RELIABILITY_DATABASE: sandbox.url,
      RELIABILITY_FILES: join(dir, 'files'),
    };
    await crashCase('Postgres', env, async () => {
      const { rows } = await sandbox.pool.query<{ n: number }>(
        'select count(*)::int as n from placet_messages',
      );
      return rows[0]!.n;
    });
  });
});
