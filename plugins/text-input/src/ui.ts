/// <reference lib="dom" />
/**
 * `<placet-text-input>`: the browser UI of the `text-input` review type, bundled to `dist/ui.js` (zod and
 * `@placet/core/browser` included). Contract: see `PlacetReviewElement` in `@placet/core/browser`.
 *
 * A textarea (`name="text"`) with `placeholder`, prefilled from `prefill`, bounded by `minLength` /
 * `maxLength` (with a live count), submitted by the submit button (`submitLabel`) or Ctrl/Cmd+Enter; when
 * `markdown` is true a Preview toggle (`data-action="preview"`, reading "Edit" while previewing) renders
 * the text safely. A refused text's message follows the text as it is corrected. Answers `{ text }`.
 */
import {
  type Child,
  defineElement,
  errorSlot,
  h,
  PlacetReviewElement,
  type ResponseIssue,
  submitButton,
} from '@placet/core/browser';
import { renderMarkdown } from './markdown.js';
import { type TextInputPayload, type TextInputResponse, textInputSchemas } from './schema.js';

export class PlacetTextInputElement extends PlacetReviewElement<TextInputPayload, TextInputResponse> {
  static override styles = `
textarea{font-family:ui-monospace,monospace;min-height:5.5rem}
.toolbar{display:flex;justify-content:space-between;align-items:center;gap:.5rem}
.preview{border:1px solid var(--_border);border-radius:6px;padding:.5rem .7rem;min-height:5.5rem}
.markdown>:first-child{margin-top:0}.markdown>:last-child{margin-bottom:0}
.markdown :is(h1,h2,h3,h4,h5,h6){margin:.6em 0 .3em;line-height:1.25}
.markdown :is(p,ul,ol,pre,blockquote){margin:.4em 0}
.markdown code{font-family:ui-monospace,monospace;font-size:.9em}
.markdown a{color:var(--_accent)}
.answer .text{white-space:pre-wrap;word-break:break-word}
`;
  protected readonly definition = textInputSchemas;
  #showEditor: (() => void) | undefined;

  protected renderForm(payload: TextInputPayload): { fields: Child[]; actions: Child[] } {
    const { minLength, maxLength } = payload;
    this.#showEditor = undefined;
    const textarea = h(
      'textarea',
      {
        id: 'text',
        name: 'text',
        rows: 4,
        placeholder: payload.placeholder,
        minlength: minLength,
        maxlength: maxLength,
        'aria-describedby': 'text-hint',
      },
      payload.prefill ?? '',
    );
    const hint = h('p', { class: 'muted', id: 'text-hint' });
    const count = () => {
      const bounds = [
        minLength ? `at least ${minLength}` : '',
        maxLength ? `${textarea.value.length} / ${maxLength}` : `${textarea.value.length}`,
      ];
      hint.textContent = `${bounds.filter(Boolean).join(' · ')} characters · Ctrl+Enter to send`;
    };
    textarea.addEventListener('input', count);
    textarea.addEventListener('input', () => this.recheck({ text: textarea.value }));
    count();

    let toolbarEnd: Child = null;
    let preview: HTMLDivElement | null = null;
    if (payload.markdown) {
      preview = h('div', { class: 'preview markdown', id: 'text-preview', hidden: true });
      const toggle = h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost',
          'data-action': 'preview',
          'aria-pressed': 'false',
          'aria-controls': 'text-preview',
        },
        'Preview',
      );
      const show = (previewing: boolean) => {
        // The label names what a press does next; aria-pressed says which view is on.
        toggle.textContent = previewing ? 'Edit' : 'Preview';
        toggle.setAttribute('aria-pressed', String(previewing));
        textarea.hidden = previewing;
        if (preview) {
          preview.hidden = !previewing;
          if (previewing) {
            const rendered = renderMarkdown(textarea.value);
            preview.replaceChildren(
              rendered.childNodes.length ? rendered : h('p', { class: 'muted' }, 'Nothing to preview'),
            );
          }
        }
      };
      toggle.addEventListener('click', () => show(toggle.getAttribute('aria-pressed') !== 'true'));
      this.#showEditor = () => show(false);
      toolbarEnd = toggle;
    }
    const label = h(
      'label',
      { for: 'text', class: 'label' },
      'Your answer',
      payload.markdown ? h('span', { class: 'muted' }, ' (Markdown)') : null,
    );
    return {
      fields: [
        h(
          'div',
          { class: 'field' },
          h('div', { class: 'toolbar' }, label, toolbarEnd),
          textarea,
          preview,
          hint,
        ),
        errorSlot('text'),
      ],
      actions: [submitButton(payload.submitLabel ?? 'Send response')],
    };
  }

  protected override showIssues(issues: readonly ResponseIssue[]): void {
    this.#showEditor?.(); // The textarea must be visible to take the focus.
    super.showIssues(issues);
  }

  protected readResponse(form: HTMLFormElement): unknown {
    return { text: form.querySelector<HTMLTextAreaElement>('[name="text"]')?.value ?? '' };
  }

  protected renderAnswer(response: TextInputResponse, payload: TextInputPayload): Child {
    const text = typeof response.text === 'string' ? response.text : '';
    return payload.markdown
      ? h('div', { class: 'text markdown' }, renderMarkdown(text))
      : h('p', { class: 'text' }, text);
  }
}

defineElement('placet-text-input', PlacetTextInputElement);
