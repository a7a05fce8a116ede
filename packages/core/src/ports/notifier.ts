import type { PublicUser } from '../contract/account.js';
import type { Channel } from '../contract/channel.js';
import type { Message } from '../contract/message.js';

/** What a notification is about: a review that waits for a human, was answered, or expired. */
export type NotificationKind = 'review.created' | 'review.responded' | 'review.expired';

export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  'review.created',
  'review.responded',
  'review.expired',
];

/** One notification to one human through one notifier, as the engine hands it to `send`. */
export interface Notification {
  /** Stable across attempts and redrives: deduplicate on it where the channel allows. */
  readonly id: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly kind: NotificationKind;
  /** Who is notified (the channel's owner). */
  readonly recipient: PublicUser;
  /** The message carrying the review, as the dashboard shows it (with `review`). */
  readonly message: Message;
  readonly channel: Channel;
  /** Aborted when the attempt times out (`webhooks.timeoutMs`): stop the outbound call. */
  readonly signal: AbortSignal;
}

/** The outcome of one attempt: delivered, or failed (retried unless `retry: false`). */
export type NotificationResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** A short, secret-free reason for the delivery log ("smtp: connection refused"). */
      readonly error: string;
      /** `false`: give up now (the address is gone, the subscription expired). Default: retry. */
      readonly retry?: boolean;
    };

/**
 * A channel that reaches humans (e-mail, web push, chat). The engine decides what is sent and when: it
 * plans one durable notification per (review event, recipient, notifier) in the same transaction as the
 * event, sends it through `send`, records every attempt in the delivery log, and retries failures with
 * the webhooks' backoff (`webhooks.maxAttempts` and delays), from any process sharing the store.
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
  /** The kinds it is told about; `['review.created']` when omitted. */
  readonly kinds?: readonly NotificationKind[];
  send(notification: Notification): Promise<NotificationResult>;
  close?(): Promise<void>;
}
