import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../types.js';
import { auditRow } from './audit-entries.js';
import type { Policy } from './policy-format.js';

const policy = { people: [{ id: 'u-alice', displayName: 'Alice' }] } as unknown as Policy;
const payload = { options: [{ id: 'go', label: 'Deploy' }] };
const context = { policy, payload, me: 'u-me' };

const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  seq: 1,
  at: '2026-01-01T10:00:00.000Z',
  type: 'review.created',
  messageId: 'm1',
  actor: { kind: 'agent', id: 'c1' },
  via: 'api',
  data: {},
  ownerId: 'u-owner',
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
  ...over,
});

describe('audit rows', () => {
  it('names what happened, who did it and how', () => {
    expect(auditRow(entry({}), context)).toEqual({
      seq: 1,
      at: '2026-01-01T10:00:00.000Z',
      what: 'Asked',
      who: 'the agent',
      via: 'API',
    });
    expect(
      auditRow(
        entry({
          seq: 2,
          type: 'review.voted',
          actor: { kind: 'user', id: 'u-alice' },
          via: 'dashboard',
          data: { choice: 'go' },
        }),
        context,
      ),
    ).toMatchObject({ seq: 2, what: 'Voted: Deploy', who: 'Alice', via: 'dashboard' });
    expect(
      auditRow(
        entry({ type: 'receipt.issued', actor: { kind: 'system', id: null }, via: 'sweeper' }),
        context,
      ),
    ).toMatchObject({ what: 'Receipt issued', who: 'Placet', via: 'Placet (on time)' });
    expect(
      auditRow(entry({ type: 'review.shown', actor: { kind: 'user', id: 'u-me' } }), context),
    ).toMatchObject({ what: 'Opened', who: 'you' });
  });

  it('gives a decision its choice and outcome, and shows types it does not know as they are', () => {
    expect(
      auditRow(
        entry({
          type: 'review.completed',
          actor: { kind: 'user', id: 'u-gone' },
          data: { outcome: 'quorum', response: { selectedOption: 'go' } },
        }),
        context,
      ),
    ).toMatchObject({ what: 'Decided: Deploy (quorum)', who: 'a former user' });
    expect(auditRow(entry({ type: 'review.archived', via: 'slack' }), context)).toMatchObject({
      what: 'review.archived',
      via: 'slack',
    });
  });
});
