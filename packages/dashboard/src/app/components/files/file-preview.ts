import { css, html, nothing } from 'lit';
import type { Api } from '../../api.js';
import { fileSize } from '../../format.js';
import type { Attachment } from '../../types.js';
import { controls } from '../styles.js';
import { PlacetFileBody } from './file-body.js';
import { modalStyles, PlacetModal } from './modal.js';
import { linkButton } from './preview-styles.js';

/**
 * The preview of a message's attachments in a modal dialog: one file at a time with Previous/Next
 * (buttons, or ←/→), Download, and Close (or Escape). Rendering the element opens it; it fires
 * `placet-close` when closed, and focus goes back to where it was.
 *
 * `files` and `index` choose what is shown; `file` alone previews a single attachment.
 */
export class PlacetFilePreview extends PlacetModal {
  static override styles = [
    controls,
    linkButton,
    modalStyles,
    css`
      .position {
        color: var(--placet-muted);
        font-size: 13px;
        min-width: 3.5em;
        text-align: center;
      }
      placet-file-body {
        flex: 1;
        min-height: 0;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    files: { attribute: false },
    file: { attribute: false },
    index: { type: Number },
  };
  declare api: Api;
  declare files: Attachment[];
  declare file: Attachment | undefined;
  declare index: number;

  constructor() {
    super();
    this.files = [];
    this.index = 0;
  }

  get #list(): Attachment[] {
    if (this.files.length > 0) return this.files;
    return this.file ? [this.file] : [];
  }

  get current(): Attachment | undefined {
    const list = this.#list;
    return list[Math.min(Math.max(this.index, 0), list.length - 1)];
  }

  /** Shows the previous (-1) or next (+1) attachment; stays at either end. */
  go(step: -1 | 1) {
    const next = this.index + step;
    if (next < 0 || next >= this.#list.length) return;
    const root = this.renderRoot as ShadowRoot;
    const hadFocus = root.activeElement;
    this.index = next;
    this.dispatchEvent(new CustomEvent('placet-preview-change', { detail: { index: next } }));
    // The button that was pressed may now be disabled (at either end): keep focus in the bar.
    void this.updateComplete.then(() => {
      const active = root.activeElement as HTMLButtonElement | null;
      if (hadFocus && (!active || active.disabled)) {
        root.querySelector<HTMLElement>(step < 0 ? '[data-next]' : '[data-prev]')?.focus();
      }
    });
  }

  protected override label() {
    return `Preview of ${this.current?.filename ?? 'a file'}`;
  }

  protected override initialFocus() {
    return this.renderRoot.querySelector<HTMLElement>('[data-close]');
  }

  protected override keydown(event: KeyboardEvent) {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    // Arrow keys keep their meaning in media controls, fields and scrollable text.
    const target = event.composedPath()[0] as HTMLElement | undefined;
    if (target && /^(video|audio|input|textarea|select|iframe)$/.test(target.localName)) return;
    event.preventDefault();
    this.go(event.key === 'ArrowLeft' ? -1 : 1);
  }

  protected override content() {
    const file = this.current;
    const count = this.#list.length;
    if (!file) return nothing;
    const url = this.api.fileUrl(file.id);
    return html`<header class="bar">
        <h2 class="title" title=${file.filename}>
          ${file.filename}<small>${fileSize(file.size)} · ${file.mimeType}</small>
        </h2>
        ${
          count > 1
            ? html`<button type="button" data-prev ?disabled=${this.index <= 0} @click=${() => this.go(-1)}>
                  <span aria-hidden="true">‹</span> Previous
                </button>
                <span class="position" aria-live="polite">${this.index + 1} / ${count}</span>
                <button type="button" data-next ?disabled=${this.index >= count - 1} @click=${() => this.go(1)}>
                  Next <span aria-hidden="true">›</span>
                </button>`
            : nothing
        }
        <a class="button primary" href=${url} download=${file.filename} data-download>Download</a>
        <button type="button" data-close @click=${() => this.close()}>Close</button>
      </header>
      <placet-file-body .api=${this.api} .file=${file}></placet-file-body>`;
  }
}

// main.ts registers <placet-file-preview>; the body it renders is registered here.
if (!customElements.get('placet-file-body')) customElements.define('placet-file-body', PlacetFileBody);
