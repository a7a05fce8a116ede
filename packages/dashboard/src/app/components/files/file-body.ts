import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import { type Api, failureMessage } from '../../api.js';
import { fileSize } from '../../format.js';
import { renderMarkdown } from '../../markdown.js';
import type { Attachment } from '../../types.js';
import { markdownStyles } from '../markdown-styles.js';
import { controls } from '../styles.js';
import { type CsvTable, parseCsv } from './csv.js';
import { highlightCode } from './highlight.js';
import { isTextKind, type PreviewPlan, previewPlan } from './preview-kind.js';
import { linkButton, previewStyles } from './preview-styles.js';
import { readText, TEXT_PREVIEW_BYTES, type TextSource } from './text-source.js';
import { codeView, csvView, HIGHLIGHT_MAX_CHARS, sandboxedDocument } from './text-views.js';

/**
 * The content of one file in the preview dialog, chosen by `previewPlan`: native elements for images,
 * audio, video and PDF (the browser's viewer); text read with a size cap and shown as highlighted code,
 * rendered markdown, a CSV table, or HTML in a sandboxed frame without scripts; otherwise "No preview".
 */
export class PlacetFileBody extends LitElement {
  static override styles = [controls, linkButton, markdownStyles, previewStyles];
  static override properties = {
    api: { attribute: false },
    file: { attribute: false },
    source: { state: true },
    error: { state: true },
    highlighted: { state: true },
    showSource: { state: true },
    failed: { state: true },
  };
  declare api: Api;
  declare file: Attachment;
  declare source: TextSource | undefined;
  declare error: string;
  declare highlighted: string | undefined;
  declare showSource: boolean;
  /** The native element could not show it (an unsupported codec, a broken image). */
  declare failed: boolean;
  #plan: PreviewPlan = { kind: 'none' };
  #table: CsvTable | undefined;
  #loading: AbortController | undefined;

  constructor() {
    super();
    this.error = '';
    this.showSource = false;
    this.failed = false;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (!changed.has('file')) return;
    const previous = changed.get('file') as Attachment | undefined;
    if (previous?.id === this.file.id) return;
    this.#loading?.abort();
    this.#plan = previewPlan(this.file);
    this.#table = undefined;
    this.source = undefined;
    this.error = '';
    this.highlighted = undefined;
    this.showSource = false;
    this.failed = false;
    if (isTextKind(this.#plan.kind)) void this.#load(this.file, this.#plan);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#loading?.abort();
  }

  async #load(file: Attachment, plan: PreviewPlan) {
    const loading = new AbortController();
    this.#loading = loading;
    try {
      const source = await readText(this.api.fileUrl(file.id), file, loading.signal);
      if (loading.signal.aborted) return;
      if (plan.kind === 'csv' && !source.binary) {
        const table = parseCsv(source.text, plan.delimiter);
        // The last record of a cut file is probably cut too.
        if (source.truncated && table.rows.length > 1) table.rows.pop();
        this.#table = table;
      }
      this.source = source;
      if (plan.kind === 'code' && !source.binary) this.#highlight(source.text, plan);
    } catch (error) {
      if (!loading.signal.aborted) {
        this.error = failureMessage(error, 'The file');
      }
    }
  }

  /** Highlights code, or the source of HTML when asked for, with highlight.js. */
  #highlight(text: string, plan: PreviewPlan) {
    const language = plan.kind === 'html' ? 'xml' : plan.language;
    if (!language || text.length > HIGHLIGHT_MAX_CHARS) return;
    this.highlighted = highlightCode(text, language);
  }

  #noPreview(reason: string) {
    const url = this.api.fileUrl(this.file.id);
    return html`<div class="empty" data-preview="none">
      <p>${reason}</p>
      <a class="button" href=${url} download=${this.file.filename}>Download ${this.file.filename}</a>
    </div>`;
  }

  #media() {
    const url = this.api.fileUrl(this.file.id);
    const name = this.file.filename;
    const fail = () => {
      this.failed = true;
    };
    if (this.failed) return this.#noPreview('This browser cannot show this file.');
    switch (this.#plan.kind) {
      case 'image':
        return html`<div class="center" data-preview="image"><img src=${url} alt=${name} @error=${fail} /></div>`;
      case 'audio':
        return html`<div class="center" data-preview="audio">
          <audio controls preload="metadata" src=${url} aria-label=${name} @error=${fail}></audio>
        </div>`;
      case 'video':
        return html`<div class="center" data-preview="video">
          <video controls preload="metadata" src=${url} aria-label=${name} @error=${fail}></video>
        </div>`;
      case 'pdf':
        // The browser's own viewer. Not `sandbox`ed: Chromium refuses to show a PDF in a sandboxed
        // frame. The download route's `Content-Security-Policy: sandbox` still applies to the document.
        if (navigator.pdfViewerEnabled === false) {
          return this.#noPreview('This browser does not show PDF files inline.');
        }
        return html`<iframe data-preview="pdf" src=${url} title=${`PDF: ${name}`}></iframe>`;
      default:
        return this.#noPreview('No preview is available for this type of file.');
    }
  }

  #toggleSource(source: TextSource) {
    this.showSource = !this.showSource;
    if (this.showSource && this.#plan.kind === 'html' && this.highlighted === undefined) {
      this.#highlight(source.text, this.#plan);
    }
  }

  #text(source: TextSource) {
    const kind = this.#plan.kind;
    if (source.binary) return this.#noPreview('This file does not look like text.');
    const canToggle = kind === 'html' || kind === 'markdown' || kind === 'csv';
    const note =
      source.truncated || canToggle
        ? html`<p class="note">
          ${
            source.truncated
              ? html`<span data-truncated>Showing the first ${fileSize(TEXT_PREVIEW_BYTES)} of ${fileSize(this.file.size)}.</span>`
              : nothing
          }
          ${kind === 'html' ? html`<span>Shown without scripts, in an isolated frame.</span>` : nothing}
          ${
            canToggle
              ? html`<button type="button" aria-pressed=${this.showSource ? 'true' : 'false'} data-source-toggle
                  @click=${() => this.#toggleSource(source)}>View source</button>`
              : nothing
          }
        </p>`
        : nothing;
    let body: unknown;
    if (kind === 'code') {
      body = codeView(source.text, this.#plan.language, this.highlighted);
    } else if (this.showSource) {
      body =
        kind === 'html'
          ? codeView(source.text, 'xml', this.highlighted)
          : html`<pre class="plain">${source.text}</pre>`;
    } else if (kind === 'markdown') {
      const md = renderMarkdown(source.text, (id) => this.api.fileUrl(id));
      body = html`<div class="md">${unsafeHTML(md)}</div>`;
    } else if (kind === 'csv' && this.#table) {
      body = csvView(this.#table);
    } else if (kind === 'html') {
      body = html`<iframe
        sandbox=""
        referrerpolicy="no-referrer"
        title=${`HTML (without scripts): ${this.file.filename}`}
        srcdoc=${sandboxedDocument(source.text)}
      ></iframe>`;
    } else {
      body = html`<pre class="plain">${source.text}</pre>`;
    }
    return html`${note}<div class="stage" data-preview=${kind}>${body}</div>`;
  }

  override render() {
    if (!this.file) return nothing;
    if (!isTextKind(this.#plan.kind)) return html`<div class="stage">${this.#media()}</div>`;
    if (this.error) return this.#noPreview(this.error);
    if (!this.source) return html`<div class="empty" aria-busy="true">Loading ${this.file.filename}…</div>`;
    return this.#text(this.source);
  }
}
