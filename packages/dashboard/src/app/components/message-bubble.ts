import { css, html, LitElement, nothing } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { Api } from '../api.js';
import { fileSize, shortTime } from '../format.js';
import { icon } from '../icons.js';
import { renderMarkdown } from '../markdown.js';
import type { ReviewTypes } from '../review-types.js';
import type { Attachment, Message, StatusEvent } from '../types.js';
import { bubbleExtras } from './chat/bubble-extras-styles.js';
import { copyText } from './chat/copy-text.js';
import { fileBadge } from './files/preview-kind.js';
import { defineIterationTimeline } from './iterations/iteration-timeline.js';
import { markdownStyles } from './markdown-styles.js';
import { controls } from './styles.js';

/** Text taller than this (px) collapses behind "Show more" (to {@link COLLAPSED_HEIGHT}, as `.collapsed`). */
const COLLAPSE_ABOVE = 420;
const COLLAPSED_HEIGHT = 280;

/** A message of this person's that the server has not acknowledged yet. */
const SENDING = { marks: '…', label: 'Not sent yet', tone: 'muted' };

const TICKS: Record<Message['deliveryStatus'], { marks: string; label: string; tone: string }> = {
  sent: { marks: '✓', label: 'Sent', tone: 'muted' },
  webhook_delivered: { marks: '✓✓', label: 'Delivered to agent', tone: 'muted' },
  agent_received: { marks: '✓✓', label: 'Acknowledged by agent', tone: 'read' },
  webhook_failed: { marks: '✓', label: 'Delivery failed', tone: 'failed' },
};

