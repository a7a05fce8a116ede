import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { consoleLogger, createPlacet } from '@placet/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../src/index.js';
import { pgEnabled } from './pg-env.js';
import { type IsolatedSchema, isolatedSchema, requireBuild } from './process-helpers.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/crash-writer.mjs', import.meta.url));
const N = 200;

interface Crash {
  ready: { userId: string; channelId: string; apiKey: string };
  /** Message ids by line number (1..N): each was printed after its create had returned. */
  ids: string[];
  signal: NodeJS.Signals | null;
  msToN: number;
}

let child: ChildProcess | undefined;

/** Runs the writer and SIGKILLs it as soon as it has printed its Nth `created` line. */
function writeUntilKilled(url: string, timeoutMs = 30_000): Promise<Crash> {
  const started = Date.now();
  const proc = spawn(process.execPath, [SCRIPT, url], { stdio: ['pipe', 'pipe', 'pipe'] });
  child = proc;
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<Crash>((resolve, reject) => {
    let ready: Crash['ready'] | undefined;
    const ids: string[] = [];
    let msToN = 0;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the writer printed ${ids.length} of ${N} lines in ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    createInterface({ input: proc.stdout }).on('line', (line) => {
      if (ids.length >= N) return; // Printed after the kill was sent: not counted.
      const [word, a = '', b = '', c = ''] = line.split(' ');
      if (word === 'ready') ready = { userId: a, channelId: b, apiKey: c };
      if (word !== 'created') return;
      if (Number(a) !== ids.length + 1) reject(new Error(`unexpected line "${line}"`));
      ids.push(b);
      if (ids.length === N) {
        proc.kill('SIGKILL');
        msToN = Date.now() - started;
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready || ids.length < N) {
        reject(
          new Error(
            `the writer exited (code ${code}, signal ${signal}) after ${ids.length} lines\n${stderr}`,
          ),
        );
      } else resolve({ ready, ids, signal, msToN });
    });
  });
}

describe.skipIf(!pgEnabled)('Crash safety (Postgres)', () => {
  let db: IsolatedSchema | undefined;

  beforeAll(async () => {
    requireBuild();
    db = await isolatedSchema();
  });

  afterEach(async () => {
    const proc = child;
    child = undefined;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    }
  });

  afterAll(async () => {
    await db?.drop();
  });

  it(`every message a SIGKILLed writer reported as created (${N}) is in the database`, async () => {
    const crash = await writeUntilKilled(db!.url);
    expect(crash.signal).toBe('SIGKILL');

    // Reopen as a restarted process would: a new store (its own pool), migrations, then reads and a write.
    // The write takes the outbox lock: a transaction the killed process left open would block it.
    const t0 = Date.now();
    const store = postgresStore({ connectionString: db!.url, max: 4 });
    const placet = createPlacet({
      store,
      logger: consoleLogger({ level: 'warn' }),
      sweepIntervalMs: 3_600_000,
    });
    try {
      await placet.start();
      const missing: string[] = [];
      for (const [index, id] of crash.ids.entries()) {
        const message = await store.messages.findById(id);
        if (message?.text !== `message ${index + 1}` || message.channelId !== crash.ready.channelId) {
          missing.push(id);
        }
      }
      const total = await store.inspect().count('messages');
      const agent = await placet.authenticate({ apiKey: crash.ready.apiKey });
      expect(agent).not.toBeNull();
      const after = await placet.messages.create(agent!, { channelId: crash.ready.channelId, text: 'after' });

      // Read back through the test's own pool, not the store.
      const { rows } = await db!.pool.query<{ n: number }>(
        'select count(*)::int as n from placet_messages where id = any($1)',
        [[...crash.ids, after.id]],
      );
      console.log(
        `postgres crash: killed after ${N} messages (${crash.msToN} ms); ${N - missing.length}/${N} reported ` +
          `ids found, ${total} messages in the schema; reopen, check and write ${Date.now() - t0} ms`,
      );
      expect(missing).toEqual([]);
      expect(total).toBeGreaterThanOrEqual(N);
      expect(rows[0]?.n).toBe(N + 1);
    } finally {
      await placet.stop();
    }
  }, 60_000);
});
