/// <reference lib="dom" />
/**
 * `<placet-freeform>`: the browser UI of the `freeform` review type, bundled to `dist/ui.js` (zod and
 * `@placet/core/browser` included). Contract: see `PlacetReviewElement` in `@placet/core/browser`.
 *
 * The generic fallback for a payload no renderer plugin draws: it shows `payload.schema` (when present)
 * and the rest of the payload as JSON, and lets the human answer with a JSON object typed into a textarea
 * (`name="json"`, submitted with the submit button or Ctrl/Cmd+Enter). Validates with the default 64 KiB
 * limit; a server configured with a smaller `maxBytes` still has the last word.
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
import { type FreeformPayload, type FreeformResponse, freeformSchemas } from './schema.js';

/** Keys of the payload that configure this element rather than carry the question's data. */
const OWN_KEYS = new Set(['plugin', 'schema', 'dismissLabel', 'submitLabel']);

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) ?? String(value);
}

export class PlacetFreeformElement extends PlacetReviewElement<FreeformPayload, FreeformResponse> {
  static override styles = `
textarea{font-family:ui-monospace,monospace;min-height:7rem}
details>summary{cursor:pointer;font-weight:600}
details pre{margin-top:.35rem;max-height:16rem;overflow:auto;border:1px solid var(--_border);border-radius:6px;
padding:.5rem .65rem}
.answer pre{max-height:16rem;overflow:auto}
`;
  protected readonly definition = freeformSchemas();

  protected renderForm(payload: FreeformPayload): { fields: Child[]; actions: Child[] } {
    const data = Object.fromEntries(Object.entries(payload).filter(([key]) => !OWN_KEYS.has(key)));
    const submitLabel =
      typeof payload.submitLabel === 'string' && payload.submitLabel ? payload.submitLabel : null;
    return {
      fields: [
        payload.plugin ? h('p', { class: 'muted' }, `Meant for the renderer “${payload.plugin}”.`) : null,
        payload.schema !== undefined
          ? h(
              'details',
              { open: true },
              h('summary', null, 'Expected schema'),
              h('pre', null, json(payload.schema)),
            )
          : null,
        Object.keys(data).length > 0
          ? h('details', null, h('summary', null, 'Payload'), h('pre', null, json(data)))
          : null,
        h(
          'div',
          { class: 'field' },
          h('label', { for: 'json', class: 'label' }, 'Response (a JSON object)'),
          h(
            'textarea',
            { id: 'json', name: 'json', rows: 6, spellcheck: 'false', 'aria-describedby': 'json-hint' },
            '{}',
          ),
          h('p', { class: 'muted', id: 'json-hint' }, 'Ctrl+Enter to send'),
          errorSlot('json'),
        ),
      ],
      actions: [submitButton(submitLabel ?? 'Submit JSON')],
    };
  }

  protected readResponse(form: HTMLFormElement): unknown {
    const text = form.querySelector<HTMLTextAreaElement>('[name="json"]')?.value ?? '';
    try {
      return JSON.parse(text);
    } catch (error) {
      this.clearIssues();
      this.showIssues([{ path: ['json'], message: `Invalid JSON: ${(error as Error).message}` }]);
      return undefined;
    }
  }

  protected override showIssues(issues: readonly ResponseIssue[]): void {
    // The response is the whole JSON object: its issues belong next to the textarea, not at the top.
    super.showIssues(
      issues.map((issue) => (issue.path[0] === 'json' ? issue : { ...issue, path: ['json', ...issue.path] })),
    );
  }

  protected renderAnswer(response: FreeformResponse): Child {
    return h('pre', null, json(response));
  }
}

defineElement('placet-freeform', PlacetFreeformElement);
