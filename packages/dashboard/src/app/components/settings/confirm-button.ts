import { css, html, LitElement } from 'lit';
import { controls } from '../styles.js';

/**
 * A destructive button with an inline confirm step (never `window.confirm`): the first press shows
 * the question with "Yes, …" and "Cancel"; focus moves to Cancel (the harmless choice), Escape or Cancel
 * closes it and returns focus to the button. Dispatches `confirm` when confirmed.
 */
export class PlacetConfirmButton extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: inline-block;
      }
      .ask {
        display: inline-flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
        padding: 4px 8px;
        border: 1px solid var(--placet-danger);
        border-radius: 8px;
      }
      .ask span {
        font-size: 14px;
      }
      button.danger {
        border-color: var(--placet-danger);
        color: var(--placet-danger);
      }
      button.yes {
        background: var(--placet-danger);
        border-color: var(--placet-danger);
        color: #fff;
      }
    `,
  ];
  static override properties = {
    label: {},
    accessibleName: { attribute: 'accessible-name' },
    question: {},
    action: {},
    disabled: { type: Boolean },
    open: { state: true },
  };
  /** The button's text ("Revoke"). */
  declare label: string;
  /** Its accessible name when the text alone is ambiguous ("Revoke key CI agent"). */
  declare accessibleName: string;
  /** What the confirm step asks ("Revoke “CI agent”? Agents using it get 401 at once."). */
  declare question: string;
  /** The confirm button's text ("Yes, revoke"). */
  declare action: string;
  declare disabled: boolean;
  declare open: boolean;

  constructor() {
    super();
    this.label = 'Delete';
    this.accessibleName = '';
    this.question = 'Are you sure?';
    this.action = '';
    this.disabled = false;
    this.open = false;
  }

  async #ask() {
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button.no')?.focus();
  }

  async #close() {
    this.open = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('button.trigger')?.focus();
  }

  #confirm() {
    this.open = false;
    this.dispatchEvent(new CustomEvent('confirm'));
  }

  #keydown(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    void this.#close();
  }

  override render() {
    if (!this.open) {
      return html`<button
        type="button"
        class="trigger danger"
        aria-label=${this.accessibleName || this.label}
        ?disabled=${this.disabled}
        @click=${this.#ask}
      >
        ${this.label}
      </button>`;
    }
    return html`<span class="ask" role="group" aria-label="Confirm: ${this.accessibleName || this.label}" @keydown=${this.#keydown}>
      <span>${this.question}</span>
      <button type="button" class="yes" @click=${this.#confirm}>${this.action || `Yes, ${this.label.toLowerCase()}`}</button>
      <button type="button" class="no" @click=${this.#close}>Cancel</button>
    </span>`;
  }
}
