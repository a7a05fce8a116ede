/// <reference lib="dom" preserve="true" />
/**
 * `@placet/core/browser`: what the browser UI of a review type needs, and nothing Node-only (no
 * reflect-metadata, tsyringe or `node:*`). A plugin's `src/schema.ts` imports `z` from here, so the same
 * zod schemas validate on the server and, through the plugin's UI module, in the browser.
 *
 * THE ELEMENT CONTRACT (built-in and third-party review types alike):
 * - A review type declares `ui: { element, module }`: `module` is an ES module that defines the custom
 *   element `element` when imported. Its one bare import, if any, is `@placet/core/browser`, which the
 *   host resolves to its shared copy (the dashboard's page has an import map for it); everything else
 *   is bundled in.
 * - The dashboard imports the module, creates the element and sets four JS properties, in any order and
 *   as often as it likes: `payload` (the review's payload object), `review` (the wire review, see
 *   {@link WireReview}), `readonly` (boolean: disable every control) and `theme` (`'light' | 'dark'`).
 * - When the human answers, the element dispatches `new CustomEvent('placet-respond', { detail: {
 *   response }, bubbles: true, composed: true })`, only for a response that passes the review type's own
 *   `response(payload)` schema, or `{ _dismissed: true }` when the type's `dismissible(payload)` allows
 *   it. The host posts it to `POST /api/v1/reviews/:id/respond`; it should set `readonly = true` while
 *   the request runs and set the updated `review` (status `completed`) once it succeeds.
 * - Styling uses the CSS custom properties `--placet-fg`, `--placet-bg`, `--placet-accent`,
 *   `--placet-accent-fg`, `--placet-danger`, `--placet-danger-fg`, `--placet-border` and `--placet-muted`; fallbacks follow
 *   `theme`. Elements use an open shadow root, so tests can pierce it with CSS selectors.
 *
 * {@link PlacetReviewElement} implements all of this; a review type's element only renders its fields,
 * reads the response from them and renders an answer.
 */
import { z } from 'zod';
import { asSentence, issueMessage } from './browser-messages.js';
import type { ReviewStatus } from './contract/common.js';
import type { ReviewResponse, ReviewSchemas } from './plugins/types.js';

export {
  type IssueDetails,
  issueMessage,
  sendFailureMessage,
  serverIssueMessage,
} from './browser-messages.js';
export { defineReviewSchemas } from './plugins/define.js';
export type { ReviewResponse, ReviewSchemas, ReviewStatus };
export { z };

export type PlacetTheme = 'light' | 'dark';

/** A review as the REST API and events carry it (`message.review`); the host may add the message `id`. */
export interface WireReview {
  id?: string;
  type: string;
  status: ReviewStatus;
  payload: Record<string, unknown>;
  response?: Record<string, unknown> | null;
  respondedBy?: string | null;
  /** A display name for `respondedBy` (an id on the wire), set by the host when it knows one. */
  respondedByName?: string;
  completedAt?: string | null;
  expiresAt?: string | null;
  feedback?: string | null;
}

/** The name of the event an element dispatches with the human's answer. */
export const RESPOND_EVENT = 'placet-respond';
/** `event.detail` of {@link RESPOND_EVENT}. */
export interface PlacetRespondDetail<R = ReviewResponse> {
  response: R | { _dismissed: true };
}

/**
 * The part of a review type definition its element validates with: the {@link ReviewSchemas} that a
 * plugin's `schema.ts` declares once with {@link defineReviewSchemas} and its server definition spreads.
 */
export type BrowserReviewType<P, R> = ReviewSchemas<P, R>;

/** Whether `{ _dismissed: true }` is a valid answer: the type's `dismissible`, else a non-blank `dismissLabel`. */
export function isDismissible<P>(definition: Pick<BrowserReviewType<P, unknown>, 'dismissible'>, payload: P) {
  if (definition.dismissible) return definition.dismissible(payload);
  const label = (payload as { dismissLabel?: unknown } | null)?.dismissLabel;
  return typeof label === 'string' && label.trim().length > 0;
}

/** A validation problem to show: `path[0]` names the response key (and the control's `name`). */
export interface ResponseIssue {
  path: readonly PropertyKey[];
  message: string;
}

export type Child = Node | string | number | null | undefined | false | readonly Child[];

