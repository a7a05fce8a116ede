import { css, html, LitElement, nothing } from 'lit';
import { relativeTime } from '../format.js';
import { plainPreview } from '../markdown.js';
import { presenceOf } from '../presence.js';
import type { Channel } from '../types.js';
import { controls, statusColors } from './styles.js';

/** The agents (channels), most recent activity first: status dot, last seen, unread count, last message. */
export class PlacetAgentList extends LitElement {
  static override styles = [
    controls,
    statusColors,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 0;
      }
      h2 {
        font-size: 13px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--placet-muted);
        margin: 14px 16px 6px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0 8px 8px;
        overflow-y: auto;
      }
      a {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 2px 8px;
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
      .empty {
        padding: 16px;
      }
    `,
  ];
  static override properties = {
    channels: { attribute: false },
    selected: { attribute: false },
    now: { state: true },
  };
  declare channels: Channel[];
  declare selected: string | undefined;
  declare now: number;
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.channels = [];
    this.now = Date.now();
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
    const sorted = [...this.channels].sort((a, b) =>
      (b.lastMessageAt ?? b.createdAt).localeCompare(a.lastMessageAt ?? a.createdAt),
    );
    return html`<h2 id="agents-heading">Agents</h2>
      ${
        sorted.length === 0
          ? html`<p class="empty muted">No agents yet. An agent appears here when it creates a channel or sends its first message.</p>`
          : html`<ul aria-labelledby="agents-heading">
            ${sorted.map((channel) => {
              const last = channel.lastMessage;
              const presence = presenceOf(channel, this.now);
              return html`<li>
                <a
                  href="#/chats/${channel.id}"
                  data-agent=${channel.id}
                  aria-current=${this.selected === channel.id ? 'page' : 'false'}
                >
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
                  ${presence ? html`<span class="seen" data-presence>${presence.label}</span>` : nothing}
                </a>
              </li>`;
            })}
          </ul>`
      }`;
  }
}
