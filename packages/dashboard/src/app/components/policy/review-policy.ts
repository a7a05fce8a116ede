import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { shortTime } from '../../format.js';
import {
  choiceLabel,
  hasAssignees,
  mayAnswer,
  modeText,
  onlyWhoMayAnswer,
  outcomeLabel,
  personName,
  progressText,
  stepText,
  timeLeft,
  voteOf,
  voteProgress,
} from '../../policy/policy-format.js';
import type { Review } from '../../types.js';
import { controls } from '../styles.js';
import { assigneeChips } from './assignee-chips.js';
import { chipStyles } from './policy-styles.js';

/**
 * What a review's approval policy says, above its widget: who may answer (chips), why the widget is
 * read-only for this person, the votes and how far they are from the policy, the escalation ladder, the
 * time left before the default outcome (a live countdown) and, once decided, how it was decided.
 */
export class PlacetReviewPolicy extends LitElement {
  static override styles = [
    controls,
    chipStyles,
    css`
      :host {
        display: block;
        font-size: 13px;
      }
      .policy {
        display: grid;
        gap: 6px;
        padding: 8px 0 4px;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
      }
      p {
        margin: 0;
      }
      .notice {
        border-left: 3px solid var(--placet-accent);
        padding: 2px 8px;
      }
      progress {
        width: 120px;
        height: 8px;
        accent-color: var(--placet-accent);
      }
      ul.votes,
      ol.steps {
        margin: 0;
        padding-left: 18px;
      }
      .rejects {
        font-weight: 600;
        color: var(--placet-danger);
      }
      li[data-fired='true'] {
        color: var(--placet-muted);
      }
    `,
  ];
  static override properties = {
    review: { attribute: false },
    me: { attribute: false },
    now: { state: true },
  };
  declare review: Review;
  declare me: string | undefined;
  declare now: number;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.now = Date.now();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.#stopTimer();
  }

  override connectedCallback() {
    super.connectedCallback();
    this.#syncTimer();
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('review')) this.#syncTimer();
  }

  /** The countdowns tick once a second while one is shown (a pending review on the page); never otherwise. */
  #syncTimer() {
    const policy = this.review?.policy;
    const counting =
      (policy?.onTimeout !== 'expire' && Boolean(this.review?.expiresAt)) ||
      Boolean(policy?.nextEscalationAt);
    const ticking = this.isConnected && this.review?.status === 'pending' && counting;
    if (ticking && !this.#timer) {
      this.now = Date.now();
      this.#timer = setInterval(() => {
        this.now = Date.now();
      }, 1000);
    } else if (!ticking) this.#stopTimer();
  }

  #stopTimer() {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #votes() {
    const { policy, votes = [], payload } = this.review;
    if (!policy || votes.length === 0) return nothing;
    return html`<ul class="votes" data-votes aria-label="Votes">
      ${votes.map(
        (v) => html`<li data-vote=${v.userId} data-choice=${v.choice}>
          ${personName(policy, v.userId, this.me)} chose <strong>${choiceLabel(payload, v.choice)}</strong>
          ${v.rejects ? html`<span class="rejects">(rejects${policy.veto ? ': a veto' : ''})</span>` : nothing}
          <time class="muted" datetime=${v.votedAt}>${shortTime(v.votedAt)}</time>
        </li>`,
      )}
    </ul>`;
  }

  #progress() {
    const { policy, votes = [], type, status } = this.review;
    if (!policy || policy.required <= 1 || status !== 'pending') return nothing;
    const { count, needed } = voteProgress(policy, votes);
    const text = progressText(type, policy, votes);
    return html`<div class="row" data-progress>
      <progress max=${needed} .value=${count} aria-label=${text}></progress>
      <span data-progress-text>${text}</span>
    </div>`;
  }

  #escalation() {
    const { policy, status } = this.review;
    if (!policy || policy.escalation.length === 0) return nothing;
    const total = policy.escalation.length;
    const next = status === 'pending' ? policy.nextEscalationAt : null;
    return html`<div data-escalation>
      <p>
        Escalation: ${policy.escalated} of ${total} ${total === 1 ? 'step' : 'steps'} taken${
          next
            ? html`; next at <time datetime=${next}>${shortTime(next)}</time>
                (<span data-next-step>${timeLeft(next, this.now)}</span>)`
            : nothing
        }
      </p>
      <ol class="steps">
        ${policy.escalation.map(
          (step, index) => html`<li data-fired=${String(index < policy.escalated)}>
            ${stepText(step)}${index < policy.escalated ? ' — done' : ''}
          </li>`,
        )}
      </ol>
    </div>`;
  }

  #timeout() {
    const { policy, status, expiresAt, payload } = this.review;
    // Without a default the review just expires, as the widget already says.
    if (!policy || status !== 'pending' || !expiresAt || policy.onTimeout === 'expire') return nothing;
    const at = html`<time datetime=${expiresAt}>${shortTime(expiresAt)}</time>`;
    const left = html`<span data-countdown>${timeLeft(expiresAt, this.now)}</span>`;
    return html`<p data-timeout="default">
      If nobody decides by ${at}, the default applies:
      <strong>${choiceLabel(payload, policy.onTimeout.response)}</strong> (${left}).
    </p>`;
  }

  #outcome() {
    const { policy, respondedBy, payload, response } = this.review;
    if (!policy?.outcome) return nothing;
    const by =
      policy.outcome === 'default'
        ? 'nobody decided in time'
        : respondedBy
          ? `deciding vote by ${personName(policy, respondedBy, this.me)}`
          : '';
    return html`<p class="row">
      <span class="outcome" data-outcome=${policy.outcome}>${outcomeLabel(policy.outcome)}</span>
      ${response ? html`<span><strong>${choiceLabel(payload, response)}</strong></span>` : nothing}
      ${by ? html`<span class="muted">${by}</span>` : nothing}
    </p>`;
  }

  #notice() {
    const review = this.review;
    const policy = review.policy;
    if (!policy || review.status !== 'pending' || !hasAssignees(review)) return nothing;
    if (!mayAnswer(review, this.me))
      return html`<p class="notice" data-readonly-reason="not-assigned">${onlyWhoMayAnswer(policy, this.me)}.</p>`;
    const mine = voteOf(review, this.me);
    if (mine)
      return html`<p class="notice" data-readonly-reason="voted">
        You chose <strong>${choiceLabel(review.payload, mine.choice)}</strong>; waiting for the others.
      </p>`;
    return nothing;
  }

  override render() {
    const review = this.review;
    const policy = review?.policy;
    if (!policy) return nothing;
    return html`<section class="policy" aria-label="Approval policy" data-policy>
      ${this.#outcome()}
      ${
        hasAssignees(review)
          ? html`<div class="row"><span>Who may answer:</span>${assigneeChips(policy, this.me, { votes: review.votes ?? [] })}</div>`
          : nothing
      }
      ${hasAssignees(review) ? html`<p class="muted" data-mode>${modeText(policy)}.</p>` : nothing}
      ${this.#notice()} ${this.#progress()} ${this.#votes()} ${this.#escalation()} ${this.#timeout()}
    </section>`;
  }
}
