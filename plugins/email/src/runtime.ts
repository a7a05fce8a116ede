import type { Notification, NotificationResult, PluginContext } from '@placet/core/plugin';
import { type Links, linksOf } from './links.js';
import { composeMail, type MailEnv } from './mail.js';
import { type Mailer, smtpFailure, smtpMailer } from './mailer.js';
import type { EmailOptions } from './options.js';
import { issueToken, newSecret, SECRET_KEY } from './tokens.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/** `1 Mar 2026, 13:00 (Europe/Berlin)`; `… 12:00 UTC`. */
export function formatTime(at: Date | string, timeZone: string): string {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone });
    formats.set(timeZone, format);
  }
  const text = format.format(typeof at === 'string' ? new Date(at) : at);
  return timeZone === 'UTC' ? `${text} UTC` : `${text} (${timeZone})`;
}

/** Whether `notification` says that `userId` answered its review (nothing to tell them). */
export const answeredBy = (notification: Notification, userId: string): boolean =>
  notification.kind === 'review.responded' && notification.message.review?.respondedBy === userId;

/**
 * The plugin's state in one Placet instance: its options, links, SMTP transport and signing secret. The
 * routes, the notifier and the `EMAIL_ACTIONS` service share it.
 */
export class EmailRuntime {
  readonly links: Links;
  #mailer: Mailer | undefined;
  #secret: Promise<string> | undefined;

  constructor(readonly ctx: PluginContext<EmailOptions>) {
    this.links = linksOf(ctx.options);
  }

  get options(): EmailOptions {
    return this.ctx.options;
  }

  /** `init`: the transport, and the secret loaded (or created) once. */
  async start(): Promise<void> {
    this.#mailer = smtpMailer(this.options.smtp, this.options.from);
    await this.secret();
  }

  stop(): void {
    this.#mailer?.close();
    this.#mailer = undefined;
  }

  /**
   * The HMAC secret of the action tokens: made on the first start and kept in the plugin's key-value
   * store, where the first of several processes starting at once wins (`setIfAbsent`) and every process
   * reads the winner's. Cached for the process; a failed read is tried again on the next call.
   */
  secret(): Promise<string> {
    this.#secret ??= (async () => {
      await this.ctx.kv.setIfAbsent(SECRET_KEY, newSecret());
      const secret = await this.ctx.kv.get<string>(SECRET_KEY);
      if (typeof secret !== 'string' || secret.length < 32)
        throw new Error('email: no signing secret in the store');
      return secret;
    })().catch((error: unknown) => {
      this.#secret = undefined;
      throw error;
    });
    return this.#secret;
  }

  /** An action token answering `messageId` with `optionId` as `userId`, valid for `tokenTtlMs`. */
  async token(input: { messageId: string; optionId: string; userId: string }): Promise<string> {
    const expiresAt = new Date(this.ctx.clock.now().getTime() + this.options.tokenTtlMs);
    return issueToken(await this.secret(), { ...input, expiresAt });
  }

  /** The user's time zone from their notification preferences (UTC when unknown). */
  async timeZoneOf(userId: string): Promise<string> {
    try {
      return (await this.ctx.placet.notifications.preferences(userId)).timeZone;
    } catch {
      return 'UTC';
    }
  }

  /** The notifier's `send`: one mail, one attempt. */
  async send(notification: Notification): Promise<NotificationResult> {
    const { recipient } = notification;
    // "Answered" tells a human that a review was answered elsewhere: never the one who answered it.
    if (answeredBy(notification, recipient.id)) return { ok: true, skipped: 'the recipient answered it' };
    const mailer = this.#mailer;
    if (!mailer) return { ok: false, error: 'email: the plugin is not running' };
    if (!recipient.email.includes('@'))
      return { ok: false, error: 'email: the recipient has no e-mail address', retry: false };
    const secret = await this.secret();
    const timeZone = await this.timeZoneOf(recipient.id);
    const expiresAt = new Date(this.ctx.clock.now().getTime() + this.options.tokenTtlMs);
    const env: MailEnv = {
      links: this.links,
      token: (messageId, optionId, userId) => issueToken(secret, { messageId, optionId, userId, expiresAt }),
      time: (at) => formatTime(at, timeZone),
      userName: async (id) => (await this.ctx.placet.users.get(id))?.displayName,
    };
    const mail = await composeMail(notification, env);
    const host = this.links.host;
    const reviewId = notification.kind === 'digest' ? undefined : notification.message.id;
    try {
      await mailer.send(
        {
          to: { name: recipient.displayName, address: recipient.email },
          ...mail,
          // The same for every attempt: a mail sent twice (a crash between sending and recording) has
          // one Message-ID and one X-Placet-Notification, so clients and filters can drop the copy.
          messageId: `<${notification.id}@${host}>`,
          headers: {
            'X-Placet-Notification': notification.id,
            'X-Placet-Kind': notification.kind,
            ...(reviewId ? { 'X-Placet-Review': reviewId } : {}),
            'Auto-Submitted': 'auto-generated',
            'X-Auto-Response-Suppress': 'All',
          },
          ...(reviewId ? { references: `<review.${reviewId}@${host}>` } : {}),
        },
        notification.signal,
      );
      return { ok: true };
    } catch (error) {
      const failure = smtpFailure(error);
      return { ok: false, error: failure.error, retry: failure.retry };
    }
  }
}
