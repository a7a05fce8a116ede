import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import {
  canonical,
  type DiffEntry,
  diffValue,
  type FieldKind,
  fieldKind,
  fieldText,
  parseField,
  proposalDiff,
} from '../../policy/proposal-edit.js';
import type { Review } from '../../types.js';
import { controls } from '../styles.js';

type Proposal = NonNullable<Review['proposal']>;
type Edits = NonNullable<Review['edits']>;

/** What the form holds now: the changed editable fields, and whether every input reads as its kind. */
export interface ProposalState {
  diff: DiffEntry[];
  errors: Record<string, string>;
  valid: boolean;
}

/**
 * The agent's proposal as a small form: its `editable` fields are inputs (by the type of the value: number,
 * checkbox, text, or a JSON textarea), the others read-only. A live diff lists what the human changed; each
 * change fires `proposal-change` (`detail`: {@link ProposalState}). Read-only (`readonly`) it shows the
 * value, and once decided (`edits`) the approved value with what was changed.
 */
export class PlacetProposal extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        margin: 8px 0;
      }
      fieldset {
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        padding: 8px 12px 10px;
        margin: 0;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        padding: 0 4px;
      }
      .fields {
        display: grid;
        grid-template-columns: minmax(90px, max-content) 1fr;
        gap: 6px 12px;
        align-items: center;
      }
      .name {
        font: 13px/1.3 var(--placet-mono);
      }
      input[type='text'],
      input[type='number'],
      textarea {
        width: 100%;
        box-sizing: border-box;
        padding: 5px 8px;
      }
      textarea {
        font: 12px/1.4 var(--placet-mono);
      }
      input[type='checkbox'] {
        justify-self: start;
        width: 18px;
        height: 18px;
      }
      .value {
        font: 13px/1.3 var(--placet-mono);
        overflow-wrap: anywhere;
      }
      .hint,
      .diff {
        font-size: 13px;
        margin: 6px 0 0;
      }
      .diff ul {
        margin: 2px 0 0;
        padding-left: 18px;
      }
      del {
        color: var(--placet-danger);
      }
      ins {
        text-decoration: none;
        font-weight: 600;
      }
      .error {
        grid-column: 2;
        font-size: 12px;
        margin: -2px 0 0;
      }
    `,
  ];
  static override properties = {
    proposal: { attribute: false },
    edits: { attribute: false },
    readonly: { type: Boolean },
    texts: { state: true },
  };
  declare proposal: Proposal;
  /** The decided answer's edits (null: nothing was changed); undefined while pending. */
  declare edits: Edits | null | undefined;
  declare readonly: boolean;
  /** What each editable input holds, as text. */
  declare texts: Record<string, string>;
  #shown = '';

  constructor() {
    super();
    this.readonly = false;
    this.texts = {};
  }

  /** The current diff and validity (also sent with every `proposal-change`). */
  get state(): ProposalState {
    const errors: Record<string, string> = {};
    const edited: Record<string, unknown> = {};
    for (const field of this.proposal?.editable ?? []) {
      if (!Object.hasOwn(this.proposal.value, field)) continue;
      const kind = fieldKind(this.proposal.value[field]);
      const parsed = parseField(kind, this.texts[field] ?? fieldText(kind, this.proposal.value[field]));
      if (parsed.ok) edited[field] = parsed.value;
      else errors[field] = parsed.error;
    }
    const diff = proposalDiff(this.proposal?.value ?? {}, edited, this.proposal?.editable ?? []);
    return { diff, errors, valid: Object.keys(errors).length === 0 };
  }

  override willUpdate(changed: PropertyValues<this>) {
    // A new proposal (the agent changed the review): start again from its values.
    if (changed.has('proposal')) {
      const shown = canonical(this.proposal ?? null);
      if (shown !== this.#shown) {
        this.#shown = shown;
        this.texts = {};
      }
    }
  }

  #set(field: string, text: string) {
    this.texts = { ...this.texts, [field]: text };
    this.dispatchEvent(new CustomEvent<ProposalState>('proposal-change', { detail: this.state }));
  }

  #input(field: string, kind: FieldKind, index: number, error: string | undefined) {
    const id = `proposal-field-${index}`;
    const text = this.texts[field] ?? fieldText(kind, this.proposal.value[field]);
    const described = error ? `${id}-error` : nothing;
    const onInput = (event: Event) => {
      const target = event.target as HTMLInputElement | HTMLTextAreaElement;
      this.#set(
        field,
        target instanceof HTMLInputElement && target.type === 'checkbox'
          ? String(target.checked)
          : target.value,
      );
    };
    const label = html`<label class="name" for=${id}>${field}</label>`;
    if (kind === 'boolean')
      return html`${label}<input id=${id} name=${field} type="checkbox" .checked=${text === 'true'} @change=${onInput} />`;
    if (kind === 'json')
      return html`${label}<textarea id=${id} name=${field} rows="3" spellcheck="false" aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${described} .value=${text} @input=${onInput}></textarea>`;
    return html`${label}<input
        id=${id}
        name=${field}
        type=${kind === 'number' ? 'number' : 'text'}
        step=${kind === 'number' ? 'any' : nothing}
        aria-invalid=${error ? 'true' : 'false'}
        aria-describedby=${described}
        .value=${text}
        @input=${onInput}
      />`;
  }

  #diff(diff: readonly DiffEntry[], title: string) {
    if (diff.length === 0) return nothing;
    return html`<div class="diff" data-diff>
      <strong>${title}</strong>
      <ul>
        ${diff.map(
          (d) => html`<li data-diff-path=${d.path}>
            <code>${d.path}</code>: <del>${diffValue(d.from)}</del> → <ins>${diffValue(d.to)}</ins>
          </li>`,
        )}
      </ul>
    </div>`;
  }

  override render() {
    const proposal = this.proposal;
    if (!proposal) return nothing;
    const decided = this.edits !== undefined;
    const value = decided && this.edits ? this.edits.value : proposal.value;
    const editing = !decided && !this.readonly;
    const { diff, errors } = editing ? this.state : { diff: [], errors: {} as Record<string, string> };
    return html`<fieldset data-proposal data-editing=${String(editing)}>
      <legend>${decided ? 'Approved value' : 'Proposal'}</legend>
      <div class="fields">
        ${Object.keys(value).map((field, index) => {
          const kind = fieldKind(value[field]);
          if (editing && proposal.editable.includes(field)) {
            const error = errors[field];
            return html`${this.#input(field, kind, index, error)}
              ${error ? html`<p class="error" id=${`proposal-field-${index}-error`}>${field} ${error}</p>` : nothing}`;
          }
          return html`<span class="name">${field}</span><span class="value" data-field=${field}>${diffValue(value[field], 200)}</span>`;
        })}
      </div>
      ${
        editing
          ? html`<p class="hint muted">You may change ${proposal.editable.length === 1 ? 'this field' : 'these fields'}: ${proposal.editable.join(', ')}.</p>`
          : nothing
      }
      <div aria-live="polite">${this.#diff(diff, 'Your changes (sent with your answer)')}</div>
      ${decided ? this.#diff(this.edits?.diff ?? [], 'Changed before it was decided') : nothing}
    </fieldset>`;
  }
}
