import type { PublicUser } from '../contract/account.js';
import type { Channel } from '../contract/channel.js';
import type { Message } from '../contract/message.js';
import { NOTIFICATION_EVENTS, type NotificationEvent } from '../contract/notifications.js';
import type { QuickAnswer } from '../plugins/types.js';

/**
 * What a notification is about: a review that waits for a human (`review.created`), still waits
 * (`review.reminder`), was answered (`review.responded`) or expired; or a `digest` of new reviews.
 */
export type NotificationKind = NotificationEvent | 'digest';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [...NOTIFICATION_EVENTS, 'digest'];

export interface NotificationBase {
  /** Stable across attempts and redrives: deduplicate on it where the channel allows. */
  readonly id: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Who is notified (the channel's owner). */
  readonly recipient: PublicUser;
  /** Aborted when the attempt times out (`webhooks.timeoutMs`): stop the outbound call. */
  readonly signal: AbortSignal;
}

/** A review with its message and agent, as the dashboard shows it. */
export interface NotifiedReview {
  /** The message carrying the review (with `review`: its type, payload, status, response). */
  readonly message: Message;
  readonly channel: Channel;
  /**
   * The answers the human can give with one click (its review type's `quickAnswers`, each valid for the
   * payload): offer them as links or buttons; none means "answer in the dashboard". Empty once answered.
   */
  readonly quickAnswers: readonly QuickAnswer[];
  /** The answer in one line (its review type's `summarize`), once answered; null before. */
  readonly summary: string | null;
}

/** About one review. */
export interface ReviewNotification extends NotificationBase, NotifiedReview {
  readonly kind: NotificationEvent;
}

/** The new reviews of a digest period that still wait, oldest first (at least one). */
export interface DigestNotification extends NotificationBase {
  readonly kind: 'digest';
  readonly reviews: readonly NotifiedReview[];
  /** How many reviews of the period still wait (counted up to 1000): more than `reviews` lists when it is 50. */
  readonly total: number;
  /** The period the digest covers. */
  readonly since: Date;
  readonly until: Date;
}

/** One notification to one human through one notifier, as the engine hands it to `send`. */
export type Notification = ReviewNotification | DigestNotification;

/**
 * The outcome of one attempt: delivered; deliberately not sent (`skipped`, with the reason: nothing to
 * tell this recipient, no device to reach) — recorded as `skipped`, not as a failure; or failed (retried
 * unless `retry: false`).
 */
export type NotificationResult =
  | { readonly ok: true; readonly skipped?: string }
  | {
      readonly ok: false;
      /** A short, secret-free reason for the delivery log ("smtp: connection refused"). */
      readonly error: string;
      /** `false`: give up now (the address is gone, the subscription expired). Default: retry. */
      readonly retry?: boolean;
      /**
       * When the channel said to try again (a `429`'s or `503`'s `Retry-After`, in ms): the next attempt
       * is due then instead of after the usual backoff (at most `webhooks.maxDelayMs` away).
       */
      readonly retryAfterMs?: number;
    };

/**
 * A channel that reaches humans (e-mail, web push, chat). The engine decides what is sent, to whom and
 * when: it plans one durable notification per (review, recipient, notifier, kind) — at most one, ever —
 * in the same transaction as the event, following each recipient's preferences (the notifier on or off,
 * which events, quiet hours, digests), sends it through `send`, records every attempt in the delivery log,
 * and retries failures with the webhooks' backoff (`webhooks.maxAttempts` and delays), from any process
 * sharing the store. Reminders come from the sweeper (`notifications.reminderAfterMs`).
 *
 * Contract:
 * - `send` performs one attempt and resolves its outcome; a rejection counts as a failed attempt that is
 *   retried. It MUST NOT hold secrets in `error`.
 * - `send` may be called again for a notification it already delivered (at least once: a process that
 *   crashed after sending and before recording retries it); `Notification.id` is stable for deduplication.
 * - `name` is unique per instance; it is recorded with each notification (`notifier:<name>`).
 */
export interface Notifier {
  readonly name: string;
  /**
   * The kinds it can send; `['review.created']` when omitted. Users choose among these events in their
   * preferences; with `'digest'` they may also have new reviews gathered into one notification.
   */
  readonly kinds?: readonly NotificationKind[];
  /**
   * The events it reports for a user who has not chosen (of its `kinds`); `['review.created',
   * 'review.reminder']` when omitted. A channel that updates in place (a push replacing the earlier one)
   * may add `review.responded` and `review.expired`.
   */
  readonly defaultEvents?: readonly NotificationEvent[];
  send(notification: Notification): Promise<NotificationResult>;
  close?(): Promise<void>;
}