/**
 * Creates an element. Attribute values `true` set an empty attribute, `false`/`null`/`undefined` skip it;
 * `on<event>` functions become listeners; `.prop` keys set properties. Strings become text nodes, never
 * HTML, so payload text cannot inject markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Record<string, unknown> | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value as EventListener);
    } else if (key.startsWith('.')) Reflect.set(el, key.slice(1), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(parent: ParentNode, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(typeof child === 'object' ? (child as Node) : String(child));
  }
}

let slots = 0;

/** The placeholder where {@link PlacetReviewElement.showIssues} puts the messages of response key `key`. */
export function errorSlot(key: string): HTMLDivElement {
  // A generated id: keys may hold spaces, which would split an `aria-describedby` list.
  return h('div', { class: 'errors', 'data-errors-for': key, id: `errors-${++slots}` });
}

/** The submit button of a form (`data-action="submit"`). */
export function submitButton(label: string): HTMLButtonElement {
  return h('button', { type: 'submit', class: 'btn btn-primary', 'data-action': 'submit' }, label);
}

/** `2d 3h`, `4m 03s`, `12s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  const [d, hr, m, sec] = [Math.floor(s / 86400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60, s % 60];
  if (d > 0) return `${d}d ${hr}h`;
  if (hr > 0) return `${hr}h ${String(m).padStart(2, '0')}m`;
  return m > 0 ? `${m}m ${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** A `<time>` showing `iso` in the viewer's locale. */
export function timeElement(iso: string): HTMLTimeElement {
  const date = new Date(iso);
  return h('time', { datetime: iso }, Number.isNaN(date.getTime()) ? iso : date.toLocaleString());
}

/** "Answered by ada · <time>" for a completed review. */
export function answeredBy(
  review: Pick<WireReview, 'respondedBy' | 'respondedByName' | 'completedAt'>,
): HTMLParagraphElement {
  const who = review.respondedByName ?? review.respondedBy;
  return h(
    'p',
    { class: 'answered-by' },
    'Answered',
    who ? [' by ', h('strong', null, who)] : null,
    review.completedAt ? [' · ', timeElement(review.completedAt)] : null,
  );
}

/** CSS every review element starts from; themes come from the `--placet-*` custom properties. */
export const baseStyles = `
:host{display:block;font:inherit;color:var(--_fg);
--_fg:var(--placet-fg,#1f2328);--_bg:var(--placet-bg,#fff);--_accent:var(--placet-accent,#0a66d8);
--_accent-fg:var(--placet-accent-fg,#fff);--_danger:var(--placet-danger,#c62828);
--_border:var(--placet-border,#c9d1d9);--_muted:var(--placet-muted,#59636e)}
:host([theme=dark]){color-scheme:dark;--_fg:var(--placet-fg,#e6edf3);--_bg:var(--placet-bg,#0d1117);
--_accent:var(--placet-accent,#4493f8);--_accent-fg:var(--placet-accent-fg,#04111f);
--_danger:var(--placet-danger,#f85149);--_border:var(--placet-border,#3d444d);--_muted:var(--placet-muted,#9198a1)}
:host([hidden]){display:none}
*{box-sizing:border-box}
.placet{display:grid;gap:.75rem;background:var(--_bg);color:var(--_fg)}
fieldset{border:0;margin:0;padding:0;min-width:0;display:grid;gap:.75rem}
legend{padding:0;margin-bottom:.25rem}
p{margin:0}
button,input,select,textarea{font:inherit;color:inherit}
input:not([type=checkbox]):not([type=radio]):not([type=range]),select,textarea{width:100%;
background:var(--_bg);border:1px solid var(--_border);border-radius:6px;padding:.4rem .55rem}
textarea{resize:vertical}
:focus-visible{outline:2px solid var(--_accent);outline-offset:2px}
.field{display:grid;gap:.3rem}
.field>label,.label{font-weight:600}
.required::after{content:" *";color:var(--_danger)}
.description,.muted,.countdown,.answered-by{color:var(--_muted);font-size:.875em}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.btn{border-radius:6px;padding:.45rem .95rem;border:1px solid var(--_border);background:transparent;
cursor:pointer;font-weight:600;line-height:1.2}
.btn-primary{background:var(--_accent);border-color:var(--_accent);color:var(--_accent-fg)}
.btn-danger{background:var(--_danger);border-color:var(--_danger);color:var(--placet-danger-fg,#fff)}
.btn-secondary{background:color-mix(in srgb,var(--_fg) 8%,var(--_bg));color:var(--_fg)}
.btn-ghost{border-color:transparent;color:var(--_accent);text-decoration:underline;text-underline-offset:3px}
.btn:hover:not(:disabled){filter:brightness(1.08)}
fieldset:disabled{opacity:.6}
fieldset:disabled *{cursor:not-allowed}
.error{color:var(--_danger);font-size:.875em}
[aria-invalid=true]{border-color:var(--_danger)!important}
.status{font-weight:600}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,monospace;font-size:.875em}
blockquote{margin:0;padding-left:.75rem;border-left:3px solid var(--_border);font-style:italic}
@media (max-width:720px),(pointer:coarse){.btn,select,input:not([type=checkbox]):not([type=radio]):not([type=range]){min-height:44px}
input[type=checkbox],input[type=radio]{width:1.35rem;height:1.35rem}
label:has(>input[type=checkbox]),label:has(>input[type=radio]){min-height:44px}}
`;

