import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { type Api, failureMessage } from '../../api.js';
import { fileSize, shortTime } from '../../format.js';
import type { Attachment, Channel } from '../../types.js';
import { fileBadge } from '../files/preview-kind.js';
import { controls } from '../styles.js';

const newestFirst = (a: Attachment, b: Attachment) => b.createdAt.localeCompare(a.createdAt);

/**
 * Every file sent in one chat (by the agent or the person), newest first: name, type, size and date; a
 * file opens in the file preview (Previous/Next go through this list). `#/chats/<id>/files`.
 */
export class PlacetChatFiles extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        overflow-y: auto;
        min-height: 0;
        padding: 12px 20px 20px;
      }
      h3 {
        margin: 0 0 10px;
        font-size: 15px;
      }
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      li button.file {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr) auto;
        gap: 4px 12px;
        align-items: center;
        width: 100%;
        text-align: left;
        padding: 8px 12px;
        border-radius: 10px;
      }
      .type {
        grid-row: span 2;
        display: inline-grid;
        place-items: center;
        min-width: 34px;
        height: 40px;
        padding: 0 3px;
        border: 1px solid var(--placet-border);
        border-radius: 5px 10px 5px 5px;
        font: 600 10px/1 var(--placet-mono);
        color: var(--placet-muted);
      }
      .name {
        font-weight: 600;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .detail {
        font-size: 13px;
        color: var(--placet-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      time {
        grid-row: span 2;
        font-size: 13px;
        color: var(--placet-muted);
        white-space: nowrap;
      }
      .more {
        margin-top: 10px;
      }
      @media (max-width: 720px) {
        :host {
          padding: 10px;
        }
        li button.file {
          min-height: 56px;
          grid-template-columns: auto minmax(0, 1fr);
        }
        .type {
          grid-row: span 3;
        }
        .name,
        .detail,
        time {
          grid-row: auto;
          grid-column: 2;
        }
        .more {
          min-height: 44px;
        }
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    channel: { attribute: false },
    /** Changes when a message with files arrives in the chat: the list is read again. */
    version: { type: Number },
    files: { state: true },
    nextCursor: { state: true },
    loaded: { state: true },
    error: { state: true },
    previewIndex: { state: true },
  };
  declare api: Api;
  declare channel: Channel;
  declare version: number;
  declare files: Attachment[];
  declare nextCursor: string | null;
  declare loaded: boolean;
  declare error: string;
  declare previewIndex: number | undefined;
  #generation = 0;

  constructor() {
    super();
    this.files = [];
    this.nextCursor = null;
    this.loaded = false;
    this.error = '';
  }

  override willUpdate(changed: PropertyValues<this>) {
    const previous = changed.get('channel') as Channel | undefined;
    if (changed.has('channel') && previous?.id !== this.channel.id) void this.#load();
    else if (changed.has('version') && changed.get('version') !== undefined) void this.#reload();
  }

  async #load(cursor?: string) {
    const generation = cursor ? this.#generation : ++this.#generation;
    this.error = '';
    if (!cursor) {
      this.loaded = false;
      this.files = [];
    }
    try {
      const page = await this.api.files(this.channel.id, cursor);
      if (generation !== this.#generation) return;
      const known = new Set(this.files.map((f) => f.id));
      this.files = [...this.files, ...page.items.filter((f) => !known.has(f.id))].sort(newestFirst);
      this.nextCursor = page.nextCursor;
      this.loaded = true;
    } catch (error) {
      if (generation === this.#generation) this.error = failureMessage(error, 'The files');
    }
  }

  /** Reads the first page again, keeping what is shown until it arrives (no flash of "Loading"). */
  async #reload() {
    const generation = ++this.#generation;
    try {
      const page = await this.api.files(this.channel.id);
      if (generation !== this.#generation) return;
      const fresh = new Set(page.items.map((f) => f.id));
      this.files = [...page.items, ...this.files.filter((f) => !fresh.has(f.id))].sort(newestFirst);
      this.loaded = true;
    } catch {
      // The list shown stays; the next change or visit reads it again.
    }
  }

  #open(event: MouseEvent, index: number) {
    (event.currentTarget as HTMLElement).focus(); // Focus returns here when the preview closes.
    this.previewIndex = index;
  }

  override render() {
    const files = this.files;
    return html`<section aria-labelledby="files-title">
      <h3 id="files-title">Files in this chat${this.loaded ? html` <span class="muted">(${files.length}${this.nextCursor ? '+' : ''})</span>` : nothing}</h3>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!this.loaded && !this.error ? html`<p class="muted" role="status">Loading the files…</p>` : nothing}
      ${this.loaded && files.length === 0 ? html`<p class="muted" data-no-files>No files in this chat yet.</p>` : nothing}
      <ol>
        ${files.map(
          (file, index) => html`<li>
            <button
              type="button"
              class="file"
              data-file=${file.id}
              aria-haspopup="dialog"
              @click=${(event: MouseEvent) => this.#open(event, index)}
            >
              <span class="type" aria-hidden="true">${fileBadge(file.filename)}</span>
              <span class="name">${file.filename}</span>
              <time datetime=${file.createdAt}>${shortTime(file.createdAt)}</time>
              <span class="detail"><span data-size>${fileSize(file.size)}</span> · ${file.mimeType}</span>
            </button>
          </li>`,
        )}
      </ol>
      ${
        this.nextCursor
          ? html`<button type="button" class="more" @click=${() => void this.#load(this.nextCursor!)}>Load more files</button>`
          : nothing
      }
      ${
        this.previewIndex !== undefined && files.length > 0
          ? html`<placet-file-preview
            .api=${this.api}
            .files=${files}
            .index=${Math.min(this.previewIndex, files.length - 1)}
            @placet-preview-change=${(e: CustomEvent<{ index: number }>) => {
              this.previewIndex = e.detail.index;
            }}
            @placet-close=${() => {
              this.previewIndex = undefined;
            }}
          ></placet-file-preview>`
          : nothing
      }
    </section>`;
  }
}

/** Registers `<placet-chat-files>` (the chat view calls it). */
export function defineChatFiles(): void {
  if (!customElements.get('placet-chat-files')) customElements.define('placet-chat-files', PlacetChatFiles);
}
