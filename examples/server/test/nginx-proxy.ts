import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type Agent, request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * nginx in front of example-server processes, for tests: the documented configuration
 * (`docs/guides/nginx/placet.conf`) with only its `# EDIT` values replaced, a self-signed certificate,
 * a private prefix, loopback only. Never the system's nginx service, never port 80 or 443.
 */

/** The file the self-hosting guide shows. */
export const PROXY_CONFIG = fileURLToPath(new URL('../../../docs/guides/nginx/placet.conf', import.meta.url));

const which = (name: string, candidates: string[]): string | undefined => {
  const found = candidates.find((path) => existsSync(path));
  if (found) return found;
  const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim() ? result.stdout.trim() : undefined;
};

/** nginx (`apt-get install -y nginx`), or PLACET_NGINX. */
export const NGINX = process.env.PLACET_NGINX ?? which('nginx', ['/usr/sbin/nginx', '/usr/local/sbin/nginx']);
export const OPENSSL = which('openssl', ['/usr/bin/openssl']);

/**
 * Why the proxy tests cannot run here, or undefined when they can. Missing nginx or openssl skips
 * locally with a printed reason; with `CI` set it is a failure, never a silent skip.
 */
export function proxyUnavailable(): string | undefined {
  const missing = [!NGINX && 'nginx', !OPENSSL && 'openssl'].filter(Boolean);
  if (missing.length === 0) return undefined;
  const reason = `${missing.join(' and ')} not installed (apt-get install -y nginx openssl, or set PLACET_NGINX)`;
  if (process.env.CI) throw new Error(`${reason}: the reverse-proxy test must run in CI`);
  console.warn(`[nginx test skipped] ${reason}`);
  return reason;
}

/** A port that was free a moment ago on 127.0.0.1 (the processes behind nginx need fixed ones). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ProxyValues {
  /** Ports of the two processes on 127.0.0.1. */
  backends: [number, number];
  /** nginx listens on 127.0.0.1:<port>. */
  listenPort: number;
  certificate: string;
  key: string;
}

/**
 * The documented configuration with its `# EDIT` values replaced: the two upstream ports, the listen
 * address and the certificate. Lines without `# EDIT` are used unchanged; an expected value that is
 * missing (the docs changed) throws, so the test and the docs cannot drift apart silently.
 */
