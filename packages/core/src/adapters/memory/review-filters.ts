import type { ReviewRecord } from '../../domain/records.js';
import type { ReviewFilter, ReviewPageQuery, ReviewPosition } from '../../ports/store.js';
import type { View } from './state.js';

/** Newest first: createdAt desc, then messageId desc (negative when `a` comes first). */
export function byNewestReview(a: ReviewPosition, b: ReviewPosition): number {
  return (
    b.createdAt.getTime() - a.createdAt.getTime() ||
    (a.messageId < b.messageId ? 1 : a.messageId > b.messageId ? -1 : 0)
  );
}

/**
 * A predicate for `ReviewFilter`: status, type and a case-insensitive substring of the message's text
 * (a plain substring, so `%` and `_` are literal as in the SQL stores).
 */
export function reviewMatcher(view: View, { status, type, search }: ReviewFilter) {
  const needle = search ? search.toLowerCase() : undefined;
  return (review: ReviewRecord): boolean => {
    if (status && review.status !== status) return false;
    if (type && review.type !== type) return false;
    if (needle !== undefined) {
      const text = view.get('messages', review.messageId)?.text ?? '';
      if (!text.toLowerCase().includes(needle)) return false;
    }
    return true;
  };
}

/** Whether a row lies inside the keyset bounds of a page (`before`: strictly older; `after`: strictly newer). */
export function withinBounds(
  row: ReviewPosition,
  { before, after }: Pick<ReviewPageQuery, 'before' | 'after'>,
) {
  return (!before || byNewestReview(row, before) > 0) && (!after || byNewestReview(row, after) < 0);
}

/** Sorts rows in the page's order (newest first by default). */
export function sortForPage<T extends ReviewPosition>(rows: T[], order: ReviewPageQuery['order']): T[] {
  return rows.sort(order === 'oldest' ? (a, b) => byNewestReview(b, a) : byNewestReview);
}

/** An owner's reviews (optionally of one channel) that match the filter, in no order. */
export function ownerReviews(
  view: View,
  { ownerId, channelId, ...filter }: ReviewFilter & { ownerId: string; channelId?: string | undefined },
): ReviewRecord[] {
  const matches = reviewMatcher(view, filter);
  return view.filter(
    'reviews',
    (r) => r.ownerId === ownerId && (!channelId || r.channelId === channelId) && matches(r),
  );
}

/**
 * The reviews assigned to a user (of any owner, optionally but one) that match the filter, in no order,
 * each with its assignee row's position (the assignee index orders and bounds by it).
 */
export function assignedReviews(
  view: View,
  { userId, exceptOwnerId, ...filter }: ReviewFilter & { userId: string; exceptOwnerId?: string | undefined },
  bounds: Pick<ReviewPageQuery, 'before' | 'after'> = {},
): (ReviewPosition & { review: ReviewRecord })[] {
  const matches = reviewMatcher(view, filter);
  const out: (ReviewPosition & { review: ReviewRecord })[] = [];
  for (const a of view.filter(
    'reviewAssignees',
    (a) =>
      a.userId === userId &&
      (exceptOwnerId === undefined || a.ownerId !== exceptOwnerId) &&
      withinBounds(a, bounds),
  )) {
    const review = view.get('reviews', a.messageId);
    if (review && matches(review)) out.push({ createdAt: a.createdAt, messageId: a.messageId, review });
  }
  return out;
}
