import type { z } from 'zod';
import type { AnyOperation } from '../operations/operation.js';
import type { Notification, NotificationResult, Notifier } from '../ports/notifier.js';
import type { PluginContext, PluginHooks, PluginInitResult } from './context.js';

/**
 * The browser side of a review type: an ES module that defines a custom element (its one bare import, if
 * any, is `@placet/core/browser`, which the dashboard's import map provides). The
 * dashboard sets `payload`, `review`, `readonly` and `theme` on the element and listens for
 * `placet-respond` events (`detail: { response }`).
 */
export interface ReviewTypeUi {
  /** Custom element tag name, e.g. `placet-approval`. Must contain a hyphen. */
  element: string;
  /**
   * Absolute path of the built ES module on disk (the router serves it at
   * `/api/v1/plugins/:name/ui/:type`). A relative path is refused by `createPlacet()`, a file that does
   * not exist by `start()` (`PLUGIN_UI_MODULE_MISSING`).
   */
  module: string;
}

/** Anything that accepts a human response for a review: `{ _dismissed: true }` or a typed answer. */
export type ReviewResponse = Record<string, unknown>;

/**
 * A review type: what an agent may ask (`payload`) and what a human may answer (`response(payload)`).
 * Built-in types use this exact contract; a plugin author copies them.
 */
export interface ReviewTypeDefinition<Payload = Record<string, unknown>, Response = ReviewResponse> {
  /** The wire name, e.g. `approval`. Lowercase letters, digits and `-` / `.` / `:` / `@` / `/`. */
  type: string;
  displayName?: string;
  description?: string;
  /** Schema of the agent's payload. Use `z.looseObject`: agents rely on unknown keys being kept. */
  payload: z.ZodType<Payload>;
  /** The schema of a valid human response *for this payload* (e.g. options restricted to the payload's). */
  response: (payload: Payload) => z.ZodType<Response>;
  /** A payload-independent response schema for documentation (`GET /plugins`). Defaults to `response` of an empty payload where possible. */
  responseSchema?: z.ZodType;
  /** Whether `{ "_dismissed": true }` is an acceptable answer. Default: the payload has a `dismissLabel`. */
  dismissible?: (payload: Payload) => boolean;
  /** One line for notifications, e.g. `Approved: Deploy (comment: ok)`. */
  summarize?: (response: Response, payload: Payload) => string;
  /**
   * The complete answers a human can give with one click for this payload (an approval's options, a
   * single selection's items): what a notifier offers as links or buttons (e-mail, push, chat). Each
   * `response` must be valid for the payload; the engine drops those that are not. None: answered in the
   * dashboard only.
   */
  quickAnswers?: (payload: Payload) => readonly QuickAnswer<Response>[];
  /**
   * How one assignee's vote counts in a quorum: which answer it is (`choice`, e.g. the option id: votes
   * of one choice add up) and whether it says no (`rejects`: what `policy.veto` acts on). Without it a
   * vote's choice is its canonical JSON and no vote rejects.
   */
  verdict?: (response: Response, payload: Payload) => Verdict;
  ui?: ReviewTypeUi;
}

/** How a vote counts (see `ReviewTypeDefinition.verdict`). */
export interface Verdict {
  readonly choice: string;
  readonly rejects: boolean;
}

/** One answer a human can give with one click (see `ReviewTypeDefinition.quickAnswers`). */
export interface QuickAnswer<Response = ReviewResponse> {
  /** Stable within the payload (an option id): action links and buttons name it. */
  readonly id: string;
  /** What the button says: `Deploy`, `Staging`. */
  readonly label: string;
  /** The response it gives. */
  readonly response: Response;
  /** How it looks: `primary` filled, `danger` red, `secondary` plain. */
  readonly tone?: 'primary' | 'danger' | 'secondary';
  readonly description?: string;
}

/**
 * The part of a review type that the server and the browser share: its wire name, the schema of the
 * agent's payload, the schema of a valid response for a payload, and who may dismiss. A plugin declares
 * it once with `defineReviewSchemas` (from `@placet/core/browser`) in a browser-safe file, spreads it
 * into `defineReviewType({ ...schemas, summarize, ui })` on the server, and hands it to its element.
 */
export type ReviewSchemas<Payload = Record<string, unknown>, Response = ReviewResponse> = Pick<
  ReviewTypeDefinition<Payload, Response>,
  'type' | 'payload' | 'response' | 'responseSchema' | 'dismissible'
