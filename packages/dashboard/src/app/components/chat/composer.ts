import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Api } from '../../api.js';
import { fileSize } from '../../format.js';
import { icon } from '../../icons.js';
import type { Attachment, Channel } from '../../types.js';
import { fileBadge } from '../files/preview-kind.js';
import { controls } from '../styles.js';
import { composerStyles } from './composer-styles.js';
import { commandName, commandQuery, matchCommands, quoteText, type SlashCommand } from './slash-commands.js';
import { notUploaded, tooBig, type Upload, uploadFailure } from './uploads.js';

/** What `placet-send` carries: the text and the files (already stored on the server). */
export interface ComposerSend {
  text: string;
  attachments: Attachment[];
}

let uploadKeys = 0;

/**
 * The chat composer: text (Enter sends, Shift+Enter adds a line), files (the paperclip, dropping or
 * pasting them) uploaded at once with their progress, and the menu of the agent's slash commands when the
 * text starts with `/`. Fires `placet-send` (detail: {@link ComposerSend}) once every file is uploaded;
 * a file that failed keeps the message here, with what to do.
 */
export class PlacetComposer extends LitElement {
  static override styles = [controls, composerStyles];
  static override properties = {
    api: { attribute: false },
    channel: { attribute: false },
    uploads: { state: true },
    notice: { state: true },
    waiting: { state: true },
    query: { state: true },
    active: { state: true },
  };
  declare api: Api;
  declare channel: Channel;
  declare uploads: Upload[];
  /** A sentence about the files or the send (refused size, failed upload). */
  declare notice: string;
  /** Send was pressed while files were still uploading: it goes when they are done. */
  declare waiting: boolean;
  /** What the command menu filters by, while it is open. */
  declare query: string | undefined;
  /** The highlighted command of the menu. */
  declare active: number;
  /** The text the menu was closed for (Escape): it opens again when the text changes. */
  #dismissed: string | undefined;

  constructor() {
    super();
    this.uploads = [];
    this.notice = '';
    this.waiting = false;
    this.active = 0;
  }

