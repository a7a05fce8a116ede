import { ReceiptVerificationError, verifyReceipt } from '@placet/core/receipts';
import type { Call, CallOptions } from './client.js';
import type { Wire } from './routes.js';

/** How long a fetched JWKS is used before it is fetched again (the server allows caching for 60 s). */
const JWKS_TTL_MS = 60_000;

export interface ReceiptApi {
  /** The signed receipt of a completed review: `{ receipt, reviewHash, kid }` (404 `RECEIPT_NOT_ISSUED` before). */
  get(messageId: string, channelId: string, options?: CallOptions): Promise<Wire<'ReviewReceipt'>>;
  /** The server's receipt-signing public keys (cached for 60 s; `fresh` fetches them again). */
  jwks(options?: CallOptions & { fresh?: boolean }): Promise<Wire<'ReceiptJwks'>>;
  /**
   * Fetches the receipt of a review and verifies it against the server's JWKS (`verifyReceipt` of
   * `@placet/core/receipts`): the signature, the review id, and — pass it, recomputed with `reviewHash()`
   * from what you sent — the `reviewHash` of what the human saw. Returns the verified claims; throws
   * `ReceiptVerificationError` when it does not verify.
   */
  verify(
    messageId: string,
    channelId: string,
    options?: CallOptions & { reviewHash?: string; issuer?: string },
  ): Promise<Wire<'ReceiptClaims'>>;
}

export function receiptApi(call: Call): ReceiptApi {
  let cached: { jwks: Wire<'ReceiptJwks'>; at: number } | undefined;
  const jwks: ReceiptApi['jwks'] = async (options = {}) => {
    const { fresh, ...o } = options;
    if (!fresh && cached && Date.now() - cached.at < JWKS_TTL_MS) return cached.jwks;
    const keys = await call('getReceiptJwks', {}, o);
    cached = { jwks: keys, at: Date.now() };
    return keys;
  };
  return {
    get: (id, channel, o) => call('getReviewReceipt', { params: { id }, query: { channel } }, o),
    jwks,
    async verify(id, channel, options = {}) {
      const { reviewHash, issuer, ...o } = options;
      const { receipt } = await call('getReviewReceipt', { params: { id }, query: { channel } }, o);
      const expected = {
        reviewId: id,
        ...(reviewHash === undefined ? {} : { reviewHash }),
        ...(issuer === undefined ? {} : { issuer }),
      };
      try {
        return await verifyReceipt(receipt, await jwks(o), expected);
      } catch (error) {
        // A key newer than the cached set (the server rotated it): fetch the keys once more.
        if (!(error instanceof ReceiptVerificationError) || error.reason !== 'ERR_JWKS_NO_MATCHING_KEY')
          throw error;
        return verifyReceipt(receipt, await jwks({ ...o, fresh: true }), expected);
      }
    },
  };
}
