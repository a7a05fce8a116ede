import {
  definePlugin,
  type Notification,
  type NotificationResult,
  type PlacetPlugin,
} from '@placet/core/plugin';
import { interactivityRoutes } from './interactivity.js';
import { SlackOptions, type SlackOptionsInput } from './options.js';
import { SlackRuntime } from './runtime.js';

export { ACTION, type Block, type ReviewView, reviewBlocks } from './blocks.js';
export { INTERACTIVITY_PATH } from './links.js';
export { modalFor, modalView, readSubmission } from './modal.js';
export { escapeMrkdwn, markdownToMrkdwn, mrkdwnLink } from './mrkdwn.js';
export {
  ConversationId,
  DEFAULT_LOOKUP_CACHE_MS,
  SlackOptions,
  type SlackOptionsInput,
  SlackUserId,
} from './options.js';
export { checkSlackSignature, SIGNATURE_WINDOW_MS, slackSignature } from './signature.js';

/** The plugin's error codes: the interactivity route's refusals. */
export const SLACK_ERROR_CODES = {
  SLACK_SIGNATURE_INVALID: {
    status: 401,
    description:
      "A Slack interactivity request without a valid signature (v0 HMAC of the body with the app's signing secret).",
  },
  SLACK_REQUEST_STALE: {
    status: 401,
    description: 'A Slack interactivity request whose timestamp is more than 5 minutes from now.',
  },
  SLACK_REQUEST_REPLAYED: {
    status: 409,
    description: 'A copy of a Slack interactivity request that was already received.',
  },
  SLACK_PAYLOAD_INVALID: {
    status: 400,
    description: 'A signed Slack interactivity request whose payload is not an interaction Placet made.',
  },
} as const;

/**
 * The Slack plugin: each review is posted as a Block Kit message (to the agent's Slack conversation
 * and/or as a DM to each human it is for), answered there through the app's interactivity requests
 * (`/plugins/slack/interactivity`, signed by Slack), and updated in place when it is escalated, voted
 * on, answered anywhere or expires; once a human answered, a reply in the post's thread links to the
 * signed receipt. Posts are durable notifications (retried, rate limits honoured); where they are is kept
 * in the plugin's key-value store.
 *
 * ```ts
 * createPlacet({ plugins: [approval(), slack({ botToken: process.env.SLACK_BOT_TOKEN!, signingSecret: process.env.SLACK_SIGNING_SECRET!, publicUrl: 'https://placet.example.com', channels: { 'deploy-bot': 'C0123456789' } })] });
 * ```
 */
export const slack = (options: SlackOptionsInput): PlacetPlugin<SlackOptions> => {
  /** The plugin's state per Placet instance (per context), and those started (`init`) and not stopped. */
  const runtimes = new WeakMap<object, SlackRuntime>();
  const running = new WeakSet<SlackRuntime>();
  const runtimeOf = (ctx: SlackRuntime['ctx']) => {
    let runtime = runtimes.get(ctx);
    if (!runtime) {
      runtime = new SlackRuntime(ctx);
      runtimes.set(ctx, runtime);
    }
    return runtime;
  };
  const running$ = (ctx: SlackRuntime['ctx']) => {
    const runtime = runtimes.get(ctx);
    return runtime && running.has(runtime) ? runtime : undefined;
  };
  const refresh = async (
    event: { message: import('@placet/core/contract').Message | null; ownerId: string },
    ctx: SlackRuntime['ctx'],
  ) => {
    const runtime = running$(ctx);
    if (!runtime || !event.message) return;
    const people = SlackRuntime.peopleOf(event.message, event.ownerId);
    await runtime.refresh(event.message, people);
    // Answered by a human: the receipt link in each post's thread, once.
    await runtime.replyWithReceipt(event.message, people, event.ownerId);
  };
  return definePlugin({
    name: 'slack',
    version: '0.1.0',
    displayName: 'Slack',
    description:
      'Reviews as Slack messages with buttons, menus and modals, answered in Slack and updated in place wherever they are answered.',
    options: { schema: SlackOptions, input: options },
    errorCodes: SLACK_ERROR_CODES,
    notifiers: [
      {
        name: 'slack',
        kinds: ['review.created'],
        defaultEvents: ['review.created'],
        send: async (notification: Notification, ctx): Promise<NotificationResult> => {
          const runtime = running$(ctx);
          if (!runtime) return { ok: false, error: 'slack: the plugin is not running' };
          return runtime.send(notification);
        },
      },
    ],
    async init(ctx) {
      const runtime = runtimeOf(ctx);
      running.add(runtime);
      ctx.logger.info('slack: ready', {
        interactivityUrl: runtime.links.interactivity(),
        conversations: Object.keys(ctx.options.channels).length + (ctx.options.defaultChannel ? 1 : 0),
        directMessages: ctx.options.directMessages,
      });
      return () => {
        running.delete(runtime);
      };
    },
    // The post shows how the review ended, wherever it was answered (after commit, at least once: an
    // update of the same content twice is harmless).
    hooks: {
      // Who may answer, for the Slack users the plugin meets for the first time on this review.
      'review.created': async (event, ctx) => {
        const runtime = runtimeOf(ctx);
        await runtime.posts.remember(event.messageId, {
          ownerId: event.ownerId,
          assigneeIds: event.review.policy?.assigneeIds ?? [],
        });
      },
      // An escalation step (new assignees, the next step), a vote short of a decision: the post shows it.
      // Only while the review still waits: a late update never reverts a decided review's post.
      'message.updated': async (event, ctx) => {
        const runtime = running$(ctx);
        if (!runtime || event.message.review?.status !== 'pending') return;
        await runtime.update(event.message, event.ownerId);
      },
      'review.responded': (event, ctx) => refresh(event, ctx),
      'review.dismissed': (event, ctx) => refresh(event, ctx),
      'review.expired': (event, ctx) => refresh(event, ctx),
    },
    routes: (ctx) => interactivityRoutes(runtimeOf(ctx)),
  });
};
