import {
  AckResult,
  Attachment,
  Channel,
  ChannelCommands,
  ChannelCreate,
  ChannelQuery,
  ChannelUpdate,
  DeleteResult,
  DeleteWebhook,
  DeliveryListQuery,
  FileUploadFields,
  InboxCount,
  InboxCountQuery,
  InboxPage,
  InboxQuery,
  IterationChain,
  Message,
  MessageCreate,
  MessageListQuery,
  MessagePage,
  PluginManifest,
  RespondReview,
  ReviewReadResult,
  SetManagement,
  SetSubagent,
  SetTag,
  SetWebhook,
  StatusEvent,
  StatusHistoryEntry,
  StatusHistoryQuery,
  StatusPing,
  StatusStepCreate,
  StoreText,
  StreamPatch,
  WaitQuery,
  WaitResult,
  type z,
} from '@placet/core';
import {
  AgentListItem,
  ApiKeyCreateBody,
  ApiKeyWithSecret,
  ChannelWithSecret,
  DeliveryPage,
  DeliveryView,
  FileStoreFields,
  MeResult,
  OpenApiDocumentSchema,
  OptionalChannelQuery,
  PublicApiKey,
  PublicUser,
  ReadResult,
  UserCreateBody,
  WebhookSecret,
} from './schemas.js';

/**
 * Every operation of `placetRouter()`, one row each: the single source of the OpenAPI document. The test
 * in `test/openapi.test.ts` checks that this table and the router's registered routes are the same set.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: `apiKey` an agent's key (`x-api-key` or `Authorization: Bearer hp_…`), `user` a signed-in
 * human (the host's `authenticateUser`, e.g. a session cookie), `either` both, `public` anyone.
 */
export type Auth = 'apiKey' | 'user' | 'either' | 'public';

/** A schema of the contract under the name it gets in `components.schemas`. */
export interface NamedSchema {
  readonly name: string;
  readonly schema: z.ZodType;
}

const named = (name: string, schema: z.ZodType): NamedSchema => ({ name, schema });

/** What the operation answers when it succeeds. */
export type Success =
  | {
      readonly kind: 'json';
      readonly status: 200 | 201;
      readonly description: string;
      readonly schema: NamedSchema;
      /** The body is an array of `schema`. */
      readonly list?: boolean;
      /** Capped bare-array lists send `Link: <…>; rel="next"` when there is more. */
      readonly linkHeader?: boolean;
    }
  | {
      /** The file's bytes, with `Range` support (200, 206 and 416). */
      readonly kind: 'binary';
      readonly description: string;
    }
  | {
      /** JavaScript source (an ES module). */
      readonly kind: 'script';
      readonly description: string;
    }
  | {
      /** Validated, then always refused: the operation exists in the original API only. */
      readonly kind: 'notImplemented';
      readonly description: string;
    };

/** The request body: JSON, or `multipart/form-data` with text fields and one binary `file`. */
export type RequestBody =
  | { readonly kind: 'json'; readonly schema: NamedSchema; readonly required?: boolean }
  | { readonly kind: 'multipart'; readonly fields: z.ZodObject; readonly file: string };

export interface Operation {
  readonly method: HttpMethod;
  /** Express path, relative to where the router is mounted (`/agents/:id`). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: Tag;
  readonly auth: Auth;
  /** Descriptions of the `:params` of `path` (every one is a required string). */
  readonly params?: Readonly<Record<string, string>>;
  /** The query string, as a zod object (its input side is documented). */
  readonly query?: z.ZodObject;
  readonly body?: RequestBody;
  readonly success: Success;
  /**
   * Error statuses specific to the operation. 401, 429 and 500 (authenticated operations), 400 (any
   * body or query) and 413 (any body) are added by the document builder.
   */
  readonly errors: readonly number[];
}

