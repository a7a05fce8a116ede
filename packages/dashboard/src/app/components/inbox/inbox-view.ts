import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { type Api, failureMessage } from '../../api.js';
import { icon } from '../../icons.js';
import { plainPreview } from '../../markdown.js';
import { GROUP_TITLES, groupInbox, inboxGroup, mergeInbox } from '../../policy/inbox-groups.js';
import { hasAssignees } from '../../policy/policy-format.js';
import type { Realtime } from '../../realtime.js';
import type { ReviewTypes } from '../../review-types.js';
import { session } from '../../session.js';
import type { Channel, Message } from '../../types.js';
import { avatarStyles } from '../avatar.js';
import { focusReviewControl } from '../focus.js';
import { chipStyles } from '../policy/policy-styles.js';
import { controls, searchBox, statusChips } from '../styles.js';
import { inboxRow } from './inbox-row.js';
import { inboxStyles } from './inbox-styles.js';

type Status = 'pending' | 'completed' | 'expired' | 'all';
const STATUSES: readonly Status[] = ['pending', 'completed', 'expired', 'all'];
type Order = 'newest' | 'oldest';

/** The inbox's filters, as kept between visits. */
interface Filters {
  status: Status;
  agent: string;
  type: string;
  search: string;
  order: Order;
}

/** Where the inbox's filters are kept (per person and browser): a reload shows what was chosen. */
const filtersKey = () => (session.user ? `placet:inbox-filters:${session.user.id}` : undefined);

/** Where "answer, then open the next one right away" is kept (per person and browser). */
const autoNextKey = () => (session.user ? `placet:inbox-auto-next:${session.user.id}` : undefined);

/** The filters chosen last, checked (a stored value that is no filter any more is dropped). */
function savedFilters(): Filters {
  const key = filtersKey();
  const fallback: Filters = { status: 'pending', agent: '', type: '', search: '', order: 'newest' };
  if (!key) return fallback;
  try {
    const saved = JSON.parse(localStorage.getItem(key) ?? '{}') as Record<string, unknown>;
    return {
      status: STATUSES.includes(saved.status as Status) ? (saved.status as Status) : 'pending',
      agent: typeof saved.agent === 'string' ? saved.agent : '',
      type: typeof saved.type === 'string' ? saved.type : '',
      search: typeof saved.search === 'string' ? saved.search.slice(0, 200) : '',
      order: saved.order === 'oldest' ? 'oldest' : 'newest',
    };
  } catch {
    return fallback;
  }
}

/**
 * The inbox: reviews across all agents, filtered by status, agent, type and text (the server searches),
 * newest or oldest first; "Mark all read" marks every review the filters match. Read state
 * lives on the server (per person and review). Keyboard: ↓/j and ↑/k move, Enter opens, Tab reaches
 * the widget, Escape goes back to the list. Reviews of other people's agents that name this person as an
 * assignee (`scope=assigned`) are listed with the person's own; once any review names assignees, the list
 * is grouped into "Waiting for you" and "Waiting for others", and such rows show their assignees.
 */
export class PlacetInbox extends LitElement {
  static override styles = [controls, chipStyles, avatarStyles, statusChips, searchBox, inboxStyles];
  static override properties = {
    api: { attribute: false },
    realtime: { attribute: false },
    types: { attribute: false },
    channels: { attribute: false },
    theme: {},
    items: { state: true },
    readIds: { state: true },
    nextCursor: { state: true },
    assignedCursor: { state: true },
    openId: { state: true },
    status: { state: true },
    agent: { state: true },
    type: { state: true },
    search: { state: true },
    order: { state: true },
    answeredId: { state: true },
    autoNext: { state: true },
    loading: { state: true },
    error: { state: true },
    linked: { state: true },
  };
  declare api: Api;
  declare realtime: Realtime;
  declare types: ReviewTypes;
  declare channels: Channel[];
  declare theme: 'light' | 'dark';
  declare items: Message[];
  declare readIds: Set<string>;
  declare nextCursor: string | null;
  /** The next page of `scope=assigned` (reviews of others' agents that name this person). */
  declare assignedCursor: string | null;
  declare openId: string | undefined;
  declare status: Status;
  declare agent: string;
  declare type: string;
  /** Text the reviews must contain (case-insensitive, searched by the server). */
  declare search: string;
  declare order: Order;
  /** The review this person just answered here: its outcome stays in view with a way on to the next. */
  declare answeredId: string | undefined;
  /** After an answer, open the next review waiting for this person at once (else: a "Next review" button). */
  declare autoNext: boolean;
  declare loading: boolean;
  declare error: string;
  /** The open review when the list does not hold it (see `#fetchLinked`). */
  declare linked: Message | undefined;
  #off: (() => void)[] = [];
  #generation = 0;
  /** The latest list load. */
  #loaded: Promise<void> = Promise.resolve();
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  constructor() {
    super();
    this.items = [];
    this.readIds = new Set();
    this.nextCursor = null;
    this.assignedCursor = null;
    const filters = savedFilters();
    this.status = filters.status;
    this.agent = filters.agent;
    this.type = filters.type;
    this.search = filters.search;
    this.order = filters.order;
    const key = autoNextKey();
    this.autoNext = key ? localStorage.getItem(key) === 'on' : false;
    this.loading = false;
    this.error = '';
    this.theme = 'light';
  }

