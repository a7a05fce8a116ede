import { describe, expect, it } from 'vitest';
import { jwsHeader, receiptKid } from './receipt.js';

const b64url = (text: string) => Buffer.from(text).toString('base64url');

describe('receipt key id', () => {
  it("reads the kid from a compact JWS's protected header", () => {
    const jws = `${b64url(JSON.stringify({ alg: 'EdDSA', typ: 'placet-receipt+jwt', kid: 'k-2026-01' }))}.${b64url('{}')}.sig`;
    expect(jwsHeader(jws)).toEqual({ alg: 'EdDSA', typ: 'placet-receipt+jwt', kid: 'k-2026-01' });
    expect(receiptKid(jws)).toBe('k-2026-01');
  });

  it('gives nothing for what is not a JWS', () => {
    expect(receiptKid('')).toBeUndefined();
    expect(receiptKid('a.b')).toBeUndefined();
    expect(receiptKid('%%%.b.c')).toBeUndefined();
    expect(receiptKid(`${b64url('[1]')}.b.c`)).toBeUndefined();
    expect(receiptKid(`${b64url('{"kid":5}')}.b.c`)).toBeUndefined();
  });
});
