import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningChild, startChild } from './processes.js';

/** The example server's entry, run from source: dashboard, sign-in, `/api/v1`, sockets — the whole app. */
export const EXAMPLE_SERVER_MAIN = fileURLToPath(
  new URL('../../../examples/server/src/main.ts', import.meta.url),
);

export interface ExampleServer {
  origin: string;
  /** Its data dir (SQLite database, files, session key): a temp dir, removed by `close()`. */
  dataDir: string;
  /** The owner's API key (`PLACET_API_KEY`). */
  apiKey: string;
  email: string;
  password: string;
  child: RunningChild;
  /** Its JSON log lines so far. */
  logLines(): { level?: number; msg?: string; [field: string]: unknown }[];
  close(): Promise<void>;
}

/**
 * `node examples/server/src/main.ts` on 127.0.0.1:0 with a fresh data dir, an owner with a known password
 * and API key, JSON logs and no rate limit (the fuzzer's volume would hit it); `env` on top.
 */
export async function startExampleServer(env: Record<string, string> = {}): Promise<ExampleServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'placet-reliability-server-'));
  const apiKey = `hp_${randomBytes(24).toString('hex')}`;
  const email = 'owner@reliability.test';
  const password = `owner-${randomBytes(8).toString('hex')}`;
  let child: RunningChild;
  try {
    child = await startChild({
      script: EXAMPLE_SERVER_MAIN,
      env: {
        HOST: '127.0.0.1',
        PORT: '0',
        PLACET_DATA_DIR: dataDir,
        LOG_FORMAT: 'json',
        INITIAL_USER_EMAIL: email,
        INITIAL_USER_PASSWORD: password,
        PLACET_API_KEY: apiKey,
        THROTTLE_LIMIT: '0',
        ...env,
      },
      ready: (line) => {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          return entry.msg?.startsWith('Placet is listening') && entry.url ? [entry.url] : undefined;
        } catch {
          return undefined;
        }
      },
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return {
    origin: child.ready[0]!,
    dataDir,
    apiKey,
    email,
    password,
    child,
    logLines: () =>
      child
        .output()
        .split('\n')
        .flatMap((line) => {
          try {
            const entry = JSON.parse(line) as unknown;
            return entry && typeof entry === 'object' ? [entry as Record<string, unknown>] : [];
          } catch {
            return [];
          }
        }),
    async close() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
