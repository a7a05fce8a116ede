import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { type Api, failureMessage } from '../api.js';
import { clientKey, relativeTime, shortTime } from '../format.js';
import { icon } from '../icons.js';
import { plainPreview } from '../markdown.js';
import type { Outbox, SendFailure, Unsent } from '../outbox.js';
import { presenceOf } from '../presence.js';
import type { Realtime } from '../realtime.js';
import type { ReviewTypes } from '../review-types.js';
import type { Attachment, Channel, Message, StatusEvent, StatusHistoryEntry } from '../types.js';
import { defineChatFiles } from './chat/chat-files.js';
import { type ComposerSend, defineComposer, type PlacetComposer } from './chat/composer.js';
import { focusReviewControl } from './focus.js';
import { controls, statusColors } from './styles.js';

const PAGE = 25;

interface Delta {
  channelId?: string;
  delta?: string;
  streamId?: string;
  streamBaseId?: string;
}

/** The stream a delta belongs to: `streamBaseId`, or `streamId` without the original's `:N` suffix. */
const streamKey = (d: Delta) => d.streamBaseId ?? d.streamId?.replace(/:\d+$/, '');

/**
 * One chat: the feed (newest at the bottom, older pages on scroll up), live updates, the bar of open
 * reviews and the composer.
 */
/** How a message not acknowledged yet is shown: by its client id, with nothing the server decides. */
function pendingMessage(unsent: Unsent): Message {
  return {
    id: `pending:${unsent.clientId}`,
    channelId: unsent.channelId,
    senderType: 'user',
    senderId: '',
    text: unsent.text,
    status: null,
    review: null,
    metadata: null,
    clientId: unsent.clientId,
    streamId: null,
    streamState: null,
    deliveryStatus: 'sent',
    iterationGroupId: null,
    iteration: null,
    createdAt: unsent.createdAt,
    updatedAt: unsent.createdAt,
    attachments: unsent.attachments ?? [],
  };
}

/** Open reviews named in the bar above a chat before "+N more". */
const OPEN_REVIEWS_SHOWN = 3;

