import { defineReviewSchemas, z } from '@placet/core/browser';

// The text-input schemas, shared by the server (index.ts) and the browser UI (ui.ts): they import only
// `@placet/core/browser`, so the UI bundle does not pull in the engine.

/** What an agent asks: a free text answer, optionally bounded in length. Unknown keys are kept. */
export const TextInputPayload = z
  .looseObject({
    placeholder: z.string().optional(),
    prefill: z.string().optional(),
    markdown: z.boolean().optional(),
    minLength: z.int().positive().optional(),
    maxLength: z.int().positive().optional(),
    submitLabel: z.string().optional(),
    dismissLabel: z.string().optional(),
  })
  .superRefine((payload, ctx) => {
    if (
      payload.minLength !== undefined &&
      payload.maxLength !== undefined &&
      payload.minLength > payload.maxLength
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `maxLength (${payload.maxLength}) must not be less than minLength (${payload.minLength})`,
        path: ['maxLength'],
      });
    }
  });
export type TextInputPayload = z.infer<typeof TextInputPayload>;

/** Any text-input answer, independent of a payload (for documentation). */
export const TextInputResponse = z.strictObject({ text: z.string().min(1) });
export type TextInputResponse = z.infer<typeof TextInputResponse>;

/**
 * The answers valid for `payload`: text that is not blank, at most `maxLength` UTF-16 code units long,
 * and at least `minLength` long once leading and trailing whitespace is ignored (padding does not
 * satisfy a minimum). The text is stored as sent.
 */
export function textInputResponseFor(payload: TextInputPayload): z.ZodType<TextInputResponse> {
  const min = payload.minLength ?? 1;
  let text = z.string().min(min, { abort: true });
  if (payload.maxLength !== undefined) text = text.max(payload.maxLength, { abort: true });
  const checked = text.superRefine((value, ctx) => {
    const trimmed = value.trim().length;
    if (trimmed === 0) ctx.addIssue({ code: 'custom', message: 'the text is blank' });
    else if (trimmed < min) {
      ctx.addIssue({
        code: 'custom',
        message: `too short: expected at least ${min} characters besides whitespace`,
      });
    }
  });
  return z.strictObject({ text: checked });
}

/**
 * The `text-input` review type's schemas, declared once: the server definition (index.ts) spreads them
 * and the `placet-text-input` element (ui.ts) validates with them, so both refuse exactly the same answers.
 */
export const textInputSchemas = defineReviewSchemas<TextInputPayload, TextInputResponse>({
  type: 'text-input',
  payload: TextInputPayload,
  response: textInputResponseFor,
  responseSchema: TextInputResponse,
});
