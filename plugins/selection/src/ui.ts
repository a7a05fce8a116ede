/// <reference lib="dom" />
/**
 * `<placet-selection>`: the browser UI of the `selection` review type, bundled to `dist/ui.js` (zod and
 * `@placet/core/browser` included). Contract: see `PlacetReviewElement` in `@placet/core/browser`.
 *
 * Radio buttons (`mode: 'single'`) or checkboxes (`mode: 'multi'`), each `name="selectedIds"
 * data-option="<id>"` inside a `<label>` holding its label and description (the whole option is clickable),
 * a submit button (`data-action="submit"`, `submitLabel`) and a dismiss button when the payload has a
 * `dismissLabel`. Answers `{ selectedIds }`.
 */
import {
  type Child,
  defineElement,
  errorSlot,
  h,
  PlacetReviewElement,
  submitButton,
} from '@placet/core/browser';
import { type SelectionPayload, type SelectionResponse, selectionSchemas } from './schema.js';

export class PlacetSelectionElement extends PlacetReviewElement<SelectionPayload, SelectionResponse> {
  static override styles = `
.items{display:grid;gap:.4rem}
.item{display:grid;grid-template-columns:auto 1fr;column-gap:.6rem;align-items:start;padding:.5rem .65rem;
border:1px solid var(--_border);border-radius:8px;cursor:pointer}
.item:has(input:checked){border-color:var(--_accent);background:color-mix(in srgb,var(--_accent) 8%,var(--_bg))}
.item input{margin:.2rem 0 0;accent-color:var(--_accent);width:1rem;height:1rem}
.item .description{grid-column:2}
.chosen{margin:0;padding-left:1.25rem}
`;
  protected readonly definition = selectionSchemas;

  protected renderForm(payload: SelectionPayload): { fields: Child[]; actions: Child[] } {
    const multi = payload.mode === 'multi';
    const items = payload.items.map((item, index) => {
      const id = `item-${index}`;
      const description = item.description ? `${id}-description` : null;
      // The whole option is its <label>, so a click on the description chooses it too; aria-labelledby
      // keeps the description out of the input's name, where aria-describedby already puts it.
      return h(
        'label',
        { class: 'item' },
        h('input', {
          type: multi ? 'checkbox' : 'radio',
          id,
          name: 'selectedIds',
          value: item.id,
          'data-option': item.id,
          'aria-labelledby': `${id}-label`,
          'aria-describedby': description,
        }),
        h('span', { class: 'label', id: `${id}-label` }, item.label),
        item.description ? h('span', { class: 'description', id: description }, item.description) : null,
      );
    });
    const group = h(
      'fieldset',
      { class: 'items' },
      h('legend', { class: 'muted' }, multi ? 'Choose one or more' : 'Choose one'),
      items,
    );
    return {
      fields: [group, errorSlot('selectedIds')],
      actions: [submitButton(payload.submitLabel ?? 'Confirm selection')],
    };
  }

  protected readResponse(form: HTMLFormElement): unknown {
    const checked = form.querySelectorAll<HTMLInputElement>('input[name="selectedIds"]:checked');
    return { selectedIds: [...checked].map((input) => input.value) };
  }

  protected renderAnswer(response: SelectionResponse, payload: SelectionPayload): Child {
    const labels = (response.selectedIds ?? []).map(
      (id) => payload.items.find((item) => item.id === id)?.label ?? id,
    );
    return [
      h('p', null, 'Selected:'),
      h(
        'ul',
        { class: 'chosen' },
        labels.map((label) => h('li', null, label)),
      ),
    ];
  }
}

defineElement('placet-selection', PlacetSelectionElement);
