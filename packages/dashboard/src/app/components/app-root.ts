import { css, html, LitElement, nothing } from 'lit';
import { Api, ApiError } from '../api.js';
import { readConfig } from '../config.js';
import { Realtime } from '../realtime.js';
import { ReviewTypes } from '../review-types.js';
import { session } from '../session.js';
import type { Channel, Message, User } from '../types.js';
import { controls } from './styles.js';

type Theme = 'light' | 'dark' | 'system';
const THEME_KEY = 'placet:theme';

/** The dashboard: sign-in, then the agent list and the open chat, kept live over the WebSocket. */
export class PlacetApp extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: grid;
        grid-template-columns: minmax(240px, 320px) 1fr;
        grid-template-rows: auto 1fr;
        height: 100%;
      }
      :host([signed-out]) {
        display: block;
      }
      .top {
        grid-column: 1 / -1;
        display: flex;
        gap: 12px;
        align-items: center;
        padding: 8px 16px;
        border-bottom: 1px solid var(--placet-border);
        background: var(--placet-surface);
      }
      .top .brand {
        font-weight: 700;
        margin-right: auto;
      }
      .conn {
        font-size: 12px;
      }
      aside {
        border-right: 1px solid var(--placet-border);
        background: var(--placet-surface);
        min-height: 0;
        display: flex;
        flex-direction: column;
      }
      main {
        min-height: 0;
        min-width: 0;
      }
      .placeholder {
        display: grid;
        place-items: center;
        height: 100%;
      }
    `,
  ];
  static override properties = {
    user: { state: true },
    phase: { state: true },
    channels: { state: true },
    selected: { state: true },
    theme: { state: true },
    connection: { state: true },
    changingPassword: { state: true },
  };
  declare user: User | undefined;
  declare phase: 'starting' | 'signed-out' | 'ready';
  declare channels: Channel[];
  declare selected: string | undefined;
  declare theme: Theme;
  declare connection: string;
  declare changingPassword: boolean;

  readonly config = readConfig();
  readonly api = new Api(this.config);
  readonly realtime = new Realtime(this.config.wsPath);
  readonly types = new ReviewTypes(this.api);
  #off: (() => void)[] = [];
  #media = window.matchMedia('(prefers-color-scheme: dark)');

  constructor() {
    super();
    this.phase = 'starting';
    this.channels = [];
    this.theme = (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'system';
    this.connection = 'closed';
    this.changingPassword = false;
    this.api.onUnauthorized = () => {
      if (this.phase === 'ready') this.#signedOut();
    };
  }

  override connectedCallback() {
    super.connectedCallback();
    document.title = this.config.title;
    this.#applyTheme();
    this.#media.addEventListener('change', this.#applyTheme);
    window.addEventListener('hashchange', this.#route);
    this.#route();
    void this.#start();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#route);
    this.#media.removeEventListener('change', this.#applyTheme);
    this.realtime.stop();
    for (const off of this.#off) off();
  }

  get resolvedTheme(): 'light' | 'dark' {
    return this.theme === 'system' ? (this.#media.matches ? 'dark' : 'light') : this.theme;
  }

  #applyTheme = () => {
    document.documentElement.dataset.theme = this.resolvedTheme;
    this.requestUpdate();
  };

  #route = () => {
    const match = /^#\/chats\/([^/?#]+)/.exec(location.hash);
    this.selected = match ? decodeURIComponent(match[1]!) : undefined;
  };

  async #start() {
    try {
      const { user } = await this.api.me();
      await this.#signedIn(user);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) this.#signedOut();
      else if (error instanceof ApiError && error.code === 'PASSWORD_CHANGE_REQUIRED') this.#forcedChange();
      else this.#signedOut();
    }
  }

  #signedOut() {
    this.realtime.stop();
    for (const off of this.#off) off();
    this.#off = [];
    this.user = undefined;
    if (this.config.authBase === false && this.config.loginUrl) {
      location.assign(this.config.loginUrl);
      return;
    }
    this.phase = 'signed-out';
    this.toggleAttribute('signed-out', true);
  }

  #forcedChange() {
    this.phase = 'signed-out';
    this.toggleAttribute('signed-out', true);
    this.changingPassword = true;
  }

  async #signedIn(user: User) {
    this.user = user;
    session.user = user;
    if (user.mustChangePassword) return this.#forcedChange();
    this.changingPassword = false;
    this.toggleAttribute('signed-out', false);
    this.#listen();
    // The socket opens first, so that nothing that happens while the lists load is missed.
    this.realtime.start();
    await Promise.all([this.#loadAgents(), this.types.load().catch(() => {})]);
    this.phase = 'ready';
  }

  async #loadAgents() {
    this.channels = await this.api.agents();
  }

  #listen() {
    for (const off of this.#off) off();
    const rt = this.realtime;
    const patch = (id: string, change: (c: Channel) => Channel) => {
      this.channels = this.channels.map((c) => (c.id === id ? change(c) : c));
    };
    this.#off = [
      rt.on<Message>('message:created', (m) => {
        if (!this.channels.some((c) => c.id === m.channelId)) return void this.#loadAgents();
        const unread = m.senderType === 'agent' && (this.selected !== m.channelId || document.hidden);
        patch(m.channelId, (c) => ({
          ...c,
          lastMessage: { id: m.id, text: m.text, senderType: m.senderType, createdAt: m.createdAt },
          lastMessageAt: m.createdAt,
          unreadCount: (c.unreadCount ?? 0) + (unread ? 1 : 0),
        }));
      }),
      rt.on<{
        agentId: string;
        status: Channel['status'];
        statusMessage: string | null;
        statusSince: string | null;
      }>('agent:status', (s) =>
        patch(s.agentId, (c) => ({
          ...c,
          status: s.status,
          statusMessage: s.statusMessage,
          statusSince: s.statusSince,
          lastActiveAt: new Date().toISOString(),
        })),
      ),
      rt.on<Channel>('channel:updated', (updated) => {
        if (this.channels.some((c) => c.id === updated.id)) patch(updated.id, (c) => ({ ...c, ...updated }));
        else void this.#loadAgents();
      }),
      rt.on('message:deleted', () => void this.#loadAgents()),
      rt.on<string>('connection', (state) => {
        this.connection = state;
      }),
      (() => {
        const resync = () => void this.#loadAgents();
        rt.addEventListener('resync', resync);
        return () => rt.removeEventListener('resync', resync);
      })(),
    ];
  }

  async #logout() {
    await this.api.logout().catch(() => {});
    this.#signedOut();
  }

  #cycleTheme() {
    const order: Theme[] = ['system', 'light', 'dark'];
    this.theme = order[(order.indexOf(this.theme) + 1) % order.length]!;
    localStorage.setItem(THEME_KEY, this.theme);
    this.#applyTheme();
  }

  override render() {
    if (this.phase === 'starting') return html`<p class="placeholder muted">Loading…</p>`;
    if (this.changingPassword) {
      return html`<placet-change-password
        .api=${this.api}
        ?forced=${this.user?.mustChangePassword !== false}
        @password-changed=${() => void this.#start()}
        @cancel=${() => {
          this.changingPassword = false;
          this.toggleAttribute('signed-out', false);
        }}
      ></placet-change-password>`;
    }
    if (this.phase === 'signed-out' || !this.user) {
      return html`<placet-sign-in .api=${this.api} @signed-in=${(e: CustomEvent<User>) => void this.#signedIn(e.detail)}></placet-sign-in>`;
    }
    const channel = this.channels.find((c) => c.id === this.selected);
    return html`<div class="top">
        <span class="brand">${this.config.title}</span>
        <span class="conn muted" data-connection=${this.connection}
          >${this.connection === 'open' ? '' : this.connection === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}</span
        >
        <button type="button" @click=${this.#cycleTheme} aria-label="Theme: ${this.theme}">Theme: ${this.theme}</button>
        ${
          this.config.authBase === false
            ? nothing
            : html`<button
                type="button"
                @click=${() => {
                  this.changingPassword = true;
                  this.toggleAttribute('signed-out', true);
                }}
              >
                Password
              </button>
              <button type="button" @click=${this.#logout}>Sign out</button>`
        }
      </div>
      <aside>
        <placet-agent-list .channels=${this.channels} .selected=${this.selected}></placet-agent-list>
      </aside>
      <main
        @channel-read=${(e: CustomEvent<string>) => {
          this.channels = this.channels.map((c) => (c.id === e.detail ? { ...c, unreadCount: 0 } : c));
        }}
      >
        ${
          channel
            ? html`<placet-chat
              .api=${this.api}
              .realtime=${this.realtime}
              .types=${this.types}
              .channel=${channel}
              .theme=${this.resolvedTheme}
            ></placet-chat>`
            : html`<p class="placeholder muted">${this.channels.length ? 'Choose an agent.' : ''}</p>`
        }
      </main>`;
  }
}
