import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import webPush from 'web-push';
import type { EndpointCheck } from './endpoint-guard.js';
import type { VapidKeys } from './keys.js';

/** One encrypted push to one subscription, as web-push prepares it (RFC 8291 aes128gcm, VAPID). */
export interface PushMessage {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  payload: string;
  vapid: VapidKeys & { subject: string };
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic: string;
}

/** The push service's answer: its status, or a short network error (never the endpoint). */
export type PushResponse = { status: number } | { status: null; error: string };

/** Longest push-service answer body read (it is discarded). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Encrypts and sends one push to the address the guard checked: the connection goes to
 * `target.address` whatever DNS says now, while TLS still verifies the endpoint's host name.
 */
export function sendPush(
  message: PushMessage,
  target: Extract<EndpointCheck, { ok: true }>,
  signal: AbortSignal,
): Promise<PushResponse> {
  const details = webPush.generateRequestDetails(message.subscription, message.payload, {
    vapidDetails: message.vapid,
    TTL: message.ttlSeconds,
    contentEncoding: 'aes128gcm',
    urgency: message.urgency,
    topic: message.topic,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(details.headers)) headers[name] = String(value);
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options?.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const { url } = target;
  const options: RequestOptions = {
    method: details.method,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers,
    lookup: pinned,
    agent: false,
    signal,
  };
  return new Promise<PushResponse>((resolve) => {
    if (signal.aborted) {
      resolve({ status: null, error: 'aborted' });
      return;
    }
    const onResponse = (response: IncomingMessage) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_RESPONSE_BYTES) response.destroy();
      });
      response.on('error', () => undefined);
      response.on('close', () => resolve({ status: response.statusCode ?? 0 }));
      response.resume();
    };
    const req =
      url.protocol === 'https:' ? httpsRequest(options, onResponse) : httpRequest(options, onResponse);
    req.on('error', (error: NodeJS.ErrnoException) => {
      const code =
        typeof error.code === 'string' && /^[A-Z_]{1,40}$/.test(error.code) ? error.code : undefined;
      resolve({ status: null, error: signal.aborted ? 'aborted' : (code ?? 'network error') });
    });
    req.end(details.body ?? undefined);
  });
}