  override connectedCallback() {
    super.connectedCallback();
    const rt = this.realtime;
    this.#off = [
      rt.on<Message>('message:created', (m) => {
        if (!m.review || !this.#matches(m) || this.items.some((i) => i.id === m.id)) return;
        // Oldest first: a new review belongs at the end, which is only here once every page is.
        if (this.order === 'newest') this.items = [m, ...this.items];
        else if (!this.nextCursor && !this.assignedCursor) this.items = [...this.items, m];
      }),
      rt.on<Message>('review:responded', (m) => this.#replace(m)),
      // Votes short of a decision, and a review the agent changed, arrive as updates of the message.
      rt.on<Message>('message:updated', (m) => m.review && this.#replace(m)),
      rt.on<{ messageId: string }>('review:expired', ({ messageId }) => {
        const item = this.#find(messageId) ?? (this.linked?.id === messageId ? this.linked : undefined);
        if (item?.review) this.#replace({ ...item, review: { ...item.review, status: 'expired' } });
      }),
      // "Mark all read" in another tab (or this one): the read marks are read again.
      rt.on('inbox:read', () => void this.#load()),
      rt.on<{ messageId: string }>('message:deleted', ({ messageId }) => {
        this.items = this.items.filter((i) => i.id !== messageId);
      }),
    ];
    const resync = () => void this.#load();
    rt.addEventListener('resync', resync);
    this.#off.push(() => rt.removeEventListener('resync', resync));
    window.addEventListener('hashchange', this.#route);
    this.#off.push(() => window.removeEventListener('hashchange', this.#route));
    this.#route();
    void this.#load();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    for (const off of this.#off) off();
    this.#off = [];
    clearTimeout(this.#searchTimer);
  }

  override willUpdate() {
    // A phone shows the list or the open review, not both.
    this.toggleAttribute('data-open', Boolean(this.openId));
  }

  override updated(changed: PropertyValues<this>) {
    if (changed.has('openId') && this.openId) {
      void this.#markRead(this.openId);
      void this.#fetchLinked(this.openId);
    }
  }

  /**
   * `#/inbox/<id>` (a deep link: a notification, a shared address, back and forward) opens that review;
   * `#/inbox` alone shows the list (on a phone, the list instead of the review).
   */
  #route = () => {
    if (!location.hash.startsWith('#/inbox')) return;
    const hash = /^#\/inbox\/([a-z0-9]{1,64})$/.exec(location.hash);
    if (hash?.[1] !== this.openId) this.openId = hash?.[1];
  };

  /**
   * A linked review that the list does not hold (another status, an older page) is fetched on its own, so
   * that the link always shows it.
   */
  async #fetchLinked(id: string) {
    if (this.#find(id) || this.linked?.id === id) return;
    // The list's first page may still be on its way: it usually holds the review.
    await this.#loaded;
    if (this.#find(id) || this.openId !== id) return;
    try {
      const message = await this.api.review(id);
      if (this.openId === id && message.review) this.linked = message;
    } catch {
      // Not found (or gone): the detail pane says to choose a review.
    }
  }

  #find(id: string | undefined): Message | undefined {
    return id ? this.items.find((i) => i.id === id) : undefined;
  }

  #matches(m: Message): boolean {
    if (!m.review) return false;
    if (this.status !== 'all' && m.review.status !== this.status) return false;
    if (this.agent && m.channelId !== this.agent) return false;
    const needle = this.search.trim().toLowerCase();
    if (needle && !(m.text ?? '').toLowerCase().includes(needle)) return false;
    return !this.type || m.review.type === this.type;
  }

  #replace(m: Message) {
    if (this.items.some((i) => i.id === m.id)) this.items = this.items.map((i) => (i.id === m.id ? m : i));
    if (this.linked?.id === m.id) this.linked = m;
  }

  #load(more = false): Promise<void> {
    this.#loaded = this.#fetchPage(more);
    return this.#loaded;
  }

  async #fetchPage(more: boolean) {
    const generation = ++this.#generation;
    this.loading = true;
    this.error = '';
    const search = this.search.trim();
    const filters = {
      status: this.status,
      ...(this.type ? { type: this.type } : {}),
      ...(search ? { search } : {}),
      order: this.order,
      limit: 50,
    };
    // Reviews assigned to this person in others' channels: not with an agent filter (they are not its).
    const withAssigned = !this.agent && (!more || this.assignedCursor !== null);
    try {
      const [page, assigned] = await Promise.all([
        !more || this.nextCursor
          ? this.api.inbox({
              ...filters,
              ...(this.agent ? { channel: this.agent } : {}),
              ...(more && this.nextCursor ? { cursor: this.nextCursor } : {}),
            })
          : undefined,
        withAssigned
          ? this.api
              .inbox({
                ...filters,
                scope: 'assigned',
                ...(more && this.assignedCursor ? { cursor: this.assignedCursor } : {}),
              })
              // A server without approval policies: the person's own reviews still show.
              .catch(() => undefined)
          : undefined,
      ]);
      if (generation !== this.#generation) return;
      this.items = mergeInbox([more ? this.items : [], page?.data ?? [], assigned?.data ?? []], this.order);
      this.readIds = new Set([
        ...(more ? this.readIds : []),
        ...(page?.readIds ?? []),
        ...(assigned?.readIds ?? []),
      ]);
      if (page || !more) this.nextCursor = page?.nextCursor ?? null;
      if (assigned || !withAssigned)
        this.assignedCursor = withAssigned ? (assigned?.nextCursor ?? null) : null;
    } catch (error) {
      if (generation === this.#generation) this.error = failureMessage(error, 'The reviews');
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async #markRead(id: string) {
    if (this.readIds.has(id)) return;
    try {
      await this.api.markReviewRead(id);
      this.readIds = new Set(this.readIds).add(id);
      // Read here is read in its chat too: the agent list's unread count follows.
      this.dispatchEvent(new CustomEvent('review-read', { detail: id, bubbles: true, composed: true }));
    } catch {
      // Stays unread; opening it again retries.
    }
  }

  #open(id: string, focusWidget = false) {
    this.openId = id;
    this.answeredId = undefined;
    // A history entry per review opened: Back returns to the one before (on a phone, to the list).
    if (location.hash !== `#/inbox/${id}`) history.pushState(null, '', `#/inbox/${encodeURIComponent(id)}`);
    if (focusWidget) void this.updateComplete.then(() => this.#focusWidget());
  }

  async #focusWidget() {
    await focusReviewControl(this.renderRoot.querySelector('.detail placet-message'));
  }

  #rows(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('button.row')];
  }

  #keydown(event: KeyboardEvent) {
    const rows = this.#rows();
    const index = rows.indexOf(this.shadowRoot?.activeElement as HTMLButtonElement);
    const move = (to: number) => {
      const row = rows[Math.max(0, Math.min(rows.length - 1, to))];
      row?.focus();
      event.preventDefault();
    };
    if (event.key === 'ArrowDown' || event.key === 'j') move(index + 1);
    else if (event.key === 'ArrowUp' || event.key === 'k') move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(rows.length - 1);
  }

