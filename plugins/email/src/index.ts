import {
  definePlugin,
  defineToken,
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
  type NotificationResult,
  type PlacetPlugin,
} from '@placet/core/plugin';
import { actionRoutes } from './actions.js';
import { EmailOptions, type EmailOptionsInput } from './options.js';
import { EmailRuntime } from './runtime.js';

export { type Choice, choicesFrom } from './choices.js';
export { type ComposedMail, composeMail, type MailEnv } from './mail.js';
export { smtpFailure } from './mailer.js';
export { DEFAULT_TOKEN_TTL_MS, EmailOptions, type EmailOptionsInput, SmtpOptions } from './options.js';

/**
 * Everything the notifier can send: every kind there is (`NOTIFICATION_KINDS` of `@placet/core/plugin`);
 * each user picks among them in their notification preferences. Kept for code that imported it.
 */
export const EMAIL_KINDS: readonly NotificationKind[] = NOTIFICATION_KINDS;

/** Action links as a service of the instance: `placet.resolve(EMAIL_ACTIONS).link({ … })`. */
export interface EmailActions {
  /**
   * A signed, single-use link that answers `messageId` with `optionId` (an approval's option, a
   * selection's item) as `userId`, valid for `tokenTtlMs`: what the mails carry, for a host that wants
   * to hand the same link out another way. It answers only if that user may answer the review.
   */
  link(input: { messageId: string; optionId: string; userId: string }): Promise<string>;
}
export const EMAIL_ACTIONS = defineToken<EmailActions>('email:actions');

/**
 * The e-mail notifier: mails new reviews (with one link per option for approvals and selections),
 * reminders, answers, expiries and digests over SMTP, and serves the pages behind the links
 * (`/plugins/email/actions/:token`). One `email()` may serve several Placet instances.
 *
 * ```ts
 * createPlacet({ plugins: [approval(), email({ smtp: process.env.SMTP_URL!, from: 'Placet <placet@example.com>', publicUrl: 'https://placet.example.com' })] });
 * ```
 */
export const email = (options: EmailOptionsInput): PlacetPlugin<EmailOptions> => {
  /** The plugin's state per Placet instance (per context), and those started (`init`) and not stopped. */
  const runtimes = new WeakMap<object, EmailRuntime>();
  const running = new WeakSet<EmailRuntime>();
  const runtimeOf = (ctx: EmailRuntime['ctx']) => {
    let runtime = runtimes.get(ctx);
    if (!runtime) {
      runtime = new EmailRuntime(ctx);
      runtimes.set(ctx, runtime);
    }
    return runtime;
  };
  const plugin = definePlugin({
    name: 'email',
    version: '0.1.0',
    displayName: 'E-mail',
    description:
      'Notification e-mails over SMTP, with signed single-use links that answer approvals and selections.',
    options: { schema: EmailOptions, input: options },
    notifiers: [
      {
        name: 'email',
        kinds: NOTIFICATION_KINDS,
        // The context is the sending instance's: its secret signs the links, its transport sends.
        send: async (notification: Notification, ctx): Promise<NotificationResult> => {
          const runtime = runtimes.get(ctx);
          if (!runtime || !running.has(runtime))
            return { ok: false, error: 'email: the plugin is not running' };
          return runtime.send(notification);
        },
      },
    ],

    async init(ctx) {
      const runtime = runtimeOf(ctx);
      await runtime.start();
      running.add(runtime);
      ctx.provide(EMAIL_ACTIONS, {
        link: async (input) => runtime.links.action(await runtime.token(input)),
      });
      return () => {
        running.delete(runtime);
        runtime.stop();
      };
    },

    routes: (ctx) => actionRoutes(runtimeOf(ctx)),
  });
  // Typed as a plugin, so that its declaration names no zod internals.
  return plugin;
};
