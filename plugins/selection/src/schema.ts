import { defineReviewSchemas, z } from '@placet/core/browser';

// The selection schemas, shared by the server (index.ts) and the browser UI (ui.ts): they import only
// `@placet/core/browser`, so the UI bundle does not pull in the engine.

/** One choosable item of a selection review. */
export const SelectionItem = z.looseObject({
  id: z.string().min(1),
  label: z.string().min(1),
  description: z.string().optional(),
});
export type SelectionItem = z.infer<typeof SelectionItem>;

/** What an agent asks: pick one (`single`) or several (`multi`) of `items`. Unknown keys are kept. */
export const SelectionPayload = z
  .looseObject({
    mode: z.enum(['single', 'multi']),
    items: z.array(SelectionItem).min(1),
    submitLabel: z.string().optional(),
    dismissLabel: z.string().optional(),
  })
  .superRefine((payload, ctx) => {
    const seen = new Set<string>();
    payload.items.forEach((item, index) => {
      if (seen.has(item.id)) {
        ctx.addIssue({
          code: 'custom',
          message: `duplicate item id "${item.id}"`,
          path: ['items', index, 'id'],
        });
      }
      seen.add(item.id);
    });
  });
export type SelectionPayload = z.infer<typeof SelectionPayload>;

/** Any selection answer, independent of a payload (for documentation). */
export const SelectionResponse = z.strictObject({
  selectedIds: z.array(z.string().min(1)).min(1),
});
export type SelectionResponse = z.infer<typeof SelectionResponse>;

/**
 * The answers valid for `payload`: a non-empty list of its item ids without duplicates, exactly one in
 * `single` mode.
 */
export function selectionResponseFor(payload: SelectionPayload): z.ZodType<SelectionResponse> {
  const ids = (payload.items ?? []).map((item) => item.id);
  const id = ids.length > 0 ? z.enum(ids as [string, ...string[]]) : z.never();
  const list =
    payload.mode === 'single'
      ? z.array(id).length(1, { error: 'select exactly one item (mode is single)' })
      : z.array(id).min(1, { error: 'select at least one item' }).max(ids.length);
  const selectedIds = list.superRefine((selected, ctx) => {
    const seen = new Set<string>();
    selected.forEach((value, index) => {
      if (seen.has(value)) {
        ctx.addIssue({ code: 'custom', message: `"${value}" is selected twice`, path: [index] });
      }
      seen.add(value);
    });
  });
  return z.strictObject({ selectedIds });
}

/**
 * The `selection` review type's schemas, declared once: the server definition (index.ts) spreads them
 * and the `placet-selection` element (ui.ts) validates with them, so both refuse exactly the same answers.
 */
export const selectionSchemas = defineReviewSchemas<SelectionPayload, SelectionResponse>({
  type: 'selection',
  payload: SelectionPayload,
  response: selectionResponseFor,
  responseSchema: SelectionResponse,
});
