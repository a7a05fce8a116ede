import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { consoleLogger, createPlacet } from '@placet/core';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
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
let dir: string | undefined;

/** Runs the writer and SIGKILLs it as soon as it has printed its Nth `created` line. */
function writeUntilKilled(filename: string, timeoutMs = 30_000): Promise<Crash> {
  const started = Date.now();
  const proc = spawn(process.execPath, [SCRIPT, filename], { stdio: ['pipe', 'pipe', 'pipe'] });
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

describe('Crash safety (SQLite)', () => {
  beforeAll(() => {
    const missing = ['packages/core', 'packages/db-sql', 'packages/db-sqlite']
      .map((pkg) => `${pkg}/dist/index.js`)
      .filter((file) => !existsSync(ROOT + file));
    if (missing.length > 0) {
      throw new Error(
        `This test runs a child process on the built packages and ${missing.join(', ')} is missing: ` +
          'run `npm run build` at the repository root first.',
      );
    }
  });

  afterEach(async () => {
    const proc = child;
    child = undefined;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it(`every message a SIGKILLed writer reported as created (${N}) is in the file, and the file is intact`, async () => {
    dir = mkdtempSync(join(tmpdir(), 'placet-crash-'));
    const filename = join(dir, 'placet.db');
    const crash = await writeUntilKilled(filename);
    expect(crash.signal).toBe('SIGKILL');
    const walBytes = existsSync(`${filename}-wal`) ? statSync(`${filename}-wal`).size : 0;

    // Reopen as a restarted process would: a new store on the same file, migrations, then reads and a write.
    const t0 = Date.now();
    const store = sqliteStore({ filename });
    const placet = createPlacet({
      store,
      logger: consoleLogger({ level: 'warn' }),
      sweepIntervalMs: 3_600_000,
    });
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
    expect(await store.messages.findById(after.id)).toBeDefined();
    await placet.stop();

    const db = new Database(filename);
    const integrity = db.pragma('integrity_check', { simple: true });
    const foreignKeys = db.pragma('foreign_key_check') as unknown[];
    db.close();
    console.log(
      `sqlite crash: killed after ${N} messages (${crash.msToN} ms); WAL at the kill ${walBytes} bytes; ` +
        `${N - missing.length}/${N} reported ids found, ${total} messages in the file; reopen and check ` +
        `${Date.now() - t0} ms; integrity_check: ${integrity}`,
    );
    expect(missing).toEqual([]);
    expect(total).toBeGreaterThanOrEqual(N);
    expect(integrity).toBe('ok');
    expect(foreignKeys).toEqual([]);
  }, 60_000);
});
