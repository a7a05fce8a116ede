import { DIGEST_MINUTES } from '@placet/core/contract';
import { describe, expect, it } from 'vitest';
import { bodyOf, DIGEST_LIMITS, draftOf } from './notification-form.js';

const preferences = {
  timeZone: 'UTC',
  quietHours: null,
  notifiers: {
    email: { enabled: true, events: ['review.created' as const], digestMinutes: 30 },
    webpush: {
      enabled: false,
      events: ['review.created' as const, 'review.expired' as const],
      digestMinutes: null,
    },
  },
  available: [
    { name: 'email', events: ['review.created' as const, 'review.reminder' as const], digest: true },
    { name: 'webpush', events: ['review.created' as const, 'review.expired' as const], digest: false },
  ],
};

describe('the Notifications form: from GET to the body of PUT', () => {
  it('round-trips what the server said', () => {
    expect(bodyOf(draftOf(preferences))).toEqual({
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        email: { enabled: true, events: ['review.created'], digestMinutes: 30 },
        webpush: { enabled: false, events: ['review.created', 'review.expired'], digestMinutes: null },
      },
    });
  });

  it('sends quiet hours when on, and what was typed as it is (the server names the field)', () => {
    const draft = draftOf(preferences);
    draft.quiet = true;
    draft.timeZone = ' Europe/Berlin ';
    draft.notifiers.email!.digestMinutes = 'abc';
    expect(bodyOf(draft)).toMatchObject({
      timeZone: 'Europe/Berlin',
      quietHours: { start: '22:00', end: '07:00' },
      notifiers: { email: { digestMinutes: 'abc' } },
    });
    draft.notifiers.email!.digestMinutes = '15';
    expect(bodyOf(draft).notifiers.email!.digestMinutes).toBe(15);
    draft.notifiers.email!.digest = false;
    expect(bodyOf(draft).notifiers.email!.digestMinutes).toBeNull();
  });
});

it('offers the digest periods the server takes', () => {
  expect(DIGEST_LIMITS).toEqual(DIGEST_MINUTES);
});
