import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { type Api, ApiError } from '../api.js';
import type { ReviewTypes } from '../review-types.js';
import { responderName } from '../session.js';
import type { Message } from '../types.js';
import { controls } from './styles.js';

/** The element contract every review-type UI implements (see docs/guides/writing-a-plugin.md). */
interface ReviewElement extends HTMLElement {
  payload: unknown;
  review: unknown;
  readonly: boolean;
  theme: 'light' | 'dark';
}

/**
 * Hosts the custom element of a review's type: sets `payload`, `review`, `readonly` and `theme` on it,
 * and sends its `placet-respond` answer to the API. The server's refusal (400 with issues, 409 when
 * someone else answered first) is shown under the widget. A type without a UI is shown plainly.
 */
export class PlacetReviewHost extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: block;
        margin-top: 10px;
      }
      .frame {
        border-top: 1px solid var(--placet-border);
        padding-top: 10px;
      }
      pre {
        white-space: pre-wrap;
        word-break: break-word;
        font: 12px/1.4 var(--placet-mono);
        background: color-mix(in srgb, var(--placet-muted) 10%, transparent);
        padding: 8px;
        border-radius: 6px;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    types: { attribute: false },
    message: { attribute: false },
    theme: {},
    tag: { state: true },
    error: { state: true },
    busy: { state: true },
  };
  declare api: Api;
  declare types: ReviewTypes;
  declare message: Message;
  declare theme: 'light' | 'dark';
  declare tag: string | null | undefined;
  declare error: string;
  declare busy: boolean;
  #element: ReviewElement | undefined;
  /** Answered from here: stays read-only until the message arrives with its new status. */
  #answered = false;

  constructor() {
    super();
    this.theme = 'light';
    this.error = '';
    this.busy = false;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('message') && this.message.review) {
      const type = this.message.review.type;
      const previous = changed.get('message') as Message | undefined;
      if (!previous || previous.review?.type !== type) {
        this.tag = undefined;
        this.types.element(type).then(
          (tag) => {
            if (this.message.review?.type === type) this.tag = tag ?? null;
          },
          () => {
            // The list of review types could not be read: show the request plainly (never "Loading…" forever).
            if (this.message.review?.type === type) this.tag = null;
          },
        );
      }
    }
  }

  override updated() {
    const slot = this.renderRoot.querySelector<HTMLElement>('.frame');
    const review = this.message.review;
    if (!slot || !review || !this.tag) return;
    if (!this.#element || this.#element.localName !== this.tag) {
      this.#element?.remove();
      this.#element = document.createElement(this.tag) as ReviewElement;
      this.#element.addEventListener('placet-respond', (event) => void this.#respond(event as CustomEvent));
      slot.append(this.#element);
    }
    this.#element.payload = review.payload;
    // `respondedByName`: a display name for `respondedBy` (an id on the wire), when the dashboard knows it.
    const name = responderName(review.respondedBy);
    this.#element.review = { id: this.message.id, ...review, ...(name ? { respondedByName: name } : {}) };
    this.#element.readonly = review.status !== 'pending' || this.busy || this.#answered;
    this.#element.theme = this.theme;
  }

  async #respond(event: CustomEvent<{ response?: unknown }>) {
    event.stopPropagation();
    const response = event.detail?.response;
    if (!response || typeof response !== 'object' || this.busy) return;
    this.busy = true;
    this.error = '';
    try {
      const updated = await this.api.respond(this.message.id, response as Record<string, unknown>);
      this.#answered = true;
      this.dispatchEvent(
        new CustomEvent<Message>('message-changed', { detail: updated, bubbles: true, composed: true }),
      );
    } catch (error) {
      if (error instanceof ApiError) {
        const issues = error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
        this.error =
          error.status === 409
            ? 'This review was already answered or has expired.'
            : [error.message, ...issues].join(' — ');
      } else {
        this.error = 'The answer could not be sent. Check your connection and try again.';
      }
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const review = this.message.review;
    if (!review) return nothing;
    if (this.tag === null) {
      // No UI for this type on this server: the request is shown as data, never left blank.
      return html`<div class="plain" data-review-type=${review.type}>
        <p class="muted">A <strong>${review.type}</strong> review (${review.status}). This dashboard has no form for it.</p>
        <pre>${JSON.stringify(review.payload, null, 2)}</pre>
        ${review.response ? html`<p>Answer:</p><pre>${JSON.stringify(review.response, null, 2)}</pre>` : nothing}
      </div>`;
    }
    return html`<div class="frame" data-review-type=${review.type} data-review-status=${review.status}></div>
      ${this.tag === undefined ? html`<p class="muted">Loading…</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}`;
  }
}
