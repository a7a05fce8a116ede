import { z } from 'zod';
import type { PluginManifest, ReviewTypeManifest } from '../contract/plugin-manifest.js';
import { registerPluginErrorCodes } from '../errors/codes.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOptions, parseOrThrow } from '../errors/zod-issues.js';
import { canonicalJson } from '../receipts/review-hash.js';
import { definePlugin } from './define.js';
import type { PlacetPlugin, QuickAnswer, ReviewResponse, ReviewTypeDefinition, Verdict } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: the registry handles every review type generically.
type AnyReviewType = ReviewTypeDefinition<any, any>;

const DISMISSED = z.strictObject({ _dismissed: z.literal(true) });

function toJsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io }) as Record<string, unknown>;
}

/** A POSIX (`/…`) or Windows (`C:\…`, `\\server\…`) absolute path. */
const ABSOLUTE_PATH = /^(?:\/|[A-Za-z]:[\\/]|\\\\)/;

/** Parses a plugin's options with its schema: INVALID_OPTIONS naming the plugin and the paths, never values. */
function parsePluginOptions(plugin: PlacetPlugin): unknown {
  if (!plugin.options) return undefined;
  return parseOptions(plugin.options.schema, plugin.options.input, `options of plugin "${plugin.name}"`);
}

/** Refuses a review type whose `ui.module` is not an absolute path (the router reads it from disk). */
function checkUiModulePaths(plugin: PlacetPlugin): void {
  for (const definition of plugin.reviewTypes ?? []) {
    const module = definition.ui?.module;
    if (module === undefined || ABSOLUTE_PATH.test(module)) continue;
    throw new PlacetError(
      'INVALID_PLUGIN',
      `Plugin "${plugin.name}": ui.module of review type "${definition.type}" must be an absolute path ` +
        `on disk, not "${module}" (relative to what?). Resolve it from the plugin's own file: ` +
        "fileURLToPath(new URL('../dist/ui.js', import.meta.url))",
    );
  }
}

function defaultDismissible(payload: unknown): boolean {
  const label = (payload as { dismissLabel?: unknown } | null)?.dismissLabel;
  return typeof label === 'string' && label.trim().length > 0;
}

/**
 * The plugins a Placet instance was created with. Registration rejects duplicate plugin names,
 * duplicate review types and missing dependencies with coded errors; lookups of an unknown review type
 * answer `UNKNOWN_REVIEW_TYPE` (400) naming the registered types.
 */
export class PluginRegistry {
  readonly #plugins = new Map<string, PlacetPlugin>();
  readonly #reviewTypes = new Map<string, { plugin: PlacetPlugin; definition: AnyReviewType }>();
  readonly #options = new Map<string, unknown>();

  constructor(plugins: readonly PlacetPlugin[]) {
    for (const plugin of plugins) {
      definePlugin(plugin);
      if (this.#plugins.has(plugin.name)) {
        throw new PlacetError('DUPLICATE_PLUGIN', `Plugin "${plugin.name}" is registered twice`);
      }
      this.#plugins.set(plugin.name, plugin);
      checkUiModulePaths(plugin);
      this.#options.set(plugin.name, parsePluginOptions(plugin));
      for (const definition of plugin.reviewTypes ?? []) {
        const existing = this.#reviewTypes.get(definition.type);
        if (existing) {
          throw new PlacetError(
            'DUPLICATE_REVIEW_TYPE',
            `Review type "${definition.type}" is registered by both "${existing.plugin.name}" and "${plugin.name}"`,
          );
        }
        this.#reviewTypes.set(definition.type, { plugin, definition });
      }
    }
    for (const plugin of plugins) {
      for (const dependency of plugin.dependencies ?? []) {
        if (!this.#plugins.has(dependency)) {
          throw new PlacetError(
            'PLUGIN_DEPENDENCY_MISSING',
            `Plugin "${plugin.name}" depends on "${dependency}", which is not registered`,
          );
        }
      }
    }
    for (const plugin of plugins) {
      const problem = registerPluginErrorCodes(plugin.name, plugin.errorCodes ?? {});
      if (problem) throw new PlacetError('INVALID_PLUGIN', `Plugin "${plugin.name}": ${problem}`);
    }
  }

  /** The options of plugin `name` as its schema parsed them (undefined when it declares none). */
  options(name: string): unknown {
    return this.#options.get(name);
  }