  #detailKeydown(event: KeyboardEvent) {
    if (event.key !== 'Escape') return;
    this.renderRoot
      .querySelector<HTMLButtonElement>(`button.row[data-id="${CSS.escape(this.openId ?? '')}"]`)
      ?.focus();
  }

  #filter(name: 'status' | 'agent' | 'type' | 'search' | 'order', value: string) {
    if (name === 'status') this.status = value as Status;
    else if (name === 'order') this.order = value === 'oldest' ? 'oldest' : 'newest';
    else this[name] = value;
    const key = filtersKey();
    if (key) {
      const { status, agent, type, search, order } = this;
      localStorage.setItem(key, JSON.stringify({ status, agent, type, search, order }));
    }
    this.nextCursor = null;
    this.assignedCursor = null;
    void this.#load();
  }

  /** Typing in the search box: the list follows once typing pauses (one request, not one per key). */
  #searchInput(value: string) {
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.#filter('search', value), 250);
  }

  /** Marks every review the filters match read (not only this page), then shows them read. */
  async #markAllRead() {
    const search = this.search.trim();
    try {
      await this.api.markInboxRead({
        status: this.status,
        ...(this.agent ? { scope: 'mine' as const, channel: this.agent } : {}),
        ...(this.type ? { type: this.type } : {}),
        ...(search ? { search } : {}),
      });
      this.readIds = new Set([...this.readIds, ...this.items.map((i) => i.id)]);
      this.dispatchEvent(new CustomEvent('review-read', { bubbles: true, composed: true }));
    } catch (error) {
      this.error = failureMessage(error, 'Marking the reviews read');
    }
  }

  /** The next review waiting for this person after `id` in the list's order, if any. */
  #nextPending(id: string): Message | undefined {
    const me = session.user?.id;
    const index = this.items.findIndex((i) => i.id === id);
    const waiting = (i: Message) =>
      i.id !== id && i.review?.status === 'pending' && inboxGroup(i, me) === 'you';
    return this.items.slice(index + 1).find(waiting) ?? this.items.slice(0, Math.max(0, index)).find(waiting);
  }

  #onAnswered(event: CustomEvent<Message>) {
    this.#replace(event.detail);
    const me = session.user?.id;
    // Still waiting for this person (reloaded after the agent changed it): they stay on it.
    if (inboxGroup(event.detail, me) === 'you') return;
    // The outcome (and a receipt) stays in view; "Next review" (focused: Enter goes on) opens the next one
    // that waits for this person, so a queue can be worked through with the keyboard.
    const next = this.autoNext ? this.#nextPending(event.detail.id) : undefined;
    if (next) {
      this.#open(next.id, true);
      return;
    }
    this.answeredId = event.detail.id;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[data-next]')?.focus());
  }

  #setAutoNext(on: boolean) {
    this.autoNext = on;
    const key = autoNextKey();
    if (key) localStorage.setItem(key, on ? 'on' : 'off');
  }

  /** After answering: the way on to the next pending review, or that none is left. */
  #nextBar(open: Message, names: Map<string, string>) {
    if (this.answeredId !== open.id || open.review?.status === 'pending') return nothing;
    const next = this.#nextPending(open.id);
    if (!next)
      return html`<p class="next done" data-next tabindex="-1">${icon('checks')} All caught up: nothing else waits for you here.</p>`;
    const name = names.get(next.channelId) ?? next.agentName ?? 'Agent';
    return html`<button type="button" class="next primary" data-next data-next-id=${next.id} @click=${() => this.#open(next.id, true)}>
      Next review: ${name} — ${plainPreview(next.text, 60) || next.review?.type}
    </button>`;
  }

  /** The rows: flat as always, or in groups once a review of the list names assignees. */
  #list(names: Map<string, string>) {
    const row = (m: Message) =>
      inboxRow(m, {
        agentName: names.get(m.channelId) ?? m.agentName ?? 'Agent',
        unread: !this.readIds.has(m.id),
        current: this.openId === m.id,
        open: () => this.#open(m.id, true),
      });
    if (!this.items.some((m) => hasAssignees(m.review))) return repeat(this.items, (m) => m.id, row);
    return groupInbox(this.items, session.user?.id).map(
      ({
        group,
        items,
      }) => html`<h3 class="group" data-group-title=${group}>${GROUP_TITLES[group]} <span class="muted">(${items.length})</span></h3>
        ${repeat(items, (m) => m.id, row)}`,
    );
  }

  override render() {
    const names = new Map(this.channels.map((c) => [c.id, c.name]));
    const typeNames = [...new Set(this.types.manifests.flatMap((p) => p.reviewTypes.map((t) => t.type)))];
    const open =
      this.#find(this.openId) ?? (this.linked && this.linked.id === this.openId ? this.linked : undefined);
    return html`<section class="list" aria-label="Reviews">
        <header>
          <div class="title">
            <h2>Inbox</h2>
            <button
              type="button"
              class="order"
              data-order=${this.order}
              aria-label=${this.order === 'newest' ? 'Newest first (switch to oldest first)' : 'Oldest first (switch to newest first)'}
              title=${this.order === 'newest' ? 'Newest first' : 'Oldest first'}
              @click=${() => this.#filter('order', this.order === 'newest' ? 'oldest' : 'newest')}
            >${icon(this.order)}<span>${this.order === 'newest' ? 'Newest' : 'Oldest'}</span></button>
            <button
              type="button"
              data-mark-all-read
              ?disabled=${!this.items.some((i) => !this.readIds.has(i.id))}
              @click=${() => void this.#markAllRead()}
            >${icon('checks')}<span>Mark all read</span></button>
          </div>
          <div class="search" role="search">
            ${icon('search')}
            <input
              type="search"
              name="search"
              aria-label="Search reviews"
              placeholder="Search reviews"
              maxlength="200"
              .value=${this.search}
              @input=${(e: Event) => this.#searchInput((e.target as HTMLInputElement).value)}
              @keydown=${(e: KeyboardEvent) => {
                if (e.key === 'Enter') {
                  clearTimeout(this.#searchTimer);
                  this.#filter('search', (e.target as HTMLInputElement).value);
                }
              }}
            />
          </div>
          <div class="filters">
            <label>Status
              <select name="status" @change=${(e: Event) => this.#filter('status', (e.target as HTMLSelectElement).value)}>
                ${STATUSES.map(
                  (s) =>
                    html`<option value=${s} ?selected=${this.status === s}>${s[0]!.toUpperCase() + s.slice(1)}</option>`,
                )}
              </select>
            </label>
            <label>Agent
              <select name="agent" @change=${(e: Event) => this.#filter('agent', (e.target as HTMLSelectElement).value)}>
                <option value="">All agents</option>
                ${this.channels.map((c) => html`<option value=${c.id} ?selected=${this.agent === c.id}>${c.name}</option>`)}
              </select>
            </label>
            <label>Type
              <select name="type" @change=${(e: Event) => this.#filter('type', (e.target as HTMLSelectElement).value)}>
                <option value="">All types</option>
                ${typeNames.map((t) => html`<option value=${t} ?selected=${this.type === t}>${t}</option>`)}
              </select>
            </label>
          </div>
        </header>
        ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
        <div class="rows" @keydown=${this.#keydown}>
          ${this.#list(names)}
          ${
            !this.loading && this.items.length === 0
              ? html`<p class="muted empty">${
                  this.search.trim()
                    ? `No review matches “${this.search.trim()}”.`
                    : 'Nothing here. Reviews agents ask for appear as they arrive.'
                }</p>`
              : nothing
          }
          ${
            this.nextCursor || this.assignedCursor
              ? html`<button type="button" class="more" @click=${() => void this.#load(true)}>Load more</button>`
              : nothing
          }
        </div>
      </section>
      <section class="detail" aria-label="Review" @keydown=${this.#detailKeydown} @message-changed=${this.#onAnswered}>
        ${
          open
            ? html`<p class="context">
                <a class="back" href="#/inbox">${icon('back', 'Back to the inbox')}</a>
                <strong>${names.get(open.channelId) ?? open.agentName ?? 'Agent'}</strong>
                ${names.has(open.channelId) ? html`<a href="#/chats/${open.channelId}">Open in chat</a>` : html`<span class="muted">Assigned to you by another person’s agent</span>`}
                <label class="auto-next"
                  ><input
                    type="checkbox"
                    data-auto-next
                    .checked=${this.autoNext}
                    @change=${(e: Event) => this.#setAutoNext((e.target as HTMLInputElement).checked)}
                  />
                  After an answer, open the next one</label
                >
              </p>
              <placet-message data-id=${open.id} .api=${this.api} .types=${this.types} .message=${open} .agentName=${names.get(open.channelId) ?? open.agentName ?? 'Agent'} .theme=${this.theme}></placet-message>
              ${this.#nextBar(open, names)}`
            : html`<p class="muted placeholder">Choose a review: ↓ ↑ to move, Enter to open.</p>`
        }
      </section>`;
  }
}
