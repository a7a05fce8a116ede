import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine, PlacetError, z } from '@placet/core/plugin';
import { DEFAULT_FREEFORM_MAX_BYTES, FreeformPayload, FreeformResponse, freeformSchemas } from './schema.js';

export { DEFAULT_FREEFORM_MAX_BYTES, FreeformPayload, FreeformResponse, freeformSchemas };

/**
 * The browser UI module: the built `dist/ui.js` of this package, whether this file runs from `src/`
 * (tests, through the `@placet/source` condition) or from `dist/` (a build). Build the package to create it.
 */
export const FREEFORM_UI_MODULE = fileURLToPath(new URL('../dist/ui.js', import.meta.url));

/** Options of `freeform()`. */
export const FreeformOptions = z.strictObject({
  /** Largest accepted payload or response, in bytes of its UTF-8 JSON serialisation. */
  maxBytes: z.int().positive().default(DEFAULT_FREEFORM_MAX_BYTES),
});
export type FreeformOptionsInput = z.input<typeof FreeformOptions>;
export type FreeformOptions = z.output<typeof FreeformOptions>;

/** `Responded (plugin poll): {"choice":"b"}`, shortened to one line. */
export function summarizeFreeform(response: FreeformResponse, payload: FreeformPayload): string {
  const plugin =
    typeof payload?.plugin === 'string' && payload.plugin ? ` (plugin ${oneLine(payload.plugin, 40)})` : '';
  return oneLine(`Responded${plugin}: ${JSON.stringify(response)}`);
}

/** The `freeform` review type with a size limit of `maxBytes` on payloads and responses. */
export function createFreeformReviewType(options: FreeformOptionsInput = {}) {
  const { maxBytes } = parseOptions(options);
  return defineReviewType({
    ...freeformSchemas(maxBytes),
    displayName: 'Freeform',
    description:
      'Any JSON object, rendered by a UI plugin named in payload.plugin; the human answers with any JSON object.',
    summarize: summarizeFreeform,
    ui: { element: 'placet-freeform', module: FREEFORM_UI_MODULE },
  });
}

function parseOptions(options: FreeformOptionsInput): FreeformOptions {
  const result = FreeformOptions.safeParse(options);
  if (result.success) return Object.freeze(result.data);
  // Paths and messages only: option values are never echoed.
  const issues = result.error.issues.map((issue) => ({
    path: ['freeform', ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new PlacetError(
    'INVALID_OPTIONS',
    `Invalid freeform() options: ${issues.map((issue) => issue.path).join(', ')}`,
    { issues },
  );
}

/** The `freeform` review type with the default 64 KiB limit. */
export const freeformReviewType = createFreeformReviewType();

/** The built-in `freeform` review type as a plugin; `maxBytes` limits payloads and responses. */
export const freeform = (options: FreeformOptionsInput = {}) =>
  definePlugin({
    name: 'freeform',
    version: '0.1.0',
    displayName: 'Freeform',
    description: 'Built-in review type: arbitrary JSON payload and response, rendered by a UI plugin.',
    reviewTypes: [createFreeformReviewType(options)],
  });
