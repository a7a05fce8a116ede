import type { Notification, NotificationKind, NotificationResult, Notifier } from '@placet/core/plugin';
import { afterEach, describe, expect, it } from 'vitest';
import { isPlacetError, memoryStore } from '../src/index.js';
import { digestPeriod, minuteOfDay, quietUntil, zoneOffsetMs } from '../src/services/notification-policy.js';
import { choiceReview, testPlugin, type World, world } from './fixtures.js';

/**
 * Who is told what, and when: each user's notification preferences (a notifier on or off, its events,
 * quiet hours in the user's time zone, a digest), reminders from the sweeper, and at most one
 * notification per (review, recipient, notifier, kind). The world's clock starts at 2026-03-01 12:00 UTC.
 */

const ALL: NotificationKind[] = [
  'review.created',
  'review.reminder',
  'review.responded',
  'review.expired',
  'digest',
];

/** A notifier that records what it is given and always succeeds. */
function recorder(name = 'pager', kinds: NotificationKind[] = ALL) {
  const received: Notification[] = [];
  const notifier: Notifier = {
    name,
    kinds,
    send: async (notification): Promise<NotificationResult> => {
      received.push(notification);
      return { ok: true };
    },
  };
  return { notifier, received };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

let w: World;
afterEach(async () => w?.placet.stop());

const withNotifiers = (notifiers: Notifier[], extra: Record<string, unknown> = {}) =>
  world({
    store: memoryStore(),
    placet: { plugins: [testPlugin()], notifiers, sweepIntervalMs: 60_000, ...extra },
  });

const ask = (text = 'Deploy?') =>
  w.placet.messages.create(w.agent, { channelId: w.channelId, text, review: choiceReview() });

describe('notification rules (pure)', () => {
  it('quiet hours: inside a window that spans midnight, they end at its local end; outside, nothing', () => {
    const q = { start: '22:00', end: '07:00' };
    // 23:30 in Berlin (UTC+1 in winter) → 07:00 Berlin = 06:00 UTC the next day.
    expect(quietUntil(new Date('2026-01-10T22:30:20Z'), q, 'Europe/Berlin')?.toISOString()).toBe(
      '2026-01-11T06:00:00.000Z',
    );
    // 06:59 local → one minute later.
    expect(quietUntil(new Date('2026-01-11T05:59:00Z'), q, 'Europe/Berlin')?.toISOString()).toBe(
      '2026-01-11T06:00:00.000Z',
    );
    expect(quietUntil(new Date('2026-01-11T06:00:00Z'), q, 'Europe/Berlin')).toBeUndefined();
    expect(quietUntil(new Date('2026-01-10T12:00:00Z'), q, 'Europe/Berlin')).toBeUndefined();
    expect(quietUntil(new Date('2026-01-10T12:00:00Z'), null, 'UTC')).toBeUndefined();
    // A window within one day (lunch), in Tokyo (UTC+9).
    expect(
      quietUntil(
        new Date('2026-01-10T03:10:00Z'),
        { start: '12:00', end: '13:30' },
        'Asia/Tokyo',
      )?.toISOString(),
    ).toBe('2026-01-10T04:30:00.000Z');
  });

  it('quiet hours across a daylight-saving change end at the local end time', () => {
    // Europe/Berlin springs forward on 2026-03-29 at 02:00 → 03:00. 23:00 local (UTC+1) on the 28th …
    const end = quietUntil(
      new Date('2026-03-28T22:00:00Z'),
      { start: '22:00', end: '07:00' },
      'Europe/Berlin',
    );
    // … ends at 07:00 local, now UTC+2: 05:00 UTC.
    expect(end?.toISOString()).toBe('2026-03-29T05:00:00.000Z');
    expect(minuteOfDay(end!, 'Europe/Berlin')).toBe(7 * 60);
  });

  it('quiet hours whose end falls into the hour skipped by daylight saving end after it, never inside', () => {
    // 22:00–02:30 in Berlin, the night 02:00 → 03:00 (2026-03-29): 02:30 does not exist that night.
    const q = { start: '22:00', end: '02:30' };
    for (const at of ['2026-03-28T21:30:00Z', '2026-03-29T00:50:00Z']) {
      const end = quietUntil(new Date(at), q, 'Europe/Berlin')!;
      expect(end.getTime()).toBeGreaterThan(new Date(at).getTime());
      expect(quietUntil(end, q, 'Europe/Berlin'), `${at} → ${end.toISOString()}`).toBeUndefined();
      expect(minuteOfDay(end, 'Europe/Berlin')).toBeGreaterThanOrEqual(3 * 60);
    }
  });

  it('digest periods start at local midnight in the time zone given', () => {
    // Kolkata is UTC+05:30: hourly periods start at :30 UTC; a daily one at 18:30 UTC the day before.
    const hourly = digestPeriod(new Date('2026-03-01T12:10:00Z'), 60, 'Asia/Kolkata');
    expect(hourly.since.toISOString()).toBe('2026-03-01T11:30:00.000Z');
    const daily = digestPeriod(new Date('2026-03-01T12:10:00Z'), 1440, 'Asia/Kolkata');
    expect([daily.since.toISOString(), daily.until.toISOString()]).toEqual([
      '2026-02-28T18:30:00.000Z',
      '2026-03-01T18:30:00.000Z',
    ]);
    expect(zoneOffsetMs(new Date('2026-07-01T00:00:00Z'), 'America/Los_Angeles')).toBe(-7 * 3600_000);
  });

  it('digest periods are aligned, half-open and as long as asked', () => {
    const { since, until } = digestPeriod(new Date('2026-03-01T12:34:56Z'), 60);
    expect([since.toISOString(), until.toISOString()]).toEqual([
      '2026-03-01T12:00:00.000Z',
      '2026-03-01T13:00:00.000Z',
    ]);
    expect(digestPeriod(until, 60).since.getTime()).toBe(until.getTime());
  });
});

describe('notification preferences', () => {
  it('default to on, new reviews and reminders, no quiet hours, UTC; set per user; refused with paths', async () => {
    const pager = recorder();
    const mail = recorder('mail', ['review.created', 'review.responded']);
    w = await withNotifiers([pager.notifier, mail.notifier]);
    const prefs = await w.placet.notifications.preferences(w.owner.id);
    expect(prefs).toEqual({
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        pager: { enabled: true, events: ['review.created', 'review.reminder'], digestMinutes: null },
        mail: { enabled: true, events: ['review.created'], digestMinutes: null },
      },
      available: [
        {
          name: 'pager',
          events: ['review.created', 'review.reminder', 'review.responded', 'review.expired'],
          digest: true,
        },
        { name: 'mail', events: ['review.created', 'review.responded'], digest: false },
      ],
    });

    const refused = async (input: unknown) => {
      const error = await w.placet.notifications.setPreferences(w.owner.id, input as never).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isPlacetError(error) && error.code).toBe('VALIDATION_FAILED');
      return (error as { issues: { path: string }[] }).issues.map((i) => i.path);
    };
    const base = { timeZone: 'UTC', quietHours: null };
    const on = { enabled: true, events: [], digestMinutes: null };
    expect(await refused({ ...base, notifiers: { fax: on } })).toEqual(['notifiers.fax']);
    expect(
      await refused({
        ...base,
        notifiers: { mail: { ...on, events: ['review.created', 'review.expired'] } },
      }),
    ).toEqual(['notifiers.mail.events.1']);
    expect(await refused({ ...base, notifiers: { mail: { ...on, digestMinutes: 60 } } })).toEqual([
      'notifiers.mail.digestMinutes',
    ]);
    expect(await refused({ ...base, timeZone: 'Nowhere/Atlantis', notifiers: {} })).toEqual(['timeZone']);
    expect(await refused({ ...base, quietHours: { start: '25:00', end: '07:00' }, notifiers: {} })).toEqual([
      'quietHours.start',
    ]);
    expect(await refused({ ...base, notifiers: { pager: { ...on, digestMinutes: 1 } } })).toEqual([
      'notifiers.pager.digestMinutes',
    ]);

    // A notifier may choose its own defaults (of what it supports).
    const push = {
      ...recorder('push').notifier,
      defaultEvents: ['review.created', 'review.responded'] as const,
    };
    const resolved = await (async () => {
      await w.placet.stop();
      w = await withNotifiers([push]);
      return w.placet.notifications.preferences(w.owner.id);
    })();
    expect(resolved.notifiers.push?.events).toEqual(['review.created', 'review.responded']);
    await w.placet.stop();
    w = await withNotifiers([pager.notifier, mail.notifier]);

    // A notifier left out keeps its settings.
    await w.placet.notifications.setPreferences(w.owner.id, {
      ...base,
      notifiers: { mail: { enabled: false, events: ['review.responded'], digestMinutes: null } },
    });
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'Asia/Tokyo',
      quietHours: null,
      notifiers: {},
    });
    const now = await w.placet.notifications.preferences(w.owner.id);
    expect(now.timeZone).toBe('Asia/Tokyo');
    expect(now.notifiers.mail).toEqual({ enabled: false, events: ['review.responded'], digestMinutes: null });
  });

  it('decide what is planned: a notifier switched off sends nothing, an event not chosen is not sent', async () => {
    const pager = recorder();
    const mail = recorder('mail');
    w = await withNotifiers([pager.notifier, mail.notifier]);
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        mail: { enabled: false, events: ['review.created'], digestMinutes: null },
        pager: { enabled: true, events: ['review.created', 'review.responded'], digestMinutes: null },
      },
    });
    const msg = await ask();
    await settle();
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    await settle();
    expect(mail.received).toEqual([]);
    expect(pager.received.map((n) => n.kind)).toEqual(['review.created', 'review.responded']);
    const log = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(log.map((d) => d.url).sort()).toEqual(['notifier:pager', 'notifier:pager']);
  });

  it('quiet hours hold a notification until they end; one about a review answered meanwhile is not sent', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier], { notifications: { reminderAfterMs: null } });
    // 12:00 UTC is inside 11:00–14:00 UTC.
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: { start: '11:00', end: '14:00' },
      notifiers: {},
    });
    const kept = await ask('kept');
    const answered = await ask('answered');
    await settle();
    expect(pager.received).toEqual([]);
    await w.placet.reviews.respond(w.user, answered.id, { response: { selectedOption: 'approve' } });
    await w.clock.advance(2 * 3600_000 - 1_000);
    await settle();
    expect(pager.received).toEqual([]);
    await w.clock.advance(1_000);
    await settle();
    expect(pager.received.map((n) => n.kind === 'review.created' && n.message.id)).toEqual([kept.id]);
    // Not a failure: nothing was left to say when it was due.
    const [skipped] = await w.placet.deliveries.listForMessage(w.user, answered.id);
    expect(skipped).toMatchObject({
      state: 'skipped',
      lastError: 'the review was completed before it was due',
    });
    expect((await w.placet.stats()).deliveries).toMatchObject({ skipped: 1, failed: 0 });
  });

  it('a digest gathers the new reviews of a period into one notification, oldest first', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier]);
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: { pager: { enabled: true, events: ['review.created'], digestMinutes: 60 } },
    });
    const asked = [];
    for (let i = 0; i < 10; i++) {
      asked.push(await ask(`review ${i}`));
      await w.clock.advance(60_000);
    }
    await settle();
    expect(pager.received).toEqual([]);
    await w.clock.advance(3600_000);
    await settle();
    expect(pager.received).toHaveLength(1);
    const digest = pager.received[0]!;
    expect(digest.kind).toBe('digest');
    if (digest.kind !== 'digest') return;
    expect(digest.reviews.map((r) => r.message.id)).toEqual(asked.map((m) => m.id));
    expect(digest.since.toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('reminders', () => {
  it('one per recipient and notifier for a review still pending after reminderAfterMs, from the sweeper', async () => {
    const pager = recorder();
    // No sweep on the timer before the two below: they race for the same reminder.
    w = await withNotifiers([pager.notifier], {
      notifications: { reminderAfterMs: 30 * 60_000 },
      sweepIntervalMs: 3_600_000,
    });
    const waiting = await ask('waiting');
    const answered = await ask('answered');
    await settle();
    await w.placet.reviews.respond(w.user, answered.id, { response: { selectedOption: 'approve' } });
    expect(pager.received.map((n) => n.kind)).toEqual(['review.created', 'review.created']);
    for (let i = 0; i < 40; i++) await w.clock.advance(60_000);
    await settle();
    // Two sweeps at once (two processes) plan it once.
    await Promise.all([w.placet.sweep(), w.placet.sweep()]);
    await w.clock.advance(60_000);
    await settle();
    const reminders = pager.received.filter((n) => n.kind === 'review.reminder');
    expect(reminders.map((n) => n.kind !== 'digest' && n.message.id)).toEqual([waiting.id]);
    for (let i = 0; i < 120; i++) await w.clock.advance(60_000);
    await settle();
    expect(pager.received.filter((n) => n.kind === 'review.reminder')).toHaveLength(1);
  });

  it('are off with reminderAfterMs: null, and for users who turned them off', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier], { notifications: { reminderAfterMs: null } });
    await ask();
    for (let i = 0; i < 30; i++) await w.clock.advance(10 * 60_000);
    await settle();
    expect(pager.received.map((n) => n.kind)).toEqual(['review.created']);
    await w.placet.stop();

    const other = recorder();
    w = await withNotifiers([other.notifier], { notifications: { reminderAfterMs: 30 * 60_000 } });
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: { pager: { enabled: true, events: ['review.created'], digestMinutes: null } },
    });
    await ask();
    for (let i = 0; i < 30; i++) await w.clock.advance(10 * 60_000);
    await settle();
    expect(other.received.map((n) => n.kind)).toEqual(['review.created']);
  });
});

