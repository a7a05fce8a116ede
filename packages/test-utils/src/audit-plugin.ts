// The worked example of docs/guides/writing-a-plugin.md ("Beyond review types"): a plugin that uses
// options, init, the key-value store, an after-commit hook, a before hook, its own error code and an
// HTTP route. It lives in @placet/test-utils so that the engine's and the router's tests share it.
import {
  defineOperation,
  definePlugin,
  defineToken,
  type Notification,
  type NotificationResult,
  named,
  z,
} from '@placet/core/plugin';

/** The options of `audit()`: parsed once by createPlacet(); invalid ones fail it, naming the paths. */
export const AuditOptions = z.object({
  /** Answers that pick one of these options (`response.selectedOption`) are refused. */
  blockedOptions: z.array(z.string().min(1)).default([]),
  /** How many answers the log keeps (the oldest go first). */
  maxEntries: z.number().int().min(1).max(10_000).default(100),
});
export type AuditOptionsInput = z.input<typeof AuditOptions> & {
  /** Where the "review waiting" notifications go (an outbound call: a pager, a chat); none without it. */
  deliver?: (notification: Notification) => Promise<NotificationResult>;
};

/** One answer in the log, kept under `answer/<seq>` in the plugin's key-value store. */
export const AuditEntry = z.object({
  seq: z.number().int(),
  /** The owner of the channel: the route shows each owner their own answers only. */
  ownerId: z.string(),
  messageId: z.string(),
  type: z.string(),
  response: z.record(z.string(), z.unknown()),
  respondedBy: z.string().nullable(),
  at: z.string(),
});
export type AuditEntry = z.output<typeof AuditEntry>;

/** The log as a service of the instance: `placet.resolve(AUDIT_LOG)`; a host may provide its own. */
export interface AuditLog {
  /** The owner's entries the log still keeps, newest first. */
  entries(ownerId: string): Promise<AuditEntry[]>;
}
export const AUDIT_LOG = defineToken<AuditLog>('audit:log');

export const audit = (options: AuditOptionsInput = {}) =>
  definePlugin({
    name: 'audit',
    version: '1.0.0',
    displayName: 'Audit',
    description: 'Keeps a log of the answers and refuses answers that pick a blocked option.',
    options: { schema: AuditOptions, input: options },
    // One durable notification per new review for the channel's owner: retried while `deliver` fails,
    // every attempt in the message's delivery log.
    notifiers: options.deliver ? [{ name: 'audit', kinds: ['review.created'], send: options.deliver }] : [],
    errorCodes: {
      AUDIT_OPTION_BLOCKED: {
        status: 409,
        description: 'The audit plugin refuses answers that pick this option (its `blockedOptions`).',
      },
    },

    async init(ctx) {
      const starts = ((await ctx.kv.get<number>('starts')) ?? 0) + 1;
      await ctx.kv.set('starts', starts);
      ctx.logger.info('audit started', { starts, blocked: ctx.options.blockedOptions.length });
      // Live events, not durable: a count for this process only (hooks below are the durable part).
      let expired = 0;
      const unsubscribe = ctx.events.subscribe(() => void expired++, { types: ['review:expired'] });
      // The log as a service (unless the host provided its own for AUDIT_LOG: then this is a no-op).
      ctx.provide(AUDIT_LOG, {
        async entries(ownerId) {
          const index = (await ctx.kv.get<number[]>('index')) ?? [];
          const all = await Promise.all(index.map((seq) => ctx.kv.get<AuditEntry>(`answer/${seq}`)));
          return all.filter((entry): entry is AuditEntry => entry?.ownerId === ownerId).reverse();
        },
      });
      return [unsubscribe, () => ctx.logger.info('audit stopped', { expiredSeen: expired })];
    },

    hooks: {
      // Before the answer is recorded: throwing refuses it, and the HTTP answer carries the code.
      'review.beforeRespond': ({ response }, ctx) => {
        const choice = response.selectedOption;
        if (typeof choice === 'string' && ctx.options.blockedOptions.includes(choice)) {
          throw ctx.error('AUDIT_OPTION_BLOCKED', `Answers that choose "${choice}" are not allowed`);
        }
      },

      // After the answer committed, from the outbox: at least once, so everything is keyed by `seq`.
      'review.responded': async (event, ctx) => {
        const entry: AuditEntry = {
          seq: event.seq,
          ownerId: event.ownerId,
          messageId: event.messageId,
          type: event.review.type,
          response: event.response,
          respondedBy: event.respondedBy,
          at: event.at.toISOString(),
        };
        await ctx.kv.set(`answer/${event.seq}`, entry);
        const index = (await ctx.kv.get<number[]>('index')) ?? [];
        if (index.includes(event.seq)) return; // A second run of the same event.
        index.push(event.seq);
        for (const old of index.splice(0, Math.max(0, index.length - ctx.options.maxEntries))) {
          await ctx.kv.delete(`answer/${old}`);
        }
        await ctx.kv.set('index', index);
      },
    },

    // HTTP: `GET /api/v1/plugins/audit/entries` (signed-in humans), in the OpenAPI document like the core's.
    routes: (ctx) => [
      defineOperation({
        method: 'get',
        path: '/entries',
        operationId: 'listEntries',
        summary: "The caller's audited answers, newest first",
        tag: 'audit',
        auth: 'user',
        success: {
          kind: 'json',
          status: 200,
          description: 'The entries the log still keeps.',
          schema: named('AuditEntry', AuditEntry),
          list: true,
        },
        errors: [],
        handler: ({ principal }) => ctx.resolve(AUDIT_LOG).entries(principal.userId),
      }),
    ],
  });
