import { z } from 'zod';
import {
  AgentListItem,
  ApiKeyCreateBody,
  ApiKeyWithSecret,
  ChannelWithSecret,
  DeliveryPage,
  DeliveryView,
  ErrorBodySchema,
  MeResult,
  PublicApiKey,
  PublicUser,
  ReadResult,
  UserCreate,
  WebhookSecret,
} from '../contract/account.js';
import { AuditExportQuery, AuditPage, AuditPageQuery, MAX_AUDIT_EXPORT } from '../contract/audit.js';
import {
  Channel,
  ChannelCommands,
  ChannelCreate,
  ChannelUpdate,
  DeleteWebhook,
  SetManagement,
  SetSubagent,
  SetTag,
  SetWebhook,
  StatusHistoryEntry,
  StatusHistoryQuery,
  StatusPing,
} from '../contract/channel.js';
import { Id, JsonObject } from '../contract/common.js';
import { DeliveryListQuery, WebhookCheck, WebhookCheckBody } from '../contract/delivery.js';
import { FileUploadFields, StoreText } from '../contract/files.js';
import { Group, GroupCreate, GroupUpdate } from '../contract/groups.js';
import {
  InboxCount,
  InboxCountQuery,
  InboxPage,
  InboxReadFilter,
  InboxReadResult,
  ReviewReadResult,
} from '../contract/inbox.js';
import {
  AckResult,
  Attachment,
  ChannelQuery,
  DeleteResult,
  IterationChain,
  Message,
  MessageCreate,
  MessageListQuery,
  MessagePage,
  ReviewQuery,
  StatusEvent,
  StatusStepCreate,
  StreamPatch,
} from '../contract/message.js';
import { NotificationPreferences, NotificationPreferencesUpdate } from '../contract/notifications.js';
import { PluginManifest } from '../contract/plugin-manifest.js';
import { ReceiptJwks, ReceiptKeyRotation, ReviewReceipt } from '../contract/receipt.js';
import { InboxQuery, RespondReview } from '../contract/review.js';
import { WaitQuery, WaitResult } from '../contract/wait.js';
import { AVATAR_TYPES, MAX_AVATAR_BYTES } from '../domain/avatar.js';
import type { Principal } from '../domain/principal.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { uiModuleBody } from '../plugins/ui-module-body.js';
import { contentDisposition, parseRange, servedAs } from './file-replies.js';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiDocumentOptions } from './openapi.js';
import {
  type AnyOperation,
  defineOperation,
  type NamedSchema,
  named,
  type OperationRequest,
  reply,
} from './operation.js';

/** The tags of the OpenAPI document, in order, with their descriptions. */
export const TAGS = {
  Agents: 'Channels ("agents"): create, configure, webhooks, commands, sub-agents.',
  Messages: 'Messages of a channel: send, list, search, acknowledge, iterations.',
  Streams: 'Streamed agent replies: patch the text, add progress steps.',
  Reviews: 'Reviews a human answers: pending list, inbox, long-poll wait, respond.',
  Files: 'Files: multipart upload, text files, list, download with Range.',
  Deliveries:
    "Webhook deliveries (humans): a message's or a channel's delivery log with every attempt, and redrive.",
  Status: "The agent's liveness status.",
  Receipts:
    'Signed receipts of completed reviews (compact JWS, EdDSA): the receipt of a review, the public keys that verify it (JWKS), key rotation.',
  Audit:
    'The audit log of reviews (humans): who did what to each review, through which path, append-only and hash-chained per owner; exported as NDJSON or CSV and verifiable offline.',
  Plugins: 'Review-type and renderer plugins installed on the server.',
  Account: 'The signed-in human: profile, API keys, users (owners) and groups.',
  Meta: 'This document and unsupported endpoints of the original API.',
} as const;
export type Tag = keyof typeof TAGS;

/** `GET /openapi.json`: this document. */
const OpenApiDocumentSchema = JsonObject.describe('An OpenAPI 3.1 document');

/** A query value the original reads leniently: only a non-empty string counts (arrays never 400). */
const LooseString = z.unknown().transform((v) => (typeof v === 'string' && v.length > 0 ? v : undefined));

/** Query of `GET /reviews/pending`: an optional channel and the cursor of a `Link: rel="next"`. */
const PendingQuery = z.object({ channel: Id.optional(), cursor: LooseString.optional() });

/** Query of `GET /files`: the channel, and `cursor` / `limit` (up to the list cap) of a `Link: rel="next"`. */
const FileListQuery = ChannelQuery.extend({
  cursor: LooseString.optional(),
  limit: LooseString.optional(),
});

/** Query of `GET /agents/:id/avatar`: `v`, the avatar's version the URL names (any value is taken). */
const AvatarQuery = z.object({ v: LooseString.optional() });

/** Fields of `POST /files/store` (a `text` field is not used there). */
const FileStoreFields = FileUploadFields.pick({ channelId: true });

const S = {
  Message: named('Message', Message),
  Attachment: named('Attachment', Attachment),
  Channel: named('Channel', Channel),
  DeleteResult: named('DeleteResult', DeleteResult),
  DeliveryView: named('DeliveryView', DeliveryView),
  PluginManifest: named('PluginManifest', PluginManifest),
  PublicUser: named('PublicUser', PublicUser),
  ApiKeyWithSecret: named('ApiKeyWithSecret', ApiKeyWithSecret),
  Group: named('Group', Group),
} as const;

/** The error body of every 4xx/5xx answer, under its name in `components.schemas`. */
export const ERROR_BODY: NamedSchema = named('ErrorBody', ErrorBodySchema);

const json = <B extends z.ZodType>(schema: NamedSchema<B>, required = true) =>
  ({ kind: 'json', schema, required }) as const;
const multipart = (fields: z.ZodObject) => ({ kind: 'multipart', fields, file: 'file' }) as const;
/** A multipart body with only a `file` part, whose channel is the path's `:id`. */
const channelFile = () =>
  ({ kind: 'multipart', fields: z.object({}), file: 'file', channelParam: 'id' }) as const;
