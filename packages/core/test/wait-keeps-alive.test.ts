import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A pending `reviews.wait()` keeps the process alive the way `timers/promises` does: a script that only
 * awaits a wait must not exit (code 13, "unsettled top-level await") before the wait settles. Once it
 * settled, nothing else of the engine holds the process (sweepers stay unref'd), so it exits 0 by itself.
 */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CHILD = fileURLToPath(new URL('./wait-keeps-alive-child.ts', import.meta.url));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(VITEST.*|NODE_OPTIONS)$/.test(name)),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@placet/source', CHILD, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    }),
  );
}

describe('a pending reviews.wait() keeps the process alive', () => {
  it('a script that only awaits a 2 s wait prints the timeout result and exits 0 (not 13)', async () => {
    const { code, stdout, stderr } = await run(['2000']);
    expect(code, `stdout: ${stdout}\nstderr: ${stderr}`).toBe(0);
    const printed = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      result: unknown;
      elapsedMs: number;
    };
    expect(printed.result).toEqual({ status: 'timeout' });
    // The wait ran its course (allowing for coarse timers), rather than the process ending early.
    expect(printed.elapsedMs).toBeGreaterThanOrEqual(1900);
  });
});
