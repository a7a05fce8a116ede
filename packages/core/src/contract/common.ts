import { z } from 'zod';

/**
 * Building blocks shared by the wire contract. Inputs use these with plain `z.object` (unknown top-level
 * keys are stripped); free-form objects (`JsonObject`) keep every key.
 */

/** An API key as agents send it (`Authorization: Bearer` or `x-api-key`): `hp_` + 48 hex characters. */
export const API_KEY_PATTERN = /^hp_[0-9a-f]{48}$/;

/** An id sent by a client: any non-empty string up to 200 characters (ids are opaque, not checked as cuid). */
export const Id = z.string().min(1).max(200);
export type Id = z.infer<typeof Id>;

/** An ISO 8601 timestamp as the server writes it (`Date.prototype.toISOString`); offsets are tolerated. */
export const IsoDateTime = z.iso.datetime({ offset: true });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/**
 * An absolute `http:` or `https:` URL of at most 2048 characters, without credentials. Unlike
 * `z.httpUrl()`, the host is not restricted to domain names, so `http://127.0.0.1:4000/hook` is accepted
 * here; reachability and the SSRF policy are checked where the URL is used, not in the contract.
 * `https://user:pass@host/…` is refused: the sender never sends such a URL, and a stored one would show
 * its password wherever the URL is shown (delivery logs). Credentials go in Basic auth or headers.
 */
export const HttpUrl = z
  .url({ protocol: z.regexes.httpProtocol })
  .max(2048)
  .refine((url) => !hasCredentials(url), {
    message: 'the URL must not contain a user name or password: set them as Basic auth or a header instead',
  });

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== '' || parsed.password !== '';
  } catch {
    return false; // not a URL: z.url() reports that
  }
}
export type HttpUrl = z.infer<typeof HttpUrl>;

/** Any absolute URL (WHATWG-parseable) of at most 2048 characters. */
export const AnyUrl = z.url().max(2048);
export type AnyUrl = z.infer<typeof AnyUrl>;

/**
 * How deeply free-form JSON (metadata, review payloads and responses) may nest. Deeper values are refused
 * with a 400: storing them means `JSON.stringify`, which overflows the stack on a few thousand levels.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests at most `max` arrays/objects deep (an explicit stack: no recursion). */
export function jsonDepthWithin(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth + 1 > max) return false;
    for (const child of Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return true;
}

/** A free-form JSON object; every key is kept. At most {@link MAX_JSON_DEPTH} levels deep. */
export const JsonObject = z
  .record(z.string(), z.unknown())
  .refine((value) => jsonDepthWithin(value), `Nested more than ${MAX_JSON_DEPTH} levels deep`);
export type JsonObject = z.infer<typeof JsonObject>;

/** RFC 9110 header field name (`token`). */
const HeaderName = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'Invalid HTTP header name');

/** Extra HTTP headers for an outgoing request: valid names, values without CR/LF. */
export const HttpHeaders = z.record(
  HeaderName,
  z
    .string()
    .max(8192)
    .regex(/^[^\r\n]*$/, 'HTTP header values must not contain line breaks'),
);
export type HttpHeaders = z.infer<typeof HttpHeaders>;

export const MessageStatus = z.enum(['info', 'success', 'warning', 'error']);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const SenderType = z.enum(['agent', 'user']);
export type SenderType = z.infer<typeof SenderType>;

export const StreamState = z.enum(['streaming', 'complete', 'aborted']);
export type StreamState = z.infer<typeof StreamState>;

export const DeliveryStatus = z.enum(['sent', 'webhook_delivered', 'webhook_failed', 'agent_received']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const ReviewStatus = z.enum(['pending', 'completed', 'expired']);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

export const AgentStatus = z.enum(['active', 'busy', 'error', 'offline']);
export type AgentStatus = z.infer<typeof AgentStatus>;
