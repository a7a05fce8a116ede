import {
  DEFAULT_NOTIFICATION_EVENTS,
  NOTIFICATION_EVENTS,
  type NotificationEvent,
  type NotificationPreferences,
  type NotificationPreferencesUpdate,
  type NotifierPreferences,
  type QuietHours,
} from '../contract/notifications.js';
import type { Notifier } from '../ports/notifier.js';

/** What the rules need of a notifier (the host's or a plugin's). */
type NotifierKinds = Pick<Notifier, 'name' | 'kinds' | 'defaultEvents'>;

/**
 * The rules of who is told what and when, as pure functions over a user's stored preferences: which
 * events a notifier reports, when quiet hours end, which digest period a moment belongs to. The planner
 * (`Notifications`) and the preferences API share them.
 */

/** Where a user's preferences are kept (the Store's key-value table, one entry per user). */
export const PREFERENCES_NAMESPACE = 'placet:notification-preferences';

/** What is stored per user: what they chose; notifiers they never set are left out (defaults apply). */
export type StoredPreferences = NotificationPreferencesUpdate;

export const DEFAULT_TIME_ZONE = 'UTC';

/** The events a notifier can report (its `kinds` without `digest`). */
export function eventsOf(notifier: NotifierKinds): NotificationEvent[] {
  const kinds = notifier.kinds ?? ['review.created'];
  return NOTIFICATION_EVENTS.filter((event) => kinds.includes(event));
}

export const canDigest = (notifier: NotifierKinds): boolean => (notifier.kinds ?? []).includes('digest');

/**
 * A notifier's settings for a user who has not chosen: on, its `defaultEvents` (new reviews and
 * reminders unless it says otherwise), no digest.
 */
export function defaultsFor(notifier: NotifierKinds): NotifierPreferences {
  const supported = eventsOf(notifier);
  const defaults = notifier.defaultEvents ?? DEFAULT_NOTIFICATION_EVENTS;
  return {
    enabled: true,
    events: NOTIFICATION_EVENTS.filter((event) => defaults.includes(event) && supported.includes(event)),
    digestMinutes: null,
  };
}

/** A user's preferences for every notifier of the instance: what they chose, defaults for the rest. */
export function resolvePreferences(
  stored: StoredPreferences | undefined,
  notifiers: readonly NotifierKinds[],
): NotificationPreferences {
  const notifierPreferences: Record<string, NotifierPreferences> = {};
  for (const notifier of notifiers) {
    const chosen = stored?.notifiers[notifier.name];
    const supported = eventsOf(notifier);
    notifierPreferences[notifier.name] = chosen
      ? {
          enabled: chosen.enabled,
          // A notifier that no longer reports an event (a plugin upgraded) drops it.
          events: chosen.events.filter((event) => supported.includes(event)),
          digestMinutes: canDigest(notifier) ? chosen.digestMinutes : null,
        }
      : defaultsFor(notifier);
  }
  return {
    timeZone: stored?.timeZone ?? DEFAULT_TIME_ZONE,
    quietHours: stored?.quietHours ?? null,
    notifiers: notifierPreferences,
    available: notifiers.map((notifier) => ({
      name: notifier.name,
      events: eventsOf(notifier),
      digest: canDigest(notifier),
    })),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local time of day of `at` in `timeZone`, in minutes after midnight. */
export function minuteOfDay(at: Date, timeZone: string): number {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  let hour = 0;
  let minute = 0;
  for (const part of format.formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return hour * 60 + minute;
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * When the quiet hours `at` falls in end (the first moment after them), or `undefined` outside them. A
 * window whose start is after its end spans midnight (`22:00`–`07:00`). Daylight-saving shifts inside
 * the window move the end by the shift, as a wall clock would.
 */
export function quietUntil(at: Date, quietHours: QuietHours | null, timeZone: string): Date | undefined {
  if (!quietHours) return undefined;
  const start = minutesOf(quietHours.start);
  const end = minutesOf(quietHours.end);
  const now = minuteOfDay(at, timeZone);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const minuteStart = at.getTime() - (at.getTime() % 60_000);
  let candidate = minuteStart + ((end - now + 1440) % 1440) * 60_000;
  // Across a daylight-saving change the local clock jumped: correct by what it shows at the candidate,
  // unless the end time does not exist that night (it fell into the skipped hour): then the uncorrected
  // candidate, the first whole minute after the window that the clock does show.
  const shown = minuteOfDay(new Date(candidate), timeZone);
  if (shown !== end) {
    const drift = ((end - shown + 1440 + 720) % 1440) - 720;
    const corrected = candidate + drift * 60_000;
    if (minuteOfDay(new Date(corrected), timeZone) === end) candidate = corrected;
  }
  return new Date(Math.max(candidate, at.getTime()));
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `at`, in milliseconds (+3 600 000 in Berlin in winter). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    offsetFormatters.set(timeZone, format);
  }
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(at)) part[type] = Number(value);
  const wall = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!);
  return wall - (at.getTime() - (at.getTime() % 60_000));
}

/**
 * The digest period `at` falls in: `digestMinutes`-long periods counted from local midnight in
 * `timeZone` (a daily digest covers a local day; an hourly one local hours).
 */
export function digestPeriod(
  at: Date,
  digestMinutes: number,
  timeZone = DEFAULT_TIME_ZONE,
): { since: Date; until: Date } {
  const length = digestMinutes * 60_000;
  const offset = zoneOffsetMs(at, timeZone);
  const since = Math.floor((at.getTime() + offset) / length) * length - offset;
  return { since: new Date(since), until: new Date(since + length) };
}
