import { definePlugin, defineReviewType, PlacetError, z } from '@placet/core';

/** Default limit of a freeform payload or response, as serialised JSON: 64 KiB. */
export const DEFAULT_FREEFORM_MAX_BYTES = 64 * 1024;

/** Options of `freeform()`. */
export const FreeformOptions = z.strictObject({
  /** Largest accepted payload or response, in bytes of its UTF-8 JSON serialisation. */
  maxBytes: z.int().positive().default(DEFAULT_FREEFORM_MAX_BYTES),
});
export type FreeformOptionsInput = z.input<typeof FreeformOptions>;
export type FreeformOptions = z.output<typeof FreeformOptions>;

/** Any JSON object; conventionally `{ plugin: '<renderer name>', ...data }`. Unknown keys are kept. */
export const FreeformPayload = z.looseObject({
  plugin: z.string().optional(),
  dismissLabel: z.string().optional(),
});
export type FreeformPayload = z.infer<typeof FreeformPayload>;

/** Any JSON object. */
export const FreeformResponse = z.record(z.string(), z.unknown());
export type FreeformResponse = z.infer<typeof FreeformResponse>;

/** A zod check that rejects values whose JSON serialisation is larger than `maxBytes`. */
function jsonSizeCheck(maxBytes: number, what: string) {
  return (ctx: z.core.ParsePayload<unknown>) => {
    let json: string | undefined;
    try {
      json = JSON.stringify(ctx.value);
    } catch {
      ctx.issues.push({ code: 'custom', message: `the ${what} is not JSON-serialisable`, input: ctx.value });
      return;
    }
    const bytes = Buffer.byteLength(json ?? '', 'utf8');
    if (bytes > maxBytes) {
      ctx.issues.push({
        code: 'custom',
        message: `the ${what} is ${bytes} bytes as JSON; the limit is ${maxBytes}`,
        input: ctx.value,
      });
    }
  };
}

function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `Responded (plugin poll): {"choice":"b"}`, shortened to one line. */
export function summarizeFreeform(response: FreeformResponse, payload: FreeformPayload): string {
  const plugin =
    typeof payload?.plugin === 'string' && payload.plugin ? ` (plugin ${oneLine(payload.plugin, 40)})` : '';
  return oneLine(`Responded${plugin}: ${JSON.stringify(response)}`);
}

/** The `freeform` review type with a size limit of `maxBytes` on payloads and responses. */
export function createFreeformReviewType(options: FreeformOptionsInput = {}) {
  const { maxBytes } = parseOptions(options);
  const payload = FreeformPayload.check(jsonSizeCheck(maxBytes, 'payload'));
  const response = FreeformResponse.check(jsonSizeCheck(maxBytes, 'response'));
  return defineReviewType<FreeformPayload, FreeformResponse>({
    type: 'freeform',
    displayName: 'Freeform',
    description:
      'Any JSON object, rendered by a UI plugin named in payload.plugin; the human answers with any JSON object.',
    payload,
    response: () => response,
    responseSchema: FreeformResponse,
    summarize: summarizeFreeform,
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
