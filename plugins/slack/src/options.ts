import { z } from '@placet/core/plugin';

/** A day: how long a `users.lookupByEmail` answer is kept (a "no such user" answer: an hour). */
export const DEFAULT_LOOKUP_CACHE_MS = 24 * 3600_000;

/** `/api/v1/` → `/api/v1`; `/` stays `/`. */
const withoutTrailingSlash = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** A path on the public origin: starts with `/`, no query or fragment. */
const Path = z
  .string()
  .regex(/^\/[^?#\s]*$/, 'must be a path that starts with "/" (no query, no fragment)')
  .transform(withoutTrailingSlash);

/** A Slack conversation id: a public or private channel (`C…`, `G…`) or a DM (`D…`). */
export const ConversationId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,}$/, 'must be a Slack conversation id (C…, G… or D…), not a name');

/** A Slack user id (`U…`, `W…`). */
export const SlackUserId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U… or W…)');

/**
 * The options of `slack()`: parsed once by `createPlacet()`, which fails with `INVALID_OPTIONS` naming the
 * paths (never the values: the token and the secret are among them).
 */
export const SlackOptions = z.object({
  /** The bot token of the Slack app (`xoxb-…`): every Web API call carries it. */
  botToken: z.string().trim().min(1),
  /** The app's signing secret: interactivity requests are checked against it (v0 HMAC-SHA256). */
  signingSecret: z.string().trim().min(8),
  /** The Web API's base URL: Slack's, unless a test points it at a stand-in. */
  apiUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .transform((url) => (url.endsWith('/') ? url : `${url}/`))
    .default('https://slack.com/api/'),
  /** The server's public origin, for the links in Slack messages (the dashboard, files). */
  publicUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL: the public origin of the server' })
    .transform((url) => url.replace(/\/+$/, '')),
  /** Where the Placet router is mounted on that origin. */
  apiPath: Path.default('/api/v1'),
  /** Where the dashboard is served on that origin (its inbox is `<dashboardPath>#/inbox/<id>`). */
  dashboardPath: Path.default('/'),
  /**
   * The Slack conversation each agent's reviews are posted to, by the agent's (channel's) id or name:
   * `{ "deploy-bot": "C0123456789" }`. An agent named here gets one post per review.
   */
  channels: z.record(z.string().min(1), ConversationId).default({}),
  /** The conversation of the agents `channels` does not name; none: those post only as DMs. */
  defaultChannel: ConversationId.optional(),
  /** Also (or only) a DM to each human a review is for (its assignees, else the agent's owner). */
  directMessages: z.boolean().default(true),
  /**
   * Placet users and their Slack accounts, by Placet user id or e-mail: `{ "ada@example.com": "U012AB3CD" }`.
   * Anyone not named is matched by e-mail through `users.lookupByEmail` (scope `users:read.email`).
   */
  users: z.record(z.string().min(1), SlackUserId).default({}),
  /** How long a `users.lookupByEmail` answer is kept in the store. */
  lookupCacheMs: z
    .int()
    .min(60_000)
    .max(30 * 24 * 3600_000)
    .default(DEFAULT_LOOKUP_CACHE_MS),
  /** The longest one Web API call may take (ms). */
  timeoutMs: z.int().min(100).max(60_000).default(10_000),
});
export type SlackOptionsInput = z.input<typeof SlackOptions>;
export type SlackOptions = z.output<typeof SlackOptions>;