export const TAGS = {
  Agents: 'Channels ("agents"): create, configure, webhooks, commands, sub-agents.',
  Messages: 'Messages of a channel: send, list, search, acknowledge, iterations.',
  Streams: 'Streamed agent replies: patch the text, add progress steps.',
  Reviews: 'Reviews a human answers: pending list, inbox, long-poll wait, respond.',
  Files: 'Files: multipart upload, text files, list, download with Range.',
  Deliveries:
    "Webhook deliveries (humans): a message's or a channel's delivery log with every attempt, and redrive.",
  Status: "The agent's liveness status.",
  Plugins: 'Review-type and renderer plugins installed on the server.',
  Account: 'The signed-in human: profile, API keys, users (owners).',
  Meta: 'This document and unsupported endpoints of the original API.',
} as const;
export type Tag = keyof typeof TAGS;

const S = {
  Message: named('Message', Message),
  MessagePage: named('MessagePage', MessagePage),
  InboxPage: named('InboxPage', InboxPage),
  InboxCount: named('InboxCount', InboxCount),
  ReviewReadResult: named('ReviewReadResult', ReviewReadResult),
  IterationChain: named('IterationChain', IterationChain),
  StatusEvent: named('StatusEvent', StatusEvent),
  AckResult: named('AckResult', AckResult),
  DeleteResult: named('DeleteResult', DeleteResult),
  WaitResult: named('WaitResult', WaitResult),
  Channel: named('Channel', Channel),
  AgentListItem: named('AgentListItem', AgentListItem),
  ChannelWithSecret: named('ChannelWithSecret', ChannelWithSecret),
  WebhookSecret: named('WebhookSecret', WebhookSecret),
  ReadResult: named('ReadResult', ReadResult),
  Attachment: named('Attachment', Attachment),
  PluginManifest: named('PluginManifest', PluginManifest),
  MeResult: named('MeResult', MeResult),
  PublicUser: named('PublicUser', PublicUser),
  PublicApiKey: named('PublicApiKey', PublicApiKey),
  ApiKeyWithSecret: named('ApiKeyWithSecret', ApiKeyWithSecret),
  DeliveryView: named('DeliveryView', DeliveryView),
  DeliveryPage: named('DeliveryPage', DeliveryPage),
  OpenApiDocument: named('OpenApiDocument', OpenApiDocumentSchema),
} as const;

const json = (schema: NamedSchema, required = true): RequestBody => ({ kind: 'json', schema, required });
const ok = (schema: NamedSchema, description: string, extra: { list?: boolean; linkHeader?: boolean } = {}) =>
  ({ kind: 'json', status: 200, schema, description, ...extra }) as const satisfies Success;
const created = (schema: NamedSchema, description: string) =>
  ({ kind: 'json', status: 201, schema, description }) as const satisfies Success;

const MESSAGE_ID = 'The message id.';
const CHANNEL_ID = 'The channel id.';
const STREAM_ID = "The stream's client-chosen id (`streamId` of the first message).";

