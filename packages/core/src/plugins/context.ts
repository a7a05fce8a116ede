import type { Message } from '../contract/message.js';
import type { Review } from '../contract/review.js';
import type { Token } from '../define-token.js';
import type { UserPrincipal } from '../domain/principal.js';
import type { EventRecord, EventType } from '../domain/records.js';
import type { PlacetError, PlacetErrorOptions } from '../errors/placet-error.js';
import type { Placet } from '../placet.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';

/**
 * A plugin's own key-value store, kept in the Store (namespace `plugin:<name>`), shared by every process
 * on that store. Values are JSON: what `get` returns is what `JSON.parse(JSON.stringify(value))` gives
 * (a `Date` comes back as its ISO string). Entries with `ttlMs` disappear after that long.
 */
export interface PluginKeyValueStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Inserts or replaces. */
  set(key: string, value: unknown, options?: { ttlMs?: number }): Promise<void>;
  /**
   * Inserts only when no live entry has this key, atomically: of N concurrent callers, in every process
   * sharing the store, exactly one gets `true` (claims, single-use tokens, "do this once" markers).
   */
  setIfAbsent(key: string, value: unknown, options?: { ttlMs?: number }): Promise<boolean>;
  delete(key: string): Promise<boolean>;
}

/** The committed events of this process, live. */
export interface PluginEventStream {
  /**
   * Calls `listener` with every committed event (all tenants; `access:revoked` and other internal
   * events never), in seq order, at most once per process, from now on. Not durable: events committed
   * while the process was down are not replayed. Use `hooks` for what must not be lost. Returns the
   * unsubscribe function; `stop()` unsubscribes too.
   */
  subscribe(
    listener: (event: EventRecord) => void | Promise<void>,
    options?: { types?: readonly EventType[] },
  ): () => void;
}

/** What `init(ctx)` and every hook get. */
export interface PluginContext<Options = unknown, Code extends string = string> {
  /** The plugin's name. */
  readonly name: string;
  /** The Placet instance (the host's facade). */
  readonly placet: Placet;
  /** The plugin's options, parsed by its `options.schema` (undefined when it declares none). */
  readonly options: Options;
  readonly events: PluginEventStream;
  /** The host's logger; every entry carries `plugin: <name>`. */
  readonly logger: Logger;
  /** The instance's clock (a fake one in tests): use it for time and timers. */
  readonly clock: Clock;
  readonly kv: PluginKeyValueStore;
  /** A PlacetError with one of this plugin's `errorCodes` and its declared HTTP status. */
  error(code: Code, message: string, options?: Omit<PlacetErrorOptions, 'status'>): PlacetError;
  /**
   * Offers a service under `token` for this instance (other plugins and the host `resolve` it). A value
   * the host provided for the token (`createPlacet({ provide })`) wins: then this is a no-op.
   */
  provide<T>(token: Token<T>, value: T): void;
  /** The service under `token`: the host's, or the one a plugin provided. Throws when there is none. */
  resolve<T>(token: Token<T>): T;
}

/** Something `stop()` disposes: a function, or an object with `dispose()` or `close()`. */
export type PluginDisposable = (() => unknown) | { dispose(): unknown } | { close(): unknown };

/** What `init` may return: nothing, one disposable, or several (disposed in reverse order). */
// biome-ignore lint/suspicious/noConfusingVoidType: an init that returns nothing is typed `void`.
export type PluginInitResult = void | undefined | PluginDisposable | readonly PluginDisposable[];

/** What every after-commit hook event carries: where it happened, and its place in the outbox. */
export interface PluginHookEventBase {
  /** The outbox seq: strictly increasing, the same in every process. Key idempotent work by it. */
  seq: number;
  /** When the change committed. */
  at: Date;
  /** The user who owns the channel (the tenant). */
  ownerId: string;
  channelId: string;
  /** The message (a review shares its message's id). */
  messageId: string;
}

export interface MessageCreatedEvent extends PluginHookEventBase {
  /** The message as the API returned it when it was created. */
  message: Message;
}

/**
 * A message changed after it was created: an escalation step fired (new assignees, the next step), a vote
 * that does not decide yet was cast, a draft was streamed, finished or aborted, a message became the first
 * of an iteration group. Answers and expiries have their own hooks (`review.responded`, `review.expired`).
 */
export interface MessageUpdatedEvent extends PluginHookEventBase {
  /**
   * The message as the change presented it (what dashboards and watching agents got): the state of that
   * change, not necessarily of now. A hook that acts on a review compares `message.review.status` with
   * the review as it is now (a later answer or expiry has its own event, after this one).
   */
  message: Message;
}

export interface ReviewCreatedEvent extends PluginHookEventBase {
  message: Message;
  review: Review;
}

export interface ReviewRespondedEvent extends PluginHookEventBase {
  /** The message with its completed review, as of the answer. */
  message: Message;
  review: Review;
  /** The answer (`{ _dismissed: true }` for `review.dismissed`). */
  response: Record<string, unknown>;
  /** The id of the human who answered. */
  respondedBy: string | null;
}

export interface ReviewExpiredEvent extends PluginHookEventBase {
  /** The message as it is when the hook runs (read then), or null when it was deleted since. */
  message: Message | null;
}

/** The after-commit hooks and the event each one gets. */
export interface PluginHookEvents {
  'message.created': MessageCreatedEvent;
  'message.updated': MessageUpdatedEvent;
  'review.created': ReviewCreatedEvent;
  'review.responded': ReviewRespondedEvent;
  'review.dismissed': ReviewRespondedEvent;
  'review.expired': ReviewExpiredEvent;
}

export type PluginHookName = keyof PluginHookEvents;

/** What `review.beforeRespond` gets: the answer, validated by the review type, not yet recorded. */
export interface BeforeRespondInput {
  /** The human answering. */
  user: UserPrincipal;
  messageId: string;
  channelId: string;
  ownerId: string;
  review: {
    type: string;
    payload: Record<string, unknown>;
    createdAt: Date;
    expiresAt: Date;
  };
  /** The answer after validation (`{ _dismissed: true }` for a dismissal). */
  response: Record<string, unknown>;
  feedback: string | null;
}

/**
 * A plugin's hooks. After-commit hooks run from the outbox after the change committed: at least once
 * (make them idempotent, e.g. by `event.seq`), in seq order, retried with backoff when they throw, and
 * resumed after a crash. `review.beforeRespond` runs before the answer's transaction; throwing
 * `ctx.error(code, message)` refuses the answer with that code (its status reaches the HTTP answer).
 */
export type PluginHooks<Options = unknown, Code extends string = string> = {
  [H in PluginHookName]?: (
    event: PluginHookEvents[H],
    ctx: PluginContext<Options, Code>,
  ) => void | Promise<void>;
} & {
  'review.beforeRespond'?: (
    input: BeforeRespondInput,
    ctx: PluginContext<Options, Code>,
  ) => void | Promise<void>;
};
