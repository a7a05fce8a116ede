import { css, html, nothing, type PropertyValues } from 'lit';
import { type Api, failureMessage } from '../../api.js';
import { shortTime } from '../../format.js';
import type { Message } from '../../types.js';
import { modalStyles, PlacetModal } from '../files/modal.js';
import { controls } from '../styles.js';
import { fetchIterations } from './iteration-api.js';
import { type DiffMode, type DiffPart, diffStyles, diffText, diffView } from './text-diff.js';

const REVIEW_STATUS = {
  completed: { mark: '✓', label: 'Completed' },
  expired: { mark: '✗', label: 'Expired' },
  pending: { mark: '●', label: 'Pending' },
} as const;

/**
 * The revisions of an iteration chain in a modal dialog, root first: each with its number, time, review
 * status (✓ completed, ✗ expired, ● pending) and its text diffed against the revision before it.
 * Rendering the element opens it; it fires `placet-close` when closed.
 */
export class PlacetIterations extends PlacetModal {
  static override styles = [
    controls,
    modalStyles,
    diffStyles,
    css`
      .body {
        flex: 1;
        min-height: 0;
        overflow: auto;
        padding: 12px 16px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0 0 0 18px;
        border-left: 2px solid var(--placet-border);
      }
      li {
        position: relative;
        margin: 0 0 18px;
      }
      li::before {
        content: '';
        position: absolute;
        left: -25px;
        top: 5px;
        width: 12px;
        height: 12px;
        border-radius: 50%;
        background: var(--placet-surface);
        border: 2px solid var(--placet-accent);
      }
      li.current::before {
        background: var(--placet-accent);
      }
      .head {
        display: flex;
        gap: 10px;
        align-items: baseline;
        flex-wrap: wrap;
        font-size: 13px;
        color: var(--placet-muted);
        margin-bottom: 4px;
      }
      .head strong {
        color: var(--placet-fg);
        font-size: 14px;
      }
      .status.completed {
        color: var(--placet-success);
      }
      .status.expired {
        color: var(--placet-danger);
      }
      .status.pending {
        color: var(--placet-warning);
      }
      .text {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        border: 1px solid var(--placet-border);
        border-radius: 8px;
        padding: 8px 10px;
        background: var(--placet-bg);
        font-size: 14px;
      }
      .files {
        font-size: 12px;
        color: var(--placet-muted);
        margin-top: 4px;
      }
      [role='group'] {
        display: flex;
        gap: 4px;
      }
      [role='group'] button[aria-pressed='true'] {
        background: var(--placet-accent);
        border-color: var(--placet-accent);
        color: var(--placet-accent-fg);
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    message: { attribute: false },
    chain: { state: true },
    error: { state: true },
    mode: { state: true },
  };
  declare api: Api;
  /** The message whose "Rev N" was activated (any member of the chain). */
  declare message: Message;
  declare chain: Message[] | undefined;
  declare error: string;
  declare mode: DiffMode;
  /** Per revision id, its diff against the one before (absent for the first). */
  #diffs = new Map<string, DiffPart[]>();

  constructor() {
    super();
    this.error = '';
    this.mode = 'words';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    try {
      const { iterations } = await fetchIterations(this.api, this.message.id, this.message.channelId);
      this.chain = [...iterations].sort((a, b) => (a.iteration ?? 1) - (b.iteration ?? 1));
    } catch (error) {
      this.error = failureMessage(error, 'The revisions');
    }
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('chain') && !changed.has('mode')) return;
    const chain = this.chain ?? [];
    this.#diffs = new Map();
    for (let i = 1; i < chain.length; i++) {
      this.#diffs.set(chain[i]!.id, diffText(chain[i - 1]!.text ?? '', chain[i]!.text ?? '', this.mode));
    }
  }

  protected override label() {
    return 'Revisions';
  }

  protected override dialogClass() {
    return 'compact';
  }

  protected override initialFocus() {
    return this.renderRoot.querySelector<HTMLElement>('[data-close]');
  }

  #revision(m: Message, index: number) {
    const status = m.review ? REVIEW_STATUS[m.review.status] : undefined;
    const diff = this.#diffs.get(m.id) ?? [];
    const text = m.text ?? '';
    return html`<li class=${m.id === this.message.id ? 'current' : ''} data-iteration=${m.iteration ?? index + 1}>
      <div class="head">
        <strong>Rev ${m.iteration ?? index + 1}</strong>
        <time datetime=${m.createdAt} title=${new Date(m.createdAt).toLocaleString()}>${shortTime(m.createdAt)}</time>
        ${
          status
            ? html`<span class="status ${m.review!.status}" data-review-status=${m.review!.status}>
                <span aria-hidden="true">${status.mark}</span> ${status.label}
              </span>`
            : nothing
        }
        ${m.id === this.message.id ? html`<span>(this message)</span>` : nothing}
      </div>
      ${
        index === 0
          ? html`<div class="text" data-text>${text || html`<span class="muted">(no text)</span>`}</div>`
          : html`<div class="text" data-diff aria-label="Changes from the revision before">${diffView(diff)}</div>`
      }
      ${
        m.attachments.length
          ? html`<div class="files">Files: ${m.attachments.map((f) => f.filename).join(', ')}</div>`
          : nothing
      }
    </li>`;
  }

  protected override content() {
    const chain = this.chain;
    return html`<header class="bar">
        <h2 class="title">
          Revisions${chain ? html`<small>${chain.length} in this chain</small>` : nothing}
        </h2>
        <div role="group" aria-label="Compare by">
          ${(['words', 'lines'] as const).map(
            (mode) => html`<button type="button" aria-pressed=${this.mode === mode ? 'true' : 'false'}
              data-mode=${mode} @click=${() => {
                this.mode = mode;
              }}>${mode === 'words' ? 'Words' : 'Lines'}</button>`,
          )}
        </div>
        <button type="button" data-close @click=${() => this.close()}>Close</button>
      </header>
      <div class="body">
        ${
          this.error
            ? html`<p class="error" role="alert">${this.error}</p>`
            : chain
              ? html`<ol>${chain.map((m, i) => this.#revision(m, i))}</ol>`
              : html`<p class="muted" aria-busy="true">Loading revisions…</p>`
        }
      </div>`;
  }
}

/** Registers `<placet-iterations>`; message-bubble.ts, which opens it, calls this once. */
export function defineIterationTimeline(): void {
  if (!customElements.get('placet-iterations')) customElements.define('placet-iterations', PlacetIterations);
}