>;

/** The options of a plugin: the factory's raw `input` and the zod `schema` it is parsed with. */
export interface PluginOptions<Options> {
  /**
   * Parsed once by `createPlacet()`, defaults applied; `init` and every hook get the result as
   * `ctx.options`. Invalid input fails `createPlacet()` with `INVALID_OPTIONS`, naming the plugin and
   * the path of each problem (never the values: they may hold secrets).
   */
  // biome-ignore lint/suspicious/noExplicitAny: the schema's input type is the factory's business.
  schema: z.ZodType<Options, any>;
  /** What the factory received, as it received it. */
  input: unknown;
}

/**
 * A Placet plugin: a plain object made by a factory (`approval()`), checked with `satisfies PlacetPlugin`
 * or built with `definePlugin` (which types `ctx.options` from `options.schema` and `ctx.error` from
 * `errorCodes`). `name` is its short id (`approval`, as in `GET /api/v1/plugins/approval`).
 */
// biome-ignore lint/suspicious/noExplicitAny: a list of plugins holds plugins with different options.
export interface PlacetPlugin<Options = any, Code extends string = string> {
  name: string;
  version: string;
  displayName?: string;
  description?: string;
  author?: string;
  /** Names of plugins that must be registered too. */
  dependencies?: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: payload/response types differ per review type.
  reviewTypes?: readonly ReviewTypeDefinition<any, any>[];
  /**
   * What the plugin renders, for a plugin that draws `freeform` reviews addressed to it (`review: { type:
   * 'freeform', payload: { plugin: '<name>', ...data } }`): the schema of `data`. Published as JSON
   * Schema in the plugin's manifest (`GET /api/v1/plugins`, as the original's `inputSchema`), from which
   * tools build their input (the MCP server's `send_<name>_message`).
   */
  inputSchema?: z.ZodType;
  /** Error codes this plugin may throw, each prefixed with the plugin name in UPPER_SNAKE. */
  errorCodes?: Readonly<Record<Code, { status: number; description: string }>>;
  /** The plugin's options: parsed with `schema` at `createPlacet()`, handed to `init` and hooks. */
  options?: PluginOptions<Options>;
  /**
   * Runs at `placet.start()`, after migrations, in registration order. It may return what `stop()`
   * disposes (functions, or objects with `dispose()` or `close()`), in reverse order. When it throws,
   * `start()` fails with `PLUGIN_INIT_FAILED` naming the plugin.
   */
  init?: (ctx: PluginContext<Options, Code>) => PluginInitResult | Promise<PluginInitResult>;
  /**
   * Lifecycle hooks. After-commit hooks (`message.created`, `message.updated`, `review.created`,
   * `review.responded`, `review.expired`, `review.dismissed`) run from the outbox, at least once, in seq order; before
   * hooks (`review.beforeRespond`) run before the change and may refuse it with one of `errorCodes`.
   */
  hooks?: PluginHooks<Options, Code>;
  /**
   * HTTP operations of the plugin, defined with `defineOperation` as the core's are, mounted under
   * `/api/v1/plugins/<name>` (a route `/entries` answers `/plugins/<name>/entries`). Called once at
   * `createPlacet()` with the plugin's context (its options, key-value store, logger, `error`). The
   * routes are in the OpenAPI document and served by every HTTP adapter, with the same auth, validation
   * and error bodies as the core's operations.
   */
  routes?: (ctx: PluginContext<Options, Code>) => readonly AnyOperation[];
  /**
   * Channels that reach humans (e-mail, push, chat): the engine plans one durable notification per
   * (review event, recipient, notifier) with the event, sends it through `send`, retries it like a
   * webhook and records every attempt in the delivery log (see the `Notifier` port).
   */
  notifiers?: readonly PluginNotifier<Options, Code>[];
}

/**
 * A plugin's notifier: a `Notifier` whose `send` also gets the plugin's context for the instance that
 * sends (its options, key-value store, clock, the facade) — one plugin object may serve several instances.
 */
// biome-ignore lint/suspicious/noExplicitAny: as PlacetPlugin's (a list holds plugins with different options).
export interface PluginNotifier<Options = any, Code extends string = string> extends Omit<Notifier, 'send'> {
  send(notification: Notification, ctx: PluginContext<Options, Code>): Promise<NotificationResult>;
}
