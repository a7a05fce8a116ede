import type {
  ChannelWithActivity,
  ChannelWithSecret,
  DeliveryPage,
  DeliveryView,
  PublicApiKey,
  PublicUser,
  UserCreateInput,
} from './contract/account.js';
import type { AuditExportQueryInput, AuditPage, AuditPageQueryInput } from './contract/audit.js';
import type {
  Channel,
  ChannelCommandsInput,
  ChannelCreateInput,
  ChannelUpdateInput,
  DeleteWebhookInput,
  SetManagementInput,
  SetSubagentInput,
  SetTagInput,
  SetWebhookInput,
  StatusHistoryEntry,
  StatusHistoryQueryInput,
  StatusPingInput,
} from './contract/channel.js';
import type { DeliveryListQueryInput, WebhookCheck } from './contract/delivery.js';
import type { StoreTextInput } from './contract/files.js';
import type { Group, GroupCreateInput, GroupUpdateInput } from './contract/groups.js';
import type {
  InboxCount,
  InboxCountQueryInput,
  InboxPage,
  InboxReadFilterInput,
  InboxReadResult,
  ReviewReadResult,
} from './contract/inbox.js';
import type {
  Attachment,
  IterationChain,
  Message,
  MessageCreateInput,
  MessageListQueryInput,
  MessagePage,
  StatusEvent,
  StatusStepCreateInput,
  StreamPatchInput,
  UserMessageCreateInput,
} from './contract/message.js';
import type {
  NotificationPreferences,
  NotificationPreferencesUpdateInput,
} from './contract/notifications.js';
import type { ReceiptJwks, ReviewReceipt } from './contract/receipt.js';
import type { InboxQueryInput, RespondReviewInput } from './contract/review.js';
import type { WaitResult } from './contract/wait.js';
import type { AgentPrincipal, Principal, UserPrincipal } from './domain/principal.js';
import type { SessionRecord, UserRecord } from './domain/records.js';
import type { ApiKeyCreateInput, HostIdentity } from './host-inputs.js';
import type { ByteRange } from './ports/file-store.js';
import type { IncomingFile, OpenedFile } from './services/attachments-service.js';
import type { AuditExport } from './services/audit-service.js';
import type { IncomingAvatar, OpenedAvatar } from './services/avatars-service.js';
import type { RespondOptions } from './services/review-answers.js';
import type { WaitOptions } from './services/reviews-service.js';

/**
 * The typed host API: what `placet.<resource>` offers an embedding host. The engine services implement
 * these interfaces (`createPlacet` hands them out under these types, so the compiler checks that they
 * do); their other methods (the sweeper's `expireDue`, the dispatcher's `kick`, `channels.require`, …)
 * are internal. Inputs are the `…Input` types of the wire contract (`z.input` of its schemas): a misspelt
 * field is a compile error, and the engine still validates at run time (400-style `VALIDATION_FAILED`
 * with issue paths) for callers without types.
 *
 * The resources and the HTTP API: `channels` are the `/agents` endpoints, `webhooks` the
 * `/agents/setWebhook`, `/agents/deleteWebhook` and `/agents/:id/webhook-secret/rotate` endpoints,
 * `status` `/status/ping` and `/agents/:id/status-history`, `streams` `/messages/streams/*`; the other
 * names are the paths' own (`messages`, `reviews`, `files`, `deliveries`, `users`, `groups`, `apiKeys` =
 * `/api-keys`). Each operation's handler in `OPERATIONS` names the method it calls.
 */

/** Humans: created with a password, or ensured from a host identity; `users` of the HTTP API. */
export interface UsersApi {
  create(input: UserCreateInput): Promise<PublicUser>;
  /** Finds or creates the user a host authenticated, by the host's own id; keeps email and name current. */
  ensure(input: HostIdentity): Promise<PublicUser>;
  get(id: string): Promise<PublicUser | undefined>;
  list(): Promise<PublicUser[]>;
  /**
   * The user whose email and password match, or undefined (same answer for both failures). An unknown
   * email, or a user without a password, is checked against a dummy hash: every failure costs one scrypt,
   * so response times do not tell which emails have accounts.
   */
  verifyCredentials(email: string, password: string): Promise<PublicUser | undefined>;
  /**
   * Changes the password and ends every session of the user (their sockets close in every process); the
   * caller signs the human in again with a new session if it wants to keep them signed in.
   */
  changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void>;
  /**
   * Deletes a user with their sessions, keys and channels; whatever they had open closes in every
   * process. Owners only; never oneself.
   */
  delete(actor: UserPrincipal, id: string): Promise<void>;
}

