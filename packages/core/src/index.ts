import 'reflect-metadata';

/**
 * `@placet/core`: what a host that embeds Placet needs — `createPlacet`, the typed facade, its options,
 * the errors, the principals, the in-memory adapters and the ports a host hands in. The other audiences
 * have their own entries: `@placet/core/plugin` (plugin authors), `@placet/core/adapter` (stores, file
 * stores, transports, HTTP adapters), `@placet/core/contract` (the wire schemas) and
 * `@placet/core/browser` (a review type's browser UI). packages/core/etc/*.api.md lists every name.
 */

export { consoleLogger, type LogLevel, silentLogger } from './adapters/console-logger.js';
export {
  type MemoryInspector,
  type MemoryStore,
  memoryStore,
} from './adapters/memory/memory-store.js';
export { memoryFileStore } from './adapters/memory-file-store.js';
export { memoryTransport } from './adapters/memory-transport.js';
export { systemClock } from './adapters/system-clock.js';
export { defineToken, type Provision, provide, type Token } from './define-token.js';
export { AVATAR_TYPES, MAX_AVATAR_BYTES } from './domain/avatar.js';
export type { AgentPrincipal, Principal, UserPrincipal } from './domain/principal.js';
export type { EventRecord, EventType } from './domain/records.js';
export { ERROR_CODES, type ErrorCode, type ErrorCodeInfo } from './errors/codes.js';
export {
  type ErrorBody,
  type Issue,
  isPlacetError,
  PlacetError,
  type PlacetErrorOptions,
  toErrorBody,
} from './errors/placet-error.js';
export { isServiceUnavailable } from './errors/unavailable.js';
export type {
  ApiKeysApi,
  AuditApi,
  AvatarsApi,
  ChannelsApi,
  DeliveriesApi,
  FilesApi,
  GroupsApi,
  MessagesApi,
  NotificationsApi,
  ReceiptsApi,
  ReviewsApi,
  SessionsApi,
  StatusApi,
  StreamsApi,
  UsersApi,
  WebhooksApi,
} from './facade.js';
export type { PlacetHealth, PlacetState, PlacetStats } from './health.js';
export { ApiKeyCreate, type ApiKeyCreateInput, HostIdentity } from './host-inputs.js';
export type { AuthenticateHostUser, HostUser } from './operations/credentials.js';
export { createPlacet, type Placet, type PlacetEvents, type PlacetPlugins } from './placet.js';
export { type PlacetOptions, PlacetOptionsSchema, type ResolvedPlacetOptions } from './placet-options.js';
export type { Clock } from './ports/clock.js';
export type { FileStore } from './ports/file-store.js';
export type { LogFields, Logger } from './ports/logger.js';
export type { Store } from './ports/store.js';
export type { Transport } from './ports/transport.js';
export type { IncomingFile, OpenedFile } from './services/attachments-service.js';
export type { AuditExport } from './services/audit-service.js';
export type { IncomingAvatar, OpenedAvatar } from './services/avatars-service.js';
export type { EventFilter, Resync } from './services/event-hub.js';
export type { RespondOptions } from './services/review-answers.js';
export type { WaitOptions } from './services/reviews-service.js';
