import { spawn, spawnSync } from 'node:child_process';
import type { TestContext } from 'vitest';

/** How long one agent or snippet may run (`timeout <seconds> …`). */
export const RUN_TIMEOUT_S = 60;
export const IN_CI = Boolean(process.env.CI);

export const works = (command: string, args: string[]) =>
  spawnSync(command, args, { stdio: 'ignore', timeout: 10_000 }).status === 0;

/** A missing tool fails in CI (saying what to install) and skips with a notice on a developer's machine. */
export function requireTool(ctx: TestContext, available: boolean, what: string, install: string): void {
  if (available) return;
  const message = `${what} is not available: ${install}`;
  if (IN_CI) throw new Error(message);
  console.warn(`[${ctx.task.name}] skipped: ${message} (this fails when CI is set)`);
  ctx.skip(message);
}

/** A python3 that can `import requests`: `python3` on PATH, else the system one. */
export function pythonWithRequests(): string | undefined {
  return ['python3', '/usr/bin/python3'].find((python) => works(python, ['-c', 'import requests']));
}

/** The command that runs `file` for `kind`, or a failure/skip when a tool it needs is missing. */
export function commandFor(
  ctx: TestContext,
  kind: 'bash' | 'python' | 'node' | 'tsx',
  file: string,
): [string, string[]] {
  requireTool(ctx, works('timeout', ['--version']), '`timeout`', 'install GNU coreutils');
  if (kind === 'bash') {
    requireTool(ctx, works('curl', ['--version']), 'curl', 'install curl');
    requireTool(ctx, works('jq', ['--version']), 'jq', 'install jq (apt-get install jq)');
    return ['bash', [file]];
  }
  if (kind === 'python') {
    const python = pythonWithRequests();
    requireTool(
      ctx,
      python !== undefined,
      'a python3 that can `import requests`',
      'install python3-requests (apt-get install python3-requests, or pip install requests)',
    );
    return [python!, [file]];
  }
  // TypeScript agents run as the README says (`npx tsx …`): tsx is in the repository's node_modules.
  if (kind === 'tsx') return [process.execPath, ['--import', 'tsx', file]];
  return [process.execPath, [file]];
}

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export const describeRun = (run: Run) =>
  `exit ${run.code} (signal ${run.signal})\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

/**
 * `timeout 60 <command> <args…>` with `env` on top of this process's environment (minus `unset`), and
 * proxies bypassed for loopback.
 */
export function runUnderTimeout(
  command: string,
  args: string[],
  env: Record<string, string>,
  unset: string[] = [],
): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.includes(name)));
  return new Promise((resolve, reject) => {
    const child = spawn('timeout', [String(RUN_TIMEOUT_S), command, ...args], {
      env: { ...base, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // A last resort should `timeout` itself hang.
      timeout: (RUN_TIMEOUT_S + 10) * 1000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
