/// <reference lib="dom" />
/**
 * `<placet-approval>`: the browser UI of the `approval` review type, bundled to `dist/ui.js` (zod and
 * `@placet/core/browser` included). Contract: see `PlacetReviewElement` in `@placet/core/browser`.
 *
 * One button per option (`data-option="<id>"`, styled by `style`: primary, danger, secondary, ghost),
 * an optional comment (`name="comment"`, when `allowComment`), and a dismiss button (`data-action=
 * "dismiss"`) when the payload has a `dismissLabel`. Answers `{ selectedOption, comment? }`.
 */
import { type Child, defineElement, errorSlot, h, PlacetReviewElement } from '@placet/core/browser';
import { type ApprovalPayload, type ApprovalResponse, approvalSchemas } from './schema.js';

export class PlacetApprovalElement extends PlacetReviewElement<ApprovalPayload, ApprovalResponse> {
  static override styles = `
.options{display:flex;flex-wrap:wrap;gap:.5rem}
.chosen strong{font-weight:600}
`;
  protected readonly definition = approvalSchemas;

  protected renderForm(payload: ApprovalPayload): { fields: Child[]; actions: Child[] } {
    const comment = payload.allowComment
      ? h(
          'div',
          { class: 'field' },
          h('label', { for: 'comment' }, 'Comment ', h('span', { class: 'muted' }, '(optional)')),
          h('textarea', { id: 'comment', name: 'comment', rows: 3 }),
          errorSlot('comment'),
        )
      : null;
    const actions = payload.options.map((option) => {
      const style = option.style ?? 'secondary';
      // Submit buttons: the form's submit event names the clicked option as its submitter.
      return h(
        'button',
        { type: 'submit', class: `btn btn-${style}`, 'data-option': option.id, 'data-style': style },
        option.label,
      );
    });
    return { fields: [comment, errorSlot('selectedOption')], actions };
  }

  protected readResponse(form: HTMLFormElement, submitter: HTMLElement | null): unknown {
    const selectedOption = submitter?.getAttribute('data-option');
    if (selectedOption === null || selectedOption === undefined) return undefined;
    const comment = form.querySelector<HTMLTextAreaElement>('[name="comment"]')?.value ?? '';
    return comment.trim() ? { selectedOption, comment } : { selectedOption };
  }

  protected renderAnswer(response: ApprovalResponse, payload: ApprovalPayload): Child {
    const option = payload.options.find((candidate) => candidate.id === response.selectedOption);
    return [
      h('p', { class: 'chosen' }, 'Chose: ', h('strong', null, option?.label ?? response.selectedOption)),
      response.comment ? h('blockquote', { class: 'comment' }, response.comment) : null,
    ];
  }
}

defineElement('placet-approval', PlacetApprovalElement);