export function materializeProxyConfig(text: string, values: ProxyValues): string {
  const [a, b] = values.backends;
  const edits: { from: string; to: string; times: number }[] = [
    { from: 'server 127.0.0.1:3001 ', to: `server 127.0.0.1:${a} `, times: 2 },
    { from: 'server 127.0.0.1:3002 ', to: `server 127.0.0.1:${b} `, times: 2 },
    { from: 'listen 443 ssl;', to: `listen 127.0.0.1:${values.listenPort} ssl;`, times: 1 },
    { from: '/etc/ssl/placet/fullchain.pem;', to: `${values.certificate};`, times: 1 },
    { from: '/etc/ssl/placet/privkey.pem;', to: `${values.key};`, times: 1 },
  ];
  const counts = edits.map(() => 0);
  const lines = text.split('\n').map((line) => {
    if (!/#\s*EDIT\b/.test(line)) return line;
    let edited = line;
    edits.forEach((edit, i) => {
      if (edited.includes(edit.from)) {
        edited = edited.replace(edit.from, edit.to);
        counts[i]! += 1;
      }
    });
    return edited;
  });
  edits.forEach((edit, i) => {
    if (counts[i] !== edit.times) {
      throw new Error(
        `${PROXY_CONFIG}: expected "${edit.from}" on ${edit.times} line(s) marked # EDIT, found ${counts[i]}`,
      );
    }
  });
  const listens = lines.filter((line) => /^\s*listen\s/.test(line));
  if (listens.length !== 1 || !listens[0]!.includes(`127.0.0.1:${values.listenPort}`)) {
    throw new Error(`${PROXY_CONFIG}: expected exactly one listen line, the one marked # EDIT`);
  }
  return lines.join('\n');
}

/** A self-signed certificate for 127.0.0.1 (and localhost), valid for a day. */
export function selfSignedCertificate(dir: string): { certificate: string; key: string; ca: Buffer } {
  const certificate = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const result = spawnSync(
    OPENSSL!,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      key,
      '-out',
      certificate,
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  if (result.status !== 0) throw new Error(`openssl req -x509 failed: ${result.stderr}`);
  return { certificate, key, ca: readFileSync(certificate) };
}

export interface AccessLine {
  method: string;
  uri: string;
  status: number;
  /** `127.0.0.1:<port>` of the process that answered, or several (`a, b`) when nginx tried more. */
  upstream: string;
  upstreamStatus: string;
}

export interface RunningNginx {
  /** `https://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request nginx answered so far, with the process that answered it. */
  access(): AccessLine[];
  errors(): string;
  child: ChildProcess;
  stop(): Promise<void>;
}

const ACCESS_FORMAT = "'$request_method $request_uri $status [$upstream_addr] [$upstream_status]'";

/**
 * Runs `nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off;'`: a main file of the test's own (pid, logs,
 * temp paths, one worker) whose `http` block includes `config` — the documented file.
 */
export async function startNginx(dir: string, port: number, config: string): Promise<RunningNginx> {
  for (const sub of ['logs', 'tmp']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, 'placet.conf'), config);
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'tmp', name)};`;
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      // As root, workers would run as `nobody` and could not use the private temp directory.
      process.getuid?.() === 0 ? 'user root;' : '',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'logs', 'error.log')} notice;`,
      'events { worker_connections 1024; }',
      'http {',
      `  log_format placet_test ${ACCESS_FORMAT};`,
      `  access_log ${join(dir, 'logs', 'access.log')} placet_test;`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
      `  include ${join(dir, 'placet.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'logs', 'error.log')];
  const check = spawnSync(NGINX!, [...args, '-t'], { encoding: 'utf8', timeout: 20_000 });
  if (check.status !== 0) throw new Error(`nginx -t refused the configuration:\n${check.stderr}`);

  let output = '';
  const child = spawn(NGINX!, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Never leave an nginx behind, even when the test process ends without its afterAll: on exit, and when
  // it is killed outright, through a watchdog that stops this nginx once its stdin (this process) is gone.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const watchdog = spawn('sh', ['-c', `read _; kill -TERM ${child.pid} 2>/dev/null`], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();

  const errors = () => {
    const file = join(dir, 'logs', 'error.log');
    return `${output}${existsSync(file) ? readFileSync(file, 'utf8') : ''}`;
  };
  const access = (): AccessLine[] => {
    const file = join(dir, 'logs', 'access.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((line) => {
        const m = /^(\S+) (\S+) (\d+) \[([^\]]*)\] \[([^\]]*)\]$/.exec(line);
        return m
          ? [{ method: m[1]!, uri: m[2]!, status: Number(m[3]), upstream: m[4]!, upstreamStatus: m[5]! }]
          : [];
      });
  };
  const stop = async () => {
    process.off('exit', killOnExit);
    watchdog.kill('SIGKILL');
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGQUIT'); // graceful
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const url = `https://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nginx exited at start:\n${errors()}`);
    }
    const up = await new Promise<boolean>((resolve) => {
      const req = request(`${url}/`, { method: 'HEAD', rejectUnauthorized: false, timeout: 1_000 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.end();
    });
    if (up) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not answer on ${url} within 15 s:\n${errors()}`);
    }
    await delay(100);
  }
  return {
    url,
    port,
    access,
    errors,
    child,
    stop,
  };
}

export interface HttpsReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** One HTTPS request to `url` trusting `ca` only (node:https; no process-wide TLS switch). */
export function httpsCall(
  url: string,
  path: string,
  init: {
    ca: Buffer;
    method?: string;
    headers?: Record<string, string>;
    body?: unknown;
    agent?: Agent;
    timeoutMs?: number;
  },
): Promise<HttpsReply> {
  const payload = init.body === undefined ? undefined : Buffer.from(JSON.stringify(init.body));
  return new Promise<HttpsReply>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method: init.method ?? 'GET',
        ca: init.ca,
        ...(init.agent ? { agent: init.agent } : {}),
        headers: {
          ...(payload
            ? { 'Content-Type': 'application/json', 'Content-Length': String(payload.length) }
            : {}),
          ...init.headers,
        },
        timeout: init.timeoutMs ?? 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', reject);
        res.on('end', () => {
          let body: Record<string, unknown>;
          try {
            body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
          } catch {
            body = { text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${init.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}
