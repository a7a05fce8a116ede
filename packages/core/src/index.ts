import 'reflect-metadata';

export { z } from 'zod';
export { autocommitRepositories, REPOSITORY_NAMES, STORE_METHOD_ACCESS } from './adapters/autocommit.js';
export { consoleLogger, type LogLevel, silentLogger } from './adapters/console-logger.js';
export { type MemoryInspector, type MemoryStore, memoryStore } from './adapters/memory/memory-store.js';
export { memoryFileStore } from './adapters/memory-file-store.js';
export { memoryTransport } from './adapters/memory-transport.js';
export { type MeteredBytes, meteredBytes } from './adapters/metered-bytes.js';
export { assertStorageKey, resolveRange } from './adapters/storage-keys.js';
export { systemClock } from './adapters/system-clock.js';
export {
  AgentListItem,
  ApiKeyCreateBody,
  ApiKeyWithSecret,
  ChannelWithActivity,
  ChannelWithSecret,
  DeliveryAttempt,
  DeliveryPage,
  DeliveryView,
  ErrorBodySchema,
  MeResult,
  MIN_PASSWORD_LENGTH,
  PublicApiKey,
  PublicUser,
  ReadResult,
  UserCreate,
  type UserCreateInput,
  WebhookSecret,
} from './contract/account.js';
export {
  BasicAuth,
  Channel,
  ChannelCommand,
  ChannelCommands,
  ChannelCreate,
  ChannelUpdate,
  DeleteWebhook,
  MANAGEMENT_BOTH_OR_NEITHER,
  MAX_CHANNEL_COMMANDS,
  MAX_TAG_LENGTH,
  ManagementCredentials,
  SECRET_MASK,
  SetManagement,
  SetSubagent,
  SetTag,
  SetWebhook,
  StatusHistoryEntry,
  StatusHistoryQuery,
  StatusPing,
  SUBAGENT_PARENT_FORBIDDEN,
  SUBAGENT_PARENT_REQUIRED,
  SUBAGENT_SELF_PARENT,
} from './contract/channel.js';
export {
  AgentStatus,
  AnyUrl,
  DeliveryStatus,
  HttpHeaders,
  HttpUrl,
  Id,
  IsoDateTime,
  JsonObject,
  MessageStatus,
  ReviewStatus,
  SenderType,
  StreamState,
} from './contract/common.js';
export {
  DEFAULT_DELIVERY_PAGE_SIZE,
  DeliveryListQuery,
  type DeliveryListQueryInput,
  MAX_DELIVERY_PAGE_SIZE,
} from './contract/delivery.js';
export { FileUploadFields, StoreText, type StoreTextInput } from './contract/files.js';
export { InboxCount, InboxCountQuery, InboxPage, ReviewReadResult } from './contract/inbox.js';
export {
  AckResult,
  Attachment,
  ChannelQuery,
  DEFAULT_MESSAGE_PAGE_SIZE,
  DeleteResult,
  IterationChain,
  MAX_ATTACHMENT_IDS,
  MAX_MESSAGE_PAGE_SIZE,
  MAX_MESSAGE_TEXT_LENGTH,
  MAX_STATUS_STEP_LENGTH,
  MAX_TEXT_ATTACHMENTS,
  MESSAGE_CONTENT_REQUIRED,
  Message,
  MessageCreate,
  type MessageCreateInput,
  MessageListQuery,
  type MessageListQueryInput,
  MessagePage,
  StatusEvent,
  StatusStepCreate,
  type StatusStepCreateInput,
  StreamPatch,
  TextAttachment,
  type TextAttachmentInput,
  USER_MESSAGE_CONTENT_REQUIRED,
  UserMessageCreate,
} from './contract/message.js';
export {
  formatMimeType,
  MimeType,
  type MimeTypeParse,
  type ParsedMimeType,
  parseMimeType,
  sanitizeMimeType,
} from './contract/mime-type.js';
export {
  JsonSchemaDocument,
  PluginManifest,
  RendererManifest,
  ReviewTypeManifest,
} from './contract/plugin-manifest.js';
export {
  CALLBACK_METHODS,
  InboxQuery,
  MAX_REVIEW_FEEDBACK_LENGTH,
  ModifiedFileIds,
  RespondReview,
  Review,
  ReviewCallback,
  ReviewInput,
} from './contract/review.js';
export {
  DEFAULT_WAIT_TIMEOUT_MS,
  MAX_WAIT_TIMEOUT_MS,
  MIN_WAIT_TIMEOUT_MS,
  WaitQuery,
  type WaitQueryInput,
  WaitResult,
  WaitStatus,
} from './contract/wait.js';
export {
  presentApiKey,
  presentAttachment,
  presentChannel,
  presentMessage,
  presentReview,
  presentStatusStep,
  presentUser,
} from './domain/present.js';
export type { AgentPrincipal, Principal, UserPrincipal } from './domain/principal.js';
export type {
  AccessRevoked,
  ApiKeyRecord,
  AttachmentRecord,
  ChannelRecord,
  DeliveryAttemptRecord,
  DeliveryRecord,
  DeliveryState,
  EventRecord,
  EventType,
  KeyValueRecord,
  MessageRecord,
  NewEvent,
  ReviewCallbackRecord,
  ReviewRecord,
  SessionRecord,
  StatusHistoryRecord,
  StatusStepRecord,
  UserRecord,
  UserRole,
} from './domain/records.js';
export { EVENT_TYPES, INTERNAL_EVENT_TYPES } from './domain/records.js';
export {
  DEFAULT_REVIEW_DURATION_SECONDS,
  MAX_REVIEW_DURATION_SECONDS,
  type ReviewExpiryInput,
  resolveReviewExpiry,
} from './domain/review-expiry.js';
export { isRevokedBy } from './domain/revocation.js';
export { CONSTRAINTS, isUniqueViolation, UniqueViolation } from './domain/unique-violation.js';
export { reviewPayload, webhookTarget } from './domain/webhook-plan.js';
// Plugin API, part 2: options, init, hooks, error codes.
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  errorCodeInfo,
  HTTP_REASONS,
  pluginErrorCodes,
} from './errors/codes.js';
export {
  type ErrorBody,
  type Issue,
  isPlacetError,
  PlacetError,
  type PlacetErrorOptions,
  toErrorBody,
} from './errors/placet-error.js';
export {
  DEFAULT_RETRY_AFTER_SECONDS,
  isServiceUnavailable,
  serviceUnavailable,
} from './errors/unavailable.js';
export { formatPath, parseOrThrow, zodIssues } from './errors/zod-issues.js';
export type {
  ApiKeysApi,
  ChannelsApi,
  DeliveriesApi,
  FilesApi,
  MessagesApi,
  ReviewsApi,
  SessionsApi,
  StatusApi,
  StreamsApi,
  UsersApi,
  WebhooksApi,
} from './facade.js';
export type { PlacetHealth, PlacetState, PlacetStats } from './health.js';
export * from './operations/index.js';
export { createPlacet, type Placet, type PlacetEvents, type PlacetPlugins } from './placet.js';
export {
  type PlacetOptions,
  PlacetOptionsSchema,
  parsePlacetOptions,
  type ResolvedPlacetOptions,
} from './placet-options.js';
export type {
  BeforeRespondInput,
  MessageCreatedEvent,
  PluginContext,
  PluginDisposable,
  PluginEventStream,
  PluginHookEventBase,
  PluginHookEvents,
  PluginHookName,
  PluginHooks,
  PluginInitResult,
  PluginKeyValueStore,
  ReviewCreatedEvent,
  ReviewExpiredEvent,
  ReviewRespondedEvent,
} from './plugins/context.js';
export { definePlugin, defineReviewType, PLUGIN_HOOK_NAMES } from './plugins/define.js';
export { oneLine } from './plugins/one-line.js';
export { pluginError } from './plugins/plugin-error.js';
export { pluginNamespace } from './plugins/plugin-kv.js';
export { PluginRegistry } from './plugins/registry.js';
export type {
  PlacetPlugin,
  PluginOptions,
  ReviewResponse,
  ReviewTypeDefinition,
  ReviewTypeUi,
} from './plugins/types.js';
export type { Clock, TimerHandle, TimerOptions } from './ports/clock.js';
export type {
  ByteRange,
  ByteSource,
  FileStore,
  FileStoreCapabilities,
  GetResult,
  PutResult,
} from './ports/file-store.js';
export type { LogFields, Logger } from './ports/logger.js';
export {
  NOTIFICATION_KINDS,
  type Notification,
  type NotificationKind,
  type NotificationResult,
  type Notifier,
} from './ports/notifier.js';
export type {
  ApiKeyRepository,
  AttachmentRepository,
  ChannelReadRepository,
  ChannelRepository,
  DeliveryListFilter,
  DeliveryRepository,
  EventRepository,
  KeysetPage,
  KeyValueRepository,
  MessageListFilter,
  MessageRepository,
  ReadMark,
  Repositories,
  ReviewCompletion,
  ReviewCount,
  ReviewCountQuery,
  ReviewListQuery,
  ReviewReadRepository,
  ReviewRepository,
  SessionRepository,
  StatusHistoryRepository,
  StatusStepRepository,
  Store,
  StoreCapabilities,
  StorePoolStats,
  UserRepository,
} from './ports/store.js';
export type { Transport, TransportCapabilities, TransportSignal } from './ports/transport.js';
export type { OutboundRequest, OutboundResult, WebhookSender } from './ports/webhook-sender.js';
export type { AgentStatusService } from './services/agent-status-service.js';
export type { ApiKeyCreateInput, ApiKeysService } from './services/api-keys-service.js';
export type { AttachmentsService, IncomingFile, OpenedFile } from './services/attachments-service.js';
export type { ChannelWebhooksService } from './services/channel-webhooks-service.js';
export type { ChannelsService } from './services/channels-service.js';
export { MAX_SUBAGENT_DEPTH } from './services/channels-service.js';
export type { DeliveriesService } from './services/deliveries-service.js';
export { type EventFilter, type EventListener, OUTBOX_FLOOR, type Resync } from './services/event-hub.js';
export { sanitizeFilename, storageKeyOf } from './services/files-service.js';
export type { MessagesService } from './services/messages-service.js';
export { OUTBOX_EPOCH } from './services/outbox-epoch.js';
export { PLUGIN_HOOKS_NAMESPACE } from './services/plugin-hook-runner.js';
export type { ReviewsService, WaitOptions } from './services/reviews-service.js';
export type { SessionsService } from './services/sessions-service.js';
export {
  STALE_STREAM_AT_START_MS,
  STALE_STREAM_MS,
  type StreamsService,
} from './services/streams-service.js';
export type { UserEnsureInput, UsersService } from './services/users-service.js';
export { defineToken, type Provision, provide, type Token } from './tokens.js';
export { ID_PATTERN, isId, newId } from './util/ids.js';
export {
  API_KEY_PATTERN,
  generateApiKey,
  generatePassword,
  generateWebhookSecret,
  hashApiKey,
} from './util/secrets.js';
export { signWebhook } from './util/standard-webhooks.js';
