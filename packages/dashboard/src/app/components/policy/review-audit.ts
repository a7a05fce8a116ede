import { css, html, LitElement, nothing } from 'lit';
import { type Api, ApiError, failureMessage } from '../../api.js';
import { shortTime } from '../../format.js';
import { type AuditRow, auditRow } from '../../policy/audit-entries.js';
import type { AuditEntry, Review } from '../../types.js';
import { controls } from '../styles.js';

type Phase = 'closed' | 'loading' | 'loaded' | 'missing' | 'failed';

/** Most pages of entries one opening reads. */
const MAX_PAGES = 10;

/**
 * The audit log of one review (`GET /reviews/:id/audit`), collapsed until opened: each entry's time,
 * what happened, who did it and through which path. Loaded again each time it is opened. A server
 * without the route (404) gets a short message instead.
 */
export class PlacetReviewAudit extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        margin-top: 6px;
        font-size: 13px;
      }
      table {
        border-collapse: collapse;
        width: 100%;
        margin-top: 6px;
      }
      th,
      td {
        text-align: left;
        padding: 3px 8px 3px 0;
        border-bottom: 1px solid var(--placet-border);
        vertical-align: top;
      }
      th {
        font-weight: 600;
      }
      p {
        margin: 6px 0 0;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    messageId: {},
    review: { attribute: false },
    me: { attribute: false },
    rows: { state: true },
    phase: { state: true },
    error: { state: true },
  };
  declare api: Api;
  declare messageId: string;
  declare review: Review;
  declare me: string | undefined;
  declare rows: AuditRow[];
  declare phase: Phase;
  declare error: string;
  #generation = 0;

  constructor() {
    super();
    this.rows = [];
    this.phase = 'closed';
    this.error = '';
  }

  async #load() {
    const generation = ++this.#generation;
    this.phase = 'loading';
    try {
      const entries: AuditEntry[] = [];
      let after = 0;
      // Pages of up to 100 entries; a review rarely has more than a few dozen.
      for (let page = 0; page < MAX_PAGES; page++) {
        const { entries: more, nextAfter } = await this.api.reviewAudit(this.messageId, after);
        entries.push(...more);
        if (nextAfter === null) break;
        after = nextAfter;
      }
      if (generation !== this.#generation) return;
      const context = { policy: this.review.policy, payload: this.review.payload, me: this.me };
      this.rows = entries.map((entry) => auditRow(entry, context));
      this.phase = 'loaded';
    } catch (error) {
      if (generation !== this.#generation) return;
      if (error instanceof ApiError && error.status === 404) this.phase = 'missing';
      else {
        this.phase = 'failed';
        this.error = failureMessage(error, 'The audit trail');
      }
    }
  }

  #toggle(event: Event) {
    if ((event.target as HTMLDetailsElement).open) void this.#load();
    else {
      this.#generation++;
      this.phase = 'closed';
    }
  }

  #body() {
    switch (this.phase) {
      case 'closed':
        return nothing;
      case 'loading':
        return html`<p class="muted">Loading…</p>`;
      case 'missing':
        return html`<p class="muted" data-audit-missing>This server keeps no audit log for reviews.</p>`;
      case 'failed':
        return html`<p class="error" role="alert">The audit log could not be loaded: ${this.error}</p>`;
      case 'loaded':
        if (this.rows.length === 0) return html`<p class="muted">Nothing recorded yet.</p>`;
        return html`<table data-audit-entries>
          <caption class="sr-only">What happened to this review</caption>
          <thead><tr><th scope="col">Time</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Via</th></tr></thead>
          <tbody>
            ${this.rows.map(
              (row) => html`<tr data-audit-entry data-seq=${row.seq}>
                <td>${row.at ? html`<time datetime=${row.at}>${shortTime(row.at)}</time>` : '—'}</td>
                <td>${row.what}</td>
                <td>${row.who}</td>
                <td>${row.via || '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>`;
    }
  }

  override render() {
    return html`<details data-audit @toggle=${this.#toggle}>
      <summary>Audit log</summary>
      ${this.#body()}
    </details>`;
  }
}
