import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Node flags of every child: TypeScript through tsx, `@placet/*` resolved to their sources. */
export const TSX_ARGV = ['--import', 'tsx', '--conditions=@placet/source'];

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningChild {
  process: ChildProcess;
  /** The words after the prefix of the first line that started with it. */
  ready: string[];
  /** Everything written to stdout and stderr so far. */
  output(): string;
  exited: Promise<Exit>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<Exit>;
  /** `signal` (SIGTERM by default), then SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/** Variables of the runner that must not leak into a child (a server reads PLACET_*, PORT, …). */
const RUNNER_VARIABLES =
  /^(VITEST.*|PORT|BACKEND_PORT|HOST|DATABASE_URL|INITIAL_USER_\w+|PLACET_\w+|CORS_ORIGIN|LOG_LEVEL|LOG_FORMAT|JWT_SECRET|MINIO_\w+|VAPID_\w+|THROTTLE_\w+|APP_URL|WEBHOOK_ALLOW_HOSTS|TRUST_PROXY|NODE_OPTIONS)$/;

/**
 * Starts `node <TSX_ARGV> <script>` and waits for a stdout line starting with `readyPrefix` (a plain
 * word like `ready`, or a function over each line returning the words to keep).
 */
export async function startChild(options: {
  script: string;
  env: Record<string, string>;
  cwd?: string;
  ready: (line: string) => string[] | undefined;
  timeoutMs?: number;
}): Promise<RunningChild> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !RUNNER_VARIABLES.test(name)),
  ) as Record<string, string>;
  const child = spawn(process.execPath, [...TSX_ARGV, options.script], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    out += chunk;
  });
  const lines = createInterface({ input: child.stdout! });
  let onLine: ((line: string) => void) | undefined;
  lines.on('line', (line) => {
    out += `${line}\n`;
    onLine?.(line);
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const output = () => out;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const ready = await new Promise<string[]>((resolve, reject) => {
      onLine = (line) => {
        const words = options.ready(line);
        if (words) resolve(words);
      };
      void exited.then(({ code, signal }) =>
        reject(new Error(`${options.script} exited (code ${code}, signal ${signal}) before ready:\n${out}`)),
      );
      timer = setTimeout(
        () => reject(new Error(`${options.script} was not ready within ${timeoutMs} ms:\n${out}`)),
        timeoutMs,
      );
    });
    const alive = () => child.exitCode === null && child.signalCode === null;
    return {
      process: child,
      ready,
      output,
      exited,
      async kill() {
        if (alive()) child.kill('SIGKILL');
        return exited;
      },
      async stop(signal = 'SIGTERM', graceMs = 20_000) {
        if (!alive()) return exited;
        child.kill(signal);
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(force);
        return result;
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `tasks` with at most `limit` at a time; resolves when all are done (errors are the tasks' own). */
export async function pool<T>(limit: number, items: readonly T[], task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
