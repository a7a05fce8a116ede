import { inject, injectable } from 'tsyringe';
import type { Message } from '../contract/message.js';
import { INTERNAL_EVENT_TYPES } from '../domain/records.js';
import { ERROR_CODES } from '../errors/codes.js';
import { isPlacetError, PlacetError } from '../errors/placet-error.js';
import type { Placet } from '../placet.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type {
  BeforeRespondInput,
  PluginContext,
  PluginDisposable,
  PluginHookName,
  PluginInitResult,
} from '../plugins/context.js';
import { pluginKeyValueStore } from '../plugins/plugin-kv.js';
import type { PluginRegistry } from '../plugins/registry.js';
import type { PlacetPlugin } from '../plugins/types.js';
import { checkUiModules } from '../plugins/ui-modules.js';
import type { Clock } from '../ports/clock.js';
import type { LogFields, Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { Availability } from './availability.js';
import { EventHub } from './event-hub.js';
import { MessageViews } from './message-views.js';
import { PluginHookRunner } from './plugin-hook-runner.js';
import { ServiceTokens } from './service-tokens.js';

const AFTER_HOOKS: readonly PluginHookName[] = [
  'message.created',
  'message.updated',
  'review.created',
  'review.responded',
  'review.dismissed',
  'review.expired',
];

function describe(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function disposablesOf(result: PluginInitResult): PluginDisposable[] {
  if (result === undefined || result === null) return [];
  return Array.isArray(result) ? [...(result as readonly PluginDisposable[])] : [result as PluginDisposable];
}

/** The host's logger with `plugin: <name>` on every entry. */
function pluginLogger(logger: Logger, plugin: string): Logger {
  const withName = (fields?: LogFields) => ({ plugin, ...fields });
  return {
    debug: (message, fields) => logger.debug(message, withName(fields)),
    info: (message, fields) => logger.info(message, withName(fields)),
    warn: (message, fields) => logger.warn(message, withName(fields)),
    error: (message, fields) => logger.error(message, withName(fields)),
  };
}

/**
 * The plugins of one Placet instance at run time: their contexts, `init` at start and what it returned
 * disposed at stop, the after-commit hook runners, and the before hooks the engine calls.
 */
@injectable()
export class PluginRuntime {
  readonly #instanceId = newId();
  readonly #contexts = new Map<string, PluginContext>();
  readonly #disposables: { plugin: string; item: PluginDisposable }[] = [];
  readonly #subscriptions = new Set<() => void>();
  readonly #runners: PluginHookRunner[] = [];
  #placet: Placet | undefined;

  constructor(
    @inject(TOKENS.Registry) private readonly registry: PluginRegistry,
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(EventHub) private readonly hub: EventHub,
    @inject(MessageViews) private readonly views: MessageViews,
    @inject(Availability) private readonly availability: Availability,
    @inject(ServiceTokens) private readonly services: ServiceTokens,
  ) {}

  /** The facade that contexts hand to plugins (created after the services). */
  bind(placet: Placet): void {
    this.#placet = placet;
  }

  /** The context of plugin `name`: the same object for `init` and every hook. */
  context(plugin: PlacetPlugin): PluginContext {
    const existing = this.#contexts.get(plugin.name);
    if (existing) return existing;
    const runtime = this;
    const codes = plugin.errorCodes ?? {};
    const logger = pluginLogger(this.logger, plugin.name);
    const context: PluginContext = {
      name: plugin.name,
      get placet(): Placet {
        if (!runtime.#placet) throw new PlacetError('INTERNAL', 'The Placet facade is not ready yet');
        return runtime.#placet;
      },
      options: this.registry.options(plugin.name),
      logger,
      clock: this.clock,
      kv: pluginKeyValueStore(this.store.kv, this.clock, plugin.name),
      events: {
        subscribe: (listener, options = {}) => {
          const types = options.types ? new Set<string>(options.types) : undefined;
          const off = this.hub.onEvent((event) => {
            if (INTERNAL_EVENT_TYPES.has(event.type) || (types && !types.has(event.type))) return;
            const failed = (error: unknown) =>
              logger.error('event listener failed', { seq: event.seq, error: describe(error) });
            try {
              const result = listener(event);
              if (result && typeof result.catch === 'function') result.catch(failed);
            } catch (error) {
              failed(error);
            }
          });
          this.#subscriptions.add(off);
          return () => {
            off();
            this.#subscriptions.delete(off);
          };
        },
      },
      error(code, message, options = {}) {
        const declared = codes[code];
        if (!declared) {
          logger.error('ctx.error() with a code the plugin does not declare in errorCodes', { code });
        }
        return new PlacetError(code, message, { ...options, status: declared?.status ?? 500 });
      },
      provide: (token, value) => this.services.provide(token, value),
      resolve: (token) => this.services.resolve(token),
    };
    this.#contexts.set(plugin.name, context);
    return context;
  }

  /** `start()`, before migrations: every review type's `ui.module` is a file on disk. */
  checkUiModules(): Promise<void> {
    return checkUiModules(this.registry.plugins());
  }

  /**
   * `start()`, after migrations and the event hub: runs each plugin's `init` in registration order (a
   * failure disposes what the earlier ones returned and fails with `PLUGIN_INIT_FAILED`), then starts
   * the hook runners.
   */
  async start(): Promise<void> {
    for (const plugin of this.registry.plugins()) {
      if (!plugin.init) continue;
      let result: PluginInitResult;
      try {
        result = await plugin.init(this.context(plugin));
      } catch (error) {
        await this.#dispose();
        throw new PlacetError(
          'PLUGIN_INIT_FAILED',
          `Plugin "${plugin.name}" failed to start: init() threw: ${describe(error)}`,
          { cause: error },
        );
      }
      for (const item of disposablesOf(result)) this.#disposables.push({ plugin: plugin.name, item });
    }
    for (const plugin of this.registry.plugins()) {
      if (!AFTER_HOOKS.some((hook) => plugin.hooks?.[hook])) continue;
      const runner = new PluginHookRunner(plugin, this.context(plugin), {
        store: this.store,
        clock: this.clock,
        logger: this.logger,
        hub: this.hub,
        availability: this.availability,
        settings: this.options.pluginHooks,
        instanceId: this.#instanceId,
        loadMessage: (id) => this.#loadMessage(id),
      });
      this.#runners.push(runner);
      await runner.start();
    }
  }

  /** `stop()`: stops the hook runners (a running hook may finish), ends subscriptions, disposes in reverse. */
  async stop(): Promise<void> {
    await Promise.all(this.#runners.map((runner) => runner.stop()));
    this.#runners.length = 0;
    for (const off of [...this.#subscriptions]) off();
    this.#subscriptions.clear();
    await this.#dispose();
  }

  /**
   * Runs every plugin's `review.beforeRespond`, in registration order; the first that throws refuses
   * the answer. A PlacetError with one of that plugin's codes (or a core code) is the refusal; anything
   * else is logged and answered as `INTERNAL`.
   */
  async beforeRespond(input: BeforeRespondInput): Promise<void> {
    for (const plugin of this.registry.plugins()) {
      const hook = plugin.hooks?.['review.beforeRespond'];
      if (!hook) continue;
      try {
        await hook(input, this.context(plugin));
      } catch (error) {
        throw this.#refusal(plugin, error);
      }
    }
  }

  #refusal(plugin: PlacetPlugin, error: unknown): PlacetError {
    if (isPlacetError(error)) {
      const declared = plugin.errorCodes?.[error.code];
      if (declared) {
        return error.status === declared.status
          ? error
          : new PlacetError(error.code, error.message, {
              status: declared.status,
              ...(error.issues ? { issues: error.issues } : {}),
              cause: error,
            });
      }
      if (Object.hasOwn(ERROR_CODES, error.code)) return error;
    }
    this.logger.error('plugin hook review.beforeRespond failed: the answer is refused', {
      plugin: plugin.name,
      error: describe(error),
      ...(isPlacetError(error) ? { code: error.code } : {}),
    });
    return new PlacetError('INTERNAL', `Plugin "${plugin.name}": review.beforeRespond failed`, {
      cause: error,
    });
  }

  async #loadMessage(id: string): Promise<Message | null> {
    const message = await this.store.messages.findById(id);
    return message ? this.views.presentOne(message) : null;
  }

  async #dispose(): Promise<void> {
    for (const { plugin, item } of this.#disposables.splice(0).reverse()) {
      try {
        if (typeof item === 'function') await item();
        else if ('dispose' in item && typeof item.dispose === 'function') await item.dispose();
        else if ('close' in item && typeof item.close === 'function') await item.close();
      } catch (error) {
        this.logger.error('plugin: disposing what init() returned failed', {
          plugin,
          error: describe(error),
        });
      }
    }
  }
}
