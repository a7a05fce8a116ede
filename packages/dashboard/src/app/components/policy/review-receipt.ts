import { css, html, LitElement, nothing } from 'lit';
import { copyText, receiptKid } from '../../policy/receipt.js';
import { controls } from '../styles.js';

/**
 * The signed receipt of a decided review (a compact JWS): its key id, a copy button and, collapsed, the
 * receipt itself. An executor verifies it against the server's JWKS before acting.
 */
export class PlacetReviewReceipt extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        margin-top: 8px;
        font-size: 13px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        align-items: center;
      }
      button {
        font-size: 13px;
        padding: 3px 10px;
      }
      code {
        font: 12px/1.3 var(--placet-mono);
      }
      textarea {
        display: block;
        width: 100%;
        box-sizing: border-box;
        margin-top: 6px;
        font: 12px/1.4 var(--placet-mono);
        word-break: break-all;
      }
    `,
  ];
  static override properties = {
    receipt: {},
    copied: { state: true },
    open: { state: true },
  };
  declare receipt: string;
  declare copied: string;
  declare open: boolean;

  constructor() {
    super();
    this.copied = '';
    this.open = false;
  }

  async #copy() {
    const ok = await copyText(this.receipt);
    if (ok) {
      this.copied = 'Copied.';
      return;
    }
    // Neither way was allowed: show it selected, for the keyboard's copy.
    this.open = true;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLTextAreaElement>('textarea')?.select();
    this.copied = 'Select and copy it with Ctrl+C (⌘C).';
  }

  override render() {
    if (!this.receipt) return nothing;
    const kid = receiptKid(this.receipt);
    return html`<div data-receipt>
      <div class="row">
        <strong>Signed receipt</strong>
        ${kid ? html`<span class="muted">key <code data-kid>${kid}</code></span>` : nothing}
        <button type="button" data-action="copy-receipt" @click=${() => void this.#copy()}>Copy receipt</button>
        <span role="status" class="muted">${this.copied}</span>
      </div>
      <details ?open=${this.open} @toggle=${(e: Event) => {
        this.open = (e.target as HTMLDetailsElement).open;
      }}>
        <summary>Show the receipt (compact JWS)</summary>
        <textarea readonly rows="4" aria-label="Signed receipt (compact JWS)" .value=${this.receipt}></textarea>
      </details>
    </div>`;
  }
}
