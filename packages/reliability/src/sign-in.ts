import type { IncomingHttpHeaders } from 'node:http';
import type { RawAnswer, rawClient } from './raw-http.js';

export type RawClient = ReturnType<typeof rawClient>;

/** The example server's session cookie. */
export const SESSION_COOKIE = 'access_token';

/**
 * Client addresses for `X-Forwarded-For` (the example server trusts it from loopback): the documentation
 * ranges of RFC 5737, 203.0.113.0/24, 198.51.100.0/24 and 192.0.2.0/24. Header values only, never traffic.
 * Each call of the returned function gives the next address, round robin (762 of them).
 */
export function documentationAddresses(): () => string {
  const addresses = ['203.0.113', '198.51.100', '192.0.2'].flatMap((net) =>
    Array.from({ length: 254 }, (_, i) => `${net}.${i + 1}`),
  );
  let next = 0;
  return () => addresses[next++ % addresses.length]!;
}

/** A JSON request body for `rawClient`. */
export function json(body: unknown): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(body)));
}

/** The session token a `Set-Cookie` header of an answer carries, or undefined. */
export function sessionTokenOf(headers: IncomingHttpHeaders): string | undefined {
  const pair = [headers['set-cookie'] ?? []]
    .flat()
    .map((header) => header.split(';')[0]!)
    .find((p) => p.startsWith(`${SESSION_COOKIE}=`));
  const value = pair?.slice(SESSION_COOKIE.length + 1);
  return value ? decodeURIComponent(value) : undefined;
}

/** The `Cookie` header value naming a session. */
export function sessionCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}`;
}

/** The headers of a cookie-authenticated request that changes state (the CSRF header included). */
export function cookieHeaders(token: string): Record<string, string> {
  return { cookie: sessionCookie(token), 'x-requested-with': 'XMLHttpRequest' };
}

export interface SignInAnswer {
  status: number;
  answer: RawAnswer;
  /** The new session's token (`<sessionId>.<expires>.<signature>`), when signed in. */
  token: string | undefined;
  /** How long the answer took (ms). */
  ms: number;
}

/** `POST /api/auth/login` as a client at `address` (sent as `X-Forwarded-For`). */
export async function signIn(
  client: RawClient,
  email: string,
  password: string,
  address: string,
): Promise<SignInAnswer> {
  const started = performance.now();
  const answer = await client.send({
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: json({ email, password }),
  });
  return {
    status: answer.status,
    answer,
    token: answer.status === 200 ? sessionTokenOf(answer.headers) : undefined,
    ms: performance.now() - started,
  };
}

/** The `p`-th percentile (nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

/** A duration for a figure: `12.3 ms`. */
export function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}