export const OPERATIONS: readonly Operation[] = [
  // Meta (public, registered before authentication)
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tag: 'Meta',
    auth: 'public',
    success: ok(S.OpenApiDocument, 'The OpenAPI 3.1 document of this API.'),
    errors: [],
  },
  {
    method: 'get',
    path: '/oauth/callback',
    operationId: 'oauthCallback',
    summary: 'OAuth relay (not supported)',
    description: "The original's OAuth relay. This server does not support it and always answers 501.",
    tag: 'Meta',
    auth: 'public',
    success: { kind: 'notImplemented', description: 'Always: the OAuth relay is not supported.' },
    errors: [],
  },

  // Account (humans)
  {
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The signed-in human',
    tag: 'Account',
    auth: 'user',
    success: ok(S.MeResult, 'The user.'),
    errors: [403],
  },
  {
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: "List the human's API keys",
    tag: 'Account',
    auth: 'user',
    success: ok(S.PublicApiKey, 'The keys, without their secret values.', { list: true }),
    errors: [403],
  },
  {
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description: 'The raw key (`hp_` + 48 hex) is returned in `key` this once; only its hash is stored.',
    tag: 'Account',
    auth: 'user',
    body: json(named('ApiKeyCreateBody', ApiKeyCreateBody), false),
    success: created(S.ApiKeyWithSecret, 'The key, with its raw value.'),
    errors: [403, 404],
  },
  {
    method: 'delete',
    path: '/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tag: 'Account',
    auth: 'user',
    params: { id: 'The API key id.' },
    success: ok(S.DeleteResult, 'Revoked.'),
    errors: [403, 404],
  },
  {
    method: 'post',
    path: '/api-keys/:id/rotate',
    operationId: 'rotateApiKey',
    summary: 'Rotate an API key',
    description: 'The old value stops working at once; the new raw key is returned this once.',
    tag: 'Account',
    auth: 'user',
    params: { id: 'The API key id.' },
    success: ok(S.ApiKeyWithSecret, 'The key, with its new raw value.'),
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users (owners)',
    tag: 'Account',
    auth: 'user',
    success: ok(S.PublicUser, 'Every user, without password hashes.', { list: true }),
    errors: [403],
  },
  {
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user (owners)',
    tag: 'Account',
    auth: 'user',
    body: json(named('UserCreateBody', UserCreateBody)),
    success: created(S.PublicUser, 'The user.'),
    errors: [403, 409],
  },
  {
    method: 'delete',
    path: '/users/:id',
    operationId: 'deleteUser',
    summary: 'Delete a user (owners)',
    tag: 'Account',
    auth: 'user',
    params: { id: 'The user id.' },
    success: ok(S.DeleteResult, 'Deleted.'),
    errors: [403, 404],
  },

  // Agents (channels)
  {
    method: 'get',
    path: '/agents',
    operationId: 'listAgents',
    summary: 'List channels',
    description:
      "An agent's key lists its owner's channels; a signed-in human also gets `unreadCount`, `lastMessage` and `lastMessageAt`.",
    tag: 'Agents',
    auth: 'either',
    success: ok(S.AgentListItem, 'The channels.', { list: true }),
    errors: [],
  },
  {
    method: 'post',
    path: '/agents',
    operationId: 'createAgent',
    summary: 'Create a channel',
    tag: 'Agents',
    auth: 'either',
    body: json(named('ChannelCreate', ChannelCreate)),
    success: created(S.Channel, 'The channel.'),
    errors: [403],
  },
  {
    method: 'post',
    path: '/agents/setWebhook',
    operationId: 'setWebhook',
    summary: "Set a channel's webhook",
    description:
      'Headers and auth that are absent are cleared. The signing secret is returned the first time one is made. `management` is refused with 501.',
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetWebhook', SetWebhook)),
    success: ok(S.ChannelWithSecret, 'The channel (and `webhookSecret` when it was just made).'),
    errors: [404, 501],
  },
  {
    method: 'post',
    path: '/agents/deleteWebhook',
    operationId: 'deleteWebhook',
    summary: "Remove a channel's webhook",
    tag: 'Agents',
    auth: 'either',
    body: json(named('DeleteWebhook', DeleteWebhook)),
    success: ok(S.Channel, 'The channel.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/agents/setTag',
    operationId: 'setTag',
    summary: "Set or clear a channel's tag",
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetTag', SetTag)),
    success: ok(S.Channel, 'The channel.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/agents/setSubagent',
    operationId: 'setSubagent',
    summary: 'Make a channel a sub-agent of another, or not',
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetSubagent', SetSubagent)),
    success: ok(S.Channel, 'The channel.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/agents/setManagement',
    operationId: 'setManagement',
    summary: 'Agent-runtime management credentials (not supported)',
    description:
      'The body is validated (400) and the channel checked (404), then the call is refused with 501.',
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetManagement', SetManagement)),
    success: {
      kind: 'notImplemented',
      description: 'Always, after validation: management is not supported.',
    },
    errors: [404],
  },
  {
    method: 'post',
    path: '/agents/:id/webhook-secret/rotate',
    operationId: 'rotateWebhookSecret',
    summary: "Rotate a channel's webhook signing secret",
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    success: ok(S.WebhookSecret, 'The new secret, shown this once.'),
    errors: [404],
  },
  {
    method: 'put',
    path: '/agents/:id/commands',
    operationId: 'setAgentCommands',
    summary: "Replace a channel's slash commands",
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    body: json(named('ChannelCommands', ChannelCommands)),
    success: ok(S.Channel, 'The channel.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/agents/:id/read',
    operationId: 'markAgentRead',
    summary: 'Mark a channel read',
    tag: 'Agents',
    auth: 'user',
    params: { id: CHANNEL_ID },
    success: ok(S.ReadResult, 'Read up to now.'),
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/agents/:id',
    operationId: 'getAgent',
    summary: 'Get a channel',
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    success: ok(S.Channel, 'The channel.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/agents/:id/status-history',
    operationId: 'getAgentStatusHistory',
    summary: "A channel's status transitions",
    description:
      'Newest first: each change of `status` (with its message) the agent reported or the sweeper made.',
    tag: 'Status',
    auth: 'either',
    params: { id: CHANNEL_ID },
    query: StatusHistoryQuery,
    success: ok(named('StatusHistoryEntry', StatusHistoryEntry), 'The transitions.', { list: true }),
    errors: [404],
  },
  {
    method: 'patch',
    path: '/agents/:id',
    operationId: 'updateAgent',
    summary: 'Update a channel',
    description: 'An absent key is left alone; `null` clears.',
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    body: json(named('ChannelUpdate', ChannelUpdate)),
    success: ok(S.Channel, 'The channel.'),
    errors: [404],
  },
  {
    method: 'delete',
    path: '/agents/:id',
    operationId: 'deleteAgent',
    summary: 'Delete a channel',
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    success: ok(S.DeleteResult, 'Deleted, with its messages and files.'),
    errors: [404],
  },

  // Messages
  {
    method: 'post',
    path: '/messages',
    operationId: 'createMessage',
    summary: 'Send a message',
    description:
      'Text, a status, a review for a human to answer, files (`attachmentIds`, `textAttachments`), or the first chunk of a stream (`streamId`).',
    tag: 'Messages',
    auth: 'either',
    body: json(named('MessageCreate', MessageCreate)),
    success: created(S.Message, 'The message.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/messages',
    operationId: 'listMessages',
    summary: "List a channel's messages",
    description: 'Newest first; pass `nextCursor` as `cursor` for the next page.',
    tag: 'Messages',
    auth: 'either',
    query: MessageListQuery,
    success: ok(S.MessagePage, 'A page of messages.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/messages/iterations/:id',
    operationId: 'getMessageIterations',
    summary: 'The iteration chain of a message',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.IterationChain, 'The chain, root first.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/messages/:id',
    operationId: 'getMessage',
    summary: 'Get a message',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.Message, 'The message.'),
    errors: [404],
  },
  {
    method: 'delete',
    path: '/messages/:id',
    operationId: 'deleteMessage',
    summary: 'Delete a message',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.DeleteResult, 'Deleted.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/messages/:id/ack',
    operationId: 'ackMessage',
    summary: 'Acknowledge a message',
    description: 'Marks a human message as received by the agent (`deliveryStatus: agent_received`).',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.AckResult, 'Acknowledged.'),
    errors: [404],
  },

  // Streams
  {
    method: 'patch',
    path: '/messages/streams/:streamId',
    operationId: 'patchStream',
    summary: 'Update a streamed message',
    description: '`text` is the full accumulated text, not a delta. `complete: true` ends the stream.',
    tag: 'Streams',
    auth: 'either',
    params: { streamId: STREAM_ID },
    body: json(named('StreamPatch', StreamPatch)),
    success: ok(S.Message, 'The message.'),
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/messages/streams/:streamId/status',
    operationId: 'addStreamStatus',
    summary: 'Add a progress step to a stream',
    tag: 'Streams',
    auth: 'either',
    params: { streamId: STREAM_ID },
    body: json(named('StatusStepCreate', StatusStepCreate)),
    success: created(S.StatusEvent, 'The step.'),
    errors: [404],
  },

  // Reviews
  {
    method: 'get',
    path: '/reviews',
    operationId: 'listReviews',
    summary: 'The inbox: reviews across channels',
    description:
      'By status and type, newest first, paged with `cursor`. `readIds` names the messages of the page that the caller has marked read (`POST /reviews/{id}/read`).',
    tag: 'Reviews',
    auth: 'user',
    query: InboxQuery,
    success: ok(
      S.InboxPage,
      'A page of messages carrying reviews, with the ids of those the caller has read.',
    ),
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/reviews/count',
    operationId: 'countReviews',
    summary: 'Count the inbox',
    description:
      'How many reviews match the inbox filters (`status` pending by default, `channel`, `type`), and how many of those the caller has not marked read. One indexed count, however large the inbox.',
    tag: 'Reviews',
    auth: 'user',
    query: InboxCountQuery,
    success: ok(S.InboxCount, 'The count and the unread count.'),
    errors: [403, 404],
  },
  {
    method: 'post',
    path: '/reviews/:id/read',
    operationId: 'markReviewRead',
    summary: 'Mark a review read',
    description:
      'Read state is per user and per review, stored on the server. Idempotent: a second call keeps, and answers, the time of the first. 404 when the message is not yours or carries no review.',
    tag: 'Reviews',
    auth: 'user',
    params: { id: MESSAGE_ID },
    success: ok(S.ReviewReadResult, 'Read (since `readAt`).'),
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/reviews/pending',
    operationId: 'listPendingReviews',
    summary: 'Pending reviews',
    description: 'A bare array, capped; a `Link: rel="next"` header says when there is more.',
    tag: 'Reviews',
    auth: 'either',
    query: OptionalChannelQuery,
    success: ok(S.Message, 'Messages with a pending review.', { list: true, linkHeader: true }),
    errors: [404],
  },
  {
    method: 'get',
    path: '/reviews/:id/wait',
    operationId: 'waitForReview',
    summary: 'Long-poll for the answer to a review',
    description:
      'Holds the request until the review is answered or expires, or `timeout` ms pass (at least 1000, at most 30000; then `status: timeout`). Each call counts once towards the rate limit; the time it is held is free. Waits held open at once are capped per API key and per user: beyond the cap, 429 `RATE_LIMITED` with `Retry-After`.',
    tag: 'Reviews',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: WaitQuery,
    success: ok(S.WaitResult, 'Completed, expired, or timed out.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/reviews/:id',
    operationId: 'getReview',
    summary: 'Get the message of a review',
    tag: 'Reviews',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.Message, 'The message with its review.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/reviews/:id/respond',
    operationId: 'respondToReview',
    summary: 'Answer a review',
    description:
      "`response` is checked against the review type's schema. 409 when already answered or expired.",
    tag: 'Reviews',
    auth: 'user',
    params: { id: MESSAGE_ID },
    body: json(named('RespondReview', RespondReview)),
    success: ok(S.Message, 'The message with the completed review.'),
    errors: [403, 404, 409],
  },

  // Deliveries (humans)
  {
    method: 'get',
    path: '/messages/:id/deliveries',
    operationId: 'listMessageDeliveries',
    summary: "A message's webhook delivery log",
    description:
      'Every webhook delivery of the message (in practice one per answered or expired review), each with all its attempts: time, HTTP status (`null` when no answer arrived), error and duration. Headers and body are never shown (headers may hold credentials). Only the owner of the message sees it.',
    tag: 'Deliveries',
    auth: 'user',
    params: { id: MESSAGE_ID },
    success: ok(S.DeliveryView, 'The deliveries, with their attempts.', { list: true }),
    errors: [403, 404],
  },
  {
    method: 'get',
    path: '/agents/:id/deliveries',
    operationId: 'listAgentDeliveries',
    summary: "A channel's webhook delivery log",
    description:
      "Every webhook delivery of the channel, newest first, each with all its attempts, as in a message's delivery log (never headers or body). Paged: `limit` 25 by default, at most 100; pass `nextCursor` as `cursor` for the next page.",
    tag: 'Deliveries',
    auth: 'user',
    params: { id: CHANNEL_ID },
    query: DeliveryListQuery,
    success: ok(S.DeliveryPage, 'A page of deliveries, with their attempts.'),
    errors: [403, 404],
  },
  {
    method: 'post',
    path: '/deliveries/:id/redrive',
    operationId: 'redriveDelivery',
    summary: 'Send a finished delivery again',
    description:
      'Queues a delivered or failed delivery again, due now, with the same body and the same `webhook-id` (receivers deduplicate on it); it is signed afresh when sent. 409 while it is still pending.',
    tag: 'Deliveries',
    auth: 'user',
    params: { id: 'The delivery id (its `webhook-id`).' },
    success: ok(S.DeliveryView, 'The delivery, pending again.'),
    errors: [403, 404, 409],
  },

  // Files
  {
    method: 'get',
    path: '/files',
    operationId: 'listFiles',
    summary: "List a channel's files",
    description: 'Newest first, capped; a `Link: rel="next"` header says when there is more.',
    tag: 'Files',
    auth: 'either',
    query: ChannelQuery,
    success: ok(S.Attachment, 'The files.', { list: true, linkHeader: true }),
    errors: [404],
  },
  {
    method: 'post',
    path: '/files/upload',
    operationId: 'uploadFile',
    summary: 'Upload a file as a message',
    description: 'Creates an agent message carrying the file (and `text`). Field order does not matter.',
    tag: 'Files',
    auth: 'either',
    body: { kind: 'multipart', fields: FileUploadFields, file: 'file' },
    success: created(S.Attachment, 'The stored file, linked to its new message.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/files/store',
    operationId: 'storeFile',
    summary: 'Store a file to attach later',
    description: 'Keeps the file unlinked; send its id in `attachmentIds` of a message.',
    tag: 'Files',
    auth: 'either',
    body: { kind: 'multipart', fields: FileStoreFields, file: 'file' },
    success: created(S.Attachment, 'The stored file.'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/files/store-text',
    operationId: 'storeTextFile',
    summary: 'Store text as a file to attach later',
    tag: 'Files',
    auth: 'either',
    body: json(named('StoreText', StoreText)),
    success: created(S.Attachment, 'The stored file.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/files/:id/download',
    operationId: 'downloadFile',
    summary: 'Download a file',
    description:
      'One `bytes=` range is honoured (206); other range forms serve the whole file. Active types are always sent as `attachment`.',
    tag: 'Files',
    auth: 'either',
    params: { id: 'The file id.' },
    success: { kind: 'binary', description: 'The whole file.' },
    errors: [404],
  },

  // Status
  {
    method: 'post',
    path: '/status/ping',
    operationId: 'statusPing',
    summary: "Report the agent's status",
    tag: 'Status',
    auth: 'either',
    body: json(named('StatusPing', StatusPing)),
    success: created(S.Channel, 'The channel with its new status.'),
    errors: [404],
  },

  // Plugins
  {
    method: 'get',
    path: '/plugins',
    operationId: 'listPlugins',
    summary: 'List installed plugins',
    tag: 'Plugins',
    auth: 'either',
    success: ok(S.PluginManifest, 'The manifests.', { list: true }),
    errors: [],
  },
  {
    method: 'get',
    path: '/plugins/:name',
    operationId: 'getPlugin',
    summary: "A plugin's manifest",
    tag: 'Plugins',
    auth: 'either',
    params: { name: 'The plugin name.' },
    success: ok(S.PluginManifest, 'The manifest.'),
    errors: [404],
  },
  {
    method: 'get',
    path: '/plugins/:name/ui/:type',
    operationId: 'getReviewTypeUi',
    summary: "A review type's browser UI module",
    description:
      'The self-contained ES module that defines the custom element of the review type (`ui.element` in the manifest). Public: it is code, not data.',
    tag: 'Plugins',
    auth: 'public',
    params: { name: 'The plugin name.', type: 'The review type.' },
    success: { kind: 'script', description: 'The ES module.' },
    errors: [404],
  },
];
