import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { relativeTime } from '../../format.js';
import { controls } from '../styles.js';
import type { DeliveryView, SettingsApi } from './settings-api.js';
import { type Problem, problemView, sectionStyles, toProblem, when } from './settings-shared.js';

const PAGE = 20;

/**
 * A channel's webhook deliveries, newest first: state, attempts (status, error, time, duration), the
 * next try, and Redrive for finished ones (same `webhook-id`, so receivers deduplicate). While a shown
 * delivery is pending the log refreshes itself, around its next attempt.
 */
export class PlacetDeliveryLog extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      .state {
        display: inline-block;
        padding: 1px 8px;
        border-radius: 10px;
        font-size: 12px;
        font-weight: 600;
        border: 1px solid currentColor;
      }
      .state.delivered {
        color: var(--placet-success);
      }
      .state.failed {
        color: var(--placet-danger);
      }
      .state.pending {
        color: var(--placet-warning);
      }
      .url {
        word-break: break-all;
      }
      details ol {
        margin: 6px 0 0;
        padding-left: 20px;
      }
      .toolbar {
        display: flex;
        gap: 8px;
        align-items: center;
        margin-bottom: 8px;
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    channelId: { attribute: false },
    items: { state: true },
    nextCursor: { state: true },
    loading: { state: true },
    problem: { state: true },
    rowProblems: { state: true },
  };
  declare client: SettingsApi;
  declare channelId: string;
  declare items: DeliveryView[];
  declare nextCursor: string | null;
  declare loading: boolean;
  declare problem: Problem | undefined;
  declare rowProblems: Map<string, Problem>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  constructor() {
    super();
    this.items = [];
    this.nextCursor = null;
    this.loading = false;
    this.rowProblems = new Map();
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('channelId') && this.channelId) {
      this.items = [];
      this.nextCursor = null;
      void this.#load();
    }
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.#generation++;
  }

  override connectedCallback() {
    super.connectedCallback();
    // Re-attached (the element was moved): pick up where it was.
    if (this.channelId && this.hasUpdated) void this.#load();
  }

  /** Loads the first page again (as many rows as are shown), or the next page with `more`. */
  async #load(more = false) {
    const generation = ++this.#generation;
    clearTimeout(this.#timer);
    this.loading = true;
    try {
      const limit = more ? PAGE : Math.max(PAGE, Math.min(this.items.length, 100));
      const page = await this.client.deliveries(this.channelId, {
        limit,
        ...(more && this.nextCursor ? { cursor: this.nextCursor } : {}),
      });
      if (generation !== this.#generation) return;
      if (more) {
        const known = new Set(this.items.map((d) => d.id));
        this.items = [...this.items, ...page.data.filter((d) => !known.has(d.id))];
        this.nextCursor = page.nextCursor;
      } else {
        // The first rows again; older pages already loaded stay below them.
        const fresh = new Set(page.data.map((d) => d.id));
        const rest = this.items.slice(limit).filter((d) => !fresh.has(d.id));
        this.items = [...page.data, ...rest];
        if (rest.length === 0) this.nextCursor = page.nextCursor;
      }
      this.problem = undefined;
      this.#schedule();
    } catch (error) {
      if (generation === this.#generation) this.problem = toProblem(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** While something shown is pending, refresh around its next attempt (1–30 s from now). */
  #schedule() {
    const pending = this.items.filter((d) => d.state === 'pending');
    if (pending.length === 0) return;
    const soonest = Math.min(
      ...pending.map((d) => (d.nextAttemptAt ? Date.parse(d.nextAttemptAt) : Date.now())),
    );
    const delay = Math.max(1000, Math.min(30_000, soonest - Date.now() + 500));
    if (this.isConnected) this.#timer = setTimeout(() => void this.#load(), delay);
  }

  async #redrive(delivery: DeliveryView) {
    const problems = new Map(this.rowProblems);
    problems.delete(delivery.id);
    this.rowProblems = problems;
    try {
      const queued = await this.client.redrive(delivery.id);
      this.items = this.items.map((d) => (d.id === delivery.id ? queued : d));
      await this.updateComplete;
      this.renderRoot
        .querySelector<HTMLElement>(`tr[data-delivery-id="${CSS.escape(delivery.id)}"] .state`)
        ?.focus();
      clearTimeout(this.#timer);
      if (this.isConnected) this.#timer = setTimeout(() => void this.#load(), 800);
    } catch (error) {
      this.rowProblems = new Map(this.rowProblems).set(delivery.id, toProblem(error));
    }
  }

  #row(d: DeliveryView) {
    const last = d.attempts.at(-1);
    const problem = this.rowProblems.get(d.id);
    return html`<tr data-delivery-id=${d.id} data-state=${d.state} data-attempts=${d.attempts.length}>
      <td title=${when(d.createdAt)}>${relativeTime(d.createdAt)}</td>
      <td><code>${d.event}</code></td>
      <td class="url"><span class="mono">${d.method}</span> ${d.url}</td>
      <td><span class="state ${d.state}" title=${d.lastError ?? nothing} tabindex="-1" data-delivery-state>${d.state}</span></td>
      <td>
        ${
          d.attempts.length === 0
            ? html`<span class="muted">None yet</span>`
            : html`<details>
              <summary>${d.attempts.length} ${d.attempts.length === 1 ? 'attempt' : 'attempts'}</summary>
              <ol>
                ${d.attempts.map(
                  (a) => html`<li data-attempt=${a.attempt}>
                    ${when(a.at)} — ${a.status === null ? 'no answer' : html`HTTP <span data-status>${a.status}</span>`}${
                      a.error ? html` — <span class="error">${a.error}</span>` : nothing
                    } <span class="muted">(${Math.round(a.durationMs)} ms)</span>
                  </li>`,
                )}
              </ol>
            </details>`
        }
      </td>
      <td data-last>
        ${last ? (last.status === null ? 'no answer' : `HTTP ${last.status}`) : '—'}
        ${last?.error ? html`<div class="error">${last.error}</div>` : nothing}
        ${d.state === 'pending' && d.nextAttemptAt ? html`<div class="muted">next try ${when(d.nextAttemptAt)}</div>` : nothing}
      </td>
      <td>
        ${
          d.state === 'pending'
            ? nothing
            : html`<button type="button" aria-label="Redrive delivery ${d.id}" @click=${() => void this.#redrive(d)}>
              Redrive
            </button>`
        }
        ${problemView(problem, 'Redrive error')}
      </td>
    </tr>`;
  }

  override render() {
    return html`<div class="toolbar">
        <button type="button" @click=${() => void this.#load()} ?disabled=${this.loading}>Refresh</button>
        <span class="muted" role="status">${this.loading ? 'Loading…' : ''}</span>
      </div>
      ${problemView(this.problem, 'Delivery log error')}
      ${
        this.items.length === 0
          ? this.loading || this.problem
            ? nothing
            : html`<p class="muted empty">No deliveries yet. Each answer to a review and each of your messages makes one when a webhook is set.</p>`
          : html`<table>
            <caption class="sr-only">Webhook deliveries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th><th scope="col">Event</th><th scope="col">Target</th><th scope="col">State</th>
                <th scope="col">Attempts</th><th scope="col">Last result</th><th scope="col"><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              ${repeat(
                this.items,
                (d) => d.id,
                (d) => this.#row(d),
              )}
            </tbody>
          </table>`
      }
      ${this.nextCursor ? html`<button type="button" @click=${() => void this.#load(true)}>Load older deliveries</button>` : nothing}`;
  }
}
