import { css, html, LitElement } from 'lit';

/** The frame of the dashboard's dialogs: a top-layer `<dialog>`, a header bar, a dimmed page behind. */
export const modalStyles = css`
  dialog {
    padding: 0;
    border: 1px solid var(--placet-border);
    border-radius: 12px;
    background: var(--placet-surface);
    color: var(--placet-fg);
    box-shadow: 0 20px 60px rgb(0 0 0 / 35%);
    inset: 0;
    margin: auto;
    max-width: none;
    max-height: none;
    width: min(1200px, calc(100vw - 32px));
    height: calc(100vh - 32px);
  }
  dialog.compact {
    width: min(860px, calc(100vw - 32px));
    height: fit-content;
    max-height: calc(100vh - 32px);
  }
  dialog[open] {
    display: flex;
    flex-direction: column;
  }
  dialog::backdrop {
    background: rgb(10 10 10 / 60%);
  }
  .bar {
    display: flex;
    gap: 8px;
    align-items: center;
    padding: 8px 12px;
    border-bottom: 1px solid var(--placet-border);
    flex-wrap: wrap;
  }
  .bar .title {
    flex: 1;
    min-width: 120px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-weight: 600;
    margin: 0;
    font-size: 15px;
  }
  .bar .title small {
    font-weight: normal;
    color: var(--placet-muted);
    margin-left: 8px;
  }
  .sentinel {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    opacity: 0;
  }
`;

/** The element focused now, looking through open shadow roots. */
export function deepActiveElement(): HTMLElement | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active as HTMLElement | null;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), iframe, audio[controls], video[controls], [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog element: rendering it opens it (`showModal()`: the page behind is inert, Escape
 * closes). Tab and Shift+Tab wrap around inside it; closing returns focus to the element that had it
 * and fires `placet-close`, after which the host removes the element.
 */
export abstract class PlacetModal extends LitElement {
  #opener: HTMLElement | null = null;

  /** The dialog's accessible name. */
  protected abstract label(): string;
  /** Everything inside the dialog. */
  protected abstract content(): unknown;
  /** Extra classes of the `<dialog>` (`compact`). */
  protected dialogClass(): string {
    return '';
  }
  /** The control focused on opening (default: the first one). */
  protected initialFocus(): HTMLElement | null {
    return this.#focusables()[0] ?? null;
  }
  protected keydown(_event: KeyboardEvent): void {}

  get dialog(): HTMLDialogElement | null {
    return this.renderRoot.querySelector('dialog');
  }

  close(): void {
    if (this.dialog?.open) this.dialog.close();
  }

  override render() {
    return html`<dialog
      class=${this.dialogClass()}
      role="dialog"
      aria-modal="true"
      aria-label=${this.label()}
      @close=${this.#closed}
      @keydown=${(event: KeyboardEvent) => this.keydown(event)}
    >
      <span class="sentinel" tabindex="0" aria-hidden="true" @focus=${() => this.#wrap('last')}></span>
      ${this.content()}
      <span class="sentinel" tabindex="0" aria-hidden="true" @focus=${() => this.#wrap('first')}></span>
    </dialog>`;
  }

  override firstUpdated() {
    this.#opener = deepActiveElement();
    this.dialog?.showModal();
    this.initialFocus()?.focus();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.close();
  }

  #closed = () => {
    const opener = this.#opener;
    this.#opener = null;
    if (opener?.isConnected) opener.focus();
    this.dispatchEvent(new CustomEvent('placet-close'));
  };

  #focusables(): HTMLElement[] {
    const dialog = this.dialog;
    if (!dialog) return [];
    return [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
      (el) => !el.classList.contains('sentinel') && el.getClientRects().length > 0,
    );
  }

  /** A sentinel at either end got focus: Tab went past the last control, or Shift+Tab before the first. */
  #wrap(to: 'first' | 'last') {
    const all = this.#focusables();
    (to === 'first' ? all[0] : all.at(-1))?.focus();
  }
}