/**
 * Named groups of users, instance-wide (`/groups`): `group:<name>` among a review's assignees names their
 * members when the review is created. Every signed-in human may read them; the HTTP API lets owners
 * change them (a host calling these methods decides who may).
 */
export interface GroupsApi {
  /** Every group, by name, with its members' ids and display names. */
  list(): Promise<Group[]>;
  get(name: string): Promise<Group | undefined>;
  /**
   * A new group (`members`: user ids or e-mails). VALIDATION_FAILED naming `name` or `members.N`;
   * CONFLICT when the name is taken.
   */
  create(input: GroupCreateInput): Promise<Group>;
  /** Replaces the display name and/or the whole member list; NOT_FOUND for an unknown group. */
  update(name: string, input: GroupUpdateInput): Promise<Group>;
  /** Deletes the group; reviews created with it keep their assignees. NOT_FOUND for an unknown group. */
  delete(name: string): Promise<{ deleted: true }>;
}

/** A human's notification preferences: `/notifications/preferences` of the HTTP API. */
export interface NotificationsApi {
  /** The user's settings for every notifier of the instance (defaults where they chose nothing). */
  preferences(userId: string): Promise<NotificationPreferences>;
  /**
   * Replaces time zone and quiet hours and the settings of the notifiers named (the others keep theirs).
   * A notifier the instance lacks, an event it cannot report or a digest it cannot send: VALIDATION_FAILED.
   */
  setPreferences(userId: string, input: NotificationPreferencesUpdateInput): Promise<NotificationPreferences>;
}

