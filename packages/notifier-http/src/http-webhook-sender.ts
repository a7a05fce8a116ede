import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import type {
  OutboundRequest,
  OutboundResult,
  WebhookSender,
  WebhookTargetVerdict,
} from '@placet/core/adapter';
import { checkParsedTarget } from './check-target.js';
import {
  type HttpWebhookSenderOptions,
  parseHttpWebhookSenderOptions,
  type ResolvedHttpWebhookSenderOptions,
} from './options.js';

const NETWORK_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ETIMEDOUT: 'timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EADDRNOTAVAIL: 'address not available',
};

/** A short, secret-free description of a socket/TLS/parser error: built from its code only, never its message. */
function describeError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[A-Z0-9_]{1,48}$/.test(code)) return 'network error';
  const known = NETWORK_ERRORS[code];
  if (known) return known;
  if (code.startsWith('HPE_')) return 'invalid response';
  if (code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT'))
    return `tls error (${code})`;
  return `network error (${code})`;
}

function effectiveTimeout(request: OutboundRequest, options: ResolvedHttpWebhookSenderOptions): number {
  const asked = request.timeoutMs;
  return typeof asked === 'number' && Number.isFinite(asked) && asked > 0
    ? Math.min(asked, options.timeoutMs)
    : options.timeoutMs;
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((key) => key.toLowerCase() === name);
}

/** Starts one request to the checked address. Throws synchronously on a malformed method or header. */
function open(
  request: OutboundRequest,
  address: { address: string; family: 4 | 6 },
  options: ResolvedHttpWebhookSenderOptions,
  onResponse: (res: IncomingMessage) => void,
  onError: (error: unknown) => void,
): ClientRequest {
  const url = new URL(request.url);
  const method = typeof request.method === 'string' ? request.method.toUpperCase() : 'POST';
  const body = Buffer.from(typeof request.body === 'string' ? request.body : '', 'utf8');
  const headers: Record<string, string> = { ...request.headers };
  if (!hasHeader(headers, 'user-agent')) headers['user-agent'] = options.userAgent;
  if (!hasHeader(headers, 'content-length') && (body.length > 0 || (method !== 'GET' && method !== 'HEAD'))) {
    headers['content-length'] = String(body.length);
  }
  // The connection goes to the address the guard judged, whatever the name resolves to now (no DNS
  // rebinding window). The URL keeps the hostname, so Host and TLS SNI/certificate checks use it.
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
  const transport = url.protocol === 'https:' ? https : http;
  // agent: false = a fresh one-shot agent: no pooled socket from an earlier (other) address is reused.
  // Node's http client never follows redirects: a 3xx arrives here as a result like any other.
  const req = transport.request(url, { method, headers, agent: false, lookup: pinned }, onResponse);
  req.on('error', onError);
  req.end(body.length > 0 ? body : undefined);
  return req;
}

async function send(
  request: OutboundRequest,
  options: ResolvedHttpWebhookSenderOptions,
): Promise<OutboundResult> {
  const started = performance.now();
  const result = (status: number | null, error: string | null, refused = false): OutboundResult => ({
    status,
    error,
    durationMs: Math.max(0, Math.round(performance.now() - started)),
    ...(refused ? { refused } : {}),
  });
  try {
    const limit = effectiveTimeout(request, options);
    return await new Promise<OutboundResult>((resolve) => {
      let settled = false;
      let status: number | null = null;
      let req: ClientRequest | undefined;
      const settle = (error: string | null, refused = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req?.destroy();
        // Once a status arrived, the attempt has an answer: a cut-short body read is not a failure.
        resolve(result(status, status === null ? (error ?? 'no response') : null, refused));
      };
      // One deadline for the whole attempt: DNS, connect, TLS, response head and the capped body read.
      const timer = setTimeout(() => settle('timeout'), limit);

      const onResponse = (res: IncomingMessage): void => {
        status = res.statusCode ?? null;
        if (settled) return;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          // Read at most maxResponseBytes (the body is discarded), then cut the connection.
          if (read >= options.maxResponseBytes) settle(null);
        });
        res.on('end', () => settle(null));
        res.on('error', () => settle(null));
        res.on('close', () => settle(null));
        if (options.maxResponseBytes === 0) settle(null);
      };

      checkParsedTarget(request.url, options).then(
        (target) => {
          if (settled) return;
          if (!target.ok) {
            settle(`refused: ${target.reason}`, true);
            return;
          }
          try {
            req = open(request, target, options, onResponse, (error) => settle(describeError(error)));
          } catch {
            // Invalid method, header name or value: Node's message may quote the value, so it is dropped.
            settle('invalid request');
          }
        },
        () => settle('guard failure'),
      );
    });
  } catch {
    return result(null, 'invalid request');
  }
}

/**
 * The guard's verdict alone, as `send` would reach it (same options, same resolver), within `timeoutMs`:
 * it resolves the name and connects to nothing. Never throws.
 */
async function check(url: string, options: ResolvedHttpWebhookSenderOptions): Promise<WebhookTargetVerdict> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<WebhookTargetVerdict>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: 'timeout' }), options.timeoutMs);
  });
  try {
    const judged = checkParsedTarget(String(url), options).then(
      (target): WebhookTargetVerdict => (target.ok ? { ok: true } : { ok: false, reason: target.reason }),
      (): WebhookTargetVerdict => ({ ok: false, reason: 'guard failure' }),
    );
    return await Promise.race([judged, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The `WebhookSender` over node:http/https. Every attempt passes the SSRF guard first (see `checkTarget`),
 * then connects to exactly the address it checked, follows no redirect, honours the timeout and reads at
 * most `maxResponseBytes` of the answer. `send` never throws. `check` is the guard's verdict on a URL
 * without sending anything (the reason `send` would give after `refused: `).
 */
export function httpWebhookSender(options: HttpWebhookSenderOptions = {}): WebhookSender {
  const resolved = parseHttpWebhookSenderOptions(options);
  return {
    send: (request) => send(request, resolved),
    check: (url) => check(url, resolved),
  };
}
