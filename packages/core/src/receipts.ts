/**
 * `@placet/core/receipts`: what an executor needs to check a review receipt before acting on an answer —
 * `verifyReceipt()` against the server's JWKS, `reviewHash()` to recompute what the human saw, and the
 * receipt's claims schema — and what an auditor needs to check an audit export offline:
 * `parseAuditExport()` and `verifyAuditChain()`. Browser-safe: zod and jose (Web Crypto) only, nothing
 * Node-specific.
 */

export { AUDIT_GENESIS_HASH, AuditEntry } from './contract/audit.js';

export {
  RECEIPT_ALG,
  RECEIPT_TYP,
  ReceiptClaims,
  ReceiptJwks,
  ReceiptPublicKey,
} from './contract/receipt.js';
export {
  type AuditChainFault,
  type AuditChainReport,
  type AuditEntryContent,
  auditEntryCanonical,
  auditEntryHash,
  type VerifyAuditChainOptions,
  verifyAuditChain,
} from './receipts/audit-chain.js';
export {
  AUDIT_CSV_COLUMNS,
  AuditFormatError,
  auditCsvHeader,
  auditCsvRow,
  auditNdjsonLine,
  type ParsedAuditExport,
  parseAuditExport,
} from './receipts/audit-format.js';
export { canonicalJson, type ReviewHashInput, reviewHash } from './receipts/review-hash.js';
export { ReceiptVerificationError, type VerifyReceiptOptions, verifyReceipt } from './receipts/verify.js';
