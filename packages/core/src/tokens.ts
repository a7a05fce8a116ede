import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { ResolvedPlacetOptions } from './placet-options.js';
import type { PluginRegistry } from './plugins/registry.js';
import type { Clock } from './ports/clock.js';
import type { FileStore } from './ports/file-store.js';
import type { Logger } from './ports/logger.js';
import type { Store } from './ports/store.js';
import type { Transport } from './ports/transport.js';
import type { WebhookSender } from './ports/webhook-sender.js';

/**
 * The engine's own DI tokens (internal: never exported). Every registration is made on the instance's
 * child container.
 */
export const TOKENS = {
  Store: Symbol.for('@placet/core:Store') as InjectionToken<Store>,
  FileStore: Symbol.for('@placet/core:FileStore') as InjectionToken<FileStore>,
  Transport: Symbol.for('@placet/core:Transport') as InjectionToken<Transport>,
  Clock: Symbol.for('@placet/core:Clock') as InjectionToken<Clock>,
  Logger: Symbol.for('@placet/core:Logger') as InjectionToken<Logger>,
  Registry: Symbol.for('@placet/core:Registry') as InjectionToken<PluginRegistry>,
  Options: Symbol.for('@placet/core:Options') as InjectionToken<ResolvedPlacetOptions>,
  /** The instance's own child container (for `ServiceTokens`). */
  Container: Symbol.for('@placet/core:Container') as InjectionToken<DependencyContainer>,
  /** Wrapped: tsyringe cannot inject a bare `null` when no sender is configured. */
  WebhookSender: Symbol.for('@placet/core:WebhookSender') as InjectionToken<{ sender: WebhookSender | null }>,
} as const;
