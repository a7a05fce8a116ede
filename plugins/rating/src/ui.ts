/// <reference lib="dom" />
/**
 * `<placet-rating>`: the browser UI of the `rating` review type, bundled to `dist/ui.js` (zod and
 * `@placet/core/browser` included). Contract: see `PlacetReviewElement` in `@placet/core/browser`.
 *
 * The stars are a native radio group (`<input type="radio" name="stars" value="N" data-option="N">`,
 * one per star, named by `labels[N-1]` or "N stars"): Tab enters the group, the arrow keys move between
 * stars and choose. An optional comment (`name="comment"`), a submit button (`data-action="submit"`) and,
 * when the payload has a `dismissLabel`, a dismiss button (`data-action="dismiss"`). Answers
 * `{ stars, comment? }`. A completed review shows `★★★★☆ 4/5`, the star's label and the comment.
 *
 * Styling: the `--placet-*` properties of the contract, plus `--placet-rating-star` (the filled star).
 */
import {
  type Child,
  defineElement,
  errorSlot,
  h,
  PlacetReviewElement,
  submitButton,
} from '@placet/core/browser';
import {
  COMMENT_MAX_LENGTH,
  type RatingPayload,
  type RatingResponse,
  ratingMax,
  ratingSchemas,
  starLabel,
} from './schema.js';

/** The accessible name and tooltip of star `n`. */
function starName(payload: RatingPayload, n: number): string {
  return starLabel(payload, n) ?? (n === 1 ? '1 star' : `${n} stars`);
}

export class PlacetRatingElement extends PlacetReviewElement<RatingPayload, RatingResponse> {
  static override styles = `
:host{--_star:var(--placet-rating-star,#b36b00)}
:host([theme=dark]){--_star:var(--placet-rating-star,#f2c94c)}
.stars{display:flex;flex-wrap:wrap;gap:.1rem;width:max-content;max-width:100%;border-radius:6px}
.star{position:relative;display:inline-flex}
.star input{position:absolute;inset:0;opacity:0;margin:0;pointer-events:none}
.star label{font-size:1.9rem;line-height:1;padding:.05rem .12rem;border-radius:6px;cursor:pointer;
user-select:none;color:transparent;-webkit-text-stroke:1.5px var(--_muted)}
.star:has(input:checked) label,.star:has(~ .star input:checked) label{color:var(--_star);
-webkit-text-stroke-color:var(--_star)}
fieldset:enabled .stars:hover .star label{color:transparent;-webkit-text-stroke-color:var(--_muted)}
fieldset:enabled .stars:hover .star:hover label,
fieldset:enabled .stars:hover .star:has(~ .star:hover) label{color:var(--_star);-webkit-text-stroke-color:var(--_star)}
.star input:focus-visible+label{outline:2px solid var(--_accent);outline-offset:1px}
.stars:has(input[aria-invalid=true]){outline:1px dashed var(--_danger);outline-offset:2px}
.answer{display:grid;gap:.35rem;justify-items:start}
.rated .glyphs{font-size:1.35rem;vertical-align:-.1em;letter-spacing:.08em;color:var(--_star)}
.rated .glyphs .off{color:var(--_muted)}
.rated .score{font-weight:600}
.rating-label{font-weight:600}
.comment{white-space:pre-wrap;word-break:break-word}
`;
  protected readonly definition = ratingSchemas;

  protected renderForm(payload: RatingPayload): { fields: Child[]; actions: Child[] } {
    const max = ratingMax(payload);
    const current = h('p', { class: 'current muted', 'data-current': true }, 'No rating yet');
    const show = (n: number) => {
      const label = starLabel(payload, n);
      current.textContent = `${n}/${max}${label ? ` · ${label}` : ''}`;
    };
    const stars = Array.from({ length: max }, (_, index) => {
      const n = index + 1;
      const name = starName(payload, n);
      return h(
        'span',
        { class: 'star' },
        h('input', {
          type: 'radio',
          id: `star-${n}`,
          name: 'stars',
          value: n,
          'data-option': n,
          'aria-label': name,
          onchange: () => show(n),
        }),
        h('label', { for: `star-${n}`, title: name }, '★'),
      );
    });
    const group = h(
      'fieldset',
      { class: 'rating' },
      h('legend', { class: 'label' }, 'Your rating'),
      h('div', { class: 'stars' }, stars),
      current,
      errorSlot('stars'),
    );
    const comment = h(
      'div',
      { class: 'field' },
      h('label', { for: 'comment' }, 'Comment ', h('span', { class: 'muted' }, '(optional)')),
      h('textarea', { id: 'comment', name: 'comment', rows: 3, maxlength: COMMENT_MAX_LENGTH }),
      errorSlot('comment'),
    );
    return { fields: [group, comment], actions: [submitButton('Submit rating')] };
  }

  protected readResponse(form: HTMLFormElement): unknown {
    const chosen = form.querySelector<HTMLInputElement>('input[name="stars"]:checked');
    const comment = form.querySelector<HTMLTextAreaElement>('[name="comment"]')?.value ?? '';
    // Nothing chosen: no `stars` key, so the schema's "choose a rating" message is shown.
    return {
      ...(chosen ? { stars: Number(chosen.value) } : {}),
      ...(comment.trim() ? { comment } : {}),
    };
  }

  protected renderAnswer(response: RatingResponse, payload: RatingPayload): Child {
    const max = ratingMax(payload);
    const stars = Math.min(Math.max(Math.trunc(Number(response.stars) || 0), 0), max);
    const label = starLabel(payload, stars);
    return [
      h(
        'p',
        { class: 'rated', 'data-stars': stars },
        h(
          'span',
          { class: 'glyphs', 'aria-hidden': 'true' },
          '★'.repeat(stars),
          h('span', { class: 'off' }, '☆'.repeat(max - stars)),
        ),
        ' ',
        h('span', { class: 'score' }, `${stars}/${max}`),
      ),
      label ? h('p', { class: 'rating-label' }, label) : null,
      typeof response.comment === 'string' && response.comment
        ? h('blockquote', { class: 'comment' }, response.comment)
        : null,
    ];
  }
}

defineElement('placet-rating', PlacetRatingElement);
