import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createPlacet, type Placet, silentLogger } from '@placet/core';
import { definePlugin } from '@placet/core/plugin';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore } from '../src/index.js';
import { choiceTypes } from './fixtures/hook-crash-types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./fixtures/hook-crash-child.ts', import.meta.url));

interface Crash {
  ownerId: string;
  messageId: string;
  /** The seq of the `review:responded` event whose hook was running when the process died. */
  seq: number;
  signal: NodeJS.Signals | null;
}

let child: ChildProcess | undefined;
let dir: string | undefined;
const placets: Placet[] = [];

/** Runs the child on sources and SIGKILLs it as soon as its `review.responded` hook has started. */
function killInsideHook(filename: string, timeoutMs = 30_000): Promise<Crash> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(VITEST.*|NODE_OPTIONS)$/.test(name)),
  );
  const args = ['--import', 'tsx', '--conditions=@placet/source', '--conditions=source', CHILD, filename];
  const proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  child = proc;
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise<Crash>((resolve, reject) => {
    let ready: { ownerId: string; messageId: string } | undefined;
    let seq: number | undefined;
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the child never entered its hook within ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const [word, a = '', b = ''] = line.split(' ');
      if (word === 'ready') ready = { ownerId: a, messageId: b };
      if (word === 'hook-entered' && seq === undefined) {
        seq = Number(b);
        proc.kill('SIGKILL');
      }
    });
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!ready || seq === undefined) {
        reject(new Error(`the child exited (code ${code}, signal ${signal}) before its hook ran\n${stderr}`));
      } else resolve({ ...ready, seq, signal });
    });
  });
}

/** A process on the same file whose `ledger` plugin records each `review.responded` it runs. */
function restart(filename: string, calls: { messageId: string; seq: number }[]): Placet {
  const ledger = definePlugin({
    name: 'ledger',
    version: '1.0.0',
    hooks: {
      'review.responded': (event) => void calls.push({ messageId: event.messageId, seq: event.seq }),
    },
  });
  const placet = createPlacet({
    store: sqliteStore({ filename }),
    plugins: [choiceTypes(), ledger],
    logger: silentLogger(),
    sweepIntervalMs: 3_600_000,
  });
  placets.push(placet);
  return placet;
}

describe('plugin hooks survive a crash (SQLite)', () => {
  afterEach(async () => {
    for (const placet of placets.splice(0)) await placet.stop();
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

  it('a review.responded hook that was running when the process was SIGKILLed runs after the restart, once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'placet-hook-crash-'));
    const filename = join(dir, 'placet.db');
    const crash = await killInsideHook(filename);
    expect(crash.signal).toBe('SIGKILL');

    const calls: { messageId: string; seq: number }[] = [];
    const placet = restart(filename, calls);
    await placet.start();
    // The answer had committed; its hook had not finished: it runs now, from the stored cursor.
    const user = placet.userPrincipal({ id: crash.ownerId, role: 'owner' });
    expect((await placet.reviews.get(user, crash.messageId)).review?.status).toBe('completed');
    await expect.poll(() => calls).toEqual([{ messageId: crash.messageId, seq: crash.seq }]);
    await placet.stop();

    // Handled: the next restart does not run it again (a new answer is the point to look at).
    const again = restart(filename, calls);
    await again.start();
    const { key } = await again.apiKeys.create(crash.ownerId);
    const agent = (await again.authenticate({ apiKey: key }))!;
    const channel = await again.channels.create(agent, { name: 'after the crash' });
    const next = await again.messages.create(agent, {
      channelId: channel.id,
      review: { type: 'choice', payload: { options: [{ id: 'approve' }] } },
    });
    await again.reviews.respond(user, next.id, { response: { selectedOption: 'approve' } });
    await expect.poll(() => calls.length).toBe(2);
    expect(calls.map((c) => c.messageId)).toEqual([crash.messageId, next.id]);
  }, 60_000);
});