/** One message: markdown, status badge, stream steps, metadata, attachments, delivery ticks, its review. */
export class PlacetMessage extends LitElement {
  static override styles = [
    controls,
    markdownStyles,
    bubbleExtras,
    css`
      :host {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        margin: 10px 0;
      }
      :host([from='user']) {
        align-items: flex-end;
      }
      .bubble {
        max-width: min(720px, 88%);
        background: var(--placet-agent-bubble);
        border: 1px solid var(--placet-border);
        border-radius: 14px;
        padding: 9px 13px;
        overflow-wrap: anywhere;
      }
      .bubble.review {
        min-width: min(420px, 88%);
      }
      :host([from='user']) .bubble {
        background: var(--placet-user-bubble);
        color: var(--placet-user-fg);
        border-color: transparent;
      }
      :host([from='user']) .bubble a {
        color: inherit;
      }
      .meta {
        display: flex;
        gap: 8px;
        align-items: center;
        font-size: 12px;
        color: var(--placet-muted);
        margin: 0 4px 3px;
      }
      .badge {
        border-radius: 6px;
        padding: 0 6px;
        font-size: 11px;
        font-weight: 600;
        text-transform: uppercase;
        border: 1px solid currentColor;
      }
      .badge.success {
        color: var(--placet-success);
      }
      .badge.warning {
        color: var(--placet-warning);
      }
      .badge.error {
        color: var(--placet-danger);
      }
      .badge.info {
        color: var(--placet-accent);
      }
      .ticks {
        font-size: 12px;
        letter-spacing: -2px;
      }
      .ticks.read {
        color: var(--placet-accent);
      }
      .ticks.failed {
        color: var(--placet-danger);
      }
      .steps {
        font-size: 13px;
        color: var(--placet-muted);
        margin-top: 6px;
      }
      .steps ol {
        margin: 4px 0 0;
        padding-left: 20px;
      }
      /* The dot pulses, not the text: fading text would fall below the contrast minimum. */
      .live::before {
        content: '';
        display: inline-block;
        width: 7px;
        height: 7px;
        margin-right: 6px;
        border-radius: 50%;
        background: var(--placet-accent);
        vertical-align: middle;
        animation: pulse 1.4s ease-in-out infinite;
      }
      @keyframes pulse {
        50% {
          opacity: 0.45;
        }
      }
      details.metadata {
        margin-top: 6px;
        font-size: 13px;
      }
      pre {
        white-space: pre-wrap;
        font: 12px/1.4 var(--placet-mono);
        margin: 4px 0 0;
      }
      .attachments {
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        margin-top: 8px;
      }
      .attachment {
        display: flex;
        gap: 8px;
        align-items: center;
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        padding: 6px 10px;
        background: var(--placet-surface);
        color: var(--placet-fg);
        font-size: 13px;
        text-decoration: none;
      }
      .attachment .type {
        display: inline-grid;
        place-items: center;
        min-width: 34px;
        height: 40px;
        padding: 0 3px;
        border: 1px solid var(--placet-border);
        border-radius: 5px 10px 5px 5px;
        font: 600 10px/1 var(--placet-mono);
        color: var(--placet-muted);
        background: var(--placet-bg);
      }
      .attachment img {
        max-width: 220px;
        max-height: 160px;
        border-radius: 6px;
      }
      .stopped {
        font-size: 12px;
        color: var(--placet-muted);
      }
      button.rev {
        font-size: 11px;
        font-weight: 600;
        padding: 0 6px;
        border-radius: 6px;
        color: var(--placet-accent);
        border-color: currentColor;
        background: none;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    types: { attribute: false },
    message: { attribute: false },
    /** Text that arrived as `message:delta` since the last PATCH of a streamed draft. */
    pendingDelta: { attribute: false },
    agentName: {},
    theme: {},
    from: { reflect: true },
    /** The attachment shown in the preview dialog, while it is open. */
    previewIndex: { state: true },
    /** The iteration timeline dialog is open. */
    showIterations: { state: true },
    /** The text is taller than {@link COLLAPSE_ABOVE}. */
    tall: { state: true },
    /** "Show more" was pressed. */
    expanded: { state: true },
    /** The text was just copied (the confirmation shows), or copying failed. */
    copied: { state: true },
  };
  declare tall: boolean;
  declare expanded: boolean;
  declare copied: 'done' | 'failed' | undefined;
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  /** The text's size changes (an image loads, a stream grows): whether it is tall is measured again. */
  readonly #measure = new ResizeObserver(() => this.#checkTall());
  #measured: Element | undefined;
  declare api: Api;
  declare types: ReviewTypes;
  declare message: Message;
  declare pendingDelta: string;
  declare agentName: string;
  declare theme: 'light' | 'dark';
  declare from: 'agent' | 'user';
  declare previewIndex: number | undefined;
  declare showIterations: boolean;

  constructor() {
    super();
    this.pendingDelta = '';
    this.agentName = 'Agent';
    this.theme = 'light';
    this.showIterations = false;
    this.tall = false;
    this.expanded = false;
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#measure.disconnect();
    this.#measured = undefined;
    clearTimeout(this.#copiedTimer);
  }

  override updated() {
    const text = this.renderRoot.querySelector('[data-text]') ?? undefined;
    if (text !== this.#measured) {
      if (this.#measured) this.#measure.unobserve(this.#measured);
      if (text) this.#measure.observe(text);
      this.#measured = text;
    }
    this.#checkTall();
  }

  #checkTall() {
    const text = this.renderRoot.querySelector<HTMLElement>('[data-text]');
    // Collapsed, the box is capped: only growing past the cap is news (a shorter text after an edit).
    const tall = text
      ? text.scrollHeight > COLLAPSE_ABOVE || (this.tall && text.scrollHeight > COLLAPSED_HEIGHT + 1)
      : false;
    if (tall !== this.tall) this.tall = tall;
  }

  /** Never collapsed: a pending review (its question is what the person must read) or a reply streaming. */
  #collapsible(m: Message): boolean {
    return m.review?.status !== 'pending' && m.streamState !== 'streaming';
  }

  #quote(text: string) {
    const author = this.message.senderType === 'user' ? 'You' : this.agentName;
    this.dispatchEvent(
      new CustomEvent('placet-quote', { detail: { text, author }, bubbles: true, composed: true }),
    );
  }

  async #copy(text: string) {
    this.copied = (await copyText(text)) ? 'done' : 'failed';
    clearTimeout(this.#copiedTimer);
    this.#copiedTimer = setTimeout(() => {
      this.copied = undefined;
    }, 2000);
  }

  #actions(text: string) {
    if (!text.trim()) return nothing;
    return html`<div class="actions" data-actions>
      <button type="button" data-quote @click=${() => this.#quote(text)} aria-label="Quote this message in your reply">
        ${icon('quote')} Quote
      </button>
      <button type="button" data-copy @click=${() => void this.#copy(text)} aria-label="Copy the text of this message">
        ${icon('copy')} Copy
      </button>
      <span class="copied ${this.copied === 'failed' ? 'error' : ''}" role="status" data-copied=${this.copied ?? nothing}
        >${this.copied === 'done' ? 'Copied' : this.copied === 'failed' ? 'Could not copy: select the text instead' : ''}</span
      >
    </div>`;
  }

  /** A click (or Enter) on an attachment card previews it; modified clicks keep the link's own behaviour. */
  #openFile(event: MouseEvent, index: number) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    // Focus returns here when the dialog closes (a mouse click does not focus a link everywhere).
    (event.currentTarget as HTMLElement).focus();
    this.previewIndex = index;
  }

  #preview(files: Attachment[]) {
    if (this.previewIndex === undefined || files.length === 0) return nothing;
    return html`<placet-file-preview
      .api=${this.api}
      .files=${files}
      .index=${Math.min(this.previewIndex, files.length - 1)}
      @placet-preview-change=${(event: CustomEvent<{ index: number }>) => {
        this.previewIndex = event.detail.index;
      }}
      @placet-close=${() => {
        this.previewIndex = undefined;
      }}
    ></placet-file-preview>`;
  }

  #openIterations(event: MouseEvent) {
    // Focus returns here when the dialog closes.
    (event.currentTarget as HTMLElement).focus();
    this.showIterations = true;
  }

  #revision(m: Message) {
    if (!m.iteration) return nothing;
    if (!m.iterationGroupId) return m.iteration > 1 ? html`<span>Rev ${m.iteration}</span>` : nothing;
    return html`<button
      type="button"
      class="rev"
      aria-haspopup="dialog"
      title="Show every revision and what changed"
      data-iterations
      @click=${(event: MouseEvent) => this.#openIterations(event)}
    >Rev ${m.iteration}</button>`;
  }

  override willUpdate() {
    this.from = this.message.senderType === 'user' ? 'user' : 'agent';
  }

  #steps(events: StatusEvent[] | undefined, streaming: boolean) {
    if (!events?.length)
      return streaming ? html`<div class="steps live" aria-live="polite">Thinking…</div>` : nothing;
    const sorted = [...events].sort((a, b) => a.index - b.index);
    if (streaming) {
      // While the reply streams, the latest step shows live under the bubble.
      return html`<div class="steps live" aria-live="polite" data-step>${sorted.at(-1)!.text}</div>`;
    }
    return html`<details class="steps"><summary>${sorted.length} ${sorted.length === 1 ? 'step' : 'steps'}</summary>
      <ol>${sorted.map((step) => html`<li>${step.text}</li>`)}</ol>
    </details>`;
  }

  #metadata(metadata: Record<string, unknown> | null) {
    if (!metadata || Object.keys(metadata).length === 0) return nothing;
    const plugin = typeof metadata.plugin === 'string' ? metadata.plugin : undefined;
    return html`<details class="metadata" ?open=${plugin !== undefined}>
      <summary>${plugin ? `Content for the "${plugin}" renderer (not installed here)` : 'Metadata'}</summary>
      <pre>${JSON.stringify(metadata, null, 2)}</pre>
    </details>`;
  }

  override render() {
    const m = this.message;
    const streaming = m.streamState === 'streaming';
    const text = (m.text ?? '') + (streaming ? this.pendingDelta : '');
    const fileUrl = (id: string) => this.api.fileUrl(id);
    // A message the server has not acknowledged yet has no tick: it is not sent.
    const tick =
      m.senderType === 'user' && !m.id.startsWith('pending:')
        ? TICKS[m.deliveryStatus]
        : m.senderType === 'user'
          ? SENDING
          : undefined;
    const collapsed = this.tall && !this.expanded && this.#collapsible(m);
    return html`<div class="meta">
        <span>${m.senderType === 'user' ? 'You' : this.agentName}</span>
        <time datetime=${m.createdAt}>${shortTime(m.createdAt)}</time>
        ${streaming ? html`<span class="typing" data-typing role="status">typing<span class="dots" aria-hidden="true"></span></span>` : nothing}
        ${m.status ? html`<span class="badge ${m.status}" data-status-badge>${m.status}</span>` : nothing}
        ${this.#revision(m)}
      </div>
      <div class="bubble ${m.review ? 'review' : ''}" data-message=${m.id} data-stream-state=${m.streamState ?? nothing}>
        ${
          text
            ? html`<div
              class="md ${streaming ? 'streaming' : ''} ${collapsed ? 'collapsed' : ''}"
              id="text"
              data-text
            >${unsafeHTML(renderMarkdown(text, fileUrl))}</div>`
            : nothing
        }
        ${
          this.tall && this.#collapsible(m)
            ? html`<button
              type="button"
              class="link more"
              data-show-more
              aria-controls="text"
              aria-expanded=${this.expanded ? 'true' : 'false'}
              @click=${() => {
                this.expanded = !this.expanded;
              }}
            >${this.expanded ? 'Show less' : 'Show more'}</button>`
            : nothing
        }
        ${m.streamId ? this.#steps(m.statusEvents, streaming) : nothing}
        ${m.streamState === 'aborted' ? html`<div class="stopped">Stopped before it finished.</div>` : nothing}
        ${this.#metadata(m.metadata)}
        ${
          m.attachments.length
            ? html`<div class="attachments">
              ${m.attachments.map(
                (file, index) => html`<a
                  class="attachment"
                  href=${fileUrl(file.id)}
                  download=${file.filename}
                  data-file=${file.id}
                  aria-haspopup="dialog"
                  title=${`Preview ${file.filename}`}
                  @click=${(event: MouseEvent) => this.#openFile(event, index)}
                >
                  ${
                    file.mimeType.startsWith('image/') && file.mimeType !== 'image/svg+xml'
                      ? html`<img src=${fileUrl(file.id)} alt=${file.filename} loading="lazy" />`
                      : html`<span class="type" aria-hidden="true">${fileBadge(file.filename)}</span>`
                  }
                  <span>${file.filename}<br /><span class="muted">${fileSize(file.size)}</span></span>
                </a>`,
              )}
            </div>`
            : nothing
        }
        ${
          m.review
            ? html`<placet-review-host
              .api=${this.api}
              .types=${this.types}
              .message=${m}
              theme=${this.theme}
            ></placet-review-host>`
            : nothing
        }
      </div>
      ${
        tick
          ? html`<span class="ticks ${tick.tone}" title=${tick.label} aria-label=${tick.label} data-delivery=${tick === SENDING ? 'unsent' : m.deliveryStatus}
            >${tick.marks}</span
          >`
          : nothing
      }
      ${this.#actions(text)}
      ${this.#preview(m.attachments)}
      ${
        this.showIterations
          ? html`<placet-iterations
            .api=${this.api}
            .message=${m}
            @placet-close=${() => {
              this.showIterations = false;
            }}
          ></placet-iterations>`
          : nothing
      }`;
  }
}

defineIterationTimeline();
