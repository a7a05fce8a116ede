import { inject, injectable } from 'tsyringe';
import {
  type NotificationPreferences,
  NotificationPreferencesUpdate,
  type NotificationPreferencesUpdateInput,
} from '../contract/notifications.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import {
  canDigest,
  eventsOf,
  PREFERENCES_NAMESPACE,
  resolvePreferences,
  type StoredPreferences,
} from './notification-policy.js';
import { Notifications } from './notifications.js';

/**
 * A user's notification preferences (`GET`/`PUT /notifications/preferences`), kept in the Store's
 * key-value table (one entry per user, deleted with the user: `users.delete`). The planner reads them in the event's
 * transaction (`Notifications`).
 */
@injectable()
export class NotificationPreferencesService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(Notifications) private readonly notifications: Notifications,
  ) {}

  /** The user's settings for every notifier of the instance (defaults where they chose nothing). */
  async get(userId: string): Promise<NotificationPreferences> {
    return resolvePreferences(await this.#stored(userId), this.notifications.all());
  }

  /**
   * Replaces time zone and quiet hours, and the settings of the notifiers named (the others keep
   * theirs). A notifier the instance does not have, an event it cannot report, or a digest it cannot
   * send is refused (`VALIDATION_FAILED` with the path of the field).
   */
  async update(userId: string, input: NotificationPreferencesUpdateInput): Promise<NotificationPreferences> {
    const update = parseOrThrow(NotificationPreferencesUpdate, input);
    const byName = new Map(this.notifications.all().map((notifier) => [notifier.name, notifier]));
    const issues: { path: string; message: string }[] = [];
    for (const [name, chosen] of Object.entries(update.notifiers)) {
      const notifier = byName.get(name);
      if (!notifier) {
        issues.push({
          path: `notifiers.${name}`,
          message: `no notifier named "${name}"; this server has ${[...byName.keys()].map((n) => `"${n}"`).join(', ') || 'none'}`,
        });
        continue;
      }
      const supported = eventsOf(notifier);
      chosen.events.forEach((event, i) => {
        if (!supported.includes(event))
          issues.push({
            path: `notifiers.${name}.events.${i}`,
            message: `"${name}" does not report ${event}`,
          });
      });
      if (chosen.digestMinutes !== null && !canDigest(notifier))
        issues.push({ path: `notifiers.${name}.digestMinutes`, message: `"${name}" does not send digests` });
    }
    if (issues.length > 0)
      throw new PlacetError('VALIDATION_FAILED', 'Invalid notification preferences', { issues });
    const previous = await this.#stored(userId);
    const next: StoredPreferences = {
      timeZone: update.timeZone,
      quietHours: update.quietHours,
      notifiers: { ...previous?.notifiers, ...update.notifiers },
    };
    await this.store.kv.set({ namespace: PREFERENCES_NAMESPACE, key: userId, value: next, expiresAt: null });
    return resolvePreferences(next, this.notifications.all());
  }

  async #stored(userId: string): Promise<StoredPreferences | undefined> {
    const entry = await this.store.kv.get(PREFERENCES_NAMESPACE, userId, this.clock.now());
    return entry?.value as StoredPreferences | undefined;
  }
}
