import { z } from 'zod';
import { Channel } from './channel.js';
import { Id, IsoDateTime } from './common.js';

/**
 * Wire shapes of the human side (users, API keys, channel lists, webhook secrets, delivery logs) and the
 * error body. Each is the one definition: the services' return types are inferred from these schemas.
 */

/** The error body of every 4xx/5xx answer (`toErrorBody`). */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const MIN_PASSWORD_LENGTH = 8;

/** A user without the password hash. */
export const PublicUser = z.object({
  id: Id,
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['owner', 'member']),
  externalId: z.string().nullable(),
  mustChangePassword: z.boolean(),
  createdAt: IsoDateTime,
});
export type PublicUser = z.output<typeof PublicUser>;

/** What this server accepts from the signed-in human (the dashboard checks a file before uploading it). */
export const MeLimits = z.object({
  /** Largest file an upload (`POST /files/store`, `/files/upload`) accepts, in bytes. */
  fileBytes: z.number().int().min(1),
});

/** `GET /me`: the user, and the limits of this mount. */
export const MeResult = z.object({ user: PublicUser, limits: MeLimits.optional() });

/** Body of `POST /users` and input of `placet.users.create`. */
export const UserCreate = z.object({
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
  role: z.enum(['owner', 'member']).default('member'),
  mustChangePassword: z.boolean().default(false),
});
export type UserCreateInput = z.input<typeof UserCreate>;

/** An API key without its hash (the raw key is only ever returned by create and rotate). */
export const PublicApiKey = z.object({
  id: Id,
  userId: Id,
  label: z.string(),
  keyPrefix: z.string(),
  channelId: z.string().nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export type PublicApiKey = z.output<typeof PublicApiKey>;

/** `POST /api-keys` and `POST /api-keys/:id/rotate`: the key with its raw value, shown this once. */
export const ApiKeyWithSecret = PublicApiKey.extend({ key: z.string() });
export type ApiKeyWithSecret = z.output<typeof ApiKeyWithSecret>;

/** Body of `POST /api-keys` (a key's raw value is never chosen over HTTP). */
export const ApiKeyCreateBody = z.object({
  label: z.string().trim().min(1).max(64).optional(),
  channelId: z.string().min(1).max(200).optional(),
});

/** A channel as a signed-in human lists it: with unread count and last message. */
export const ChannelWithActivity = Channel.extend({
  unreadCount: z.number().int().nonnegative(),
  lastMessage: z
    .object({ id: Id, text: z.string().nullable(), senderType: z.string(), createdAt: IsoDateTime })
    .nullable(),
  lastMessageAt: IsoDateTime.nullable(),
});
export type ChannelWithActivity = z.output<typeof ChannelWithActivity>;

/** `GET /agents`: humans get channels with activity, agents plain channels. */
export const AgentListItem = z.union([ChannelWithActivity, Channel]);

/** `setWebhook`: the channel, plus the signing secret the first time one is made. */
export const ChannelWithSecret = Channel.extend({ webhookSecret: z.string().optional() });
export type ChannelWithSecret = z.output<typeof ChannelWithSecret>;

/** `POST /agents/:id/webhook-secret/rotate`. */
export const WebhookSecret = z.object({ webhookSecret: z.string() });

/** `POST /agents/:id/read`. */
export const ReadResult = z.object({ read: z.literal(true), lastReadAt: IsoDateTime });

/** One attempt of a webhook delivery: `status` is null when no HTTP answer arrived (then `error` says why). */
export const DeliveryAttempt = z.object({
  attempt: z.number().int().positive(),
  at: IsoDateTime,
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number().nonnegative(),
});

/**
 * `GET /messages/:id/deliveries` (a list) and `POST /deliveries/:id/redrive`: a webhook delivery as its
 * owner sees it, with every attempt. Its `id` is the Standard Webhooks `webhook-id`, the same on every
 * attempt and redrive. Never its headers (they may hold credentials) nor its body.
 */
export const DeliveryView = z.object({
  id: Id,
  messageId: Id.nullable(),
  event: z.string(),
  url: z.string(),
  method: z.string(),
  /** `skipped` only for notifications: nothing was left to send when it was due (the review was answered). */
  state: z.enum(['pending', 'delivered', 'failed', 'skipped']),
  attempts: z.array(DeliveryAttempt),
  nextAttemptAt: IsoDateTime.nullable(),
  /** The HTTP status of the latest attempt; null when it got no answer or none was made yet. */
  lastStatus: z.number().int().nullable(),
  /**
   * Why the latest attempt failed, or why the delivery was cancelled: a short, secret-free reason from
   * the sender's fixed vocabulary (never a URL, header value or response body); null on success.
   */
  lastError: z.string().nullable(),
  createdAt: IsoDateTime,
});
export type DeliveryView = z.output<typeof DeliveryView>;

/** `GET /agents/:id/deliveries`: a page of a channel's delivery log, newest first. */
export const DeliveryPage = z.object({
  data: z.array(DeliveryView),
  nextCursor: Id.nullable(),
});
export type DeliveryPage = z.output<typeof DeliveryPage>;
