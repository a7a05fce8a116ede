import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How far a request's timestamp may be from now: Slack's 5 minutes. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

/** Why a request is refused, or its replay key when it is Slack's. */
export type SignatureCheck =
  | { ok: true; replayKey: string }
  | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/** `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}` with the signing secret, hex: what Slack sends. */
export function slackSignature(secret: string, timestamp: string, body: Uint8Array | string): string {
  const hmac = createHmac('sha256', secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(body);
  return `v0=${hmac.digest('hex')}`;
}

/**
 * Checks a request's `X-Slack-Signature` and `X-Slack-Request-Timestamp` against its raw body: the
 * timestamp within 5 minutes of `now`, the signature equal in constant time. A valid request's replay key
 * (a hash of its signature) is the same for a second copy of it.
 */
export function checkSlackSignature(input: {
  secret: string;
  body: Uint8Array;
  timestamp: string | undefined;
  signature: string | undefined;
  now: Date;
}): SignatureCheck {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing' };
  if (Math.abs(input.now.getTime() - Number(timestamp) * 1000) > SIGNATURE_WINDOW_MS)
    return { ok: false, reason: 'stale' };
  const expected = Buffer.from(slackSignature(input.secret, timestamp, input.body));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; a length mismatch is refused without comparing contents.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, reason: 'mismatch' };
  return { ok: true, replayKey: createHash('sha256').update(signature).digest('base64url') };
}
