import { reviewHash } from '../receipts/review-hash.js';
import type { ReviewRecord } from './records.js';

/**
 * The `reviewHash` of what a human is shown of a review: its type and payload, its proposal (when it
 * has one), the message text and the message's files by content hash. The one place the engine builds
 * the hash's input (views, the answer's check, receipts).
 */
export function shownHash(
  review: Pick<ReviewRecord, 'type' | 'payload' | 'policy'>,
  text: string | null,
  attachments: readonly { id: string; sha256: string }[],
): Promise<string> {
  const proposal = review.policy?.proposal;
  return reviewHash({
    type: review.type,
    payload: review.payload,
    text,
    attachments,
    ...(proposal ? { proposal } : {}),
  });
}