const ok = <O extends z.ZodType>(schema: NamedSchema<O>, description: string) =>
  ({ kind: 'json', status: 200, schema, description }) as const;
const okList = <O extends z.ZodType>(schema: NamedSchema<O>, description: string) =>
  ({ kind: 'json', status: 200, schema, description, list: true }) as const;
const okLinkedList = <O extends z.ZodType>(schema: NamedSchema<O>, description: string) =>
  ({ kind: 'json', status: 200, schema, description, list: true, linkHeader: true }) as const;
const created = <O extends z.ZodType>(schema: NamedSchema<O>, description: string) =>
  ({ kind: 'json', status: 201, schema, description }) as const;

const MESSAGE_ID = 'The message id.';
const CHANNEL_ID = 'The channel id.';
const STREAM_ID = "The stream's client-chosen id (`streamId` of the first message).";
const GROUP_NAME = 'The group name.';

/**
 * RFC 9110 `If-None-Match`: `*`, or a list of entity tags compared weakly (`W/"x"` matches `"x"`).
 */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.trim() === '*' || header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/** The URL path (under the API's mount path) of the UI module of review type `type` of plugin `name`. */
export function uiModulePath(baseUrl: string, name: string, type: string): string {
  return `${baseUrl}/plugins/${encodeURIComponent(name)}/ui/${encodeURIComponent(type)}`;
}

/** A manifest with each review type's `ui.module` pointing at the module the API serves. */
function withUiModules(request: OperationRequest, manifest: PluginManifest): PluginManifest {
  return {
    ...manifest,
    reviewTypes: manifest.reviewTypes.map((t) =>
      t.ui
        ? {
            ...t,
            ui: { element: t.ui.element, module: uiModulePath(request.baseUrl, manifest.name, t.type) },
          }
        : t,
    ),
  };
}

/**
 * Every operation of the `/api/v1` API, one definition each, in the order an adapter registers them (a
 * literal path before a parameter that would match it: `/reviews/pending` before `/reviews/:id`).
 */
/** How a human's request reached Placet, for the audit log: a signed-in session is the dashboard. */
const pathOf = (principal: Principal): string =>
  principal.kind === 'user' && principal.sessionId !== undefined ? 'dashboard' : 'api';

