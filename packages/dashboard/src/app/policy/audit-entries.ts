import type { AuditEntry } from '../types.js';
import { choiceLabel, type Policy, personName } from './policy-format.js';

/** One line of a review's audit view: when, what, who, through which path. */
export interface AuditRow {
  seq: number;
  at: string;
  what: string;
  who: string;
  via: string;
}

const WHAT: Record<string, string> = {
  'review.created': 'Asked',
  'review.shown': 'Opened',
  'review.voted': 'Voted',
  'review.edited': 'Edited the proposal',
  'review.escalated': 'Escalated',
  'review.defaulted': 'Default outcome applied',
  'review.completed': 'Decided',
  'review.expired': 'Expired',
  'receipt.issued': 'Receipt issued',
};

/** The words of the path an entry came through. */
const VIA: Record<string, string> = {
  api: 'API',
  dashboard: 'dashboard',
  email: 'e-mail',
  push: 'push notification',
  sweeper: 'Placet (on time)',
};

/**
 * An entry of `GET /reviews/:id/audit` as the view shows it: people named with the review's policy ("you"
 * for the signed-in person), the agent as "the agent", the engine as "Placet"; a vote or a decision with
 * its choice in words. Types a newer server adds are shown as they are.
 */
export function auditRow(
  entry: AuditEntry,
  context: { policy: Policy | undefined; payload: Record<string, unknown>; me: string | undefined },
): AuditRow {
  const { actor, data, type } = entry;
  let who: string;
  if (actor.kind === 'system') who = 'Placet';
  else if (actor.kind === 'agent') who = 'the agent';
  else if (!actor.id) who = 'someone';
  else if (context.policy) who = personName(context.policy, actor.id, context.me);
  else who = actor.id === context.me ? 'you' : actor.id;
  let what = WHAT[type] ?? type;
  if (type === 'review.voted' || type === 'review.completed') {
    const choice = data.choice ?? data.response;
    if (choice !== undefined && choice !== null) what += `: ${choiceLabel(context.payload, choice)}`;
  }
  if (type === 'review.completed' && typeof data.outcome === 'string') what += ` (${data.outcome})`;
  return { seq: entry.seq, at: entry.at, what, who, via: VIA[entry.via] ?? entry.via };
}
