import { css, html, LitElement, type PropertyValues } from 'lit';
import { controls } from '../styles.js';

/**
 * A secret the server returns once (an API key, a webhook signing secret): shown in a read-only field
 * with a Copy button and the warning that it will not be shown again. Focus moves to Copy when a value
 * arrives. Dispatches `dismiss` when the person is done with it.
 */
export class PlacetSecretOnce extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        margin: 12px 0;
      }
      .once {
        border: 1px solid var(--placet-success);
        border-radius: 10px;
        padding: 12px 14px;
        background: color-mix(in srgb, var(--placet-success) 8%, var(--placet-surface));
        display: grid;
        gap: 8px;
      }
      p {
        margin: 0;
      }
      .row {
        display: flex;
        gap: 8px;
      }
      input {
        flex: 1;
        min-width: 0;
        font-family: var(--placet-mono);
        font-size: 13px;
      }
    `,
  ];
  static override properties = {
    value: {},
    label: {},
    status: { state: true },
  };
  declare value: string;
  /** What the secret is ("New API key", "Signing secret"): the field's label. */
  declare label: string;
  declare status: string;

  constructor() {
    super();
    this.value = '';
    this.label = 'Secret';
    this.status = '';
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('value') && this.value) {
      this.status = '';
      this.renderRoot.querySelector<HTMLButtonElement>('button.copy')?.focus();
    }
  }

  async #copy() {
    const input = this.renderRoot.querySelector<HTMLInputElement>('input')!;
    try {
      await navigator.clipboard.writeText(this.value);
      this.status = 'Copied to the clipboard.';
    } catch {
      // No clipboard permission (or an insecure origin): select the text so Ctrl+C copies it.
      input.focus();
      input.select();
      this.status = 'Copying is blocked here: the text is selected, press Ctrl+C (⌘C) to copy it.';
    }
  }

  override render() {
    return html`<div class="once">
      <p><strong>${this.label}</strong> — copy it now: it won't be shown again.</p>
      <div class="row">
        <input
          readonly
          aria-label=${this.label}
          .value=${this.value}
          data-secret
          spellcheck="false"
          autocomplete="off"
          @focus=${(e: FocusEvent) => (e.target as HTMLInputElement).select()}
        />
        <button type="button" class="copy primary" @click=${this.#copy}>Copy</button>
        <button type="button" @click=${() => this.dispatchEvent(new CustomEvent('dismiss'))}>Done</button>
      </div>
      <p class="muted" role="status" aria-live="polite">${this.status}</p>
    </div>`;
  }
}