export class PlacetChat extends LitElement {
  static override styles = [
    controls,
    statusColors,
    css`
      header {
        position: relative;
      }
      .pill {
        display: inline-flex;
        gap: 6px;
        align-items: center;
        font-size: 12px;
        padding: 2px 10px;
        border-radius: 12px;
      }
      .history {
        position: absolute;
        z-index: 5;
        top: 100%;
        left: 20px;
        width: min(420px, 90%);
        max-height: 320px;
        overflow-y: auto;
        background: var(--placet-surface);
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        padding: 10px 14px;
        box-shadow: 0 8px 24px rgb(0 0 0 / 12%);
      }
      .history ol {
        list-style: none;
        margin: 6px 0 0;
        padding: 0;
        display: grid;
        gap: 6px;
        font-size: 13px;
      }
      .history li {
        display: grid;
        grid-template-columns: auto 1fr auto;
        gap: 8px;
        align-items: center;
      }
      .history time {
        color: var(--placet-muted);
        font-size: 12px;
      }
      :host {
        display: grid;
        grid-template-rows: auto auto 1fr auto;
        min-height: 0;
        height: 100%;
      }
      header {
        display: flex;
        gap: 10px;
        align-items: baseline;
        padding: 14px 20px 10px;
        border-bottom: 1px solid var(--placet-border);
      }
      header h2 {
        margin: 0;
        font-size: 18px;
      }
      .reviews {
        display: flex;
        gap: 8px;
        align-items: center;
        flex-wrap: nowrap;
        overflow-x: auto;
        padding: 8px 20px;
        border-bottom: 1px solid var(--placet-border);
        background: color-mix(in srgb, var(--placet-warning) 9%, transparent);
        font-size: 13px;
      }
      .reviews.all {
        flex-wrap: wrap;
        max-height: 30vh;
        overflow-y: auto;
      }
      .reviews > span {
        white-space: nowrap;
      }
      .reviews button {
        font-size: 13px;
        padding: 3px 10px;
        max-width: 16em;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        flex: none;
      }
      .reviews button.more {
        font-weight: 600;
      }
      header .back {
        display: none;
      }
      @media (max-width: 720px) {
        header {
          padding: 10px 12px 8px;
          flex-wrap: wrap;
          align-items: center;
        }
        header .back {
          display: inline-flex;
          align-items: center;
          justify-content: center;
          min-width: 44px;
          min-height: 44px;
          margin: -6px 0 -6px -8px;
          font-size: 24px;
          color: inherit;
          text-decoration: none;
        }
        .reviews {
          padding: 6px 12px;
        }
        .reviews button {
          min-height: 36px;
        }
        .feed {
          padding: 8px 10px 12px;
        }
        header .files-link {
          min-height: 44px;
        }
      }
      .feed {
        overflow-y: auto;
        padding: 8px 20px 16px;
        min-height: 0;
      }
      .feed {
        position: relative;
      }
      .new-below {
        position: sticky;
        bottom: 12px;
        z-index: 3;
        display: block;
        margin: 0 auto;
        border-radius: 18px;
        padding: 6px 14px;
        box-shadow: 0 4px 14px rgb(0 0 0 / 18%);
      }
      .edge {
        text-align: center;
        font-size: 12px;
        color: var(--placet-muted);
        margin: 8px 0;
      }
      header .files-link {
        margin-left: auto;
        align-self: center;
        display: inline-flex;
        align-items: center;
        gap: 6px;
        padding: 4px 12px;
        border: 1px solid var(--placet-border);
        border-radius: 8px;
        color: inherit;
        text-decoration: none;
        font-size: 14px;
      }
      header .files-link[aria-current='page'] {
        background: color-mix(in srgb, var(--placet-accent) 12%, transparent);
        border-color: var(--placet-accent);
      }
      :host([dragging]) .feed {
        outline: 2px dashed var(--placet-accent);
        outline-offset: -6px;
      }
      .drop-hint {
        position: sticky;
        top: 8px;
        z-index: 4;
        margin: 0 auto;
        width: fit-content;
        padding: 6px 14px;
        border-radius: 18px;
        background: var(--placet-accent);
        color: var(--placet-accent-fg);
      }
      .failed {
        text-align: right;
        font-size: 12px;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    outbox: { attribute: false },
    realtime: { attribute: false },
    types: { attribute: false },
    channel: { attribute: false },
    theme: {},
    messages: { state: true },
    nextCursor: { state: true },
    loaded: { state: true },
    deltas: { state: true },
    failed: { state: true },
    error: { state: true },
    history: { state: true },
    allReviews: { state: true },
    newBelow: { state: true },
    showFiles: { state: true },
    filesVersion: { state: true },
    dragging: { type: Boolean, reflect: true },
  };
  /** The chat's files are shown instead of its messages (`#/chats/<id>/files`). */
  declare showFiles: boolean;
  /** Counts messages with files that arrived: the files view reads its list again. */
  declare filesVersion: number;
  /** Files are dragged over the chat: dropping them attaches them. */
  declare dragging: boolean;
  /** Messages that arrived while the reader was scrolled up (the "new messages below" button). */
  declare newBelow: number;
  /** The open-reviews bar shows every review (else the first few and how many more). */
  declare allReviews: boolean;
  declare api: Api;
  declare outbox: Outbox;
  declare realtime: Realtime;
  declare types: ReviewTypes;
  declare channel: Channel;
  declare theme: 'light' | 'dark';
  declare messages: Message[];
  declare nextCursor: string | null;
  declare loaded: boolean;
  declare deltas: Map<string, string>;
  declare failed: Set<string>;
  declare error: string;
  /** The agent's status transitions, while the history panel is open. */
  declare history: StatusHistoryEntry[] | undefined;
  #off: (() => void)[] = [];
  #loadingOlder = false;
  /** Whether the reader is at the newest message: the feed then follows what grows below. */
  #stickToBottom = true;
  /**
   * Bubbles grow after they render (a review widget loading its module, an image, a stream's next
   * text): while the reader is at the bottom, the feed follows each size change of a bubble.
   */
  readonly #resize = new ResizeObserver(() => this.#followBottom());
  readonly #observed = new WeakSet<Element>();
  #lastScrollTop = 0;
  /** Unsent messages the server refused: sending them again cannot help (only discarding). */
  readonly #finalFailures = new Set<string>();
  #restoreFrom: { height: number; top: number } | undefined;
  #generation = 0;

  constructor() {
    super();
    this.theme = 'light';
    this.messages = [];
    this.nextCursor = null;
    this.loaded = false;
    this.deltas = new Map();
    this.failed = new Set();
    this.error = '';
    this.allReviews = false;
    this.newBelow = 0;
    this.showFiles = false;
    this.filesVersion = 0;
    this.dragging = false;
  }

  #onHash = () => {
    this.showFiles = /^#\/chats\/[a-z0-9]{1,64}\/files(?:[?]|$)/.test(location.hash);
  };

