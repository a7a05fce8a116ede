import { fileURLToPath } from 'node:url';
import { definePlugin, defineReviewType, oneLine } from '@placet/core/plugin';
import {
  COMMENT_MAX_LENGTH,
  DEFAULT_MAX,
  isRatingDismissible,
  RatingPayload,
  RatingResponse,
  ratingMax,
  ratingResponseFor,
  ratingSchemas,
  starLabel,
} from './schema.js';

export {
  COMMENT_MAX_LENGTH,
  DEFAULT_MAX,
  isRatingDismissible,
  RatingPayload,
  RatingResponse,
  ratingMax,
  ratingResponseFor,
  ratingSchemas,
  starLabel,
};

/**
 * The browser UI module: the built `dist/ui.js` of this package, whether this file runs from `src/`
 * (tests, through the `@placet/source` condition) or from `dist/` (a build). `npm run build` creates it.
 */
export const RATING_UI_MODULE = fileURLToPath(new URL('../dist/ui.js', import.meta.url));

/** `Rated 4/5 (comment: quick and friendly)`, on one line. */
export function summarizeRating(response: RatingResponse, payload: RatingPayload): string {
  const comment = response.comment?.trim() ? ` (comment: ${oneLine(response.comment, 80)})` : '';
  return `Rated ${response.stars}/${ratingMax(payload)}${comment}`;
}

export const ratingReviewType = defineReviewType({
  ...ratingSchemas,
  displayName: 'Rating',
  description: 'Ask a human for a star rating (1 to max, default 5) with an optional comment.',
  summarize: summarizeRating,
  ui: { element: 'placet-rating', module: RATING_UI_MODULE },
});

/** The `rating` review type as a plugin: `createPlacet({ plugins: [rating()] })`. */
export const rating = () =>
  definePlugin({
    name: 'rating',
    version: '0.1.0',
    displayName: 'Rating',
    description: 'A star rating (1 to max stars) with an optional comment.',
    reviewTypes: [ratingReviewType],
  });