describe('reminders and the other rules', () => {
  it('no reminder while the first notification is held by quiet hours', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier], { notifications: { reminderAfterMs: 30 * 60_000 } });
    // The owner: quiet 11:00–14:00 (it is 12:00). Reminders would come at 12:30, before the first one.
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: { start: '11:00', end: '14:00' },
      notifiers: {},
    });
    await ask('held');
    for (let i = 0; i < 60; i++) await w.clock.advance(60_000);
    await settle();
    expect(pager.received).toEqual([]);
    await w.clock.advance(2 * 3600_000);
    await settle();
    expect(pager.received.map((n) => n.kind)).toEqual(['review.created']);
  });

  it('a digest reader gets the digest, not a reminder per review', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier], { notifications: { reminderAfterMs: 30 * 60_000 } });
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        pager: { enabled: true, events: ['review.created', 'review.reminder'], digestMinutes: 60 },
      },
    });
    await ask('one');
    await ask('two');
    for (let i = 0; i < 180; i++) await w.clock.advance(60_000);
    await settle();
    expect(pager.received.map((n) => n.kind)).toEqual(['digest']);
    const digest = pager.received[0]!;
    expect(digest.kind === 'digest' && digest.total).toBe(2);
  });

  it("a notifier's skipped outcome is recorded as skipped, not as a failure", async () => {
    const skipping: Notifier = {
      name: 'pager',
      kinds: ['review.created'],
      send: async () => ({ ok: true, skipped: 'no device to reach' }),
    };
    w = await withNotifiers([skipping]);
    const msg = await ask();
    await settle();
    const [log] = await w.placet.deliveries.listForMessage(w.user, msg.id);
    expect(log).toMatchObject({
      state: 'skipped',
      lastError: 'pager: no device to reach',
      attempts: [{ attempt: 1 }],
    });
  });
});