/** Server-side sessions of signed-in humans: ending one closes what it opened, in every process. */
export interface SessionsApi {
  create(userId: string, ttlMs: number): Promise<SessionRecord>;
  /** The live session and its user, or undefined (unknown, ended, expired, or the user is gone). */
  find(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined>;
  /** Ends one session (logout). */
  end(id: string): Promise<boolean>;
  /** Ends every session of a user (e.g. "sign out everywhere"). */
  endAll(userId: string): Promise<number>;
  /**
   * Claims a single-use token (a WebSocket ticket's nonce) until `expiresAt`: true for the first claim
   * in any process sharing the store, false for every later one.
   */
  claimOnce(nonce: string, expiresAt: Date): Promise<boolean>;
}

/** Agents' API keys (`/api-keys`): the raw key is returned once, by `create` and `rotate`. */
export interface ApiKeysApi {
  create(userId: string, input?: ApiKeyCreateInput): Promise<{ key: string; apiKey: PublicApiKey }>;
  list(userId: string): Promise<PublicApiKey[]>;
  /** Deletes the key: requests with it fail at once, and sockets opened with it close in every process. */
  revoke(userId: string, id: string): Promise<void>;
  /** Same row, new secret: the old key stops working at once, and what it opened closes. */
  rotate(userId: string, id: string): Promise<{ key: string; apiKey: PublicApiKey }>;
}

/** Channels (= agents): the `/agents` endpoints. */
export interface ChannelsApi {
  create(principal: Principal, input: ChannelCreateInput): Promise<Channel>;
  list(principal: Principal): Promise<Channel[]>;
  /**
   * A human's channel list: each channel with `unreadCount` (agent messages since the user's read mark,
   * kept on the server), `lastMessage` and `lastMessageAt`.
   */
  listWithActivity(principal: Principal): Promise<ChannelWithActivity[]>;
  /** `POST /agents/:id/read`: the user has read the channel up to now. */
  markRead(principal: Principal, channelId: string): Promise<{ read: true; lastReadAt: string }>;
  get(principal: Principal, channelId: string): Promise<Channel>;
  /** `PATCH /agents/:id`. `null` clears a field; absent leaves it. */
  update(principal: Principal, channelId: string, input: ChannelUpdateInput): Promise<Channel>;
  /** `POST /agents/setTag`. */
  setTag(principal: Principal, input: SetTagInput): Promise<Channel>;
  /** `PUT /agents/:id/commands`: replaces the slash commands the agent accepts. */
  setCommands(principal: Principal, channelId: string, input: ChannelCommandsInput): Promise<Channel>;
  /** `POST /agents/setSubagent`: the parent must be the owner's channel; no cycles; depth at most 16. */
  setSubagent(principal: Principal, input: SetSubagentInput): Promise<Channel>;
  /** Deletes a channel with its messages, reviews, steps and files. */
  delete(principal: Principal, channelId: string): Promise<{ deleted: true }>;
}

/**
 * Agent avatars uploaded by their owner: `/agents/:id/avatar`. PNG, JPEG, WebP or GIF (judged by the
 * bytes; SVG is refused), at most `MAX_AVATAR_BYTES` (1 MiB); replacing or removing one deletes the old
 * image.
 */
export interface AvatarsApi {
  /**
   * `POST /agents/:id/avatar`: stores the image and sets `avatarUrl` to the URL that serves it (under
   * `baseUrl`, where the API is mounted). 413 over the limit, 415 for another type, 400 when empty.
   */
  set(
    principal: Principal,
    channelId: string,
    file: IncomingAvatar,
    options: { baseUrl: string },
  ): Promise<Channel>;
  /** `DELETE /agents/:id/avatar`: `avatarUrl` becomes null; an uploaded image is deleted. */
  remove(principal: Principal, channelId: string): Promise<Channel>;
  /** `GET /agents/:id/avatar`: the uploaded image (NOT_FOUND when the channel has none). */
  open(principal: Principal, channelId: string): Promise<OpenedAvatar>;
}

/** Messages: `/messages`. */
export interface MessagesApi {
  /** `POST /api/v1/messages`: an agent message (optionally with a review, a draft, an iteration) or a user message. */
  create(principal: AgentPrincipal, input: MessageCreateInput): Promise<Message>;
  create(principal: UserPrincipal, input: UserMessageCreateInput): Promise<Message>;
  create(principal: Principal, input: MessageCreateInput | UserMessageCreateInput): Promise<Message>;
  list(principal: Principal, query: MessageListQueryInput): Promise<MessagePage>;
  get(principal: Principal, messageId: string, channelId?: string): Promise<Message>;
  delete(principal: Principal, messageId: string, channelId?: string): Promise<{ deleted: true }>;
  /** `GET /messages/iterations/:id`: the chain of any of its members, root first. */
  iterations(principal: Principal, messageId: string, channelId?: string): Promise<IterationChain>;
  /** The agent acknowledges receipt: `agent_received`, which later webhook outcomes never downgrade. */
  ack(principal: Principal, messageId: string, channelId?: string): Promise<{ acknowledged: true }>;
}

/** Reviews and the inbox: `/reviews`, answered exactly once, waited for without polling. */
export interface ReviewsApi {
  /** `GET /reviews/:id`: the message carrying the review. */
  get(principal: Principal, messageId: string, channelId?: string): Promise<Message>;
  /** Pending reviews of the principal (one channel or all), newest first, from the index. */
  listPending(
    principal: Principal,
    options?: {
      channelId?: string;
      limit?: number;
      cursor?: string;
    },
  ): Promise<Message[]>;
  /**
   * The inbox: the principal's reviews across channels (or one), by status, type and a search of their
   * text (`search`), newest first (or `order: 'oldest'`), keyset-paged by message id in either order,
   * with the ids of those on the page the principal has marked read.
   */
  list(principal: Principal, query?: InboxQueryInput): Promise<InboxPage>;
  /**
   * The inbox badge: how many of the principal's reviews match the inbox filters (`status` pending by
   * default, `channel`, `type`, `search`) and how many of those the principal has not marked read. `scope:
   * 'assigned'` counts the reviews of any owner that name the principal (`excludeOwn: true`: not those
   * of their own channels). One indexed aggregate query, never a page walk.
   */
  count(principal: Principal, query?: InboxCountQueryInput): Promise<InboxCount>;
  /**
   * Marks the review on `messageId` read for the calling human (per user, per review). Idempotent: a
   * second call keeps, and answers, the time of the first; the first is "shown" in the audit log. 404
   * for a message that is neither the caller's nor assigned to them, or that carries no review.
   */
  markRead(principal: Principal, messageId: string, options?: RespondOptions): Promise<ReviewReadResult>;
  /**
   * "Mark all read": marks every review matching the inbox filters (`status` pending by default,
   * `channel`, `type`, `search`; `scope` `mine`, `assigned` or, without one, both) that the calling human
   * has not marked yet, read now (first write wins); returns how many it marked. One store statement per
   * scope; one `inbox:read` event in the caller's own stream when it marked any. No audit entry: marking
   * is not opening.
   */
  markAllRead(principal: Principal, filter?: InboxReadFilterInput): Promise<InboxReadResult>;
  /**
   * A human answers. Exactly once: a conditional update on `pending` and not past `expiresAt`; every
   * other caller gets 409. The response is validated by the review type's plugin against the payload.
   * With assignees only they may answer (403 `NOT_ASSIGNED`), each answer a vote until the policy is
   * met; with `reviewHash`, a review changed since is refused (409 `REVIEW_CHANGED`). `options.via`
   * names the path for the audit log (`email`, `push`, …; `api` by default).
   */
  respond(
    principal: Principal,
    messageId: string,
    input: RespondReviewInput,
    options?: RespondOptions,
  ): Promise<Message>;
  /**
   * Long-poll. Terminal → at once. Otherwise: register a waiter, re-read once (an answer that landed in
   * between is never missed), then sleep until an event for this review, the timeout, or the abort
   * signal. Never polls the store on a timer.
   */
  wait(principal: Principal, messageId: string, options?: WaitOptions): Promise<WaitResult>;
  /** Open waiters (for tests and metrics). */
  waiterCount(): number;
  /**
   * Answers every open wait `timeout` at once, and every later wait too (graceful shutdown: agents poll
   * again and reach another process, or this one once it is back).
   */
  releaseWaiters(): void;
}

/**
 * Signed receipts of completed reviews: `GET /reviews/:id/receipt`, `GET /receipts/jwks.json` and
 * `POST /receipts/keys/rotate`. A receipt is issued when a human answers, in the answer's transaction.
 */
export interface ReceiptsApi {
  /**
   * The receipt of a review a human completed, owner-scoped like `reviews.get` (a foreign id or channel is
   * NOT_FOUND); `RECEIPT_NOT_ISSUED` while no human has completed it.
   */
  get(principal: Principal, messageId: string, channelId?: string): Promise<ReviewReceipt>;
  /** The public keys of every signing key, current and rotated (made on first use): a JWKS. */
  jwks(): Promise<ReceiptJwks>;
  /** A new current signing key (in every process sharing the store); old receipts still verify by `kid`. */
  rotateKey(): Promise<{ kid: string }>;
}

/**
 * The audit log: what happened to each review (created, shown, voted, escalated, defaulted, completed,
 * expired, receipt issued), by whom and through which path, append-only and hash-chained per owner.
 * `GET /audit` and `GET /reviews/:id/audit`. Humans only (an API key is FORBIDDEN).
 */
export interface AuditApi {
  /**
   * The caller's own chain, oldest first: at most `limit` entries (10 000 by default and at most) with
   * `seq > after`, optionally only those of one `review` (NOT_FOUND when the caller's chain has none of
   * it). `nextAfter` continues it.
   */
  list(principal: Principal, query?: AuditExportQueryInput): Promise<AuditPage>;
  /** The same page as a file: NDJSON (`format: 'ndjson'`, the default) or CSV with a header row. */
  export(principal: Principal, query?: AuditExportQueryInput): Promise<AuditExport>;
  /**
   * The entries of one review, oldest first, paged (`limit` 100 by default, at most 1000; `after`): for
   * its owner and its assignees; NOT_FOUND for anyone else.
   */
  forReview(principal: Principal, messageId: string, query?: AuditPageQueryInput): Promise<AuditPage>;
}

/** Streamed replies: `/messages/streams/*` (PATCH of the full text, status steps). */
export interface StreamsApi {
  /**
   * `PATCH /messages/streams/:streamId`: replaces the text with the full accumulated text; `complete: true`
   * finalises, `streamState: 'aborted'` aborts. On a finished stream, a PATCH equal to its final state is a
   * harmless retry (200); any other change is a 409.
   */
  patch(principal: Principal, streamId: string, input: StreamPatchInput): Promise<Message>;
  /** `POST /messages/streams/:streamId/status`: a progress step, allowed before the draft exists. */
  addStep(principal: Principal, streamId: string, input: StatusStepCreateInput): Promise<StatusEvent>;
}

/** A channel's webhook settings and signing secret: `/agents/setWebhook`, `/agents/deleteWebhook`, `/agents/:id/webhook-secret/rotate`. */
export interface WebhooksApi {
  setWebhook(principal: Principal, input: SetWebhookInput): Promise<ChannelWithSecret>;
  deleteWebhook(principal: Principal, input: DeleteWebhookInput): Promise<Channel>;
  /** A new signing secret, returned once; the old one stops signing at once. */
  rotateSecret(principal: Principal, channelId: string): Promise<{ webhookSecret: string }>;
  /** The original's `setManagement`: validated (its fields are never silently dropped), then refused with 501. */
  setManagement(principal: Principal, input: SetManagementInput): Promise<never>;
}

/** Webhook deliveries: the per-message and per-channel logs with every attempt, redrive, and the target check. */
export interface DeliveriesApi {
  /** The deliveries of a message with every attempt: the owner's delivery log. */
  listForMessage(principal: Principal, messageId: string): Promise<DeliveryView[]>;
  /**
   * A channel's delivery log (every webhook delivery with its attempts), newest first, keyset-paged by
   * delivery id: `?limit=` (25 by default, at most 100) and `?cursor=` (the previous page's `nextCursor`).
   */
  listForChannel(
    principal: Principal,
    channelId: string,
    query?: DeliveryListQueryInput,
  ): Promise<DeliveryPage>;
  /** Queues a finished delivery again (same `webhook-id`), due now. */
  redrive(principal: Principal, deliveryId: string): Promise<DeliveryView>;
  /**
   * `POST /webhooks/check` (humans): whether the webhook sender's outbound rules (the SSRF guard) would
   * refuse `url`, asked of the sender's `check` without sending anything. `{ ok: false, checked: true,
   * reason }` when every delivery to it would be refused; `{ ok: true, checked: false }` when the sender
   * cannot check (or there is none). VALIDATION_FAILED (`url`) for a URL no webhook may have.
   */
  checkTarget(principal: Principal, url: string): Promise<WebhookCheck>;
}

/** Agent heartbeats (`/status/ping`) and status history (`/agents/:id/status-history`). */
export interface StatusApi {
  /** `POST /status/ping`. */
  ping(principal: Principal, input: StatusPingInput): Promise<Channel>;
  /** Status transitions of a channel, newest first (`query`: `{ limit? }`, 1–500, default 100). */
  history(
    principal: Principal,
    channelId: string,
    query?: StatusHistoryQueryInput,
  ): Promise<StatusHistoryEntry[]>;
}

/** Files: `/files` (store, upload, list, open, delete). */
export interface FilesApi {
  /** `POST /files/store`: keeps the file as an orphan of the channel. */
  store(principal: Principal, file: IncomingFile): Promise<Attachment>;
  /** `POST /files/store-text`. */
  storeText(principal: Principal, input: StoreTextInput): Promise<Attachment>;
  /** `POST /files/upload`: an agent message carrying the file (`message:created` with it). */
  upload(
    principal: Principal,
    file: IncomingFile & { text?: string },
  ): Promise<{ attachment: Attachment; message: Message }>;
  /**
   * `GET /files?channel=`: a page of the channel's files, newest first, keyset-paged by index. `cursor`
   * (a file id of this channel) continues after that file; `nextCursor` is set when more follow.
   */
  list(
    principal: Principal,
    channelId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: Attachment[]; nextCursor: string | undefined }>;
  /** The file's metadata (size, type, name) without opening it. */
  info(principal: Principal, attachmentId: string): Promise<Attachment>;
  /** The file's metadata and bytes (optionally a byte range), for download. */
  open(principal: Principal, attachmentId: string, options?: { range?: ByteRange }): Promise<OpenedFile>;
  /** Deletes one file (row and bytes). */
  delete(principal: Principal, attachmentId: string): Promise<{ deleted: true }>;
}
