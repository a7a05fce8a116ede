/** Where the signed receipts of completed reviews are kept: the key-value table, key = message id. */
export const RECEIPTS_NAMESPACE = 'placet:receipts';

/** Where the instance's receipt-signing key ring is kept (`generation:<n>`, one entry per rotation). */
export const RECEIPT_KEYS_NAMESPACE = 'placet:receipt-keys';

/** What `placet:receipts` holds per completed review. */
export interface StoredReceipt {
  receipt: string;
  reviewHash: string;
  kid: string;
}
