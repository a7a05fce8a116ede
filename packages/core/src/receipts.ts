/**
 * `@placet/core/receipts`: what an executor needs to check a review receipt before acting on an answer —
 * `verifyReceipt()` against the server's JWKS, `reviewHash()` to recompute what the human saw, and the
 * receipt's claims schema. Browser-safe: zod and jose (Web Crypto) only, nothing Node-specific.
 */

export {
  RECEIPT_ALG,
  RECEIPT_TYP,
  ReceiptClaims,
  ReceiptJwks,
  ReceiptPublicKey,
} from './contract/receipt.js';
export { canonicalJson, type ReviewHashInput, reviewHash } from './receipts/review-hash.js';
export { ReceiptVerificationError, type VerifyReceiptOptions, verifyReceipt } from './receipts/verify.js';
