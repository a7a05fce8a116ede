import { defineReviewSchemas, z } from '@placet/core/browser';

// The rating schemas, shared by the server (index.ts) and the browser UI (ui.ts). They import only
// `@placet/core/browser`, so the UI bundle carries zod and these schemas but not the engine: the
// browser refuses exactly what the server refuses, with the same messages.

/** Stars when the payload sets no `max`. */
export const DEFAULT_MAX = 5;
/** The longest comment a human may send, in UTF-16 code units. */
export const COMMENT_MAX_LENGTH = 2000;

/**
 * What an agent asks: a rating from 1 to `max` stars (default 5), each star optionally named by
 * `labels[i]`, with a dismiss button when `dismissLabel` is set. Unknown keys are kept.
 */
export const RatingPayload = z
  .looseObject({
    max: z
      .int({ error: 'max must be a whole number' })
      .min(2, { error: 'max must be at least 2' })
      .max(10, { error: 'max must be at most 10' })
      .optional()
      .describe(`Number of stars, 2 to 10 (default ${DEFAULT_MAX}).`),
    labels: z
      .array(z.string().min(1, { error: 'a label must not be empty' }))
      .optional()
      .describe('One label per star, lowest first (its length must equal max).'),
    dismissLabel: z.string().optional(),
  })
  .superRefine((payload, ctx) => {
    const max = payload.max ?? DEFAULT_MAX;
    if (payload.labels !== undefined && payload.labels.length !== max) {
      ctx.addIssue({
        code: 'custom',
        message: `expected ${max} labels, one per star, got ${payload.labels.length}`,
        path: ['labels'],
      });
    }
  });
export type RatingPayload = z.infer<typeof RatingPayload>;

/** Any rating answer, independent of a payload (for documentation: `GET /api/v1/plugins`). */
export const RatingResponse = z.strictObject({
  stars: z.int().min(1).max(10),
  comment: z.string().max(COMMENT_MAX_LENGTH).optional(),
});
export type RatingResponse = z.infer<typeof RatingResponse>;

/** The number of stars `payload` offers. */
export function ratingMax(payload: Pick<RatingPayload, 'max'> | null | undefined): number {
  return payload?.max ?? DEFAULT_MAX;
}

/** The label of star `stars` (1-based), if the payload names it. */
export function starLabel(payload: RatingPayload, stars: number): string | undefined {
  return payload.labels?.[stars - 1];
}

/** The answers valid for `payload`: a whole number of stars from 1 to its `max`, and an optional comment. */
export function ratingResponseFor(payload: RatingPayload): z.ZodType<RatingResponse> {
  const max = ratingMax(payload);
  const range = `choose a rating from 1 to ${max} stars`;
  return z.strictObject({
    stars: z
      // No rating chosen: say what to do rather than zod's "expected number, received undefined".
      .int({ error: (issue) => (issue.input === undefined ? range : 'stars must be a whole number') })
      .min(1, { error: range })
      .max(max, { error: `at most ${max} stars` }),
    comment: z
      .string()
      .max(COMMENT_MAX_LENGTH, {
        error: `the comment is too long (at most ${COMMENT_MAX_LENGTH} characters)`,
      })
      .optional(),
  });
}

/** `{ "_dismissed": true }` is a valid answer when the payload has a non-blank `dismissLabel`. */
export function isRatingDismissible(payload: RatingPayload): boolean {
  return typeof payload.dismissLabel === 'string' && payload.dismissLabel.trim().length > 0;
}

/**
 * The `rating` review type's schemas, declared once: the server definition (index.ts) spreads them and
 * the `placet-rating` element (ui.ts) validates with them, so both refuse exactly the same answers and
 * offer dismissal under the same rule.
 */
export const ratingSchemas = defineReviewSchemas<RatingPayload, RatingResponse>({
  type: 'rating',
  payload: RatingPayload,
  response: ratingResponseFor,
  responseSchema: RatingResponse,
  dismissible: isRatingDismissible,
});