  plugins(): PlacetPlugin[] {
    return [...this.#plugins.values()];
  }

  plugin(name: string): PlacetPlugin | undefined {
    return this.#plugins.get(name);
  }

  reviewTypeNames(): string[] {
    return [...this.#reviewTypes.keys()];
  }

  hasReviewType(type: string): boolean {
    return this.#reviewTypes.has(type);
  }

  /** The definition of `type`, or `UNKNOWN_REVIEW_TYPE` (400) naming the registered types. */
  // biome-ignore lint/suspicious/noExplicitAny: one of any registered type (the alias above, spelled out for the API).
  reviewType(type: string): ReviewTypeDefinition<any, any> {
    const entry = this.#reviewTypes.get(type);
    if (!entry) {
      const known = this.reviewTypeNames();
      throw new PlacetError(
        'UNKNOWN_REVIEW_TYPE',
        `Unknown review type "${type}". Registered types: ${known.length ? known.join(', ') : '(none)'}`,
        { issues: [{ path: 'review.type', message: `must be one of: ${known.join(', ')}` }] },
      );
    }
    return entry.definition;
  }

  /** Validates an agent's payload; returns the parsed payload (unknown keys kept by loose schemas). */
  parsePayload(type: string, payload: unknown): Record<string, unknown> {
    const definition = this.reviewType(type);
    return parseOrThrow(definition.payload, payload ?? {}, {
      code: 'INVALID_REVIEW_PAYLOAD',
      prefix: 'review.payload',
    }) as Record<string, unknown>;
  }

  /** Whether a human may answer `{ _dismissed: true }` to this payload. */
  isDismissible(type: string, payload: unknown): boolean {
    const definition = this.reviewType(type);
    return definition.dismissible ? definition.dismissible(payload) : defaultDismissible(payload);
  }

  /**
   * Validates a human response against the review's (already stored, already valid) payload.
   * `{ _dismissed: true }` is accepted only when the payload is dismissible.
   */
  parseResponse(type: string, payload: unknown, response: unknown): ReviewResponse {
    const definition = this.reviewType(type);
    if (DISMISSED.safeParse(response).success) {
      if (!this.isDismissible(type, payload)) {
        throw new PlacetError(
          'INVALID_REVIEW_RESPONSE',
          'This review cannot be dismissed: its payload has no dismissLabel',
          {
            issues: [{ path: 'response._dismissed', message: 'not allowed without payload.dismissLabel' }],
          },
        );
      }
      return { _dismissed: true };
    }
    return parseOrThrow(definition.response(payload), response, {
      code: 'INVALID_REVIEW_RESPONSE',
      prefix: 'response',
    }) as ReviewResponse;
  }

  /** One-line summary of a response for notifications (its JSON for a type no plugin registers now). */
  summarize(type: string, payload: unknown, response: ReviewResponse): string {
    if (response._dismissed === true) return 'Dismissed';
    const definition = this.#reviewTypes.get(type)?.definition;
    return definition?.summarize
      ? definition.summarize(response, payload)
      : JSON.stringify(response).slice(0, 200);
  }

  /**
   * The one-click answers of a review (its type's `quickAnswers`), each checked against the response
   * schema for its payload: one that is not a valid answer is left out. None for an unknown type, a
   * payload that no longer parses, or a type without them.
   */
  quickAnswers(type: string, payload: unknown): QuickAnswer[] {
    const definition = this.#reviewTypes.get(type)?.definition;
    if (!definition?.quickAnswers) return [];
    const parsed = definition.payload.safeParse(payload);
    if (!parsed.success) return [];
    const schema = definition.response(parsed.data);
    try {
      return definition
        .quickAnswers(parsed.data)
        .filter((answer) => schema.safeParse(answer.response).success);
    } catch {
      return [];
    }
  }

  /**
   * How a vote counts in a quorum (the type's `verdict`). A dismissal is its own choice and never a
   * rejection; without a `verdict` the choice is the response's canonical JSON.
   */
  verdict(type: string, payload: unknown, response: ReviewResponse): Verdict {
    if (response._dismissed === true) return { choice: '_dismissed', rejects: false };
    const definition = this.#reviewTypes.get(type)?.definition;
    if (definition?.verdict) {
      const { choice, rejects } = definition.verdict(response, payload);
      return { choice: String(choice), rejects: rejects === true };
    }
    return { choice: canonicalJson(response), rejects: false };
  }

  /** JSON Schemas of a review type's payload and response; the response for `payload` when one is given. */
  jsonSchemas(
    type: string,
    payload?: unknown,
  ): { payload: Record<string, unknown>; response: Record<string, unknown> } {
    const definition = this.reviewType(type);
    const response =
      payload !== undefined
        ? definition.response(this.parsePayload(type, payload))
        : (definition.responseSchema ?? z.record(z.string(), z.unknown()));
    return { payload: toJsonSchema(definition.payload, 'input'), response: toJsonSchema(response, 'input') };
  }

  manifest(name: string): PluginManifest | undefined {
    const plugin = this.#plugins.get(name);
    return plugin ? this.#manifestOf(plugin) : undefined;
  }

  manifests(): PluginManifest[] {
    return this.plugins().map((plugin) => this.#manifestOf(plugin));
  }

  #manifestOf(plugin: PlacetPlugin): PluginManifest {
    const reviewTypes: ReviewTypeManifest[] = (plugin.reviewTypes ?? []).map((definition) => {
      const schemas = this.jsonSchemas(definition.type);
      const entry: ReviewTypeManifest = {
        type: definition.type,
        payloadSchema: schemas.payload,
        responseSchema: schemas.response,
      };
      if (definition.displayName) entry.displayName = definition.displayName;
      if (definition.description) entry.description = definition.description;
      if (definition.ui) entry.ui = { element: definition.ui.element };
      return entry;
    });
    const manifest: PluginManifest = {
      name: plugin.name,
      version: plugin.version,
      displayName: plugin.displayName ?? plugin.name,
      reviewTypes,
      // Renderers are no longer part of the plugin API; the field stays in the wire manifest, empty.
      renderers: [],
    };
    if (plugin.description) manifest.description = plugin.description;
    if (plugin.author) manifest.author = plugin.author;
    if (plugin.inputSchema) manifest.inputSchema = toJsonSchema(plugin.inputSchema, 'input');
    return manifest;
  }
}
