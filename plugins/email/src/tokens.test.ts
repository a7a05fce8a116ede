import { describe, expect, it } from 'vitest';
import { smtpFailure } from './mailer.js';
import { issueToken, newSecret, verifyToken } from './tokens.js';

describe('action tokens', () => {
  const secret = newSecret();
  const input = {
    messageId: 'msg_1',
    optionId: 'approve',
    userId: 'usr_1',
    expiresAt: new Date(1_800_000_000_000),
  };

  it('carry their claims, signed, with a fresh nonce each', () => {
    const token = issueToken(secret, input);
    expect(verifyToken(secret, token)).toMatchObject({
      v: 1,
      m: 'msg_1',
      o: 'approve',
      u: 'usr_1',
      e: 1_800_000_000_000,
    });
    const again = issueToken(secret, input);
    expect(verifyToken(secret, again)?.n).not.toBe(verifyToken(secret, token)?.n);
  });

  it('are refused under another secret, changed, cut off, or malformed', () => {
    const token = issueToken(secret, input);
    const [claims, signature] = token.split('.') as [string, string];
    expect(verifyToken(newSecret(), token)).toBeUndefined();
    const forged = Buffer.from(JSON.stringify({ ...verifyToken(secret, token), o: 'reject' })).toString(
      'base64url',
    );
    expect(verifyToken(secret, `${forged}.${signature}`)).toBeUndefined();
    expect(verifyToken(secret, `${claims}.${signature.slice(0, -2)}`)).toBeUndefined();
    expect(verifyToken(secret, claims)).toBeUndefined();
    expect(verifyToken(secret, `${token}.x`)).toBeUndefined();
    expect(verifyToken(secret, 'a'.repeat(5000))).toBeUndefined();
    expect(verifyToken(secret, '')).toBeUndefined();
  });
});

describe('smtpFailure', () => {
  it('describes a failure by its codes only, and gives up on a permanent refusal', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), {
      code: 'ESOCKET',
      originalCode: 'ECONNREFUSED',
    });
    expect(smtpFailure(refused)).toEqual({
      error: 'smtp: the connection failed (ESOCKET ECONNREFUSED)',
      retry: true,
    });
    const auth = Object.assign(new Error('Invalid login: 535 user relay password hunter2'), {
      code: 'EAUTH',
      responseCode: 535,
      response: '535 user relay password hunter2',
      permanent: true,
    });
    expect(smtpFailure(auth)).toEqual({ error: 'smtp: authentication failed (EAUTH 535)', retry: true });
    const gone = Object.assign(new Error('550 no such user'), {
      code: 'EENVELOPE',
      responseCode: 550,
      permanent: true,
    });
    expect(smtpFailure(gone)).toEqual({
      error: 'smtp: the server refused the sender or the recipient (EENVELOPE 550)',
      retry: false,
    });
    expect(smtpFailure('weird')).toEqual({ error: 'smtp: sending failed', retry: true });
    expect(smtpFailure({ code: 'not a code; rm -rf' })).toEqual({
      error: 'smtp: sending failed',
      retry: true,
    });
  });
});
