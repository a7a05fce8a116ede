import type { DIGEST_MINUTES } from '@placet/core/contract';
import type { NotificationPreferences, NotificationPreferencesUpdateInput } from './settings-api.js';

/**
 * The Notifications form's state, apart from its rendering: read from `GET /notifications/preferences`,
 * edited field by field, written as the body of `PUT` (what the person typed goes to the server as it is,
 * so that the server's validation names the field).
 */

/** What each event is called in the form. */
export const EVENT_LABELS: Record<string, string> = {
  'review.created': 'New review',
  'review.reminder': 'Reminder',
  'review.responded': 'Answered elsewhere',
  'review.expired': 'Expired',
};

/** Notifier names as people read them; others are shown as they are named. */
const NOTIFIER_LABELS: Record<string, string> = { email: 'E-mail', webpush: 'Web push' };

export const notifierLabel = (name: string): string => NOTIFIER_LABELS[name] ?? name;

export interface NotifierDraft {
  enabled: boolean;
  events: string[];
  digest: boolean;
  /** As typed. */
  digestMinutes: string;
}

export interface PreferencesDraft {
  timeZone: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  notifiers: Record<string, NotifierDraft>;
}

/** The default digest period offered when a digest is switched on. */
export const DEFAULT_DIGEST_MINUTES = 60;

/**
 * The shortest and longest digest period the server takes: `DIGEST_MINUTES` of `@placet/core/contract`.
 * Its type is checked here and its value by notification-form.test.ts; it is not imported as a value,
 * because that module's zod schemas would come with it into the browser bundle (some 440 KB).
 */
export const DIGEST_LIMITS = { min: 5, max: 24 * 60 } as const satisfies typeof DIGEST_MINUTES;

export function draftOf(preferences: NotificationPreferences): PreferencesDraft {
  const notifiers: Record<string, NotifierDraft> = {};
  for (const available of preferences.available) {
    const chosen = preferences.notifiers[available.name];
    notifiers[available.name] = {
      enabled: chosen?.enabled ?? true,
      events: [...(chosen?.events ?? [])],
      digest: chosen?.digestMinutes != null,
      digestMinutes: String(chosen?.digestMinutes ?? DEFAULT_DIGEST_MINUTES),
    };
  }
  return {
    timeZone: preferences.timeZone,
    quiet: preferences.quietHours !== null,
    quietStart: preferences.quietHours?.start ?? '22:00',
    quietEnd: preferences.quietHours?.end ?? '07:00',
    notifiers,
  };
}

/** A typed number when it is one; else the text, for the server to refuse at its path. */
function minutes(typed: string): number {
  const trimmed = typed.trim();
  const value = Number(trimmed);
  return (trimmed !== '' && Number.isFinite(value) ? value : trimmed) as number;
}

export function bodyOf(draft: PreferencesDraft): NotificationPreferencesUpdateInput {
  const notifiers: NotificationPreferencesUpdateInput['notifiers'] = {};
  for (const [name, n] of Object.entries(draft.notifiers)) {
    notifiers[name] = {
      enabled: n.enabled,
      events: n.events as NotificationPreferencesUpdateInput['notifiers'][string]['events'],
      digestMinutes: n.digest ? minutes(n.digestMinutes) : null,
    };
  }
  return {
    timeZone: draft.timeZone.trim(),
    quietHours: draft.quiet ? { start: draft.quietStart, end: draft.quietEnd } : null,
    notifiers,
  };
}

/** This browser's time zone (`Europe/Berlin`), offered when the server's differs. */
export function browserTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The IANA zones this browser knows, for the time zone field's suggestions. */
export function timeZones(): string[] {
  const supported = (Intl as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const zones = supported ? supported('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
