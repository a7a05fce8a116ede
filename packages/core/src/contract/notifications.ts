import { z } from 'zod';

/**
 * Notification preferences (`GET`/`PUT /notifications/preferences`): per user, for each notifier of the
 * instance (e-mail, web push, …) whether it is on, which events it reports, and whether new reviews come
 * one by one or as a digest; quiet hours in the user's time zone hold every notification until they end.
 */

/** What a human can be told about. `review.responded` is "answered elsewhere". */
export const NOTIFICATION_EVENTS = [
  'review.created',
  'review.reminder',
  'review.responded',
  'review.expired',
] as const;
export const NotificationEvent = z.enum(NOTIFICATION_EVENTS);
export type NotificationEvent = z.output<typeof NotificationEvent>;

/** The events a notifier reports until its user chooses: a new review and its reminder. */
export const DEFAULT_NOTIFICATION_EVENTS: readonly NotificationEvent[] = [
  'review.created',
  'review.reminder',
];

/** Shortest and longest digest period, in minutes. */
export const DIGEST_MINUTES = { min: 5, max: 24 * 60 } as const;

/** An IANA time zone this runtime knows (`Europe/Berlin`, `UTC`). */
export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone, e.g. "Europe/Berlin" or "UTC"')
  .meta({ examples: ['Europe/Berlin', 'UTC', 'America/New_York'] });

/** A time of day, `HH:MM` (24 h). */
export const ClockTime = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day, "HH:MM" (24 h)');

/** From `start` to `end` (local time) nothing is sent; `22:00`–`07:00` spans midnight. */
export const QuietHours = z
  .object({ start: ClockTime, end: ClockTime })
  .refine((q) => q.start !== q.end, { message: 'start and end must differ', path: ['end'] });
export type QuietHours = z.output<typeof QuietHours>;

/** One notifier's settings for one user. */
export const NotifierPreferences = z.object({
  enabled: z.boolean(),
  /** The events it reports (of those it supports). */
  events: z.array(NotificationEvent).max(NOTIFICATION_EVENTS.length),
  /** New reviews gathered into one notification every this many minutes; `null`: one per review. */
  digestMinutes: z.number().int().min(DIGEST_MINUTES.min).max(DIGEST_MINUTES.max).nullable(),
});
export type NotifierPreferences = z.output<typeof NotifierPreferences>;

/** The body of `PUT /notifications/preferences` (notifiers left out keep their settings). */
export const NotificationPreferencesUpdate = z
  .object({
    timeZone: TimeZone,
    quietHours: QuietHours.nullable(),
    notifiers: z.record(z.string().min(1).max(100), NotifierPreferences),
  })
  .meta({ examples: [{ timeZone: 'Europe/Berlin', quietHours: null, notifiers: {} }] });
export type NotificationPreferencesUpdate = z.output<typeof NotificationPreferencesUpdate>;
export type NotificationPreferencesUpdateInput = z.input<typeof NotificationPreferencesUpdate>;

/** A notifier of the instance, as a user's settings offer it. */
export const AvailableNotifier = z.object({
  name: z.string(),
  /** The events it can report. */
  events: z.array(NotificationEvent),
  /** Whether it can send digests. */
  digest: z.boolean(),
});

/** What `GET /notifications/preferences` answers: the settings of every notifier the instance has. */
export const NotificationPreferences = z.object({
  timeZone: z.string(),
  quietHours: QuietHours.nullable(),
  notifiers: z.record(z.string(), NotifierPreferences),
  available: z.array(AvailableNotifier),
});
export type NotificationPreferences = z.output<typeof NotificationPreferences>;
