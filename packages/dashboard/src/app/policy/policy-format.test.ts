import { describe, expect, it } from 'vitest';
import type { Review } from '../types.js';
import {
  assigneeNames,
  choiceLabel,
  countdown,
  mayAnswer,
  modeText,
  namesList,
  onlyWhoMayAnswer,
  type Policy,
  progressText,
  stepText,
  timeLeft,
  type Vote,
  voteProgress,
} from './policy-format.js';

const policy = (over: Partial<Policy> = {}): Policy => ({
  assignees: ['alice@example.test', 'bob@example.test', 'carol@example.test'],
  assigneeIds: ['u-alice', 'u-bob', 'u-carol'],
  mode: 'quorum',
  required: 2,
  veto: true,
  onTimeout: 'expire',
  escalation: [],
  escalated: 0,
  nextEscalationAt: null,
  outcome: null,
  people: [
    { id: 'u-alice', displayName: 'Alice' },
    { id: 'u-bob', displayName: 'Bob' },
    { id: 'u-carol', displayName: 'Carol' },
  ],
  ...over,
});

const vote = (userId: string, choice: string, rejects = false): Vote => ({
  userId,
  response: { selectedOption: choice },
  choice,
  rejects,
  votedAt: '2026-01-01T10:00:00.000Z',
});

const review = (over: Partial<Review> = {}): Review => ({
  type: 'approval',
  payload: {
    options: [
      { id: 'go', label: 'Deploy' },
      { id: 'stop', label: 'Stop', style: 'danger' },
    ],
  },
  status: 'pending',
  response: null,
  callback: null,
  expiresAt: null,
  completedAt: null,
  feedback: null,
  modifiedFileIds: null,
  respondedBy: null,
  ...over,
});

describe('who may answer', () => {
  it('names people by display name, "you" first, in plain English', () => {
    expect(namesList([])).toBe('');
    expect(namesList(['Alice'])).toBe('Alice');
    expect(namesList(['Alice', 'Bob'])).toBe('Alice and Bob');
    expect(namesList(['Alice', 'Bob', 'Carol'])).toBe('Alice, Bob and Carol');
    expect(assigneeNames(policy(), 'u-bob')).toEqual(['you', 'Alice', 'Carol']);
    expect(onlyWhoMayAnswer(policy({ assigneeIds: ['u-alice', 'u-gone'] }), 'u-me')).toBe(
      'Only Alice and a former user may answer',
    );
  });

  it('lets anyone answer a plain or unassigned review, and only assignees otherwise', () => {
    expect(mayAnswer(review(), 'u-me')).toBe(true);
    expect(mayAnswer(review({ policy: policy({ assigneeIds: [] }) }), 'u-me')).toBe(true);
    expect(mayAnswer(review({ policy: policy() }), 'u-me')).toBe(false);
    expect(mayAnswer(review({ policy: policy() }), 'u-alice')).toBe(true);
    expect(mayAnswer(review({ policy: policy() }), undefined)).toBe(false);
  });
});

describe('vote progress', () => {
  it('counts the leading choice that does not reject, against the votes needed', () => {
    expect(voteProgress(policy(), [])).toEqual({ count: 0, needed: 2 });
    expect(voteProgress(policy(), [vote('u-alice', 'go'), vote('u-bob', 'stop', true)])).toEqual({
      count: 1,
      needed: 2,
    });
    expect(
      progressText('approval', policy({ required: 3 }), [vote('u-alice', 'go'), vote('u-bob', 'go')]),
    ).toBe('2 of 3 approvals needed');
    expect(progressText('selection', policy(), [vote('u-alice', 'a')])).toBe('1 of 2 matching votes needed');
  });

  it('says how the policy decides', () => {
    expect(modeText(policy())).toBe('2 must agree; one rejection decides (veto)');
    expect(modeText(policy({ mode: 'any', required: 1, veto: false }))).toBe('The first answer decides');
    expect(modeText(policy({ mode: 'all', required: 3, veto: false }))).toBe('Every assignee must agree');
  });

  it('names a choice by its option label, else shows it as JSON', () => {
    const payload = review().payload;
    expect(choiceLabel(payload, 'stop')).toBe('Stop');
    expect(choiceLabel(payload, { selectedOption: 'go' })).toBe('Deploy');
    expect(choiceLabel(payload, 'other')).toBe('other');
    expect(choiceLabel({}, { rating: 4 })).toBe('{"rating":4}');
  });

  it('describes escalation steps', () => {
    expect(stepText({ after: '30m', remind: true, addAssignees: [] })).toBe(
      'after 30m: remind the assignees',
    );
    expect(stepText({ after: '2h', remind: true, addAssignees: ['bob@example.test', 'role:owner'] })).toBe(
      'after 2h: remind the assignees and add bob@example.test and role:owner',
    );
  });
});

describe('countdown', () => {
  it('formats time left coarse to fine', () => {
    expect(countdown(0)).toBe('now');
    expect(countdown(-5)).toBe('now');
    expect(countdown(Number.NaN)).toBe('now');
    expect(countdown(400)).toBe('1 s');
    expect(countdown(12_000)).toBe('12 s');
    expect(countdown(4 * 60_000 + 9_000)).toBe('4 min 09 s');
    expect(countdown(3_600_000 + 5 * 60_000)).toBe('1 h 05 min');
    expect(countdown(2 * 86_400_000 + 3 * 3_600_000 + 1)).toBe('2 d 3 h');
  });

  it('says "in …" until the time, then "due now"', () => {
    const now = Date.parse('2026-01-01T10:00:00.000Z');
    expect(timeLeft('2026-01-01T10:01:30.000Z', now)).toBe('in 1 min 30 s');
    expect(timeLeft('2026-01-01T09:59:00.000Z', now)).toBe('due now');
    expect(timeLeft(null, now)).toBe('');
  });
});
