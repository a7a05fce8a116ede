/**
 * `@placet/core/adapter`: what an adapter author needs — the ports (`Store` with its repositories,
 * `FileStore`, `Transport`, `Clock`, `Logger`, `WebhookSender`) and the records they carry, the store's
 * unique-constraint and outage errors, helpers for byte streams and storage keys, and the pieces an
 * HTTP or realtime adapter maps requests through (`OPERATIONS`, `runOperation`, the OpenAPI document,
 * credentials, file replies), and the outbound-request guard a sender runs before it connects
 * (`checkOutboundHost`, the `allowHosts` format). Run the conformance suites of `@placet/test-utils`
 * against an adapter.
 */

export { z } from 'zod';
export { autocommitRepositories, REPOSITORY_NAMES, STORE_METHOD_ACCESS } from './adapters/autocommit.js';
export { type MeteredBytes, meteredBytes } from './adapters/metered-bytes.js';
export { assertStorageKey, resolveRange } from './adapters/storage-keys.js';
export { detachedStream, type SpooledFile, spoolToTempFile } from './adapters/upload-streams.js';
export { OUTBOX_FLOOR } from './domain/outbox-floor.js';
export {
  type AccessRevoked,
  type ApiKeyRecord,
  type AttachmentRecord,
  type AuditActorRecord,
  type AuditEntryRecord,
  type AuditHeadRecord,
  type ChannelRecord,
  type DeliveryAttemptRecord,
  type DeliveryRecord,
  type DeliveryState,
  type EscalationStepRecord,
  EVENT_TYPES,
  type EventRecord,
  type EventType,
  type GroupMemberRecord,
  type GroupRecord,
  INTERNAL_EVENT_TYPES,
  type KeyValueRecord,
  type MessageRecord,
  type NewEvent,
  type ProposalEditsRecord,
  type ProposalRecord,
  type ReviewAssigneeRecord,
  type ReviewCallbackRecord,
  type ReviewOutcome,
  type ReviewPolicyRecord,
  type ReviewRecord,
  type ReviewVoteRecord,
  type SessionRecord,
  type StatusHistoryRecord,
  type StatusStepRecord,
  type UserRecord,
  type UserRole,
} from './domain/records.js';
export { isRevokedBy } from './domain/revocation.js';
export { CONSTRAINTS, isUniqueViolation, UniqueViolation } from './domain/unique-violation.js';
export {
  type ErrorBody,
  type Issue,
  isPlacetError,
  PlacetError,
  toErrorBody,
} from './errors/placet-error.js';
export { isServiceUnavailable, serviceUnavailable } from './errors/unavailable.js';
export { zodIssues } from './errors/zod-issues.js';
export * from './net/index.js';
export { apiKeyFromHeaders, hostUserPrincipal } from './operations/credentials.js';
export { contentDisposition, type ServedFile, servedAs } from './operations/file-replies.js';
export {
  answerableCodes,
  type JsonObject as OpenApiJsonObject,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
} from './operations/openapi.js';
export type {
  AnyOperation,
  OperationEnv,
  OperationRequest,
  RawBody,
  Reply,
  UploadInput,
} from './operations/operation.js';
export { DEFAULT_RAW_BODY_BYTES } from './operations/operation.js';
export type { OperationTable } from './operations/plugin-routes.js';
export { createOperationEnv, type OperationEnvOptions, runOperation } from './operations/runner.js';
export { ERROR_BODY, OPERATIONS, openApiDocument } from './operations/table.js';
export type { ConcurrentWaits, WaitSlot, WaitSlots } from './operations/wait-slots.js';
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
export type {
  ApiKeyRepository,
  AssignedReviewCountQuery,
  AssignedReviewQuery,
  AttachmentRepository,
  AuditListQuery,
  AuditRepository,
  ChannelReadRepository,
  ChannelRepository,
  DeliveryDueFilter,
  DeliveryListFilter,
  DeliveryRepository,
  EscalationChange,
  EventRepository,
  GroupRepository,
  KeysetPage,
  KeyValueRepository,
  MessageListFilter,
  MessageRepository,
  PendingCreatedQuery,
  ReadMark,
  Repositories,
  ReviewAssigneeRepository,
  ReviewCompletion,
  ReviewCount,
  ReviewCountQuery,
  ReviewFilter,
  ReviewListQuery,
  ReviewMarkFilter,
  ReviewMarkScope,
  ReviewOrder,
  ReviewPageQuery,
  ReviewPosition,
  ReviewReadRepository,
  ReviewRepository,
  ReviewVoteRepository,
  SessionRepository,
  StatusHistoryRepository,
  StatusStepRepository,
  Store,
  StoreCapabilities,
  StoreInspector,
  StorePoolStats,
  StoreTable,
  UserRepository,
} from './ports/store.js';
export type { Transport, TransportCapabilities, TransportSignal } from './ports/transport.js';
export type {
  OutboundRequest,
  OutboundResult,
  WebhookSender,
  WebhookTargetVerdict,
} from './ports/webhook-sender.js';
export type { Resync } from './services/event-hub.js';
export { newId } from './util/ids.js';
export { hashApiKey } from './util/secrets.js';
