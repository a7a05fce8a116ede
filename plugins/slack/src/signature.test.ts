import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkSlackSignature, slackSignature } from './signature.js';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather';
const timestamp = '1531420618';
const now = new Date(Number(timestamp) * 1000);

describe('Slack request signatures (v0)', () => {
  it('is v0= + HMAC-SHA256 of v0:{timestamp}:{body}, as Slack documents it', () => {
    const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
    expect(slackSignature(secret, timestamp, body)).toBe(expected);
    expect(slackSignature(secret, timestamp, new TextEncoder().encode(body))).toBe(expected);
  });

  it('accepts a valid signature within 5 minutes and refuses the rest', () => {
    const bytes = new TextEncoder().encode(body);
    const signature = slackSignature(secret, timestamp, body);
    const check = (input: Partial<Parameters<typeof checkSlackSignature>[0]>) =>
      checkSlackSignature({ secret, body: bytes, timestamp, signature, now, ...input });
    expect(check({})).toMatchObject({ ok: true, replayKey: expect.any(String) });
    expect(check({ now: new Date(now.getTime() + 5 * 60_000) }).ok).toBe(true);
    expect(check({ now: new Date(now.getTime() + 5 * 60_000 + 1) })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ now: new Date(now.getTime() - 5 * 60_000 - 1) })).toEqual({ ok: false, reason: 'stale' });
    expect(check({ secret: 'another-secret' })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ body: new TextEncoder().encode(`${body}&x=1`) })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(check({ signature: signature.slice(0, -1) })).toEqual({ ok: false, reason: 'mismatch' });
    expect(check({ signature: undefined })).toEqual({ ok: false, reason: 'missing' });
    expect(check({ timestamp: 'soon' })).toEqual({ ok: false, reason: 'missing' });
    // The same request twice has the same replay key; another request another.
    const again = check({});
    const other = checkSlackSignature({
      secret,
      body: new TextEncoder().encode('x'),
      timestamp,
      signature: slackSignature(secret, timestamp, 'x'),
      now,
    });
    expect(again.ok && other.ok && again.replayKey !== other.replayKey).toBe(true);
  });
});
