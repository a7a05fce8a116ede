import type { z } from 'zod';

/**
 * The browser side of a review type: a self-contained ES module that defines a custom element. The
 * dashboard sets `payload`, `review`, `readonly` and `theme` on the element and listens for
 * `placet-respond` events (`detail: { response }`).
 */
export interface ReviewTypeUi {
  /** Custom element tag name, e.g. `placet-approval`. Must contain a hyphen. */
  element: string;
  /** Absolute path of the ES module on disk (served by the dashboard) or a URL path. */
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
  ui?: ReviewTypeUi;
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

/** A renderer for custom message content (`metadata.plugin`), declared with the schema of its input. */
export interface RendererDefinition {
  name: string;
  displayName?: string;
  description?: string;
  input?: z.ZodType;
  ui?: ReviewTypeUi;
}

/**
 * A Placet plugin: a plain object made by a factory (`approval()`), checked with `satisfies PlacetPlugin`.
 * `name` is its short id (`approval`, as in `GET /api/v1/plugins/approval`).
 */
export interface PlacetPlugin {
  name: string;
  version: string;
  displayName?: string;
  description?: string;
  author?: string;
  /** Names of plugins that must be registered too. */
  dependencies?: readonly string[];
  // biome-ignore lint/suspicious/noExplicitAny: payload/response types differ per review type.
  reviewTypes?: readonly ReviewTypeDefinition<any, any>[];
  renderers?: readonly RendererDefinition[];
  /** Error codes this plugin may throw, each prefixed with the plugin name in UPPER_SNAKE. */
  errorCodes?: Readonly<Record<string, { status: number; description: string }>>;
}
