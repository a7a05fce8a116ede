import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built entry the tests start: `npm start` runs the same file. */
export const SERVER_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
/** The repository root (`examples/server/test/../../..`). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** These tests run the built server: say how to get it instead of failing with ENOENT. */
export function assertBuilt(): void {
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(
      `${SERVER_MAIN} is missing: these tests start the built server. Run \`npm run build\` at the repository root first.`,
    );
  }
}

/** Variables the server reads (or reports as ignored): never inherited from the developer's shell. */
const SERVER_VARIABLES =
  /^(PORT|BACKEND_PORT|HOST|DATABASE_URL|INITIAL_USER_\w+|PLACET_\w+|CORS_ORIGIN|LOG_LEVEL|LOG_FORMAT|JWT_SECRET|MINIO_\w+|VAPID_\w+|THROTTLE_\w+|APP_URL|S3_\w+|METRICS\w*)$/;

/**
 * The environment of a server child: this process's environment without any server setting, then
 * loopback on a port the OS picks, JSON logs, and `env` on top.
 */
export function serverEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SERVER_VARIABLES.test(name)),
  );
  return { ...base, HOST: '127.0.0.1', PORT: '0', LOG_FORMAT: 'json', ...env };
}

/** Runs `node dist/main.js …args` to completion (for `--help` and configuration errors). */
export function runServerSync(args: string[], env: Record<string, string>, cwd: string) {
  const result = spawnSync(process.execPath, [SERVER_MAIN, ...args], {
    cwd,
    env: serverEnv(env),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export interface LogLine {
  level?: number;
  msg?: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningServer {
  /** `http://127.0.0.1:<port>`, from the `url` field of the "listening" log line. */
  url: string;
  child: ChildProcess;
  /** Every JSON log line so far. */
  lines: LogLine[];
  /** Everything the process wrote so far, stdout then stderr. */
  output(): string;
  exited: Promise<Exit>;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`; resolves with how it exited. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

/**
 * Starts `node dist/main.js` with a fresh configuration and waits for its "Placet is listening" line.
 * PORT=0: the OS picks a free port and the log line reports the bound one.
 */
export async function startServer(options: {
  dataDir: string;
  env?: Record<string, string>;
  startTimeoutMs?: number;
}): Promise<RunningServer> {
  assertBuilt();
  const child = spawn(process.execPath, [SERVER_MAIN], {
    cwd: options.dataDir,
    env: serverEnv({ PLACET_DATA_DIR: options.dataDir, ...options.env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  const lines: LogLine[] = [];
  let onLine: ((line: LogLine) => void) | undefined;
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf('\n');
      try {
        const line = JSON.parse(text) as LogLine;
        lines.push(line);
        onLine?.(line);
      } catch {
        // Not a JSON log line: kept in output() only.
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const output = () => `${stdout}${stderr ? `\n[stderr]\n${stderr}` : ''}`;

  const timeoutMs = options.startTimeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await new Promise<string>((resolve, reject) => {
      onLine = (line) => {
        if (typeof line.url === 'string' && line.msg?.startsWith('Placet is listening')) resolve(line.url);
      };
      void exited.then(({ code, signal }) =>
        reject(
          new Error(`the server exited (code ${code}, signal ${signal}) before listening:\n${output()}`),
        ),
      );
      timer = setTimeout(
        () => reject(new Error(`the server did not report listening within ${timeoutMs} ms:\n${output()}`)),
        timeoutMs,
      );
    });
    const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 20_000): Promise<Exit> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
        const result = await exited;
        clearTimeout(kill);
        return result;
      }
      return exited;
    };
    return { url, child, lines, output, exited, stop };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    clearTimeout(timer);
    onLine = undefined;
  }
}
