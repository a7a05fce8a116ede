/**
 * `@placet/core/plugin`: what a plugin author needs — `definePlugin` and `defineReviewType`, the context
 * `init` and hooks get, the hook events, the `Notifier` port, operations for a plugin's own HTTP routes,
 * tokens for services, errors, the outbound-request guard a notifier runs before it connects
 * (`checkOutboundHost`, the `allowHosts` format), and `PluginRegistry` for tests. A review type's browser UI imports
 * `@placet/core/browser` instead; a host's `createPlacet` comes from `@placet/core`.
 */

export { z } from 'zod';
export { defineToken, type Token } from './define-token.js';
export { isPlacetError, PlacetError, type PlacetErrorOptions } from './errors/placet-error.js';
export * from './net/index.js';
export {
  type AnyOperation,
  type Auth,
  type BodyOf,
  defineOperation,
  type HttpMethod,
  htmlPage,
  type NamedSchema,
  named,
  type Operation,
  type OperationCall,
  type OperationEnv,
  type OperationRequest,
  type OperationSpec,
  type OutputOf,
  type PrincipalOf,
  type QueryOf,
  type RawBody,
  type Reply,
  type RequestBody,
  reply,
  type Success,
  type UploadInput,
} from './operations/operation.js';
export type {
  BeforeRespondInput,
  MessageCreatedEvent,
  MessageUpdatedEvent,
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
export { definePlugin, defineReviewType } from './plugins/define.js';
export { oneLine } from './plugins/one-line.js';
export { pluginError } from './plugins/plugin-error.js';
export { PluginRegistry } from './plugins/registry.js';
export type {
  PlacetPlugin,
  PluginNotifier,
  PluginOptions,
  QuickAnswer,
  ReviewResponse,
  ReviewSchemas,
  ReviewTypeDefinition,
  ReviewTypeUi,
  Verdict,
} from './plugins/types.js';
export type {
  DigestNotification,
  Notification,
  NotificationBase,
  NotificationKind,
  NotificationResult,
  NotifiedReview,
  Notifier,
  ReviewNotification,
} from './ports/notifier.js';
export { NOTIFICATION_KINDS } from './ports/notifier.js';