const ElementBase: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as unknown as typeof HTMLElement);
const PROPERTIES = ['payload', 'review', 'readonly', 'theme'] as const;

/**
 * Base class of review elements (see the contract at the top of this file). A subclass sets
 * `definition` (its review type's schemas) and implements `renderForm`, `readResponse` and
 * `renderAnswer`; the base renders the pending/completed/expired states, the dismiss button, the expiry
 * countdown and the "answered by" line, validates and dispatches, and keeps typed input across property
 * updates that do not change the review.
 */
export abstract class PlacetReviewElement<
  P = Record<string, unknown>,
  R = ReviewResponse,
> extends ElementBase {
  static readonly observedAttributes = ['theme', 'readonly'];
  /** Extra CSS of the subclass, added after {@link baseStyles}. */
  static styles = '';

  /** The review type's schemas: the element validates exactly as the server does. */
  protected abstract readonly definition: BrowserReviewType<P, R>;
  /** The controls of a pending review and its action buttons (submit; dismiss is added by the base). */
  protected abstract renderForm(payload: P): { fields: Child[]; actions: Child[] };
  /** The response the controls describe, or `undefined` to send nothing (e.g. after showing an issue). */
  protected abstract readResponse(form: HTMLFormElement, submitter: HTMLElement | null, payload: P): unknown;
  /** The answer of a completed review, by label. */
  protected abstract renderAnswer(response: R, payload: P): Child;

  #payload: unknown;
  #review: WireReview | null = null;
  #readonly = false;
  #theme: PlacetTheme = 'light';
  #queued = false;
  #key: string | undefined;
  #parsedPayload: P | undefined;
  #fieldset: HTMLFieldSetElement | undefined;
  #countdown: { el: HTMLElement; deadline: number } | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #timedOut = false;
  /** The issues on show ({@link issuesKey}), or `undefined` when none are. */
  #shownIssues: string | undefined;
  #rechecking = false;
  readonly #container: HTMLDivElement;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    const styles = (this.constructor as typeof PlacetReviewElement).styles;
    this.#container = h('div', { class: 'placet', part: 'root' });
    root.append(h('style', null, baseStyles + styles), this.#container);
  }

  /** The review's payload; defaults to `review.payload`. */
  get payload(): unknown {
    return this.#payload ?? this.#review?.payload;
  }
  set payload(value: unknown) {
    this.#payload = value;
    this.#schedule();
  }
  get review(): WireReview | null {
    return this.#review;
  }
  set review(value: WireReview | null) {
    this.#review = value ?? null;
    this.#schedule();
  }
  get readonly(): boolean {
    return this.#readonly;
  }
  set readonly(value: boolean) {
    this.toggleAttribute('readonly', Boolean(value));
  }
  get theme(): PlacetTheme {
    return this.#theme;
  }
  set theme(value: PlacetTheme) {
    this.setAttribute('theme', value === 'dark' ? 'dark' : 'light');
  }

  attributeChangedCallback(name: string, _old: string | null, value: string | null): void {
    if (name === 'theme') this.#theme = value === 'dark' ? 'dark' : 'light';
    if (name === 'readonly') this.#readonly = value !== null;
    this.#applyDisabled();
  }

  connectedCallback(): void {
    // Properties set before the element was upgraded shadow the accessors: re-set them through them.
    for (const prop of PROPERTIES) {
      if (Object.hasOwn(this, prop)) {
        const value = Reflect.get(this, prop);
        Reflect.deleteProperty(this, prop);
        Reflect.set(this, prop, value);
      }
    }
    this.#update();
    this.#startTimer();
  }

  disconnectedCallback(): void {
    this.#stopTimer();
  }

  /**
   * Validates `response` with the review type's `response(payload)` schema (or, for `{ _dismissed: true }`,
   * with `dismissible(payload)`), shows the issues and returns false when invalid, else dispatches
   * `placet-respond` and returns true. Does nothing while readonly or not pending.
   */
  protected respond(response: unknown): boolean {
    const payload = this.#parsedPayload;
    if (payload === undefined || this.#fieldset?.disabled !== false) return false;
    this.clearIssues();
    const dismissal = z.strictObject({ _dismissed: z.literal(true) }).safeParse(response).success;
    if (dismissal && !isDismissible(this.definition, payload)) {
      this.showIssues([{ path: [], message: 'This review cannot be dismissed' }]);
      return false;
    }
    const issues = dismissal ? [] : this.issuesOf(response);
    if (issues.length > 0) {
      this.showIssues(issues);
      return false;
    }
    const detail = { response } as PlacetRespondDetail<R>;
    this.dispatchEvent(new CustomEvent(RESPOND_EVENT, { detail, bubbles: true, composed: true }));
    return true;
  }

  /**
   * The issues of `response` under the review type's `response(payload)` schema, empty when it is valid.
   * Zod's default messages are replaced by plain sentences ({@link issueMessage}); a message the schema's
   * author wrote is kept, as zod ranks a schema's own message above the one given to `safeParse`.
   */
  protected issuesOf(response: unknown): ResponseIssue[] {
    const payload = this.#parsedPayload;
    if (payload === undefined) return [];
    const result = this.definition.response(payload).safeParse(response, { error: issueMessage });
    return result.success ? [] : result.error.issues;
  }

  /**
   * Checks `response` again while the person corrects a refused answer (call it on `input`): clears the
   * shown issues once it is valid and rewords them when they change, without moving the focus. Does
   * nothing while no issue is shown, so nobody is told off before they have tried to send.
   */
  protected recheck(response: unknown): void {
    if (this.#shownIssues === undefined) return;
    const issues = this.issuesOf(response);
    // The same words again would only repeat the alert to a screen reader at every keystroke.
    if (issuesKey(issues) === this.#shownIssues) return;
    this.clearIssues();
    if (issues.length === 0) return;
    this.#rechecking = true;
    try {
      this.showIssues(issues);
    } finally {
      this.#rechecking = false;
    }
  }

  /**
   * Shows each issue in the {@link errorSlot} of its response key (else at the top) as a `.error` with
   * `role="alert"`, worded as a sentence, marks the controls named after the key `aria-invalid`, and
   * focuses the first one (not while {@link recheck} runs: the person is typing somewhere).
   */
  protected showIssues(issues: readonly ResponseIssue[]): void {
    const root = this.shadowRoot;
    if (!root) return;
    this.#shownIssues = issuesKey(issues);
    let first: HTMLElement | undefined;
    for (const issue of issues) {
      const key = issue.path.length > 0 ? String(issue.path[0]) : '';
      const slot =
        root.querySelector(`[data-errors-for="${CSS.escape(key)}"]`) ??
        root.querySelector('[data-errors-for=""]');
      const rest = key && slot?.getAttribute('data-errors-for') === key ? issue.path.slice(1) : issue.path;
      const prefix = rest.length > 0 ? `${rest.map(String).join('.')}: ` : '';
      slot?.append(h('p', { class: 'error', role: 'alert' }, prefix + asSentence(issue.message)));
      for (const control of root.querySelectorAll<HTMLElement>(`[name="${CSS.escape(key)}"]`)) {
        control.setAttribute('aria-invalid', 'true');
        const described = new Set(control.getAttribute('aria-describedby')?.split(/\s+/).filter(Boolean));
        if (slot?.id) control.setAttribute('aria-describedby', [...described.add(slot.id)].join(' '));
        first ??= control;
      }
    }
    if (!this.#rechecking) first?.focus();
  }

  /** Removes every shown issue. */
  protected clearIssues(): void {
    this.#shownIssues = undefined;
    const root = this.shadowRoot;
    for (const slot of root?.querySelectorAll('.errors') ?? []) slot.replaceChildren();
    for (const control of root?.querySelectorAll('[aria-invalid]') ?? [])
      control.removeAttribute('aria-invalid');
  }

  #schedule(): void {
    if (this.#queued) return;
    this.#queued = true;
    queueMicrotask(() => this.#update());
  }

  #update(): void {
    this.#queued = false;
    if (!this.isConnected) return;
    const review = this.#review;
    const status = review?.status ?? 'pending';
    const key = JSON.stringify([
      status,
      this.payload ?? null,
      review?.response ?? null,
      review?.respondedBy ?? null,
      review?.completedAt ?? null,
      review?.expiresAt ?? null,
      review?.feedback ?? null,
    ]);
    if (key === this.#key) return; // Same review: keep what the human has typed.
    this.#key = key;
    this.#stopTimer();
    this.#fieldset = undefined;
    this.#countdown = undefined;
    this.#timedOut = false;
    this.#shownIssues = undefined;
    // Nothing to show until the host has set a payload or a review.
    const nodes = this.payload === undefined && review === null ? [] : this.#render(status, review);
    this.#container.replaceChildren(...nodes);
    this.#applyDisabled();
    this.#startTimer();
  }

  #render(status: ReviewStatus, review: WireReview | null): Node[] {
    const parsed = this.definition.payload.safeParse(this.payload ?? {});
    this.#parsedPayload = parsed.success ? parsed.data : undefined;
    if (status === 'expired') {
      const status = h('p', { class: 'status', 'data-status': 'expired' }, 'Expired');
      const at = review?.expiresAt ? h('p', { class: 'muted' }, 'at ', timeElement(review.expiresAt)) : null;
      return at ? [status, at] : [status];
    }
    if (!parsed.success) {
      const text = parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
      return [h('p', { class: 'error', role: 'alert' }, `Invalid payload: ${text.join('; ')}`)];
    }
    const payload = parsed.data;
    if (status === 'completed') {
      const response = review?.response ?? {};
      const dismissed = response._dismissed === true;
      const answer = dismissed
        ? h('p', { class: 'dismissed' }, 'Dismissed')
        : h('div', { class: 'answer' }, this.renderAnswer(response as R, payload));
      const feedback = review?.feedback
        ? h('p', { class: 'feedback' }, `Feedback: “${review.feedback}”`)
        : null;
      return [answer, ...(feedback ? [feedback] : []), answeredBy(review ?? {})];
    }
    return this.#renderPending(payload, review);
  }

  #renderPending(payload: P, review: WireReview | null): Node[] {
    const { fields, actions } = this.renderForm(payload);
    const label = (payload as { dismissLabel?: unknown }).dismissLabel;
    const dismiss = isDismissible(this.definition, payload)
      ? h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary',
            'data-action': 'dismiss',
            onclick: () => this.respond({ _dismissed: true }),
          },
          typeof label === 'string' && label.trim() ? label : 'Dismiss',
        )
      : null;
    this.#fieldset = h(
      'fieldset',
      null,
      errorSlot(''),
      fields,
      h('div', { class: 'actions' }, actions, dismiss),
    );
    const form = h('form', { novalidate: true, part: 'form' }, this.#fieldset);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (this.#fieldset?.disabled !== false) return;
      const response = this.readResponse(form, event.submitter, payload);
      if (response !== undefined) this.respond(response);
    });
    // Ctrl/Cmd+Enter submits from a textarea, where Enter inserts a line break.
    form.addEventListener('keydown', (event) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
      const submit = form.querySelector<HTMLButtonElement>('[data-action="submit"]');
      if (submit) {
        event.preventDefault();
        form.requestSubmit(submit);
      }
    });
    const nodes: Node[] = [form];
    const deadline = review?.expiresAt ? Date.parse(review.expiresAt) : Number.NaN;
    if (!Number.isNaN(deadline)) {
      const el = h('p', { class: 'countdown', role: 'timer' });
      this.#countdown = { el, deadline };
      this.#tick();
      nodes.push(el);
    }
    return nodes;
  }

  #tick(): void {
    const countdown = this.#countdown;
    if (!countdown) return;
    const left = countdown.deadline - Date.now();
    if (left > 0) {
      countdown.el.replaceChildren(`Expires in ${formatDuration(left)}`);
      countdown.el.title = new Date(countdown.deadline).toLocaleString();
      return;
    }
    // Past the deadline: the server will refuse answers, so stop offering them.
    countdown.el.replaceChildren('Expired');
    this.#timedOut = true;
    this.#stopTimer();
    this.#applyDisabled();
  }

  #startTimer(): void {
    if (!this.#countdown || this.#timedOut || this.#timer !== undefined || !this.isConnected) return;
    this.#tick();
    if (!this.#timedOut) this.#timer = setInterval(() => this.#tick(), 1000);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #applyDisabled(): void {
    if (this.#fieldset) this.#fieldset.disabled = this.#readonly || this.#timedOut;
  }
}

/** Identifies a list of issues by what it shows, to tell whether a new list says anything new. */
function issuesKey(issues: readonly ResponseIssue[]): string {
  return JSON.stringify(issues.map((issue) => [issue.path.map(String), issue.message]));
}

/** Defines `tag` once: importing a UI module twice (or two versions of it) does not throw. */
export function defineElement(tag: string, element: CustomElementConstructor): void {
  if (globalThis.customElements && !customElements.get(tag)) customElements.define(tag, element);
}