describe('what a notifier is told about a review', () => {
  it('its valid one-click answers while it waits, and the answer in one line once answered', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier]);
    await w.placet.notifications.setPreferences(w.owner.id, {
      timeZone: 'UTC',
      quietHours: null,
      notifiers: {
        pager: { enabled: true, events: ['review.created', 'review.responded'], digestMinutes: null },
      },
    });
    const msg = await ask();
    await settle();
    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'reject' } });
    await settle();
    const [created, responded] = pager.received;
    expect(created?.kind === 'review.created' && created.quickAnswers).toEqual([
      { id: 'approve', label: 'Say approve', response: { selectedOption: 'approve' } },
      { id: 'reject', label: 'Say reject', response: { selectedOption: 'reject' } },
    ]);
    expect(created?.kind === 'review.created' && created.summary).toBeNull();
    expect(responded?.kind === 'review.responded' && responded.quickAnswers).toEqual([]);
    expect(responded?.kind === 'review.responded' && responded.summary).toBe('Chose reject');
  });
});

describe('deleting a user', () => {
  it('deletes their preferences', async () => {
    const pager = recorder();
    w = await withNotifiers([pager.notifier]);
    const member = await w.placet.users.create({
      email: 'm@example.test',
      displayName: 'M',
      password: 'password-123',
    });
    await w.placet.notifications.setPreferences(member.id, {
      timeZone: 'Asia/Tokyo',
      quietHours: null,
      notifiers: {},
    });
    await w.placet.users.delete(w.user, member.id);
    const entry = await w.store.kv.get('placet:notification-preferences', member.id, new Date());
    expect(entry).toBeUndefined();
  });
});
