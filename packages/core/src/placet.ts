import { container, type DependencyContainer, Lifecycle } from 'tsyringe';
import { consoleLogger } from './adapters/console-logger.js';
import { memoryStore } from './adapters/memory/memory-store.js';
import { memoryFileStore } from './adapters/memory-file-store.js';
import { memoryTransport } from './adapters/memory-transport.js';
import { systemClock } from './adapters/system-clock.js';
import type { PluginManifest } from './contract/plugin-manifest.js';
import type { Token } from './define-token.js';
import type { PublicUser } from './domain/present.js';
import type { Principal, UserPrincipal } from './domain/principal.js';
import type { EventRecord } from './domain/records.js';
import { PlacetError } from './errors/placet-error.js';
import { isServiceUnavailable } from './errors/unavailable.js';
import type {
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
import type { PlacetHealth, PlacetState, PlacetStats } from './health.js';
import { type OperationTable, operationTable } from './operations/plugin-routes.js';
import { type PlacetOptions, parsePlacetOptions, type ResolvedPlacetOptions } from './placet-options.js';
import { PluginRegistry } from './plugins/registry.js';
import type { QuickAnswer, ReviewTypeUi } from './plugins/types.js';
import { AgentStatusService } from './services/agent-status-service.js';
import { ApiKeysService } from './services/api-keys-service.js';
import { AttachmentsService } from './services/attachments-service.js';
import { AuditService } from './services/audit-service.js';
import { Availability } from './services/availability.js';
import { AvatarsService } from './services/avatars-service.js';
import { ChannelWebhooksService } from './services/channel-webhooks-service.js';
import { ChannelsService } from './services/channels-service.js';
import { DeliveriesService } from './services/deliveries-service.js';
import { type EventFilter, EventHub, type Resync } from './services/event-hub.js';
import { FilesService } from './services/files-service.js';
import { GroupsService } from './services/groups-service.js';
import { MessageViews } from './services/message-views.js';
import { MessageWriter } from './services/message-writer.js';
import { MessagesService } from './services/messages-service.js';
import { NotificationPreferencesService } from './services/notification-preferences-service.js';
import { Notifications } from './services/notifications.js';
import { observeStore } from './services/observed-store.js';
import { OutboxEpoch } from './services/outbox-epoch.js';
import { PluginRuntime } from './services/plugin-runtime.js';
import { ReceiptsService } from './services/receipts-service.js';
import { Reminders } from './services/reminders.js';
import { ReviewsService } from './services/reviews-service.js';
import { ServiceTokens } from './services/service-tokens.js';
import { SessionsService } from './services/sessions-service.js';
import { StreamsService } from './services/streams-service.js';
import { Sweeper } from './services/sweeper.js';
import { UnitOfWork } from './services/unit-of-work.js';
import { UsersService } from './services/users-service.js';
import { Waiters } from './services/waiters.js';
import { TOKENS } from './tokens.js';

export interface PlacetEvents {
  /** Events of one owner (optionally some channels), in seq order; replays from `fromSeq` first. */
  subscribe(filter: EventFilter, listener: (event: EventRecord) => void): () => void;
  /** The highest seq this instance has dispatched. */
  lastSeq(): number;
  /**
   * The highest seq committed to the store (read now): taken before a credential is checked, every
   * `access:revoked` after it is one the check could not have seen.
   */
  committedSeq(): Promise<number>;
  /** The outbox's current epoch (see `checkResume`); clients keep it with the last seq they saw. */
  epoch(): Promise<string>;
  /**
   * Whether a client may resume from `fromSeq` with the `epoch` it kept: a `resync` when its epoch is
   * not the current one, or when `fromSeq` is beyond every committed event (the database was restored:
   * a new epoch starts). Realtime adapters call it before a replay; on a resync the client reloads.
   */
  checkResume(input: { fromSeq: number | undefined; epoch?: string | undefined }): Promise<{
    epoch: string;
    resync?: Resync;
  }>;
}

export interface PlacetPlugins {
  list(): PluginManifest[];
  get(name: string): PluginManifest | undefined;
  /** The browser UI of review type `type` of plugin `name` (its module's path on disk), if it has one. */
  ui(name: string, type: string): ReviewTypeUi | undefined;
  /**
   * The one-click answers of a review of `type` with `payload` (its review type's `quickAnswers`, each a
   * valid response): what a notifier offers as links or buttons. Empty for types answered in the dashboard.
   */
  quickAnswers(type: string, payload: unknown): QuickAnswer[];
  /** A response in one line (its review type's `summarize`): `Chose: Deploy`, `Dismissed`. */
  summarize(type: string, payload: unknown, response: Record<string, unknown>): string;
}

/**
 * One Placet instance: what embedding hosts call (the typed facade of `facade.ts`: public methods only,
 * typed inputs). Two instances share nothing.
 */
export interface Placet {
  readonly options: ResolvedPlacetOptions;
  readonly users: UsersApi;
  /** Named groups of users (`group:<name>` assignees), instance-wide. */
  readonly groups: GroupsApi;
  /** Server-side sessions of signed-in humans: ending one closes what it opened, in every process. */
  readonly sessions: SessionsApi;
  readonly apiKeys: ApiKeysApi;
  readonly channels: ChannelsApi;
  /** Avatars of channels, uploaded by their owner. */
  readonly avatars: AvatarsApi;
  readonly messages: MessagesApi;
  readonly reviews: ReviewsApi;
  /** Signed receipts of completed reviews, and the keys that sign them (JWKS, rotation). */
  readonly receipts: ReceiptsApi;
  /** The audit log of reviews: hash-chained per owner, exported as NDJSON or CSV. */
  readonly audit: AuditApi;
  /** Streamed replies: PATCH of the full text, status steps. */
  readonly streams: StreamsApi;
  /** A channel's webhook settings and signing secret. */
  readonly webhooks: WebhooksApi;
  /** Webhook deliveries: the per-message log with every attempt, and redrive. */
  readonly deliveries: DeliveriesApi;
  /** Agent heartbeats and status history. */
  readonly status: StatusApi;
  /** Files: store, upload, list, open, delete. */
  readonly files: FilesApi;
  /** Humans' notification preferences (which notifier tells them what, when). */
  readonly notifications: NotificationsApi;
  /** One housekeeping pass now (expiry, stale drafts, offline agents, orphan files); also runs on a timer. */
  sweep(): Promise<void>;
  readonly events: PlacetEvents;
  readonly plugins: PlacetPlugins;
  /** The HTTP operations this instance serves: the core's `OPERATIONS`, then its plugins' routes. */
  readonly api: OperationTable;
  /** The service under a token (`defineToken`): the host's (`provide` option) or a plugin's. */
  resolve<T>(token: Token<T>): T;
  /** The agent behind an API key, or null. */
  authenticate(credentials: { apiKey: string }): Promise<Principal | null>;
  /** The principal of a human the host authenticated. */
  userPrincipal(user: Pick<PublicUser, 'id' | 'role'>): UserPrincipal;
  /**
   * Readiness: asks the store (one round trip, bounded by `timeoutMs`, default 2000) and the transport.
   * Never throws. A host's readiness endpoint answers 503 unless `ready`.
   */
  health(options?: { timeoutMs?: number }): Promise<PlacetHealth>;
  /** What the engine knows about its own work, for metrics (read-only; store values null while it is away). */
  stats(): Promise<PlacetStats>;
  /**
   * Checks plugins' UI modules, runs migrations, starts the event hub, runs plugins' `init` and starts
   * their hook runners, then the sweeper and the webhook dispatcher. Idempotent.
   */
  start(): Promise<void>;
  /**
   * Stops sweeping, stops plugins' hook runners and disposes what their `init` returned (in reverse
   * order), releases waiters, closes the ports, disposes the container. Idempotent.
   */
  stop(): Promise<void>;
}

const SERVICES = [
  DeliveriesService,
  MessageWriter,
  StreamsService,
  AgentStatusService,
  AttachmentsService,
  ChannelWebhooksService,
  UnitOfWork,
  EventHub,
  Waiters,
  MessageViews,
  FilesService,
  SessionsService,
  UsersService,
  GroupsService,
  ApiKeysService,
  ChannelsService,
  MessagesService,
  ReviewsService,
  ReceiptsService,
  AuditService,
  Sweeper,
  OutboxEpoch,
  PluginRuntime,
  Notifications,
  NotificationPreferencesService,
  Reminders,
  ServiceTokens,
] as const;

/** Creates a Placet instance in its own tsyringe child container. Ports default to in-memory adapters. */
export function createPlacet(input: PlacetOptions = {}): Placet {
  const parsed = parsePlacetOptions(input);
  const options: ResolvedPlacetOptions = Object.freeze({
    ...parsed,
    store: parsed.store ?? memoryStore(),
    files: parsed.files ?? memoryFileStore(),
    transport: parsed.transport ?? memoryTransport(),
    clock: parsed.clock ?? systemClock(),
    logger: parsed.logger ?? consoleLogger(),
  });
  const registry = new PluginRegistry(options.plugins);
  // The engine's store reports unreachability to the tracker (one log line per outage); the host's own
  // store object (`options.store`) is left as it is.
  const availability = new Availability(options.store, options.clock, options.logger);
  const store = observeStore(options.store, availability);

  const scope: DependencyContainer = container.createChildContainer();
  scope.register(TOKENS.Options, { useValue: options });
  scope.register(TOKENS.Container, { useValue: scope });
  scope.register(TOKENS.Store, { useValue: store });
  scope.register(Availability, { useValue: availability });
  scope.register(TOKENS.FileStore, { useValue: options.files });
  scope.register(TOKENS.Transport, { useValue: options.transport });
  scope.register(TOKENS.Clock, { useValue: options.clock });
  scope.register(TOKENS.Logger, { useValue: options.logger });
  scope.register(TOKENS.Registry, { useValue: registry });
  scope.register(TOKENS.WebhookSender, { useValue: { sender: options.webhookSender ?? null } });
  for (const service of SERVICES as readonly (new (
    ...args: never[]
  ) => unknown)[]) {
    scope.register(service, { useClass: service }, { lifecycle: Lifecycle.ContainerScoped });
  }

  // First: two notifiers with one name fail createPlacet() with a clear error (not a DI one).
  const notifications = scope.resolve(Notifications);
  const services = scope.resolve(ServiceTokens);
  const hub = scope.resolve(EventHub);
  const epoch = scope.resolve(OutboxEpoch);
  const waiters = scope.resolve(Waiters);
  const sweeper = scope.resolve(Sweeper);
  const deliveries = scope.resolve(DeliveriesService);
  const reviews = scope.resolve(ReviewsService);
  const users = scope.resolve(UsersService);
  const apiKeys = scope.resolve(ApiKeysService);
  const pluginRuntime = scope.resolve(PluginRuntime);
  const api = operationTable(registry.plugins(), (plugin) => pluginRuntime.context(plugin));
  let state: PlacetState = 'new';
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;

  /** `fn()`, or `fallback` when it fails or takes longer than `ms` (on the instance's clock). */
  const bounded = <T, F>(fn: () => Promise<T>, ms: number, fallback: F): Promise<T | F> =>
    new Promise((resolve) => {
      const timer = options.clock.setTimer(() => resolve(fallback), ms);
      fn().then(
        (value) => {
          options.clock.clearTimer(timer);
          resolve(value);
        },
        () => {
          options.clock.clearTimer(timer);
          resolve(fallback);
        },
      );
    });

  async function health({ timeoutMs = 2_000 } = {}): Promise<PlacetHealth> {
    const started = Date.now();
    const outcome = await new Promise<'ok' | 'unavailable' | 'timeout' | 'error'>((resolve) => {
      const timer = options.clock.setTimer(() => resolve('timeout'), timeoutMs);
      availability.ping().then(
        () => {
          options.clock.clearTimer(timer);
          resolve('ok');
        },
        (error: unknown) => {
          options.clock.clearTimer(timer);
          // Reported like any failing call: the outage is logged once, however often readiness asks.
          availability.reportFailure(error);
          resolve(isServiceUnavailable(error) ? 'unavailable' : 'error');
        },
      );
    });
    if (outcome === 'ok') availability.reportAvailable();
    const downSince = availability.downSince;
    const transportOk = options.transport.connected?.() ?? true;
    return {
      ready: state === 'started' && outcome === 'ok' && transportOk,
      state,
      store: {
        ok: outcome === 'ok',
        dialect: options.store.capabilities.dialect,
        ...(outcome === 'ok' ? { latencyMs: Date.now() - started } : { problem: outcome }),
        ...(downSince ? { downSince: downSince.toISOString() } : {}),
      },
      transport: { ok: transportOk, name: options.transport.capabilities.name },
    };
  }

  async function stats(): Promise<PlacetStats> {
    // Store reads only while it is reachable, each bounded: a scrape never waits on a dead database.
    const reachable = availability.available && state === 'started';
    const [committedSeq, pending] = reachable
      ? await Promise.all([
          bounded(() => store.events.lastSeq(), 1_000, null),
          bounded(() => store.deliveries.countPending(), 1_000, null),
        ])
      : [null, null];
    const dispatchedSeq = hub.cursor;
    const sweeps = sweeper.stats();
    return {
      state,
      store: {
        dialect: options.store.capabilities.dialect,
        available: availability.available,
        pool: options.store.poolStats?.() ?? null,
      },
      transport: {
        name: options.transport.capabilities.name,
        connected: options.transport.connected?.() ?? true,
      },
      events: {
        committedSeq,
        dispatchedSeq,
        lag: committedSeq === null ? null : Math.max(0, committedSeq - dispatchedSeq),
      },
      waiters: { open: waiters.count() },
      deliveries: { pending, ...deliveries.counters() },
      sweeper: {
        runs: sweeps.runs,
        failedRuns: sweeps.failedRuns,
        lastRunAt: sweeps.lastRunAt?.toISOString() ?? null,
      },
    };
  }

  const placet: Placet = {
    options,
    users,
    groups: scope.resolve(GroupsService),
    sessions: scope.resolve(SessionsService),
    apiKeys,
    channels: scope.resolve(ChannelsService),
    avatars: scope.resolve(AvatarsService),
    messages: scope.resolve(MessagesService),
    reviews,
    receipts: scope.resolve(ReceiptsService),
    audit: scope.resolve(AuditService),
    streams: scope.resolve(StreamsService),
    webhooks: scope.resolve(ChannelWebhooksService),
    status: scope.resolve(AgentStatusService),
    deliveries,
    files: scope.resolve(AttachmentsService),
    notifications: (() => {
      const preferences = scope.resolve(NotificationPreferencesService);
      return {
        preferences: (userId) => preferences.get(userId),
        setPreferences: (userId, input) => preferences.update(userId, input),
      };
    })(),
    sweep: () => sweeper.sweep(),
    events: {
      subscribe: (filter, listener) => hub.subscribe(filter, listener),
      lastSeq: () => hub.cursor,
      committedSeq: () => store.events.lastSeq(),
      epoch: () => epoch.current(),
      checkResume: (input) => epoch.checkResume(input),
    },
    api,
    resolve: (token) => services.resolve(token),
    plugins: {
      list: () => registry.manifests(),
      get: (name) => registry.manifest(name),
      ui: (name, type) => registry.plugin(name)?.reviewTypes?.find((t) => t.type === type)?.ui,
      quickAnswers: (type, payload) => registry.quickAnswers(type, payload),
      summarize: (type, payload, response) => registry.summarize(type, payload, response),
    },
    authenticate: async ({ apiKey }) => apiKeys.authenticate(apiKey),
    userPrincipal: (user) => users.principal(user),
    health,
    stats,
    async start() {
      if (state === 'stopped' || state === 'stopping')
        throw new PlacetError('CONFLICT', 'This Placet instance was stopped; create a new one');
      if (state === 'started') return;
      starting ??= (async () => {
        state = 'starting';
        await pluginRuntime.checkUiModules();
        await store.migrate();
        await epoch.ensure();
        await options.transport.start?.();
        await hub.start();
        // Plugins' init (in registration order), then their hook runners: after migrations, before work.
        await pluginRuntime.start();
        await sweeper.start();
        deliveries.start();
        state = 'started';
        options.logger.info('placet started', {
          store: options.store.capabilities.dialect,
          plugins: registry.plugins().map((p) => p.name),
        });
      })();
      await starting;
    },
    stop() {
      stopping ??= stopNow();
      return stopping;
    },
  };

  async function stopNow(): Promise<void> {
    await starting?.catch(() => {});
    state = 'stopping';
    await sweeper.stop();
    await deliveries.stop();
    // Hook runners stop (a running hook may finish), then what plugins' init returned is disposed.
    await pluginRuntime.stop();
    // Waits that arrive from now on answer 'timeout' at once instead of registering.
    reviews.releaseWaiters();
    // Released waiters answer without the store; give their requests a moment to finish first.
    for (let i = 0; i < 100 && waiters.count() > 0; i++) await new Promise((r) => setTimeout(r, 10));
    await hub.stop();
    for (const notifier of notifications.all()) await notifier.close?.();
    await options.transport.close();
    await options.files.close?.();
    availability.stop();
    await options.store.close();
    state = 'stopped';
    await scope.dispose();
  }
  pluginRuntime.bind(placet);
  return placet;
}
