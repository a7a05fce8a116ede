import { definePlugin, defineReviewType, z } from '@placet/core';

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

function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `Chose: Deploy (comment: looks good)`. */
export function summarizeApproval(response: ApprovalResponse, payload: ApprovalPayload): string {
  const option = (payload.options ?? []).find((candidate) => candidate.id === response.selectedOption);
  const label = oneLine(option?.label ?? response.selectedOption, 80);
  const comment = response.comment?.trim() ? ` (comment: ${oneLine(response.comment, 80)})` : '';
  return `Chose: ${label}${comment}`;
}

export const approvalReviewType = defineReviewType<ApprovalPayload, ApprovalResponse>({
  type: 'approval',
  displayName: 'Approval',
  description: 'Ask a human to pick one of a few buttons (approve, reject, …), optionally with a comment.',
  payload: ApprovalPayload,
  response: approvalResponseFor,
  responseSchema: ApprovalResponse,
  summarize: summarizeApproval,
});

/** The built-in `approval` review type as a plugin. */
export const approval = () =>
  definePlugin({
    name: 'approval',
    version: '0.1.0',
    displayName: 'Approval',
    description: 'Built-in review type: choose one of the offered options, with an optional comment.',
    reviewTypes: [approvalReviewType],
  });
