import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Node flags of every bench child: the bench's TypeScript through tsx, `@placet/*` built (dist/). */
export const CHILD_EXEC_ARGV = ['--expose-gc', '--import', 'tsx'];
const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

export interface ChildMessage {
  type: string;
  [key: string]: unknown;
}

/**
 * A child process (load generator or second Placet process) with an IPC channel. Its messages are
 * queued; `next(type)` takes the first of that type, waiting at most `timeoutMs`.
 */
export class Child {
  readonly #queue: ChildMessage[] = [];
  readonly #waiting = new Set<() => void>();
  #exited: { code: number | null; signal: string | null } | undefined;
  readonly listeners = new Set<(message: ChildMessage) => void>();

  private constructor(readonly process: ChildProcess) {
    process.on('message', (message) => {
      const m = message as ChildMessage;
      for (const listener of this.listeners) listener(m);
      this.#queue.push(m);
      for (const wake of [...this.#waiting]) wake();
    });
    process.on('exit', (code, signal) => {
      this.#exited = { code, signal };
      for (const wake of [...this.#waiting]) wake();
    });
  }

  /** Starts `scenarios/<script>` with `input` as its first IPC message (`{ type: 'start', input }`). */
  static start(script: string, input: unknown): Child {
    const child = fork(fileURLToPath(new URL(`./scenarios/${script}`, import.meta.url)), [], {
      cwd: PACKAGE_DIR,
      execArgv: CHILD_EXEC_ARGV,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env },
    });
    child.send({ type: 'start', input });
    return new Child(child);
  }

  send(message: ChildMessage): void {
    this.process.send(message);
  }

  async next<T extends ChildMessage>(type: string, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#queue.findIndex((m) => m.type === type || m.type === 'error');
      if (index >= 0) {
        const [message] = this.#queue.splice(index, 1);
        if (message!.type === 'error') throw new Error(`child failed: ${String(message!.message)}`);
        return message as T;
      }
      if (this.#exited) {
        throw new Error(`child exited (code ${this.#exited.code}, signal ${this.#exited.signal})`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for "${type}" from the child`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#waiting.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.#waiting.add(wake);
      });
    }
  }

  /** Asks the child to stop, then kills it if it has not exited within `graceMs`. */
  async stop(graceMs = 3_000): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    if (this.process.connected) this.process.send({ type: 'stop' });
    const timer = setTimeout(() => this.process.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** In a child: the `start` message's input, `send`, and `on(type)` for later messages. Uncaught errors go to the parent. */
export function childRuntime<I>(): {
  input: Promise<I>;
  send: (message: ChildMessage) => void;
  on: (type: string, handler: (message: ChildMessage) => void) => void;
} {
  const send = (message: ChildMessage) => process.send?.(message);
  const fail = (error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    setTimeout(() => process.exit(1), 50);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // The parent went away: leave at once (no dangling load generator).
  process.on('disconnect', () => process.exit(0));
  const handlers = new Map<string, (message: ChildMessage) => void>();
  let resolveInput: (input: I) => void = () => {};
  const input = new Promise<I>((resolve) => {
    resolveInput = resolve;
  });
  process.on('message', (message) => {
    const m = message as ChildMessage;
    if (m.type === 'start') resolveInput(m.input as I);
    else if (m.type === 'stop' && !handlers.has('stop')) process.exit(0);
    else handlers.get(m.type)?.(m);
  });
  return { input, send, on: (type, handler) => handlers.set(type, handler) };
}

/**
 * Runs `scenarios/<script>` with `args` as a plain child process and parses the JSON it prints as its
 * last stdout line (the load generators: their result is one JSON document).
 */
export function runJsonChild<T>(script: string, args: unknown, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...CHILD_EXEC_ARGV,
        fileURLToPath(new URL(`./scenarios/${script}`, import.meta.url)),
        JSON.stringify(args),
      ],
      { cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${script} exited with code ${code}: ${out.slice(-2000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no JSON result: ${out.slice(-2000)}`));
      }
    });
  });
}
