import type { Review } from '@placet/core/contract';
import { z } from '@placet/core/plugin';

/**
 * What a mail can answer by a link: the options of an `approval` and the items of a `selection`. The
 * payloads are read as those plugins define them (`options`/`items` of `{ id, label }`), defensively: a
 * payload of another shape gets no links, only the way to the dashboard. Every other type (form,
 * text-input, freeform, a plugin's own) is answered in the dashboard.
 */

const Labelled = z.looseObject({ id: z.string().min(1), label: z.string().min(1) });
const ApprovalShape = z.looseObject({
  options: z.array(Labelled.extend({ style: z.string().optional() })).min(1),
});
const SelectionShape = z.looseObject({
  mode: z.enum(['single', 'multi']),
  items: z.array(Labelled.extend({ description: z.string().optional() })).min(1),
});

export interface Choice {
  readonly id: string;
  readonly label: string;
  /** The confirmation page's button and the mail's link: `Approve`, `Choose Staging`. */
  readonly action: string;
  /** How its button looks: an approval's `danger` option is red, its `primary` one filled. */
  readonly tone: 'primary' | 'danger' | 'secondary';
  readonly description?: string;
}

export interface Choices {
  readonly choices: readonly Choice[];
  /** A multi-selection: each link picks that item alone; several are chosen in the dashboard. */
  readonly multi: boolean;
  /** The answer the review type expects for a choice. */
  response(choiceId: string): Record<string, unknown>;
}

/** The choices a link can answer `review` with, or undefined for types answered in the dashboard. */
export function choicesOf(review: Pick<Review, 'type' | 'payload'>): Choices | undefined {
  if (review.type === 'approval') {
    const parsed = ApprovalShape.safeParse(review.payload);
    if (!parsed.success) return undefined;
    return {
      choices: parsed.data.options.map((option) => ({
        id: option.id,
        label: option.label,
        action: option.label,
        tone: option.style === 'danger' ? 'danger' : option.style === 'primary' ? 'primary' : 'secondary',
      })),
      multi: false,
      response: (id) => ({ selectedOption: id }),
    };
  }
  if (review.type === 'selection') {
    const parsed = SelectionShape.safeParse(review.payload);
    if (!parsed.success) return undefined;
    const multi = parsed.data.mode === 'multi';
    return {
      choices: parsed.data.items.map((item) => ({
        id: item.id,
        label: item.label,
        action: multi ? `Choose only ${item.label}` : `Choose ${item.label}`,
        tone: 'secondary' as const,
        ...(item.description ? { description: item.description } : {}),
      })),
      multi,
      response: (id) => ({ selectedIds: [id] }),
    };
  }
  return undefined;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A short account of an answer, for mails and pages: `Approve`, `Staging, Production`, `Dismissed`. */
export function describeAnswer(review: Pick<Review, 'type' | 'payload' | 'response'>): string {
  const response = review.response;
  if (!response) return 'no answer';
  if (response._dismissed === true) return 'Dismissed';
  const labelOf = (id: unknown) => {
    const found = choicesOf(review)?.choices.find((choice) => choice.id === id);
    return found?.label ?? String(id);
  };
  const comment =
    typeof response.comment === 'string' && response.comment.trim()
      ? ` (comment: ${clip(response.comment.trim(), 200)})`
      : '';
  if (review.type === 'approval' && typeof response.selectedOption === 'string')
    return `${labelOf(response.selectedOption)}${comment}`;
  if (review.type === 'selection' && Array.isArray(response.selectedIds))
    return response.selectedIds.map(labelOf).join(', ');
  const parts = Object.entries(response).map(
    ([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  return clip(parts.join('; '), 300);
}
