import type { Review } from '../types.js';

/** The approval policy of a review, as the API shows it (only on reviews an agent gave one). */
export type Policy = NonNullable<Review['policy']>;
export type Vote = NonNullable<Review['votes']>[number];
export type Outcome = NonNullable<Policy['outcome']>;

/** Whether a review names who may answer it (plain reviews and policies without assignees do not). */
export function hasAssignees(review: Review | null | undefined): boolean {
  return (review?.policy?.assigneeIds.length ?? 0) > 0;
}

/** Whether `userId` may answer `review`: anyone who sees an unassigned review, else its assignees only. */
export function mayAnswer(review: Review, userId: string | undefined): boolean {
  if (!hasAssignees(review)) return true;
  return userId !== undefined && review.policy!.assigneeIds.includes(userId);
}

/** The vote `userId` gave on `review`, if any. */
export function voteOf(review: Review, userId: string | undefined): Vote | undefined {
  return userId === undefined ? undefined : review.votes?.find((v) => v.userId === userId);
}

/** How to name a person of a policy: "you" for the signed-in person, else the display name the API gave. */
export function personName(policy: Policy, id: string, me: string | undefined): string {
  if (id === me) return 'you';
  return policy.people.find((p) => p.id === id)?.displayName ?? 'a former user';
}

/** "Alice", "Alice and Bob", "Alice, Bob and Carol". */
export function namesList(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** The names of who may answer, "you" (first) for the signed-in person. */
export function assigneeNames(policy: Policy, me: string | undefined): string[] {
  const ids = [...policy.assigneeIds].sort((a, b) => Number(b === me) - Number(a === me));
  return ids.map((id) => personName(policy, id, me));
}

/** A sentence that says who may answer, for someone who may not: "Only Alice and Bob may answer". */
export function onlyWhoMayAnswer(policy: Policy, me: string | undefined): string {
  return `Only ${namesList(assigneeNames(policy, me))} may answer`;
}

/**
 * How far the votes are from the policy: the votes for the leading choice that does not reject, against
 * the number needed. `needed` is 1 in `any` mode (the first answer decides).
 */
export function voteProgress(policy: Policy, votes: readonly Vote[]): { count: number; needed: number } {
  const counts = new Map<string, number>();
  for (const vote of votes) if (!vote.rejects) counts.set(vote.choice, (counts.get(vote.choice) ?? 0) + 1);
  const count = Math.max(0, ...counts.values());
  return { count, needed: Math.max(1, policy.required) };
}

/** "2 of 3 approvals needed" (approvals for an approval review, matching votes for other types). */
export function progressText(type: string, policy: Policy, votes: readonly Vote[]): string {
  const { count, needed } = voteProgress(policy, votes);
  const noun = type === 'approval' ? 'approvals' : 'matching votes';
  return `${count} of ${needed} ${noun} needed`;
}

/** What a choice or a response says, in words: an approval's option label, else compact JSON. */
export function choiceLabel(payload: Record<string, unknown>, choice: unknown): string {
  const id =
    typeof choice === 'string'
      ? choice
      : choice &&
          typeof choice === 'object' &&
          typeof (choice as { selectedOption?: unknown }).selectedOption === 'string'
        ? (choice as { selectedOption: string }).selectedOption
        : undefined;
  if (id !== undefined) {
    const options = Array.isArray(payload.options) ? (payload.options as unknown[]) : [];
    for (const option of options) {
      if (option && typeof option === 'object' && (option as { id?: unknown }).id === id) {
        const label = (option as { label?: unknown }).label;
        if (typeof label === 'string' && label) return label;
      }
    }
    if (typeof choice === 'string') return choice;
  }
  return compactJson(choice);
}

/** JSON on one line, cut at `max` characters. */
export function compactJson(value: unknown, max = 80): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const OUTCOMES: Record<Outcome, string> = {
  answered: 'Answered',
  quorum: 'Quorum reached',
  veto: 'Vetoed',
  default: 'Default applied',
};

/** The words of an outcome badge. */
export function outcomeLabel(outcome: Outcome): string {
  return OUTCOMES[outcome];
}

/** "the first answer decides", "every assignee must agree", "2 must agree; one rejection decides (veto)". */
export function modeText(policy: Policy): string {
  const base =
    policy.mode === 'any'
      ? 'The first answer decides'
      : policy.mode === 'all'
        ? 'Every assignee must agree'
        : `${policy.required} must agree`;
  return policy.veto ? `${base}; one rejection decides (veto)` : base;
}

/**
 * A time left, coarse to fine, for a live countdown: "2 d 3 h", "1 h 05 min", "4 min 09 s", "12 s";
 * "now" once it is due.
 */
export function countdown(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'now';
  const s = Math.ceil(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(sec)} s`;
  return `${sec} s`;
}

/** "in 4 min 09 s", or "due now". */
export function timeLeft(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const ms = Date.parse(iso) - now;
  return ms > 0 ? `in ${countdown(ms)}` : 'due now';
}

/** One escalation step in words: "after 30m: remind", "after 2h: add bob@example.com". */
export function stepText(step: Policy['escalation'][number]): string {
  const actions = [
    ...(step.remind ? ['remind the assignees'] : []),
    ...(step.addAssignees.length ? [`add ${namesList(step.addAssignees)}`] : []),
  ];
  return `after ${step.after}: ${actions.join(' and ') || 'nothing'}`;
}