  get #composer(): PlacetComposer | null {
    return this.renderRoot.querySelector('placet-composer');
  }

  #hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;

  #dragOver = (event: DragEvent) => {
    if (!this.#hasFiles(event) || this.showFiles) return;
    event.preventDefault();
    this.dragging = true;
  };

  #dragLeave = (event: DragEvent) => {
    // Leaving the chat (not moving between its children).
    if (!event.relatedTarget || !this.contains(event.relatedTarget as Node)) this.dragging = false;
  };

  #drop = (event: DragEvent) => {
    this.dragging = false;
    if (!this.#hasFiles(event) || this.showFiles) return;
    event.preventDefault();
    void this.#composer?.addFiles([...(event.dataTransfer?.files ?? [])]);
  };

  override connectedCallback() {
    super.connectedCallback();
    this.#onHash();
    window.addEventListener('hashchange', this.#onHash);
    this.addEventListener('dragover', this.#dragOver);
    this.addEventListener('dragleave', this.#dragLeave);
    this.addEventListener('drop', this.#drop);
    const mine = (channelId: unknown) => channelId === this.channel?.id;
    const rt = this.realtime;
    this.#off = [
      rt.on<Message>('message:created', (m) => {
        if (!mine(m.channelId)) return;
        if (!this.#stickToBottom && m.senderType === 'agent') this.newBelow++;
        if (m.attachments.length > 0) this.filesVersion++;
        this.#upsert(m, true);
      }),
      rt.on<Message>('message:updated', (m) => {
        if (!mine(m.channelId)) return;
        if (m.streamId) this.#setDelta(m.streamId, undefined);
        this.#upsert(m);
      }),
      rt.on<Message>('review:responded', (m) => mine(m.channelId) && this.#upsert(m)),
      rt.on<{ messageId: string; channelId: string }>('review:expired', (d) => {
        if (!mine(d.channelId)) return;
        this.#patch(d.messageId, (m) =>
          m.review ? { ...m, review: { ...m.review, status: 'expired' } } : m,
        );
      }),
      rt.on<{ messageId: string; channelId: string }>('message:deleted', (d) => {
        if (mine(d.channelId)) this.messages = this.messages.filter((m) => m.id !== d.messageId);
      }),
      rt.on<{ messageId: string; deliveryStatus: Message['deliveryStatus'] }>('message:delivery', (d) =>
        this.#patch(d.messageId, (m) => ({ ...m, deliveryStatus: d.deliveryStatus })),
      ),
      rt.on<StatusEvent>('message:status', (step) => {
        if (!mine(step.channelId)) return;
        const target = this.messages.find((m) => m.streamId === step.streamId);
        if (!target || target.statusEvents?.some((s) => s.index === step.index)) return;
        this.#patch(target.id, (m) => ({ ...m, statusEvents: [...(m.statusEvents ?? []), step] }));
      }),
      rt.on<Delta>('message:delta', (d) => {
        const key = streamKey(d);
        if (!mine(d.channelId) || !key || typeof d.delta !== 'string') return;
        this.#setDelta(key, (this.deltas.get(key) ?? '') + d.delta);
      }),
      (() => {
        const resync = () => void this.#loadLatest();
        rt.addEventListener('resync', resync);
        return () => rt.removeEventListener('resync', resync);
      })(),
      (() => {
        const sent = (e: Event) => {
          const message = (e as CustomEvent<Message>).detail;
          if (!mine(message.channelId)) return;
          this.#unfail(message.clientId);
          this.#upsert(message);
        };
        const failed = (e: Event) => {
          const { unsent, reason, final } = (e as CustomEvent<SendFailure>).detail;
          if (!mine(unsent.channelId)) return;
          this.failed = new Set(this.failed).add(unsent.clientId);
          this.error = reason;
          if (final) this.#finalFailures.add(unsent.clientId);
        };
        this.outbox.addEventListener('sent', sent);
        this.outbox.addEventListener('failed', failed);
        return () => {
          this.outbox.removeEventListener('sent', sent);
          this.outbox.removeEventListener('failed', failed);
        };
      })(),
    ];
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#onHash);
    this.removeEventListener('dragover', this.#dragOver);
    this.removeEventListener('dragleave', this.#dragLeave);
    this.removeEventListener('drop', this.#drop);
    for (const off of this.#off) off();
    this.#off = [];
    this.#resize.disconnect();
  }

  #followBottom() {
    const feed = this.renderRoot.querySelector<HTMLElement>('.feed');
    if (feed && this.#stickToBottom && !this.#restoreFrom) feed.scrollTop = feed.scrollHeight;
  }

  #toBottom() {
    this.#stickToBottom = true;
    this.newBelow = 0;
    this.#followBottom();
  }

  override willUpdate(changed: PropertyValues<this>) {
    const previous = changed.get('channel') as Channel | undefined;
    if (changed.has('channel') && previous?.id !== this.channel.id) {
      this.history = undefined;
      this.allReviews = false;
      void this.#loadLatest();
    } else if (previous && this.history && previous.statusSince !== this.channel.statusSince) {
      // A new status arrived while the history is open: show it there too.
      this.api.statusHistory(this.channel.id).then(
        (entries) => {
          if (this.history) this.history = entries;
        },
        () => {},
      );
    }
  }

  override updated() {
    const feed = this.renderRoot.querySelector<HTMLElement>('.feed');
    if (!feed) return;
    if (this.#restoreFrom) {
      // Older messages were prepended: keep what the reader was looking at in place.
      feed.scrollTop = feed.scrollHeight - this.#restoreFrom.height + this.#restoreFrom.top;
      this.#restoreFrom = undefined;
    } else if (this.#stickToBottom) {
      feed.scrollTop = feed.scrollHeight;
    }
    for (const bubble of feed.querySelectorAll('placet-message')) {
      if (this.#observed.has(bubble)) continue;
      this.#observed.add(bubble);
      this.#resize.observe(bubble);
    }
    // A first page that does not fill the feed cannot be scrolled up: fetch older pages until it does.
    if (this.loaded && this.nextCursor && feed.scrollHeight <= feed.clientHeight) void this.#loadOlder();
  }

  async #loadLatest() {
    const generation = ++this.#generation;
    const channelId = this.channel.id;
    const shownBefore = new Set(this.messages.map((m) => m.id));
    this.loaded = false;
    this.error = '';
    try {
      const page = await this.api.messages(channelId, undefined, PAGE);
      if (generation !== this.#generation) return;
      // Messages that arrived live while the page was loading stay (the page may predate them).
      const loadedIds = new Set(page.data.map((m) => m.id));
      const live = this.messages.filter(
        (m) => m.channelId === channelId && !shownBefore.has(m.id) && !loadedIds.has(m.id),
      );
      // What this person sent that the server has not acknowledged (an outage, a reload since): shown
      // as not sent yet, unless the page shows the server has it after all.
      const stored = new Set(page.data.map((m) => m.clientId).filter((id) => id !== null));
      const unsent: Message[] = [];
      for (const entry of this.outbox.list(channelId)) {
        if (stored.has(entry.clientId)) this.outbox.drop(entry.clientId);
        else if (!live.some((m) => m.clientId === entry.clientId)) {
          unsent.push(pendingMessage(entry));
          if (!this.outbox.sending(entry.clientId)) this.failed = new Set(this.failed).add(entry.clientId);
        }
      }
      this.messages = [...page.data.reverse(), ...live, ...unsent].sort((a, b) =>
        a.createdAt.localeCompare(b.createdAt),
      );
      this.nextCursor = page.nextCursor;
      this.#stickToBottom = true;
      this.loaded = true;
      this.#markRead();
    } catch (error) {
      if (generation === this.#generation) this.error = failureMessage(error, 'The messages');
    }
  }

  async #loadOlder() {
    if (this.#loadingOlder || !this.nextCursor) return;
    this.#loadingOlder = true;
    const generation = this.#generation;
    try {
      const page = await this.api.messages(this.channel.id, this.nextCursor, PAGE);
      if (generation !== this.#generation) return;
      const feed = this.renderRoot.querySelector<HTMLElement>('.feed')!;
      this.#restoreFrom = { height: feed.scrollHeight, top: feed.scrollTop };
      const known = new Set(this.messages.map((m) => m.id));
      this.messages = [...page.data.reverse().filter((m) => !known.has(m.id)), ...this.messages];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = failureMessage(error, 'Older messages');
    } finally {
      this.#loadingOlder = false;
    }
  }

  #onScroll(event: Event) {
    const feed = event.target as HTMLElement;
    // At the bottom: follow. Away from it only when the reader moved up — content that grew below after
    // a scroll of ours (a widget rendering late) is followed, not taken for the reader leaving.
    if (feed.scrollHeight - feed.scrollTop - feed.clientHeight < 80) this.#stickToBottom = true;
    else if (feed.scrollTop < this.#lastScrollTop) this.#stickToBottom = false;
    this.#lastScrollTop = feed.scrollTop;
    if (this.#stickToBottom) this.newBelow = 0;
    if (feed.scrollTop < 100) void this.#loadOlder();
  }

  #markRead() {
    if (document.visibilityState !== 'visible') return;
    this.api.markRead(this.channel.id).then(
      () =>
        this.dispatchEvent(
          new CustomEvent('channel-read', { detail: this.channel.id, bubbles: true, composed: true }),
        ),
      () => {},
    );
  }

  /** Inserts or replaces a message (matched by id, or by `clientId` for one this tab sent). */
  #upsert(message: Message, created = false) {
    const index = this.messages.findIndex(
      (m) => m.id === message.id || (message.clientId !== null && m.id === `pending:${message.clientId}`),
    );
    // The server's copy of a message this tab showed as not sent: it is sent.
    if (!message.id.startsWith('pending:')) this.#unfail(message.clientId);
    if (index >= 0) {
      const next = [...this.messages];
      next[index] = message;
      this.messages = next;
    } else {
      this.messages = [...this.messages, message].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    }
    if (created && message.senderType === 'agent') this.#markRead();
  }

  #patch(id: string, change: (m: Message) => Message) {
    const index = this.messages.findIndex((m) => m.id === id);
    if (index < 0) return;
    const next = [...this.messages];
    next[index] = change(next[index]!);
    this.messages = next;
  }

  #setDelta(key: string, text: string | undefined) {
    const next = new Map(this.deltas);
    if (text === undefined) next.delete(key);
    else next.set(key, text);
    this.deltas = next;
  }

  #unfail(clientId: string | null) {
    if (clientId === null || !this.failed.has(clientId)) return;
    const failed = new Set(this.failed);
    failed.delete(clientId);
    this.failed = failed;
    this.error = '';
  }

  /** Shows the message at once (not acknowledged: no ✓) and sends it through the outbox. */
  async #send(text: string, clientId = clientKey(), attachments: Attachment[] = []) {
    const unsent: Unsent = {
      clientId,
      channelId: this.channel.id,
      text,
      createdAt: new Date().toISOString(),
      ...(attachments.length > 0 ? { attachments } : {}),
    };
    const shown = this.messages.find((m) => m.id === `pending:${clientId}`);
    this.#unfail(clientId);
    this.#stickToBottom = true;
    this.#upsert(shown ?? pendingMessage(unsent));
    await this.outbox.send(shown ? { ...unsent, createdAt: shown.createdAt } : unsent);
  }

  /** Removes a message the server refused (or that the person gave up on) from the chat and the outbox. */
  #discard(clientId: string) {
    this.outbox.drop(clientId);
    this.#finalFailures.delete(clientId);
    this.#unfail(clientId);
    this.messages = this.messages.filter((m) => m.id !== `pending:${clientId}`);
  }

  #quote(event: CustomEvent<{ text: string; author: string }>) {
    this.#composer?.quote(event.detail.text, event.detail.author);
  }

  #presence(channel: Channel) {
    const presence = presenceOf(channel);
    if (!presence) return nothing;
    return html`<button
      type="button"
      class="pill ${presence.state}"
      data-presence=${presence.state}
      aria-expanded=${this.history ? 'true' : 'false'}
      title="Status history"
      @click=${() => void this.#toggleHistory()}
    >
      <span class="dot ${presence.state}" aria-hidden="true"></span>${presence.label}${
        channel.statusMessage ? html` — ${channel.statusMessage}` : nothing
      }
    </button>`;
  }

  async #toggleHistory() {
    if (this.history) {
      this.history = undefined;
      return;
    }
    try {
      this.history = await this.api.statusHistory(this.channel.id);
    } catch (error) {
      this.error = failureMessage(error, 'The status history');
    }
  }

  #historyPanel() {
    const entries = this.history ?? [];
    return html`<div class="history" role="region" aria-label="Status history of ${this.channel.name}">
      <strong>Status history</strong>
      ${
        entries.length === 0
          ? html`<p class="muted">No status changes yet.</p>`
          : html`<ol>
            ${entries.map(
              (e) => html`<li data-history-status=${e.status}>
                <span class="dot ${e.status}" aria-hidden="true"></span>
                <span>${e.status}${e.message ? html` — ${e.message}` : nothing}</span>
                <time datetime=${e.createdAt} title=${shortTime(e.createdAt)}>${relativeTime(e.createdAt)}</time>
              </li>`,
            )}
          </ol>`
      }
    </div>`;
  }

  #focusMessage(id: string) {
    const bubble = this.renderRoot.querySelector<HTMLElement>(`placet-message[data-id="${CSS.escape(id)}"]`);
    bubble?.scrollIntoView({ block: 'center' });
    void focusReviewControl(bubble);
  }

  /** The bar of open reviews: the first {@link OPEN_REVIEWS_SHOWN}, and how many more (all on demand). */
  #openReviews(open: Message[]) {
    const shown = this.allReviews ? open : open.slice(0, OPEN_REVIEWS_SHOWN);
    const hidden = open.length - shown.length;
    return html`<nav class="reviews ${this.allReviews ? 'all' : ''}" aria-label="Open reviews">
      <span>${open.length} open ${open.length === 1 ? 'review' : 'reviews'}:</span>
      ${shown.map(
        (m) => html`<button type="button" @click=${() => this.#focusMessage(m.id)}>
          ${plainPreview(m.text, 40) || m.review!.type}
        </button>`,
      )}
      ${
        hidden > 0
          ? html`<button type="button" class="more link" aria-expanded="false" @click=${() => {
              this.allReviews = true;
            }}>+${hidden} more</button>`
          : this.allReviews && open.length > OPEN_REVIEWS_SHOWN
            ? html`<button type="button" class="more link" aria-expanded="true" @click=${() => {
                this.allReviews = false;
              }}>Show fewer</button>`
            : nothing
      }
    </nav>`;
  }

  override render() {
    const channel = this.channel;
    // Drafts still streaming stay at the bottom, the rest in time order.
    const feed = [...this.messages].sort(
      (a, b) =>
        Number(a.streamState === 'streaming') - Number(b.streamState === 'streaming') ||
        a.createdAt.localeCompare(b.createdAt),
    );
    const open = feed.filter((m) => m.review?.status === 'pending');
    return html`<header>
        <a class="back" href="#/chats" aria-label="Back to agents">‹</a>
        <h2>${channel.name}</h2>
        ${this.#presence(channel)}
        ${channel.description ? html`<span class="muted">${channel.description}</span>` : nothing}
        <a
          class="files-link"
          href=${this.showFiles ? `#/chats/${channel.id}` : `#/chats/${channel.id}/files`}
          aria-current=${this.showFiles ? 'page' : 'false'}
          data-files-link
        >${this.showFiles ? 'Back to messages' : html`${icon('files')} Files`}</a>
        ${this.history ? this.#historyPanel() : nothing}
      </header>
      ${open.length ? this.#openReviews(open) : html`<div></div>`}
      ${
        this.showFiles
          ? html`<placet-chat-files .api=${this.api} .channel=${channel} .version=${this.filesVersion}></placet-chat-files>`
          : nothing
      }
      <div
        class="feed"
        ?hidden=${this.showFiles}
        role="log"
        aria-label="Messages with ${channel.name}"
        @scroll=${this.#onScroll}
        @message-changed=${(e: CustomEvent<Message>) => this.#upsert(e.detail)}
        @placet-quote=${this.#quote}
      >
        ${this.dragging ? html`<p class="drop-hint" aria-hidden="true">Drop files to attach them</p>` : nothing}
        ${this.loaded && !this.nextCursor ? html`<p class="edge">Beginning of the conversation</p>` : nothing}
        ${
          this.loaded && this.nextCursor
            ? html`<p class="edge"><button type="button" class="link" @click=${() => void this.#loadOlder()}>Load older messages</button></p>`
            : nothing
        }
        ${this.loaded && feed.length === 0 ? html`<p class="edge">No messages yet. Chat id: <code>${channel.id}</code></p>` : nothing}
        ${repeat(
          feed,
          (m) => m.id,
          (m) => html`<placet-message
              data-id=${m.id}
              .api=${this.api}
              .types=${this.types}
              .message=${m}
              .pendingDelta=${(m.streamId && this.deltas.get(m.streamId)) || ''}
              .agentName=${channel.name}
              .theme=${this.theme}
            ></placet-message>
            ${
              m.clientId && this.failed.has(m.clientId) && m.id.startsWith('pending:')
                ? html`<p class="failed error" data-unsent=${m.clientId}>Not sent.
                  ${
                    this.#finalFailures.has(m.clientId)
                      ? nothing
                      : html`<button class="link" type="button" @click=${() => void this.#send(m.text ?? '', m.clientId!, m.attachments)}>Resend</button>`
                  }
                  <button class="link" type="button" @click=${() => this.#discard(m.clientId!)}>Discard</button></p>`
                : nothing
            }`,
        )}
        ${
          this.newBelow > 0
            ? html`<button type="button" class="new-below primary" @click=${() => this.#toBottom()}>
              ${this.newBelow === 1 ? '1 new message' : `${this.newBelow} new messages`} ↓
            </button>`
            : nothing
        }
      </div>
      <placet-composer
        ?hidden=${this.showFiles}
        .api=${this.api}
        .channel=${channel}
        @placet-send=${(e: CustomEvent<ComposerSend>) => void this.#send(e.detail.text, undefined, e.detail.attachments)}
      ></placet-composer>
      ${this.error ? html`<p class="error" role="alert" style="padding: 0 20px">${this.error}</p>` : nothing}`;
  }
}

defineComposer();
defineChatFiles();
