import {
  Channel,
  ChannelQuery,
  type ChannelWithActivity as ChannelWithActivityType,
  type ChannelWithSecret as ChannelWithSecretType,
  type DeliveryPage as DeliveryPageType,
  type DeliveryView as DeliveryViewType,
  type ErrorBody,
  FileUploadFields,
  Id,
  IsoDateTime,
  JsonObject,
  MIN_PASSWORD_LENGTH,
  type PublicApiKey as PublicApiKeyType,
  type PublicUser as PublicUserType,
  type UserCreateInput,
  z,
} from '@placet/core';

/**
 * Wire shapes the router answers that have no schema in `@placet/core`'s contract (they are plain
 * TypeScript types there). Each is pinned to its type below, so a change on either side fails `tsc`.
 */

/** The error body of every 4xx/5xx answer (`toErrorBody`). */
export const ErrorBodySchema = z.object({
  statusCode: z.number().int(),
  error: z.string(),
  code: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const PublicUser = z.object({
  id: Id,
  email: z.string(),
  displayName: z.string(),
  role: z.enum(['owner', 'member']),
  externalId: z.string().nullable(),
  mustChangePassword: z.boolean(),
  createdAt: IsoDateTime,
});

/** `GET /me`. */
export const MeResult = z.object({ user: PublicUser });

export const PublicApiKey = z.object({
  id: Id,
  userId: Id,
  label: z.string(),
  keyPrefix: z.string(),
  channelId: z.string().nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});

/** `POST /api-keys` and `POST /api-keys/:id/rotate`: the key with its raw value, shown this once. */
export const ApiKeyWithSecret = PublicApiKey.extend({ key: z.string() });

/** Body of `POST /api-keys` (the route's own schema in `routes/human.ts`). */
export const ApiKeyCreateBody = z.object({
  label: z.string().trim().min(1).max(64).optional(),
  channelId: z.string().min(1).max(200).optional(),
});

/** Body of `POST /users` (the users service's schema). */
export const UserCreateBody = z.object({
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  password: z.string().min(MIN_PASSWORD_LENGTH).max(1024).optional(),
  role: z.enum(['owner', 'member']).default('member'),
  mustChangePassword: z.boolean().default(false),
});

/** A channel as a signed-in human lists it: with unread count and last message. */
export const ChannelWithActivity = Channel.extend({
  unreadCount: z.number().int().nonnegative(),
  lastMessage: z
    .object({ id: Id, text: z.string().nullable(), senderType: z.string(), createdAt: IsoDateTime })
    .nullable(),
  lastMessageAt: IsoDateTime.nullable(),
});

/** `GET /agents`: humans get channels with activity, agents plain channels. */
export const AgentListItem = z.union([ChannelWithActivity, Channel]);

/** `setWebhook`: the channel, plus the signing secret the first time one is made. */
export const ChannelWithSecret = Channel.extend({ webhookSecret: z.string().optional() });

/** `POST /agents/:id/webhook-secret/rotate`. */
export const WebhookSecret = z.object({ webhookSecret: z.string() });

/** `POST /agents/:id/read`. */
export const ReadResult = z.object({ read: z.literal(true), lastReadAt: IsoDateTime });

/** The optional `?channel=` of `GET /reviews/pending`. */
export const OptionalChannelQuery = ChannelQuery.partial();

/** Fields of `POST /files/store` (a `text` field is not used there). */
export const FileStoreFields = FileUploadFields.pick({ channelId: true });

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
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(DeliveryAttempt),
  nextAttemptAt: IsoDateTime.nullable(),
  /** The HTTP status of the latest attempt; null when it got no answer or none was made yet. */
  lastStatus: z.number().int().nullable(),
  /** Why the latest attempt failed or the delivery was cancelled (short, secret-free); null on success. */
  lastError: z.string().nullable(),
  createdAt: IsoDateTime,
});

/** `GET /agents/:id/deliveries`: a page of a channel's delivery log, newest first. */
export const DeliveryPage = z.object({
  data: z.array(DeliveryView),
  nextCursor: Id.nullable(),
});

/** `GET /openapi.json`: this document. */
export const OpenApiDocumentSchema = JsonObject.describe('An OpenAPI 3.1 document');

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/** Compile-time checks: the schemas above describe exactly the core's types. */
export type SchemaChecks = [
  Assert<Same<z.output<typeof ErrorBodySchema>, ErrorBody>>,
  Assert<Same<z.output<typeof PublicUser>, PublicUserType>>,
  Assert<Same<z.output<typeof PublicApiKey>, PublicApiKeyType>>,
  Assert<Same<z.output<typeof ChannelWithActivity>, ChannelWithActivityType>>,
  Assert<Same<z.output<typeof ChannelWithSecret>, ChannelWithSecretType>>,
  Assert<Same<z.output<typeof DeliveryView>, DeliveryViewType>>,
  Assert<Same<z.output<typeof DeliveryPage>, DeliveryPageType>>,
  Assert<Same<z.input<typeof UserCreateBody>, UserCreateInput>>,
];
