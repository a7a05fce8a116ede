import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { type Api, ApiError, type RespondExtra } from '../api.js';
import { shortTime } from '../format.js';
import { icon } from '../icons.js';
import {
  assigneeNames,
  hasAssignees,
  mayAnswer,
  namesList,
  timeLeft,
  voteOf,
} from '../policy/policy-format.js';
import { editsOf } from '../policy/proposal-edit.js';
import type { ReviewTypes } from '../review-types.js';
import { responderName, session } from '../session.js';
import type { Message, Review } from '../types.js';
import type { PlacetProposal } from './policy/proposal-form.js';
import { controls, statusChips } from './styles.js';

/** Shown when the agent changed a review after this person opened it (and their answer was refused). */
export const REVIEW_CHANGED_NOTICE = 'The agent changed this review; check it again.';

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
    statusChips,
    css`
      :host {
        display: block;
        margin-top: 10px;
      }
      .review-head {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 4px 10px;
        padding-top: 10px;
        border-top: 1px solid var(--placet-border);
        font-size: var(--placet-text-sm);
      }
      .review-head .type {
        font-weight: 650;
      }
      .review-head .meta {
        display: inline-flex;
        align-items: center;
        gap: 4px;
        color: var(--placet-muted);
      }
      .review-head + .frame {
        border-top: none;
      }
      .frame {
        border-top: 1px solid var(--placet-border);
        padding-top: 10px;
      }
      .notice {
        border-left: 3px solid var(--placet-danger);
        padding: 2px 8px;
        font-size: 13px;
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
    notice: { state: true },
    now: { state: true },
  };
  declare api: Api;
  declare types: ReviewTypes;
  declare message: Message;
  declare theme: 'light' | 'dark';
  declare tag: string | null | undefined;
  declare error: string;
  declare busy: boolean;
  /** Why the review looks different from a moment ago (the agent changed it): until the next answer. */
  declare notice: string;
  /** The clock of the header's "time left", ticking while the review is pending and has an expiry. */
  declare now: number;
  #tick: ReturnType<typeof setInterval> | undefined;
  #element: ReviewElement | undefined;
  /** Answered from here: stays read-only until the message arrives with its new status. */
  #answered = false;

  constructor() {
    super();
    this.theme = 'light';
    this.error = '';
    this.busy = false;
    this.notice = '';
    this.now = Date.now();
  }

  override connectedCallback() {
    super.connectedCallback();
    this.#tick = setInterval(() => {
      if (this.message?.review?.status === 'pending' && this.message.review.expiresAt) this.now = Date.now();
    }, 30_000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  /**
   * The card's header: the review's type, its state (pending, answered, expired) as a chip, the time left
   * before it expires (or when it was answered) and who may answer it.
   */
  #head(review: Review) {
    const me = this.#me;
    const state =
      review.status === 'completed' ? 'Answered' : review.status === 'expired' ? 'Expired' : 'Pending';
    const who = hasAssignees(review)
      ? namesList(assigneeNames(review.policy!, me))
      : review.status === 'pending'
        ? 'you'
        : undefined;
    return html`<div class="review-head" data-review-head>
      <span class="type">${this.types.displayName(review.type)}</span>
      <span class="status-chip ${review.status}" data-status-chip=${review.status}>${state}</span>
      ${
        review.status === 'pending' && review.expiresAt
          ? html`<span class="meta" data-time-left title=${`Expires ${shortTime(review.expiresAt)}`}
              >${icon('clock')}<span>Expires ${timeLeft(review.expiresAt, this.now)}</span></span
            >`
          : review.status === 'completed' && review.completedAt
            ? html`<span class="meta">${icon('check')}<time datetime=${review.completedAt}>${shortTime(review.completedAt)}</time></span>`
            : nothing
      }
      ${who ? html`<span class="meta" data-who>${icon('people')}<span>${review.status === 'pending' ? 'Waiting for' : 'Assigned to'} ${who}</span></span>` : nothing}
    </div>`;
  }

  /** The signed-in person's id (the policy's "you"). */
  get #me(): string | undefined {
    return session.user?.id;
  }

  /** Whether this person may answer `review` now: pending, assigned (or unassigned), and not yet voted. */
  #open(review: Review): boolean {
    return review.status === 'pending' && mayAnswer(review, this.#me) && !voteOf(review, this.#me);
  }

  /** Whether this person's answer may edit the proposal: the engine takes edits from an answer that decides alone. */
  #canEdit(review: Review): boolean {
    return Boolean(review.proposal) && this.#open(review) && (review.policy?.required ?? 1) <= 1;
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('message') && this.message.review) {
      const type = this.message.review.type;
      const previous = changed.get('message') as Message | undefined;
      if (previous?.id !== this.message.id) {
        this.notice = '';
        this.#answered = false;
      } else if (
        this.message.review.status === 'pending' &&
        previous.review?.reviewHash &&
        this.message.review.reviewHash &&
        previous.review.reviewHash !== this.message.review.reviewHash
      ) {
        // The agent changed what this person is looking at (a stream, an edit): say so before they answer.
        this.notice = REVIEW_CHANGED_NOTICE;
      }
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
    const name =
      responderName(review.respondedBy) ??
      review.policy?.people.find((person) => person.id === review.respondedBy)?.displayName;
    this.#element.review = { id: this.message.id, ...review, ...(name ? { respondedByName: name } : {}) };
    this.#element.readonly = !this.#open(review) || this.busy || this.#answered;
    this.#element.theme = this.theme;
  }

  async #respond(event: CustomEvent<{ response?: unknown }>) {
    event.stopPropagation();
    const response = event.detail?.response;
    const review = this.message.review;
    if (!response || typeof response !== 'object' || this.busy || !review) return;
    const extra: RespondExtra = review.reviewHash ? { reviewHash: review.reviewHash } : {};
    if (this.#canEdit(review) && (response as { _dismissed?: unknown })._dismissed !== true) {
      const state = this.renderRoot.querySelector<PlacetProposal>('placet-proposal')?.state;
      if (state && !state.valid) {
        this.error = `Correct the proposal first: ${Object.entries(state.errors)
          .map(([field, error]) => `${field} ${error}`)
          .join('; ')}.`;
        return;
      }
      if (state?.diff.length) extra.edits = editsOf(state.diff);
    }
    this.busy = true;
    this.error = '';
    try {
      const updated = await this.api.respond(this.message.id, response as Record<string, unknown>, extra);
      this.#answered = true;
      this.notice = '';
      this.#changed(updated);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'REVIEW_CHANGED') {
        // Nothing was recorded: show the review as it is now, and say why.
        await this.#reload();
        this.notice = REVIEW_CHANGED_NOTICE;
      } else if (error instanceof ApiError) {
        const issues = error.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
        this.error =
          error.code === 'NOT_ASSIGNED'
            ? 'Only the assignees of this review may answer it.'
            : error.code === 'ALREADY_VOTED'
              ? 'You have already voted on this review.'
              : error.status === 409
                ? 'This review was already answered or has expired.'
                : [error.message, ...issues].join(' — ');
      } else {
        this.error = 'The answer could not be sent. Check your connection and try again.';
      }
    } finally {
      this.busy = false;
    }
  }

  /** Tells the feed or the inbox that the message changed (they replace their copy). */
  #changed(message: Message) {
    this.dispatchEvent(
      new CustomEvent<Message>('message-changed', { detail: message, bubbles: true, composed: true }),
    );
  }

  async #reload() {
    try {
      this.#changed(await this.api.review(this.message.id, this.message.channelId));
    } catch {
      this.error = 'The review could not be reloaded. Reload the page.';
    }
  }

  /** The parts of an approval policy: who may answer, votes, time left, the proposal (above the widget). */
  #policyHead(review: Review) {
    if (!review.policy && !review.proposal) return nothing;
    return html`${review.policy ? html`<placet-review-policy .review=${review} .me=${this.#me}></placet-review-policy>` : nothing}
      ${
        review.proposal
          ? html`<placet-proposal
              .proposal=${review.proposal}
              .edits=${review.status === 'completed' ? (review.edits ?? null) : undefined}
              ?readonly=${!this.#canEdit(review) || this.busy}
            ></placet-proposal>`
          : nothing
      }`;
  }

  /** Under the widget: why the review was reloaded, its receipt once decided, its audit log. */
  #policyFoot(review: Review) {
    return html`${this.notice ? html`<p class="notice" role="alert" data-review-changed>${this.notice}</p>` : nothing}
      ${review.receipt ? html`<placet-review-receipt .receipt=${review.receipt}></placet-review-receipt>` : nothing}
      ${
        review.policy
          ? html`<placet-review-audit .api=${this.api} .messageId=${this.message.id} .review=${review} .me=${this.#me}></placet-review-audit>`
          : nothing
      }`;
  }

  override render() {
    const review = this.message.review;
    if (!review) return nothing;
    if (this.tag === null) {
      // No UI for this type on this server: the request is shown as data, never left blank.
      return html`${this.#head(review)}${this.#policyHead(review)}<div class="plain" data-review-type=${review.type}>
        <p class="muted">A <strong>${review.type}</strong> review (${review.status}). This dashboard has no form for it.</p>
        <pre>${JSON.stringify(review.payload, null, 2)}</pre>
        ${review.response ? html`<p>Answer:</p><pre>${JSON.stringify(review.response, null, 2)}</pre>` : nothing}
      </div>${this.#policyFoot(review)}`;
    }
    return html`${this.#head(review)}${this.#policyHead(review)}<div class="frame" data-review-type=${review.type} data-review-status=${review.status}></div>
      ${this.tag === undefined ? html`<p class="muted">Loading…</p>` : nothing}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${this.#policyFoot(review)}`;
  }
}
