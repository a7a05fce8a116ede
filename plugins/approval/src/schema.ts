import { defineReviewSchemas, z } from '@placet/core/browser';

// The approval schemas, shared by the server (index.ts) and the browser UI (ui.ts): they import only
// `@placet/core/browser`, so the UI bundle does not pull in the engine.

/** One button of an approval review. */
export const ApprovalOption = z.looseObject({
  id: z.string().min(1),
  label: z.string().min(1),
  style: z.enum(['primary', 'danger', 'secondary', 'ghost']).optional(),
});
export type ApprovalOption = z.infer<typeof ApprovalOption>;

/** What an agent asks: pick one of `options`, optionally with a comment. Unknown keys are kept. */
export const ApprovalPayload = z
  .looseObject({
    options: z.array(ApprovalOption).min(1),
    allowComment: z.boolean().optional(),
    dismissLabel: z.string().optional(),
  })
  .superRefine((payload, ctx) => {
    const seen = new Set<string>();
    payload.options.forEach((option, index) => {
      if (seen.has(option.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate option id "${option.id}"`,
          path: ['options', index, 'id'],
        });
      }
      seen.add(option.id);
    });
  });
export type ApprovalPayload = z.infer<typeof ApprovalPayload>;

/** Any approval answer, independent of a payload (for documentation). */
export const ApprovalResponse = z.strictObject({
  selectedOption: z.string().min(1),
  comment: z.string().optional(),
});
export type ApprovalResponse = z.infer<typeof ApprovalResponse>;

const NO_COMMENT = z.never({ error: 'comments are not allowed: the payload does not set allowComment' });

/** The answers valid for `payload`: one of its option ids, and a comment only when `allowComment` is true. */
export function approvalResponseFor(payload: ApprovalPayload): z.ZodType<ApprovalResponse> {
  const ids = (payload.options ?? []).map((option) => option.id);
  const selectedOption = ids.length > 0 ? z.enum(ids as [string, ...string[]]) : z.never();
  return z.strictObject({
    selectedOption,
    comment: payload.allowComment === true ? z.string().optional() : NO_COMMENT.optional(),
  });
}

/**
 * The `approval` review type's schemas, declared once: the server definition (index.ts) spreads them and
 * the `placet-approval` element (ui.ts) validates with them, so both refuse exactly the same answers.
 */
export const approvalSchemas = defineReviewSchemas<ApprovalPayload, ApprovalResponse>({
  type: 'approval',
  payload: ApprovalPayload,
  response: approvalResponseFor,
  responseSchema: ApprovalResponse,
});
