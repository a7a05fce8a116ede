import { css, html, LitElement, nothing } from 'lit';
import { relativeTime } from '../format.js';
import { icon } from '../icons.js';
import { plainPreview } from '../markdown.js';
import { presenceOf } from '../presence.js';
import { session } from '../session.js';
import type { Channel } from '../types.js';
import { avatar, avatarStyles } from './avatar.js';
import { controls, searchBox, statusColors } from './styles.js';

/** Where the list's layout (flat or grouped by tag) is kept, per person and browser. */
const layoutKey = () => (session.user ? `placet:agent-list:${session.user.id}` : undefined);

/** "Untagged" first, then the tags in alphabetical order. */
export function groupByTag(channels: readonly Channel[]): { tag: string | null; channels: Channel[] }[] {
  const groups = new Map<string | null, Channel[]>();
  for (const channel of channels) {
    const tag = channel.tag?.trim() || null;
    groups.set(tag, [...(groups.get(tag) ?? []), channel]);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : a.localeCompare(b)))
    .map(([tag, list]) => ({ tag, channels: list }));
}

/**
 * The agents (channels), most recent activity first: avatar, status dot, last seen, unread count, last
 * message and tag. A search box filters by name (and tag); the list can be grouped by tag (remembered).
 */
export class PlacetAgentList extends LitElement {
  static override styles = [
    controls,
    statusColors,
    avatarStyles,
    searchBox,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      .head {
        display: flex;
        align-items: center;
        gap: 8px;
        margin: 12px 12px 6px 16px;
      }
      h2 {
        font-size: var(--placet-text-sm);
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--placet-muted);
        margin: 0 auto 0 0;
      }
      .head button {
        font-size: var(--placet-text-xs);
        padding: 4px 8px;
        min-height: 32px;
      }
      .search {
        margin: 0 12px 8px;
      }
      details.group > summary {
        list-style: none;
        cursor: pointer;
        display: flex;
        align-items: center;
        gap: 8px;
        padding: 6px 16px;
        font-size: var(--placet-text-sm);
        font-weight: 600;
        color: var(--placet-muted);
      }
      details.group > summary::-webkit-details-marker {
        display: none;
      }
      details.group > summary::before {
        content: '▸';
        font-size: 10px;
        transition: transform 0.15s;
      }
      details.group[open] > summary::before {
        transform: rotate(90deg);
      }
      .tag {
        justify-self: end;
        font-size: var(--placet-text-xs);
        padding: 0 6px;
        border-radius: 6px;
        border: 1px solid var(--placet-border);
        color: var(--placet-muted);
        white-space: nowrap;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 8px 8px;
        overflow-y: auto;
      }
      a {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr) auto;
        gap: 2px 10px;
        padding: 9px 10px;
        border-radius: 10px;
        color: inherit;
        text-decoration: none;
      }
      a:hover {
        background: color-mix(in srgb, var(--placet-accent) 8%, transparent);
      }
      a[aria-current='page'] {
        background: color-mix(in srgb, var(--placet-accent) 16%, transparent);
      }
      .name {
        display: flex;
        align-items: center;
        gap: 7px;
        font-weight: 600;
        min-width: 0;
      }
      .name span.label {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .time,
      .seen {
        font-size: 12px;
        color: var(--placet-muted);
        white-space: nowrap;
      }
      .preview {
        font-size: 13px;
        color: var(--placet-muted);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .badge {
        justify-self: end;
        min-width: 20px;
        padding: 0 6px;
        border-radius: 10px;
        background: var(--placet-accent);
        color: var(--placet-accent-fg);
        font-size: 12px;
        font-weight: 600;
        text-align: center;
      }
      a > .avatar {
        grid-row: span 3;
        align-self: start;
        margin-top: 2px;
      }
      .empty {
        padding: 16px;
      }
      @media (max-width: 720px) {
        a {
          padding: 11px 10px;
        }
        .head button {
          min-height: 44px;
        }
        .search input {
          min-height: 44px;
        }
      }
    `,
  ];
  static override properties = {
    channels: { attribute: false },
    selected: { attribute: false },
    now: { state: true },
    query: { state: true },
    grouped: { state: true },
  };
  declare channels: Channel[];
  declare selected: string | undefined;
  declare now: number;
  /** The search box's text: agents whose name (or tag) contains it, case-insensitively. */
  declare query: string;
  /** Grouped by tag (collapsible sections, untagged first) instead of one list. */
  declare grouped: boolean;
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.channels = [];
    this.now = Date.now();
    this.query = '';
    const key = layoutKey();
    this.grouped = key ? localStorage.getItem(key) === 'grouped' : false;
  }

  #toggleGrouped() {
    this.grouped = !this.grouped;
    const key = layoutKey();
    if (key) localStorage.setItem(key, this.grouped ? 'grouped' : 'flat');
  }

  #item(channel: Channel) {
    const last = channel.lastMessage;
    const presence = presenceOf(channel, this.now);
    return html`<li>
      <a
        href="#/chats/${channel.id}"
        data-agent=${channel.id}
        aria-current=${this.selected === channel.id ? 'page' : 'false'}
      >
        ${avatar(channel.name, channel.avatarUrl)}
        <span class="name"
          >${
            presence
              ? html`<span class="dot ${presence.state}" data-status=${presence.state} aria-hidden="true"></span>`
              : nothing
          }<span class="label">${channel.name}</span></span
        >
        <span class="time">${relativeTime(channel.lastMessageAt, this.now)}</span>
        <span class="preview"
          >${
            last
              ? `${last.senderType === 'user' ? 'You: ' : ''}${plainPreview(last.text) || '📎 Attachment'}`
              : 'No messages yet'
          }</span
        >
        ${
          channel.unreadCount
            ? html`<span class="badge" aria-label="${channel.unreadCount} unread">${channel.unreadCount}</span>`
            : html`<span></span>`
        }
        ${presence ? html`<span class="seen" data-presence>${presence.label}</span>` : html`<span></span>`}
        ${channel.tag && !this.grouped ? html`<span class="tag" data-tag>${channel.tag}</span>` : nothing}
      </a>
    </li>`;
  }

  override connectedCallback() {
    super.connectedCallback();
    // "Last seen" ages while the page is open.
    this.#tick = setInterval(() => {
      this.now = Date.now();
    }, 30_000);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  override render() {
    const needle = this.query.trim().toLowerCase();
    const sorted = [...this.channels]
      .filter(
        (c) => !needle || c.name.toLowerCase().includes(needle) || c.tag?.toLowerCase().includes(needle),
      )
      .sort((a, b) => (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt));
    const list = (channels: Channel[], labelledBy: string) =>
      html`<ul aria-labelledby=${labelledBy}>${channels.map((c) => this.#item(c))}</ul>`;
    return html`<div class="head">
        <h2 id="agents-heading">Agents</h2>
        ${
          this.channels.length > 0
            ? html`<button type="button" data-layout aria-pressed=${String(this.grouped)} @click=${this.#toggleGrouped}>
                Group by tag
              </button>`
            : nothing
        }
      </div>
      ${
        this.channels.length > 0
          ? html`<div class="search" role="search">
              ${icon('search')}
              <input
                type="search"
                aria-label="Search agents"
                placeholder="Search agents"
                .value=${this.query}
                @input=${(e: Event) => {
                  this.query = (e.target as HTMLInputElement).value;
                }}
              />
            </div>`
          : nothing
      }
      ${
        this.channels.length === 0
          ? html`<p class="empty muted">No agents yet. An agent appears here when it creates a channel or sends its first message.</p>`
          : sorted.length === 0
            ? html`<p class="empty muted" data-no-match>No agent matches “${this.query.trim()}”.</p>`
            : this.grouped
              ? groupByTag(sorted).map(
                  ({ tag, channels }, i) => html`<details class="group" open data-group=${tag ?? ''}>
                    <summary id="agents-group-${i}">${tag ?? 'Untagged'} <span>(${channels.length})</span></summary>
                    ${list(channels, `agents-group-${i}`)}
                  </details>`,
                )
              : list(sorted, 'agents-heading')
      }`;
  }
}
