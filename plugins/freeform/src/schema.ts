import { defineReviewSchemas, type ReviewSchemas, z } from '@placet/core/browser';

// The freeform schemas, shared by the server (index.ts) and the browser UI (ui.ts): they import only
// `@placet/core/browser`, so the UI bundle does not pull in the engine.

/** Default limit of a freeform payload or response, as serialised JSON: 64 KiB. */
export const DEFAULT_FREEFORM_MAX_BYTES = 64 * 1024;

/** Any JSON object; conventionally `{ plugin: '<renderer name>', ...data }`. Unknown keys are kept. */
export const FreeformPayload = z.looseObject({
  plugin: z.string().optional(),
  dismissLabel: z.string().optional(),
});
export type FreeformPayload = z.infer<typeof FreeformPayload>;

/** Any JSON object. */
export const FreeformResponse = z.record(z.string(), z.unknown());
export type FreeformResponse = z.infer<typeof FreeformResponse>;

const utf8 = new TextEncoder();

/** A zod check that rejects values whose JSON serialisation is larger than `maxBytes` (UTF-8). */
function jsonSizeCheck(maxBytes: number, what: string) {
  return (ctx: z.core.ParsePayload<unknown>) => {
    let json: string | undefined;
    try {
      json = JSON.stringify(ctx.value);
    } catch {
      ctx.issues.push({ code: 'custom', message: `the ${what} is not JSON-serialisable`, input: ctx.value });
      return;
    }
    const bytes = utf8.encode(json ?? '').byteLength;
    if (bytes > maxBytes) {
      ctx.issues.push({
        code: 'custom',
        message: `the ${what} is ${bytes} bytes as JSON; the limit is ${maxBytes}`,
        input: ctx.value,
      });
    }
  };
}

/**
 * The `freeform` review type's schemas, with a size limit of `maxBytes` on payloads and responses:
 * declared once, for the server definition (index.ts, with the `maxBytes` option) and the
 * `placet-freeform` element (ui.ts). The browser uses the default limit: a server configured with a
 * smaller `maxBytes` still has the last word.
 */
export function freeformSchemas(
  maxBytes = DEFAULT_FREEFORM_MAX_BYTES,
): ReviewSchemas<FreeformPayload, FreeformResponse> {
  const payload = FreeformPayload.check(jsonSizeCheck(maxBytes, 'payload'));
  const response = FreeformResponse.check(jsonSizeCheck(maxBytes, 'response'));
  return defineReviewSchemas({
    type: 'freeform',
    payload,
    response: () => response,
    responseSchema: FreeformResponse,
  });
}