  get #area(): HTMLTextAreaElement {
    return this.renderRoot.querySelector('textarea')!;
  }

  override willUpdate(changed: PropertyValues<this>) {
    const previous = changed.get('channel') as Channel | undefined;
    if (previous && previous.id !== this.channel.id) {
      // Another chat: its composer starts empty (files stored for the other chat belong to it).
      for (const upload of this.uploads) upload.controller.abort();
      this.uploads = [];
      this.notice = '';
      this.query = undefined;
      const area = this.renderRoot.querySelector('textarea');
      if (area) area.value = '';
    }
  }

  override focus() {
    this.#area.focus();
  }

  /** Puts `text` into the composer as a markdown quote by `author`, followed by the reply's cursor. */
  quote(text: string, author: string) {
    const area = this.#area;
    const before = area.value.trimEnd();
    area.value = `${before ? `${before}\n\n` : ''}${quoteText(text, author)}`;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    this.#onInput();
  }

  /** Attaches files (picked, dropped or pasted): each over the server's limit is refused before uploading. */
  async addFiles(files: Iterable<File>) {
    const list = [...files];
    if (list.length === 0) return;
    const limit = await this.api.uploadLimit();
    const refused: string[] = [];
    for (const file of list) {
      if (limit !== undefined && file.size > limit) refused.push(tooBig(file, limit));
      else this.#upload(file);
    }
    this.notice = refused.join(' ');
  }

  #upload(file: File, key = `upload-${++uploadKeys}`) {
    const controller = new AbortController();
    const upload: Upload = {
      key,
      file,
      state: 'uploading',
      progress: 0,
      controller,
      settled: Promise.resolve(),
    };
    const update = (change: Partial<Upload>) => {
      this.uploads = this.uploads.map((u) => (u.key === key ? Object.assign(u, change) : u));
    };
    upload.settled = this.api
      .storeFile(this.channel.id, file, {
        signal: controller.signal,
        onProgress: (progress) => update({ progress }),
      })
      .then(
        (attachment) => update({ state: 'done', progress: 1, attachment }),
        (error: unknown) => {
          if (!controller.signal.aborted) update({ state: 'failed', error: uploadFailure(error) });
        },
      );
    const existing = this.uploads.findIndex((u) => u.key === key);
    this.uploads =
      existing >= 0 ? this.uploads.map((u, i) => (i === existing ? upload : u)) : [...this.uploads, upload];
  }

  #remove(upload: Upload) {
    upload.controller.abort();
    this.uploads = this.uploads.filter((u) => u !== upload);
    if (!this.uploads.some((u) => u.state === 'failed')) this.notice = '';
    this.#area.focus();
  }

  #retry(upload: Upload) {
    this.notice = '';
    this.#upload(upload.file, upload.key);
  }

  async #submit(event?: Event) {
    event?.preventDefault();
    if (this.waiting) return;
    if (!this.#area.value.trim() && this.uploads.length === 0) return;
    if (this.uploads.some((u) => u.state === 'uploading')) {
      this.waiting = true;
      // Files added meanwhile are waited for too.
      while (this.uploads.some((u) => u.state === 'uploading')) {
        await Promise.all(this.uploads.map((u) => u.settled));
      }
      this.waiting = false;
    }
    const failed = this.uploads.filter((u) => u.state === 'failed');
    if (failed.length > 0) {
      this.notice = notUploaded(failed);
      return;
    }
    const text = this.#area.value.trim();
    const attachments = this.uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
    if (!text && attachments.length === 0) return;
    this.dispatchEvent(new CustomEvent<ComposerSend>('placet-send', { detail: { text, attachments } }));
    this.#area.value = '';
    this.uploads = [];
    this.notice = '';
    this.#onInput();
  }

  get #matches(): SlashCommand[] {
    return this.query === undefined ? [] : matchCommands(this.channel.commands ?? [], this.query);
  }

  #onInput() {
    const area = this.#area;
    // Grows with the text (a quote, several lines) up to the cap of the stylesheet's max-height.
    area.style.height = 'auto';
    if (area.value) area.style.height = `${area.scrollHeight + 2}px`;
    const value = area.value;
    if (value !== this.#dismissed) this.#dismissed = undefined;
    const query = this.#dismissed === undefined ? commandQuery(value) : undefined;
    if (query !== this.query) this.active = 0;
    this.query = (this.channel.commands?.length ?? 0) > 0 ? query : undefined;
  }

  #close() {
    this.#dismissed = this.#area.value;
    this.query = undefined;
  }

  /** Picks a command: one that takes arguments waits for them; one without is sent (`send`) or completed. */
  #pick(command: SlashCommand, send: boolean) {
    const area = this.#area;
    const takesArgs = command.acceptsArgs === true;
    area.value = `/${commandName(command)}${takesArgs ? ' ' : ''}`;
    this.query = undefined;
    this.#dismissed = area.value;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    if (send && !takesArgs) void this.#submit();
  }

  #keydown(event: KeyboardEvent) {
    const matches = this.#matches;
    if (this.query !== undefined && matches.length > 0) {
      const move = (by: number) => {
        event.preventDefault();
        this.active = (this.active + by + matches.length) % matches.length;
      };
      if (event.key === 'ArrowDown') return move(1);
      if (event.key === 'ArrowUp') return move(-1);
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        return this.#close();
      }
      if ((event.key === 'Enter' && !event.shiftKey && !event.isComposing) || event.key === 'Tab') {
        event.preventDefault();
        return this.#pick(matches[this.active] ?? matches[0]!, event.key === 'Enter');
      }
    }
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) void this.#submit(event);
  }

  #paste(event: ClipboardEvent) {
    const files = [...(event.clipboardData?.files ?? [])];
    if (files.length === 0) return; // Text pastes as text.
    event.preventDefault();
    void this.addFiles(files);
  }

  #pickFiles(event: Event) {
    const input = event.target as HTMLInputElement;
    void this.addFiles([...(input.files ?? [])]);
    input.value = ''; // The same file can be picked again.
  }

  override updated() {
    this.renderRoot
      .querySelector('[role="option"][aria-selected="true"]')
      ?.scrollIntoView({ block: 'nearest' });
  }

  #menu(matches: SlashCommand[]) {
    return html`<ul class="commands" id="slash-menu" role="listbox" aria-label="Commands of ${this.channel.name}">
      ${matches.map(
        (c, i) => html`<li
          role="option"
          id="command-${i}"
          data-command=${commandName(c)}
          aria-selected=${i === this.active ? 'true' : 'false'}
          @mousedown=${(e: MouseEvent) => e.preventDefault()}
          @click=${() => this.#pick(c, true)}
        >
          <span class="name">/${commandName(c)}${c.argHint ? html` <span class="muted">${c.argHint}</span>` : nothing}</span>
          <span class="description">${c.description}</span>
        </li>`,
      )}
    </ul>`;
  }

  #chip(u: Upload) {
    const percent = Math.round(u.progress * 100);
    return html`<li class="chip ${u.state}" data-upload=${u.state} data-file-name=${u.file.name}>
      <span class="type" aria-hidden="true">${fileBadge(u.file.name)}</span>
      <span class="what">
        <span class="name">${u.file.name}</span>
        <span class="muted">${fileSize(u.file.size)}${
          u.state === 'uploading'
            ? html` · <span data-progress>${percent} %</span>`
            : u.state === 'failed'
              ? html` · <span class="error">Upload failed</span>`
              : html` · uploaded`
        }</span>
        ${
          u.state === 'uploading'
            ? html`<progress max="100" value=${percent} aria-label="Uploading ${u.file.name}"></progress>`
            : nothing
        }
      </span>
      ${
        u.state === 'failed'
          ? html`<button type="button" class="icon" data-retry @click=${() => this.#retry(u)} aria-label="Retry ${u.file.name}">${icon('retry')}</button>`
          : nothing
      }
      <button type="button" class="icon" data-remove @click=${() => this.#remove(u)} aria-label="Remove ${u.file.name}">${icon('remove')}</button>
    </li>`;
  }

  override render() {
    const channel = this.channel;
    const matches = this.#matches;
    const open = this.query !== undefined && matches.length > 0;
    // A combobox only when there is something to choose: the agent declared commands.
    const hasCommands = (channel.commands?.length ?? 0) > 0;
    return html`<form @submit=${this.#submit}>
      ${open ? this.#menu(matches) : nothing}
      ${
        this.uploads.length
          ? html`<ul class="chips" aria-label="Files to send">${this.uploads.map((u) => this.#chip(u))}</ul>`
          : nothing
      }
      ${this.notice ? html`<p class="notice error" role="alert" data-composer-notice>${this.notice}</p>` : nothing}
      ${this.waiting ? html`<p class="notice muted" role="status">Sending when the files are uploaded…</p>` : nothing}
      <div class="row">
        <label class="attach" title="Attach files">
          <input type="file" multiple class="sr-only" @change=${this.#pickFiles} aria-label="Attach files" />
          ${icon('attach')}
        </label>
        <label class="sr-only" for="composer">Message to ${channel.name}</label>
        <textarea
          id="composer"
          rows="1"
          role=${hasCommands ? 'combobox' : nothing}
          aria-autocomplete=${hasCommands ? 'list' : nothing}
          aria-haspopup=${hasCommands ? 'listbox' : nothing}
          aria-expanded=${hasCommands ? (open ? 'true' : 'false') : nothing}
          aria-controls=${open ? 'slash-menu' : nothing}
          aria-activedescendant=${open ? `command-${this.active}` : nothing}
          placeholder="Message ${channel.name}${hasCommands ? ' — / for commands' : ''}"
          @keydown=${this.#keydown}
          @input=${this.#onInput}
          @paste=${this.#paste}
          @blur=${() => {
            this.query = undefined;
          }}
          @focus=${this.#onInput}
        ></textarea>
        <button class="primary" type="submit" ?disabled=${this.waiting}>Send</button>
      </div>
    </form>`;
  }
}

/** Registers `<placet-composer>` (the chat view calls it: the element is its own). */
export function defineComposer(): void {
  if (!customElements.get('placet-composer')) customElements.define('placet-composer', PlacetComposer);
}
