import { definePlugin, defineReviewType, z } from '@placet/core';

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

function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `Replied: first words of the text…`. */
export function summarizeTextInput(response: TextInputResponse): string {
  return `Replied: ${oneLine(response.text, 100)}`;
}

export const textInputReviewType = defineReviewType<TextInputPayload, TextInputResponse>({
  type: 'text-input',
  displayName: 'Text input',
  description: 'Ask a human for a free text answer (plain or markdown), optionally bounded in length.',
  payload: TextInputPayload,
  response: textInputResponseFor,
  responseSchema: TextInputResponse,
  summarize: summarizeTextInput,
});

/** The built-in `text-input` review type as a plugin. */
export const textInput = () =>
  definePlugin({
    name: 'text-input',
    version: '0.1.0',
    displayName: 'Text input',
    description: 'Built-in review type: answer with free text.',
    reviewTypes: [textInputReviewType],
  });
