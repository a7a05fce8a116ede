import { createLocalJWKSet, type JSONWebKeySet, jwtVerify } from 'jose';
import { RECEIPT_ALG, RECEIPT_TYP, ReceiptClaims } from '../contract/receipt.js';

/** A receipt that does not verify: a bad signature, an unknown `kid`, a wrong `typ`, or other claims. */
export class ReceiptVerificationError extends Error {
  override readonly name = 'ReceiptVerificationError';
  /** The JOSE error code when the JOSE layer refused it (`ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, …). */
  readonly reason: string;
  constructor(message: string, reason: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}

/** What a verifier may require besides a valid signature. */
export interface VerifyReceiptOptions {
  /** The receipt must be for this review (message id). */
  reviewId?: string;
  /** The receipt must bind this `reviewHash` (recompute it with `reviewHash()` from what you sent). */
  reviewHash?: string;
  /** The receipt must carry this `iss`. */
  issuer?: string;
}

/**
 * Verifies a review receipt (a compact JWS) against a JWKS (`GET /api/v1/receipts/jwks.json`, or the
 * server's `/.well-known/placet-jwks.json`): the signature by the key its `kid` names, EdDSA only, `typ`
 * `placet-receipt+jwt`, the claims' shape, and what `options` require. Returns the verified claims;
 * throws `ReceiptVerificationError` otherwise. Works in Node and browsers (Web Crypto, via `jose`).
 */
export async function verifyReceipt(
  receipt: string,
  jwks: JSONWebKeySet,
  options: VerifyReceiptOptions = {},
): Promise<ReceiptClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(receipt, createLocalJWKSet(jwks), {
      algorithms: [RECEIPT_ALG],
      typ: RECEIPT_TYP,
      ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
    }));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason = typeof code === 'string' ? code : 'ERR_INVALID';
    throw new ReceiptVerificationError(
      `The receipt does not verify: ${(error as Error).message ?? String(error)}`,
      reason,
      { cause: error },
    );
  }
  const parsed = ReceiptClaims.safeParse(payload);
  if (!parsed.success)
    throw new ReceiptVerificationError(
      'The receipt is signed but its claims are not a receipt',
      'ERR_CLAIMS',
    );
  const claims = parsed.data;
  if (options.reviewId !== undefined && claims.reviewId !== options.reviewId)
    throw new ReceiptVerificationError(
      `The receipt is for review ${claims.reviewId}, not ${options.reviewId}`,
      'ERR_REVIEW_ID',
    );
  if (options.reviewHash !== undefined && claims.reviewHash !== options.reviewHash)
    throw new ReceiptVerificationError(
      'The receipt binds another reviewHash: the human saw something else',
      'ERR_REVIEW_HASH',
    );
  return claims;
}
