import { html, nothing, type TemplateResult } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { CsvTable } from './csv.js';

/** A CSV preview shows at most this many records under its header. */
export const CSV_ROW_CAP = 1000;

/** Above this, code is shown without highlighting (highlight.js on megabytes blocks the page). */
export const HIGHLIGHT_MAX_CHARS = 512 * 1024;

/**
 * Agent-supplied HTML for a `sandbox` iframe (no `allow-scripts`, no `allow-same-origin`): scripts never
 * run and the document has an opaque origin. A CSP is put first in the document as well, so that it
 * loads nothing either — no image, style sheet or font from the dashboard's API or anywhere else
 * (the iframe inherits the dashboard's `img-src 'self'` otherwise).
 */
export function sandboxedDocument(source: string): string {
  const lockdown =
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; media-src data:; form-action 'none'\">";
  const doctype = /^\ufeff?\s*<!doctype[^>]*>/i.exec(source);
  return doctype ? `${doctype[0]}${lockdown}${source.slice(doctype[0].length)}` : `${lockdown}${source}`;
}

/** The number of lines `text` shows (a final line break does not start another). */
export function lineCount(text: string): number {
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return text.endsWith('\n') ? lines - 1 : lines;
}

/**
 * Code with a line-number gutter. `highlighted` is highlight.js output (the text HTML-escaped inside its
 * spans); until it arrives, or for languages it does not know, the plain text is shown.
 */
export function codeView(text: string, language: string | undefined, highlighted: string | undefined) {
  const lines = lineCount(text);
  let gutter = '';
  for (let i = 1; i <= lines; i++) gutter += i === 1 ? '1' : `\n${i}`;
  return html`<div class="code" data-language=${language ?? 'plaintext'}>
    <pre class="gutter" aria-hidden="true">${gutter}</pre>
    <pre><code class="hljs">${highlighted === undefined ? text : unsafeHTML(highlighted)}</code></pre>
  </div>`;
}

/** A CSV table: the first record as the header, at most `CSV_ROW_CAP` records below it, row numbers. */
export function csvView(table: CsvTable): TemplateResult {
  const [head = [], ...body] = table.rows;
  const shown = body.slice(0, CSV_ROW_CAP);
  const pad = (row: string[]) =>
    row.length < table.columns ? [...row, ...Array<string>(table.columns - row.length).fill('')] : row;
  return html`${
    body.length > CSV_ROW_CAP
      ? html`<p class="note" data-capped>
          Showing the first ${CSV_ROW_CAP.toLocaleString()} of ${body.length.toLocaleString()} rows. Download the file for all of them.
        </p>`
      : nothing
  }
    <table class="csv">
      <thead>
        <tr>
          <th class="row" scope="col"><span class="sr-only">Row</span></th>
          ${pad(head).map((cell) => html`<th scope="col">${cell}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${shown.map(
          (row, i) => html`<tr>
            <th class="row" scope="row">${i + 1}</th>
            ${pad(row).map((cell) => html`<td>${cell}</td>`)}
          </tr>`,
        )}
      </tbody>
    </table>`;
}
