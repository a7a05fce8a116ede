import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export type Notice = { event: string } & Record<string, unknown>;

interface Reply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

/** A child Node process spoken to with JSON lines: commands in on stdin, replies and notices out. */
export class RpcChild {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #notices: Notice[] = [];
  readonly #noticeWaiters = new Set<() => void>();
  readonly #exited: Promise<void>;
  #stderr = '';
  #nextId = 1;
  #exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  private constructor(
    readonly name: string,
    script: string,
    args: readonly string[],
  ) {
    this.#child = spawn(process.execPath, [script, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stderr?.setEncoding('utf8');
    this.#child.stderr?.on('data', (chunk: string) => {
      this.#stderr += chunk;
    });
    createInterface({ input: this.#child.stdout! }).on('line', (line) => this.#onLine(line));
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        for (const { reject } of this.#pending.values()) reject(this.#error('exited'));
        this.#pending.clear();
        for (const wake of [...this.#noticeWaiters]) wake();
        resolve();
      });
    });
  }

  /** Spawns `node script ...args` and resolves once it reports `ready`. */
  static async start(name: string, script: string, args: readonly string[], timeoutMs = 20_000) {
    const child = new RpcChild(name, script, args);
    try {
      await child.notice('ready', timeoutMs);
    } catch (error) {
      await child.kill();
      throw error;
    }
    return child;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Sends a command and resolves with its result (rejects on an error reply, exit or timeout). */
  call<T>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 20_000): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.#exit) return reject(this.#error(`cannot run ${cmd}: exited`));
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(this.#error(`no reply to ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#child.stdin?.write(`${JSON.stringify({ id, cmd, args })}\n`);
    });
  }

  /** The first notice named `event` (already received or to come), or a rejection after `timeoutMs`. */
  notice(
    event: string,
    timeoutMs: number,
    matches: (notice: Notice) => boolean = () => true,
  ): Promise<Notice> {
    return new Promise<Notice>((resolve, reject) => {
      const check = () => {
        const found = this.#notices.find((n) => n.event === event && matches(n));
        if (found) {
          done();
          resolve(found);
        } else if (this.#exit) {
          done();
          reject(this.#error(`exited before notice "${event}"`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(this.#error(`no "${event}" notice within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#noticeWaiters.delete(check);
      };
      this.#noticeWaiters.add(check);
      check();
    });
  }

  /** Asks the child to stop cleanly (closing its pools); SIGKILLs it when that takes too long. */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.#exit) return;
    this.#child.stdin?.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
  }

  /** SIGKILL, then wait for the exit. */
  async kill(): Promise<void> {
    if (!this.#exit) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  stderr(): string {
    return this.#stderr;
  }

  #onLine(line: string): void {
    let message: Partial<Reply & Notice>;
    try {
      message = JSON.parse(line) as Partial<Reply & Notice>;
    } catch {
      this.#stderr += `[stdout, not JSON] ${line}\n`;
      return;
    }
    if (typeof message.event === 'string') {
      this.#notices.push(message as Notice);
      for (const wake of [...this.#noticeWaiters]) wake();
      return;
    }
    const pending = typeof message.id === 'number' ? this.#pending.get(message.id) : undefined;
    if (!pending || message.id === undefined) return;
    this.#pending.delete(message.id);
    if (message.ok) pending.resolve(message.result);
    else pending.reject(new Error(`${this.name}: ${message.error ?? 'failed'}`));
  }

  #error(what: string): Error {
    const exit = this.#exit ? ` (exit code ${this.#exit.code}, signal ${this.#exit.signal})` : '';
    const stderr = this.#stderr.trim() ? `\n--- stderr of ${this.name} ---\n${this.#stderr.trim()}` : '';
    return new Error(`${this.name}: ${what}${exit}${stderr}`);
  }
}