export const OPERATIONS: readonly AnyOperation[] = [
  // Meta (public)
  defineOperation({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI 3.1 document',
    tag: 'Meta',
    auth: 'public',
    success: ok(named('OpenApiDocument', OpenApiDocumentSchema), 'The OpenAPI 3.1 document of this API.'),
    errors: [],
    // The server URL is where the API is mounted, so `app.use('/api/v1', …)` documents `/api/v1`.
    handler: ({ placet, request }) =>
      reply({
        status: 200,
        headers: { 'Cache-Control': 'no-cache' },
        json: openApiDocument({ serverUrl: request.baseUrl || '/' }, placet.api),
      }),
  }),
  defineOperation({
    method: 'get',
    path: '/oauth/callback',
    operationId: 'oauthCallback',
    summary: 'OAuth relay (not supported)',
    description: "The original's OAuth relay. This server does not support it and always answers 501.",
    tag: 'Meta',
    auth: 'public',
    success: { kind: 'notImplemented', description: 'Always: the OAuth relay is not supported.' },
    errors: ['NOT_IMPLEMENTED'],
    handler: () => {
      throw new PlacetError('NOT_IMPLEMENTED', 'The OAuth relay is not supported by this server');
    },
  }),
  defineOperation({
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
    errors: ['NOT_FOUND'],
    // Revalidated on each load (its ETag), so that a plugin upgrade shows without a hard refresh; sent
    // brotli- or gzip-compressed when the browser accepts it (see `uiModuleBody`).
    handler: async ({ placet, params, request }) => {
      const { name = '', type = '' } = params;
      const ui = placet.plugins.ui(name, type);
      if (!ui)
        throw new PlacetError('NOT_FOUND', `Plugin "${name}" has no browser UI for review type "${type}"`);
      let sent: Awaited<ReturnType<typeof uiModuleBody>>;
      try {
        sent = await uiModuleBody(placet, ui.module, request.header('accept-encoding'));
      } catch {
        // The plugin names a module that is not on disk (not built): the operator must fix the install.
        throw new PlacetError(
          'NOT_FOUND',
          `The UI module of review type "${type}" is missing on this server`,
        );
      }
      const headers: Record<string, string> = {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        Vary: 'Accept-Encoding',
        ETag: sent.etag,
        ...(sent.encoding ? { 'Content-Encoding': sent.encoding } : {}),
      };
      if (matchesEtag(request.header('if-none-match'), sent.etag)) {
        void sent.body[Symbol.asyncIterator]().return?.();
        return reply({ status: 304, headers });
      }
      return reply({
        status: 200,
        headers: { ...headers, 'Content-Length': String(sent.size) },
        stream: sent.body,
      });
    },
  }),

  // Account (humans)
  defineOperation({
    method: 'get',
    path: '/me',
    operationId: 'getMe',
    summary: 'The signed-in human',
    tag: 'Account',
    auth: 'user',
    success: ok(named('MeResult', MeResult), 'The user.'),
    errors: [],
    handler: async ({ placet, principal, env }) => {
      const user = await placet.users.get(principal.userId);
      if (!user) throw new PlacetError('UNAUTHORIZED', 'User not found');
      const fileBytes = Math.min(env.fileBytes ?? placet.options.maxFileBytes, placet.options.maxFileBytes);
      return { user, limits: { fileBytes } };
    },
  }),
  defineOperation({
    method: 'get',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: "List the human's API keys",
    tag: 'Account',
    auth: 'user',
    success: okList(named('PublicApiKey', PublicApiKey), 'The keys, without their secret values.'),
    errors: [],
    handler: ({ placet, principal }) => placet.apiKeys.list(principal.userId),
  }),
  defineOperation({
    method: 'post',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description: 'The raw key (`hp_` + 48 hex) is returned in `key` this once; only its hash is stored.',
    tag: 'Account',
    auth: 'user',
    body: json(named('ApiKeyCreateBody', ApiKeyCreateBody), false),
    success: created(S.ApiKeyWithSecret, 'The key, with its raw value.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, body }) => {
      const { key, apiKey } = await placet.apiKeys.create(principal.userId, body);
      return { ...apiKey, key };
    },
  }),
  defineOperation({
    method: 'delete',
    path: '/api-keys/:id',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    tag: 'Account',
    auth: 'user',
    params: { id: 'The API key id.' },
    success: ok(S.DeleteResult, 'Revoked.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, params }) => {
      await placet.apiKeys.revoke(principal.userId, params.id ?? '');
      return { deleted: true } as const;
    },
  }),
  defineOperation({
    method: 'post',
    path: '/api-keys/:id/rotate',
    operationId: 'rotateApiKey',
    summary: 'Rotate an API key',
    description: 'The old value stops working at once; the new raw key is returned this once.',
    tag: 'Account',
    auth: 'user',
    params: { id: 'The API key id.' },
    success: ok(S.ApiKeyWithSecret, 'The key, with its new raw value.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, params }) => {
      const { key, apiKey } = await placet.apiKeys.rotate(principal.userId, params.id ?? '');
      return { ...apiKey, key };
    },
  }),
  defineOperation({
    method: 'get',
    path: '/notifications/preferences',
    operationId: 'getNotificationPreferences',
    summary: "The human's notification preferences",
    description:
      'For each notifier of the server (e-mail, web push, …): on or off, the events it reports, a digest period; ' +
      'and quiet hours in the time zone given. Notifiers never set show their defaults; `available` lists what ' +
      'each notifier can report.',
    tag: 'Account',
    auth: 'user',
    success: ok(named('NotificationPreferences', NotificationPreferences), 'The preferences.'),
    errors: [],
    handler: ({ placet, principal }) => placet.notifications.preferences(principal.userId),
  }),
  defineOperation({
    method: 'put',
    path: '/notifications/preferences',
    operationId: 'putNotificationPreferences',
    summary: 'Set notification preferences',
    description:
      'Replaces time zone and quiet hours, and the settings of the notifiers named (the others keep theirs). ' +
      'A notifier the server lacks, an event it cannot report or a digest it cannot send answers 400 with ' +
      'the path of the field.',
    tag: 'Account',
    auth: 'user',
    body: json(named('NotificationPreferencesUpdate', NotificationPreferencesUpdate)),
    success: ok(named('NotificationPreferences', NotificationPreferences), 'The preferences now.'),
    errors: [],
    handler: ({ placet, principal, body }) => placet.notifications.setPreferences(principal.userId, body),
  }),
  defineOperation({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users (owners)',
    tag: 'Account',
    auth: 'user',
    role: 'owner',
    success: okList(S.PublicUser, 'Every user, without password hashes.'),
    errors: [],
    handler: ({ placet }) => placet.users.list(),
  }),
  defineOperation({
    method: 'post',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user (owners)',
    tag: 'Account',
    auth: 'user',
    role: 'owner',
    body: json(named('UserCreateBody', UserCreate)),
    success: created(S.PublicUser, 'The user.'),
    errors: ['CONFLICT'],
    handler: ({ placet, body }) => placet.users.create(body),
  }),
  defineOperation({
    method: 'delete',
    path: '/users/:id',
    operationId: 'deleteUser',
    summary: 'Delete a user (owners)',
    tag: 'Account',
    auth: 'user',
    role: 'owner',
    params: { id: 'The user id.' },
    success: ok(S.DeleteResult, 'Deleted.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, params }) => {
      await placet.users.delete(principal, params.id ?? '');
      return { deleted: true } as const;
    },
  }),
  defineOperation({
    method: 'get',
    path: '/groups',
    operationId: 'listGroups',
    summary: 'List groups',
    description:
      "Every named group, by name, with its members' ids and display names: who `group:<name>` among a review's `assignees` names. For every signed-in human; owners change them.",
    tag: 'Account',
    auth: 'user',
    success: okList(S.Group, 'Every group.'),
    errors: [],
    handler: ({ placet }) => placet.groups.list(),
  }),
  defineOperation({
    method: 'post',
    path: '/groups',
    operationId: 'createGroup',
    summary: 'Create a group (owners)',
    description:
      'A name (a lower-case slug: `a-z`, `0-9`, `.`, `_`, `-`; at most 64 characters; it never changes), a display name (the name by default) and members (user ids or e-mails). A member that names nobody is a 400 at `members.N`; a taken name is a 409.',
    tag: 'Account',
    auth: 'user',
    role: 'owner',
    body: json(named('GroupCreateBody', GroupCreate)),
    success: created(S.Group, 'The group.'),
    errors: ['CONFLICT'],
    handler: ({ placet, body }) => placet.groups.create(body),
  }),
  defineOperation({
    method: 'put',
    path: '/groups/:name',
    operationId: 'updateGroup',
    summary: 'Change a group (owners)',
    description:
      'A new display name and/or the whole new member list (user ids or e-mails). Reviews created before keep the members they were given.',
    tag: 'Account',
    auth: 'user',
    role: 'owner',
    params: { name: GROUP_NAME },
    body: json(named('GroupUpdateBody', GroupUpdate)),
    success: ok(S.Group, 'The group now.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, params, body }) => placet.groups.update(params.name ?? '', body),
  }),
  defineOperation({
    method: 'delete',
    path: '/groups/:name',
    operationId: 'deleteGroup',
    summary: 'Delete a group (owners)',
    description: 'Reviews created with the group keep the assignees it named then.',
    tag: 'Account',
    auth: 'user',
    role: 'owner',
    params: { name: GROUP_NAME },
    success: ok(S.DeleteResult, 'Deleted.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, params }) => placet.groups.delete(params.name ?? ''),
  }),

  // Agents (channels)
  defineOperation({
    method: 'get',
    path: '/agents',
    operationId: 'listAgents',
    summary: 'List channels',
    description:
      "An agent's key lists its owner's channels; a signed-in human also gets `unreadCount`, `lastMessage` and `lastMessageAt`.",
    tag: 'Agents',
    auth: 'either',
    success: okList(named('AgentListItem', AgentListItem), 'The channels.'),
    errors: [],
    handler: ({ placet, principal }) =>
      principal.kind === 'user'
        ? placet.channels.listWithActivity(principal)
        : placet.channels.list(principal),
  }),
  defineOperation({
    method: 'post',
    path: '/agents',
    operationId: 'createAgent',
    summary: 'Create a channel',
    tag: 'Agents',
    auth: 'either',
    body: json(named('ChannelCreate', ChannelCreate)),
    success: created(S.Channel, 'The channel.'),
    errors: ['FORBIDDEN'],
    handler: ({ placet, principal, body }) => placet.channels.create(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/setWebhook',
    operationId: 'setWebhook',
    summary: "Set a channel's webhook",
    description:
      'Headers and auth that are absent are cleared. The signing secret is returned the first time one is made. `management` is refused with 501.',
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetWebhook', SetWebhook)),
    success: ok(
      named('ChannelWithSecret', ChannelWithSecret),
      'The channel (and `webhookSecret` when it was just made).',
    ),
    errors: ['NOT_FOUND', 'NOT_IMPLEMENTED'],
    handler: ({ placet, principal, body }) => placet.webhooks.setWebhook(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/deleteWebhook',
    operationId: 'deleteWebhook',
    summary: "Remove a channel's webhook",
    tag: 'Agents',
    auth: 'either',
    body: json(named('DeleteWebhook', DeleteWebhook)),
    success: ok(S.Channel, 'The channel.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.webhooks.deleteWebhook(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/setTag',
    operationId: 'setTag',
    summary: "Set or clear a channel's tag",
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetTag', SetTag)),
    success: ok(S.Channel, 'The channel.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.channels.setTag(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/setSubagent',
    operationId: 'setSubagent',
    summary: 'Make a channel a sub-agent of another, or not',
    tag: 'Agents',
    auth: 'either',
    body: json(named('SetSubagent', SetSubagent)),
    success: ok(S.Channel, 'The channel.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.channels.setSubagent(principal, body),
  }),
  defineOperation({
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
    errors: ['NOT_FOUND', 'NOT_IMPLEMENTED'],
    handler: ({ placet, principal, body }) => placet.webhooks.setManagement(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/:id/webhook-secret/rotate',
    operationId: 'rotateWebhookSecret',
    summary: "Rotate a channel's webhook signing secret",
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    success: ok(named('WebhookSecret', WebhookSecret), 'The new secret, shown this once.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) => placet.webhooks.rotateSecret(principal, params.id ?? ''),
  }),
  defineOperation({
    method: 'put',
    path: '/agents/:id/commands',
    operationId: 'setAgentCommands',
    summary: "Replace a channel's slash commands",
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    body: json(named('ChannelCommands', ChannelCommands)),
    success: ok(S.Channel, 'The channel.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, body }) =>
      placet.channels.setCommands(principal, params.id ?? '', body),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/:id/read',
    operationId: 'markAgentRead',
    summary: 'Mark a channel read',
    tag: 'Agents',
    auth: 'user',
    params: { id: CHANNEL_ID },
    success: ok(named('ReadResult', ReadResult), 'Read up to now.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) => placet.channels.markRead(principal, params.id ?? ''),
  }),
  defineOperation({
    method: 'get',
    path: '/agents/:id',
    operationId: 'getAgent',
    summary: 'Get a channel',
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    success: ok(S.Channel, 'The channel.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) => placet.channels.get(principal, params.id ?? ''),
  }),
  defineOperation({
    method: 'post',
    path: '/agents/:id/avatar',
    operationId: 'setAgentAvatar',
    summary: "Upload a channel's avatar",
    description: `Multipart, one \`file\` part: a PNG, JPEG, WebP or GIF image of at most ${MAX_AVATAR_BYTES} bytes (1 MiB), recognised by its bytes, not its declared type (SVG is refused: it can carry script). Sets \`avatarUrl\` to this API's \`GET /agents/{id}/avatar?v=…\`; a previous uploaded avatar is deleted. 413 over the limit, 415 for another type.`,
    tag: 'Agents',
    auth: 'user',
    params: { id: CHANNEL_ID },
    body: channelFile(),
    success: ok(S.Channel, 'The channel with its new `avatarUrl`.'),
    errors: ['NOT_FOUND', 'UNSUPPORTED_MEDIA_TYPE'],
    handler: ({ placet, principal, params, body, request }) =>
      placet.avatars.set(principal, params.id ?? '', body, { baseUrl: request.baseUrl }),
  }),
  defineOperation({
    method: 'get',
    path: '/agents/:id/avatar',
    operationId: 'getAgentAvatar',
    summary: "A channel's uploaded avatar",
    description:
      'The image with its type, `X-Content-Type-Options: nosniff`, and cached for good when `v` names the current avatar (the URL changes with every upload). 404 when the channel has no uploaded avatar.',
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    query: AvatarQuery,
    success: {
      kind: 'binary',
      description: 'The image (PNG, JPEG, WebP or GIF).',
      ranges: false,
      mediaTypes: Object.values(AVATAR_TYPES),
    },
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, params, query }) => {
      const avatar = await placet.avatars.open(principal, params.id ?? '');
      return reply({
        status: 200,
        headers: {
          'Content-Type': avatar.contentType,
          'Content-Length': String(avatar.size),
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': "default-src 'none'; sandbox",
          'Cache-Control':
            query.v === avatar.version ? 'private, max-age=31536000, immutable' : 'private, no-cache',
        },
        stream: avatar.body,
      });
    },
  }),
  defineOperation({
    method: 'delete',
    path: '/agents/:id/avatar',
    operationId: 'deleteAgentAvatar',
    summary: "Remove a channel's avatar",
    description: '`avatarUrl` becomes null; an uploaded image is deleted.',
    tag: 'Agents',
    auth: 'user',
    params: { id: CHANNEL_ID },
    success: ok(S.Channel, 'The channel without an avatar.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) => placet.avatars.remove(principal, params.id ?? ''),
  }),
  defineOperation({
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
    success: okList(named('StatusHistoryEntry', StatusHistoryEntry), 'The transitions.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.status.history(principal, params.id ?? '', query),
  }),
  defineOperation({
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
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, body }) =>
      placet.channels.update(principal, params.id ?? '', body),
  }),
  defineOperation({
    method: 'delete',
    path: '/agents/:id',
    operationId: 'deleteAgent',
    summary: 'Delete a channel',
    tag: 'Agents',
    auth: 'either',
    params: { id: CHANNEL_ID },
    success: ok(S.DeleteResult, 'Deleted, with its messages and files.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) => placet.channels.delete(principal, params.id ?? ''),
  }),

  // Messages
  defineOperation({
    method: 'post',
    path: '/messages',
    operationId: 'createMessage',
    summary: 'Send a message',
    description:
      'Text, a status, a review for a human to answer, files (`attachmentIds`, `textAttachments`), or the first chunk of a stream (`streamId`). A review may carry an approval policy: `assignees` (user ids, e-mails, roles, `group:<name>`; resolved to users now, 400 naming one that matches nobody), `policy` (`any`, `all` or `quorum` of `required` votes, `veto`) and `onTimeout` (`expire`, or a default `response` checked like a human answer).',
    tag: 'Messages',
    auth: 'either',
    body: json(named('MessageCreate', MessageCreate)),
    success: created(S.Message, 'The message.'),
    errors: [
      'NOT_FOUND',
      'UNKNOWN_REVIEW_TYPE',
      'INVALID_REVIEW_PAYLOAD',
      'INVALID_REVIEW_RESPONSE',
      'INVALID_EXPIRY',
    ],
    handler: ({ placet, principal, body }) => placet.messages.create(principal, body),
  }),
  defineOperation({
    method: 'get',
    path: '/messages',
    operationId: 'listMessages',
    summary: "List a channel's messages",
    description: 'Newest first; pass `nextCursor` as `cursor` for the next page.',
    tag: 'Messages',
    auth: 'either',
    query: MessageListQuery,
    success: ok(named('MessagePage', MessagePage), 'A page of messages.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, query }) => placet.messages.list(principal, query),
  }),
  defineOperation({
    method: 'get',
    path: '/messages/iterations/:id',
    operationId: 'getMessageIterations',
    summary: 'The iteration chain of a message',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(named('IterationChain', IterationChain), 'The chain, root first.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.messages.iterations(principal, params.id ?? '', query.channel),
  }),
  defineOperation({
    method: 'get',
    path: '/messages/:id',
    operationId: 'getMessage',
    summary: 'Get a message',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.Message, 'The message.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.messages.get(principal, params.id ?? '', query.channel),
  }),
  defineOperation({
    method: 'delete',
    path: '/messages/:id',
    operationId: 'deleteMessage',
    summary: 'Delete a message',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(S.DeleteResult, 'Deleted.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.messages.delete(principal, params.id ?? '', query.channel),
  }),
  defineOperation({
    method: 'post',
    path: '/messages/:id/ack',
    operationId: 'ackMessage',
    summary: 'Acknowledge a message',
    description: 'Marks a human message as received by the agent (`deliveryStatus: agent_received`).',
    tag: 'Messages',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(named('AckResult', AckResult), 'Acknowledged.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.messages.ack(principal, params.id ?? '', query.channel),
  }),

  // Streams
  defineOperation({
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
    errors: ['NOT_FOUND', 'CONFLICT'],
    handler: ({ placet, principal, params, body }) =>
      placet.streams.patch(principal, params.streamId ?? '', body),
  }),
  defineOperation({
    method: 'post',
    path: '/messages/streams/:streamId/status',
    operationId: 'addStreamStatus',
    summary: 'Add a progress step to a stream',
    tag: 'Streams',
    auth: 'either',
    params: { streamId: STREAM_ID },
    body: json(named('StatusStepCreate', StatusStepCreate)),
    success: created(named('StatusEvent', StatusEvent), 'The step.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, body }) =>
      placet.streams.addStep(principal, params.streamId ?? '', body),
  }),

  // Reviews
  defineOperation({
    method: 'get',
    path: '/reviews',
    operationId: 'listReviews',
    summary: 'The inbox: reviews across channels',
    description:
      "By status, type and `search` (1 to 200 characters: a case-insensitive substring of the review message's text, `%` and `_` literal; not the agent's name), newest first (`order=newest`, the default) or oldest first (`order=oldest`), paged with `cursor` (the `nextCursor` of the previous page, in either order). `scope=mine` (default): reviews in your channels; `scope=assigned`: reviews of any owner that name you as an assignee. `readIds` names the messages of the page that the caller has marked read (`POST /reviews/{id}/read`, `POST /reviews/read`).",
    tag: 'Reviews',
    auth: 'user',
    query: InboxQuery,
    success: ok(
      named('InboxPage', InboxPage),
      'A page of messages carrying reviews, with the ids of those the caller has read.',
    ),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, query }) => placet.reviews.list(principal, query),
  }),
  defineOperation({
    method: 'get',
    path: '/reviews/count',
    operationId: 'countReviews',
    summary: 'Count the inbox',
    description:
      'How many reviews match the inbox filters (`status` pending by default, `channel`, `type`, `search` as in `GET /reviews`), and how many of those the caller has not marked read. `scope=mine` (default): reviews in your channels; `scope=assigned`: reviews of any owner that name you as an assignee (`channel` does not apply), and with `excludeOwn=true` only those of other owners, so that `mine` plus that counts your inbox once. One indexed count, however large the inbox.',
    tag: 'Reviews',
    auth: 'user',
    query: InboxCountQuery,
    success: ok(named('InboxCount', InboxCount), 'The count and the unread count.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, query }) => placet.reviews.count(principal, query),
  }),
  defineOperation({
    method: 'post',
    path: '/reviews/read',
    operationId: 'markInboxRead',
    summary: 'Mark the inbox read',
    description:
      '"Mark all read": marks every review matching the inbox filters of the body (`status` pending by default, `channel`, `type`, `search`, as `GET /reviews/count` takes them) that you have not marked read, read now; a review already read keeps its `readAt`. `scope=mine`: your channels; `scope=assigned`: reviews of any owner that name you as an assignee (`channel` does not apply); no `scope`: both, as the inbox shows them. Answers how many it marked; emits one `inbox:read` event (`{ userId, filter, marked, readAt }`) to your own sessions when it marked any. One statement per scope, however large the inbox. Marking is not opening: the audit log records `review.shown` when a review is opened (`POST /reviews/{id}/read`), not here.',
    tag: 'Reviews',
    auth: 'user',
    body: json(named('InboxReadFilter', InboxReadFilter), false),
    success: ok(named('InboxReadResult', InboxReadResult), 'How many reviews this call marked read.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.reviews.markAllRead(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/reviews/:id/read',
    operationId: 'markReviewRead',
    summary: 'Mark a review read',
    description:
      'Read state is per user and per review, stored on the server. Idempotent: a second call keeps, and answers, the time of the first. 404 when the message is not yours or carries no review.',
    tag: 'Reviews',
    auth: 'user',
    params: { id: MESSAGE_ID },
    success: ok(named('ReviewReadResult', ReviewReadResult), 'Read (since `readAt`).'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) =>
      placet.reviews.markRead(principal, params.id ?? '', { via: pathOf(principal) }),
  }),
  defineOperation({
    method: 'get',
    path: '/reviews/pending',
    operationId: 'listPendingReviews',
    summary: 'Pending reviews',
    description: 'A bare array, capped; a `Link: rel="next"` header says when there is more.',
    tag: 'Reviews',
    auth: 'either',
    query: PendingQuery,
    success: okLinkedList(S.Message, 'Messages with a pending review.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, query, env }) => {
      const cap = env.listCap;
      const pending = await placet.reviews.listPending(principal, {
        ...(query.channel ? { channelId: query.channel } : {}),
        ...(query.cursor ? { cursor: query.cursor } : {}),
        limit: cap + 1,
      });
      if (pending.length <= cap) return pending;
      const next = {
        ...(query.channel ? { channel: query.channel } : {}),
        cursor: pending[cap - 1]!.id,
        limit: String(cap),
      };
      return reply({ status: 200, json: pending.slice(0, cap), next });
    },
  }),
  defineOperation({
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
    success: ok(named('WaitResult', WaitResult), 'Completed, expired, or timed out.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, params, query, request, env }) => {
      // Waits held at once are capped per API key and per user: over the cap, a 429 before any work.
      const slot = env.waits.acquire(principal, Math.min(query.timeout, placet.options.maxWaitMs));
      if (!slot.ok)
        throw new PlacetError('RATE_LIMITED', slot.message, { retryAfterSeconds: slot.retryAfterSeconds });
      try {
        // The client hanging up releases the waiter at once (the adapter aborts `signal`).
        return await placet.reviews.wait(principal, params.id ?? '', {
          channelId: query.channel,
          timeoutMs: query.timeout,
          signal: request.signal,
        });
      } finally {
        // Every path (answer, timeout, hang-up, error) gives the slot back.
        slot.release();
      }
    },
  }),
  defineOperation({
    method: 'get',
    path: '/reviews/:id',
    operationId: 'getReview',
    summary: 'Get the message of a review',
    tag: 'Reviews',
    description:
      "An agent names the review's channel (`channel`, required); a signed-in human may leave it out (a link to a review: its channel is looked up, and assignees of another owner's channel may read it).",
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ReviewQuery,
    success: ok(S.Message, 'The message with its review.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.reviews.get(
        principal,
        params.id ?? '',
        // An agent's request without `channel` is refused as before (400 naming `channel`).
        principal.kind === 'agent' ? parseOrThrow(ChannelQuery, query).channel : query.channel,
      ),
  }),
  defineOperation({
    method: 'get',
    path: '/reviews/:id/receipt',
    operationId: 'getReviewReceipt',
    summary: 'The signed receipt of an answered review',
    description:
      'A compact JWS (EdDSA, `typ: placet-receipt+jwt`, `kid` in the header) over `{ reviewId, reviewHash, decision, response, edits, votes, answeredBy, answeredAt, policy, iat }`, issued when a human answered the review. Verify it against `GET /receipts/jwks.json`. `404` `RECEIPT_NOT_ISSUED` while no human has completed the review.',
    tag: 'Receipts',
    auth: 'either',
    params: { id: MESSAGE_ID },
    query: ChannelQuery,
    success: ok(
      named('ReviewReceipt', ReviewReceipt),
      'The receipt, the reviewHash it binds and its key id.',
    ),
    errors: ['NOT_FOUND', 'RECEIPT_NOT_ISSUED'],
    handler: ({ placet, principal, params, query }) =>
      placet.receipts.get(principal, params.id ?? '', query.channel),
  }),
  defineOperation({
    method: 'post',
    path: '/reviews/:id/respond',
    operationId: 'respondToReview',
    summary: 'Answer a review',
    description:
      "`response` is checked against the review type's schema. 409 when already answered or expired. A review with `assignees` takes answers from them only (403 `NOT_ASSIGNED` for others, who may still read it); with a quorum policy each answer is one vote (409 `ALREADY_VOTED` for a second), and the vote that meets the policy completes the review — until then the answer returns the review still pending, with its votes. With `reviewHash` (what the human was shown), an answer to a review that changed since is refused with 409 `REVIEW_CHANGED` and nothing is recorded.",
    tag: 'Reviews',
    auth: 'user',
    params: { id: MESSAGE_ID },
    body: json(named('RespondReview', RespondReview)),
    success: ok(S.Message, 'The message with the review: completed, or still pending with the new vote.'),
    errors: [
      'NOT_FOUND',
      'INVALID_REVIEW_RESPONSE',
      'NOT_ASSIGNED',
      'REVIEW_NOT_PENDING',
      'ALREADY_VOTED',
      'REVIEW_CHANGED',
    ],
    handler: ({ placet, principal, params, body }) =>
      placet.reviews.respond(principal, params.id ?? '', body, { via: pathOf(principal) }),
  }),

  // Receipts
  defineOperation({
    method: 'get',
    path: '/receipts/jwks.json',
    operationId: 'getReceiptJwks',
    summary: 'The public keys that verify receipts (JWKS)',
    description:
      'Every receipt-signing public key, the current one and those rotated out (so old receipts still verify by `kid`). Public, cacheable for 60 seconds: a verifier that meets an unknown `kid` fetches it again.',
    tag: 'Receipts',
    auth: 'public',
    success: ok(named('ReceiptJwks', ReceiptJwks), 'A JSON Web Key Set of Ed25519 public keys.'),
    errors: [],
    handler: async ({ placet }) =>
      reply({
        status: 200,
        headers: { 'Cache-Control': 'public, max-age=60' },
        json: await placet.receipts.jwks(),
      }),
  }),
  defineOperation({
    method: 'post',
    path: '/receipts/keys/rotate',
    operationId: 'rotateReceiptKey',
    summary: 'Rotate the receipt-signing key',
    description:
      'Makes a new current signing key for the whole server; receipts signed before keep verifying with the old public key, which stays in the JWKS.',
    tag: 'Receipts',
    auth: 'user',
    role: 'owner',
    success: ok(named('ReceiptKeyRotation', ReceiptKeyRotation), 'The id (`kid`) of the new current key.'),
    errors: [],
    handler: ({ placet }) => placet.receipts.rotateKey(),
  }),

  // Audit (humans)
  defineOperation({
    method: 'get',
    path: '/audit',
    operationId: 'exportAuditLog',
    summary: 'Export your audit log (NDJSON or CSV)',
    description: `Your own audit chain, oldest first: every review created, shown (first opened by each human), voted, escalated, defaulted, completed, expired and receipt issued, with who did it and through which path. \`format=ndjson\` (the default: one JSON entry per line) or \`format=csv\` (RFC 4180 with a header row; \`data\` as JSON). At most \`limit\` entries (${MAX_AUDIT_EXPORT}, also the most) with \`seq\` after \`after\`; when more follow, a \`Link: rel="next"\` header names the next export. \`review\` keeps one review's entries (404 when your chain has none of it: another owner's review, an unknown id). Each entry carries \`prevHash\` and \`hash\` (SHA-256 of its canonical JSON): check a file with \`placet-audit verify <file>\` or \`verifyAuditChain()\` of \`@placet/core/receipts\`.`,
    tag: 'Audit',
    auth: 'user',
    query: AuditExportQuery,
    success: {
      kind: 'text',
      description: 'The entries, as a download (`Content-Disposition: attachment`).',
      mediaTypes: {
        'application/x-ndjson': 'One audit entry (JSON) per line.',
        'text/csv': 'A header row, then one audit entry per row (RFC 4180).',
      },
      linkHeader: true,
    },
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, query }) => {
      const file = await placet.audit.export(principal, query);
      return reply({
        status: 200,
        headers: {
          'Content-Type': file.contentType,
          'Content-Disposition': contentDisposition('attachment', file.filename),
          'Cache-Control': 'private, no-store',
          'X-Content-Type-Options': 'nosniff',
        },
        stream: file.body,
        ...(file.nextAfter === null
          ? {}
          : {
              next: {
                format: query.format,
                after: String(file.nextAfter),
                limit: String(query.limit),
                ...(query.review ? { review: query.review } : {}),
              },
            }),
      });
    },
  }),
  defineOperation({
    method: 'get',
    path: '/reviews/:id/audit',
    operationId: 'getReviewAudit',
    summary: "A review's audit entries",
    description:
      "The entries of one review, oldest first (`limit` 100 by default, at most 1000; `nextAfter` as `after` for the next page), as they are in the owner's chain: for the review's owner and its assignees. The owner still sees the entries of a review whose message was deleted.",
    tag: 'Audit',
    auth: 'user',
    params: { id: MESSAGE_ID },
    query: AuditPageQuery,
    success: ok(named('AuditPage', AuditPage), "A page of the review's audit entries."),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.audit.forReview(principal, params.id ?? '', query),
  }),

  // Deliveries (humans)
  defineOperation({
    method: 'get',
    path: '/messages/:id/deliveries',
    operationId: 'listMessageDeliveries',
    summary: "A message's webhook delivery log",
    description:
      'Every webhook delivery of the message (in practice one per answered or expired review), each with all its attempts: time, HTTP status (`null` when no answer arrived), error and duration. Headers and body are never shown (headers may hold credentials). Only the owner of the message sees it.',
    tag: 'Deliveries',
    auth: 'user',
    params: { id: MESSAGE_ID },
    success: okList(S.DeliveryView, 'The deliveries, with their attempts.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params }) => placet.deliveries.listForMessage(principal, params.id ?? ''),
  }),
  defineOperation({
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
    success: ok(named('DeliveryPage', DeliveryPage), 'A page of deliveries, with their attempts.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, params, query }) =>
      placet.deliveries.listForChannel(principal, params.id ?? '', query),
  }),
  defineOperation({
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
    errors: ['NOT_FOUND', 'CONFLICT'],
    handler: ({ placet, principal, params }) => placet.deliveries.redrive(principal, params.id ?? ''),
  }),
  defineOperation({
    method: 'post',
    path: '/webhooks/check',
    operationId: 'checkWebhookTarget',
    summary: 'Check a webhook URL against the outbound rules',
    description:
      "Asks the server's webhook sender whether its outbound rules (the SSRF guard) would refuse `url`, without sending anything: `{ ok: false, checked: true, reason }` when every delivery to it would be refused (`reason` is short and never names the host: `private address`, `resolves to loopback address`, `loopback hostname`, `dns ENOTFOUND` …), `{ ok: true, checked: true }` when it would be sent, `{ ok: true, checked: false }` when the sender cannot check in advance. A name is resolved (as a delivery would); nothing is connected to. Saving a webhook never depends on it: the host may allow the address later.",
    tag: 'Deliveries',
    auth: 'user',
    body: json(named('WebhookCheckBody', WebhookCheckBody)),
    success: ok(named('WebhookCheck', WebhookCheck), "The outbound rules' verdict on the URL."),
    errors: [],
    handler: ({ placet, principal, body }) => placet.deliveries.checkTarget(principal, body.url),
  }),

  // Files
  defineOperation({
    method: 'get',
    path: '/files',
    operationId: 'listFiles',
    summary: "List a channel's files",
    description: 'Newest first, capped; a `Link: rel="next"` header says when there is more.',
    tag: 'Files',
    auth: 'either',
    query: FileListQuery,
    success: okLinkedList(S.Attachment, 'The files.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, query, env }) => {
      // `cursor` (a file id) continues after that file; `limit` up to the cap. Keyset-paged in the store.
      const cap = Math.min(env.listCap, Math.max(1, Number(query.limit ?? env.listCap) || env.listCap));
      const page = await placet.files.list(principal, query.channel, { limit: cap, cursor: query.cursor });
      if (!page.nextCursor) return page.items;
      const next = { channel: query.channel, limit: String(cap), cursor: page.nextCursor };
      return reply({ status: 200, json: page.items, next });
    },
  }),
  defineOperation({
    method: 'post',
    path: '/files/upload',
    operationId: 'uploadFile',
    summary: 'Upload a file as a message',
    description: 'Creates an agent message carrying the file (and `text`). Field order does not matter.',
    tag: 'Files',
    auth: 'either',
    body: multipart(FileUploadFields),
    success: created(S.Attachment, 'The stored file, linked to its new message.'),
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, body }) => (await placet.files.upload(principal, body)).attachment,
  }),
  defineOperation({
    method: 'post',
    path: '/files/store',
    operationId: 'storeFile',
    summary: 'Store a file to attach later',
    description: 'Keeps the file unlinked; send its id in `attachmentIds` of a message.',
    tag: 'Files',
    auth: 'either',
    body: multipart(FileStoreFields),
    success: created(S.Attachment, 'The stored file.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.files.store(principal, body),
  }),
  defineOperation({
    method: 'post',
    path: '/files/store-text',
    operationId: 'storeTextFile',
    summary: 'Store text as a file to attach later',
    tag: 'Files',
    auth: 'either',
    body: json(named('StoreText', StoreText)),
    success: created(S.Attachment, 'The stored file.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.files.storeText(principal, body),
  }),
  defineOperation({
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
    errors: ['NOT_FOUND'],
    handler: async ({ placet, principal, params, request }) => {
      const id = params.id ?? '';
      const info = await placet.files.info(principal, id);
      const range = parseRange(request.header('range'), info.size);
      if (range === 'unsatisfiable')
        return reply({ status: 416, headers: { 'Content-Range': `bytes */${info.size}` } });
      const file = await placet.files.open(principal, id, range ? { range } : {});
      // Built from an allow-list, never copied from the stored type (older rows, other writers).
      const served = servedAs(info.mimeType);
      const headers: Record<string, string> = {
        'Content-Type': served.contentType,
        'Content-Disposition': contentDisposition(served.disposition, info.filename),
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy': "default-src 'none'; sandbox",
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'private, no-store',
      };
      if (!file.range)
        return reply({
          status: 200,
          headers: { ...headers, 'Content-Length': String(file.size) },
          stream: file.body,
        });
      return reply({
        status: 206,
        headers: {
          ...headers,
          'Content-Range': `bytes ${file.range.start}-${file.range.end}/${file.size}`,
          'Content-Length': String(file.range.end - file.range.start + 1),
        },
        stream: file.body,
      });
    },
  }),

  // Status
  defineOperation({
    method: 'post',
    path: '/status/ping',
    operationId: 'statusPing',
    summary: "Report the agent's status",
    tag: 'Status',
    auth: 'either',
    body: json(named('StatusPing', StatusPing)),
    success: created(S.Channel, 'The channel with its new status.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, principal, body }) => placet.status.ping(principal, body),
  }),

  // Plugins
  defineOperation({
    method: 'get',
    path: '/plugins',
    operationId: 'listPlugins',
    summary: 'List installed plugins',
    tag: 'Plugins',
    auth: 'either',
    success: okList(S.PluginManifest, 'The manifests.'),
    errors: [],
    handler: ({ placet, request }) =>
      placet.plugins.list().map((manifest) => withUiModules(request, manifest)),
  }),
  defineOperation({
    method: 'get',
    path: '/plugins/:name',
    operationId: 'getPlugin',
    summary: "A plugin's manifest",
    tag: 'Plugins',
    auth: 'either',
    params: { name: 'The plugin name.' },
    success: ok(S.PluginManifest, 'The manifest.'),
    errors: ['NOT_FOUND'],
    handler: ({ placet, params, request }) => {
      const manifest = placet.plugins.get(params.name ?? '');
      if (!manifest) throw new PlacetError('NOT_FOUND', `Plugin "${params.name}" not found`);
      return withUiModules(request, manifest);
    },
  }),
];

const documents = new WeakMap<object, Map<string, OpenApiDocument>>();
const CORE_TABLE = { operations: OPERATIONS, tags: TAGS };

/**
 * The OpenAPI 3.1 document of a table of operations (the core's by default; an instance's, with its
 * plugins' routes, is `placet.api`), generated from the zod contract: request bodies and queries document
 * the input side of their schemas, responses the output side. Built once per table and options, frozen
 * and shared.
 */
export function openApiDocument(
  options: OpenApiDocumentOptions = {},
  table: {
    readonly operations: readonly AnyOperation[];
    readonly tags: Readonly<Record<string, string>>;
  } = CORE_TABLE,
): OpenApiDocument {
  const key = JSON.stringify([options.serverUrl, options.title, options.version]);
  let cache = documents.get(table);
  if (!cache) {
    cache = new Map();
    documents.set(table, cache);
  }
  const cached = cache.get(key);
  if (cached) return cached;
  const document = buildOpenApiDocument(table.operations, table.tags, ERROR_BODY, options);
  if (cache.size >= 16) cache.clear();
  cache.set(key, document);
  return document;
}
