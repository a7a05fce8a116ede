import { describe, expect, it } from 'vitest';
import type { Message, Review } from '../types.js';
import { groupInbox, inboxGroup, mergeInbox } from './inbox-groups.js';

const policy = (assigneeIds: string[]): NonNullable<Review['policy']> => ({
  assignees: assigneeIds,
  assigneeIds,
  mode: 'any',
  required: 1,
  veto: false,
  onTimeout: 'expire',
  escalation: [],
  escalated: 0,
  nextEscalationAt: null,
  outcome: null,
  people: [],
});

const message = (id: string, createdAt: string, review: Partial<Review> = {}): Message =>
  ({
    id,
    createdAt,
    channelId: 'c1',
    review: {
      type: 'approval',
      payload: {},
      status: 'pending',
      response: null,
      callback: null,
      expiresAt: null,
      completedAt: null,
      feedback: null,
      modifiedFileIds: null,
      respondedBy: null,
      ...review,
    },
  }) as Message;

const vote = (userId: string) => ({ userId, response: {}, choice: 'a', rejects: false, votedAt: '' });

describe('inbox groups', () => {
  it('puts what waits for me apart from what waits for others', () => {
    expect(inboxGroup(message('a', '1'), 'me')).toBe('you'); // plain: the owner answers
    expect(inboxGroup(message('b', '1', { policy: policy(['me', 'x']) }), 'me')).toBe('you');
    expect(inboxGroup(message('c', '1', { policy: policy(['x']) }), 'me')).toBe('others');
    expect(inboxGroup(message('d', '1', { policy: policy(['me', 'x']), votes: [vote('me')] }), 'me')).toBe(
      'others',
    );
    expect(inboxGroup(message('e', '1', { policy: policy(['me']), status: 'completed' }), 'me')).toBe('done');
  });

  it('orders groups you, others, done and leaves empty ones out', () => {
    const groups = groupInbox(
      [
        message('c', '3', { policy: policy(['x']) }),
        message('a', '2'),
        message('b', '1', { status: 'expired' }),
      ],
      'me',
    );
    expect(groups.map((g) => [g.group, g.items.map((m) => m.id)])).toEqual([
      ['you', ['a']],
      ['others', ['c']],
      ['done', ['b']],
    ]);
  });

  it('merges the pages of both scopes newest first, each message once', () => {
    const pages = [
      [message('a', '2026-01-02'), message('b', '2026-01-01')],
      [message('c', '2026-01-03'), message('a', '2026-01-02')],
    ];
    expect(mergeInbox(pages).map((m) => m.id)).toEqual(['c', 'a', 'b']);
    expect(mergeInbox(pages, 'oldest').map((m) => m.id)).toEqual(['b', 'a', 'c']);
  });
});
