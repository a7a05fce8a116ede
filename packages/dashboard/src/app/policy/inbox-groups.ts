import type { Message } from '../types.js';
import { hasAssignees, voteOf } from './policy-format.js';

/**
 * Where a review of the inbox belongs: `you` when it waits for the signed-in person's answer (an
 * unassigned review of their own channel, or one naming them that they have not voted on), `others` when it
 * waits for someone else (assigned to others, or they already voted), `done` once decided or expired.
 */
export type InboxGroup = 'you' | 'others' | 'done';

export function inboxGroup(message: Message, me: string | undefined): InboxGroup {
  const review = message.review;
  if (review?.status !== 'pending') return 'done';
  if (!hasAssignees(review)) return 'you';
  const assigned = me !== undefined && review.policy!.assigneeIds.includes(me);
  return assigned && !voteOf(review, me) ? 'you' : 'others';
}

export const GROUP_TITLES: Record<InboxGroup, string> = {
  you: 'Waiting for you',
  others: 'Waiting for others',
  done: 'Decided or expired',
};

/** The inbox's rows in their groups, in this order, each newest first; empty groups are left out. */
export function groupInbox(
  messages: readonly Message[],
  me: string | undefined,
): { group: InboxGroup; items: Message[] }[] {
  const groups: Record<InboxGroup, Message[]> = { you: [], others: [], done: [] };
  for (const m of messages) groups[inboxGroup(m, me)].push(m);
  return (['you', 'others', 'done'] as const)
    .filter((group) => groups[group].length > 0)
    .map((group) => ({ group, items: groups[group] }));
}

/**
 * Merges inbox pages (the caller's channels and the reviews assigned to them) into one list, each message
 * once, newest first (or oldest first when `order` is `oldest`).
 */
export function mergeInbox(
  lists: readonly (readonly Message[])[],
  order: 'newest' | 'oldest' = 'newest',
): Message[] {
  const seen = new Map<string, Message>();
  for (const list of lists) for (const m of list) if (!seen.has(m.id)) seen.set(m.id, m);
  const sign = order === 'oldest' ? -1 : 1;
  return [...seen.values()].sort(
    (a, b) => sign * (b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)),
  );
}
