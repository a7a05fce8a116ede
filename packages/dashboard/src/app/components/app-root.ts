import { css, html, LitElement, nothing } from 'lit';
import { Api, ApiError } from '../api.js';
import { loginHref, readConfig } from '../config.js';
import { icon } from '../icons.js';
import { Notifier } from '../notifications.js';
import { Outbox } from '../outbox.js';
import { Realtime } from '../realtime.js';
import { ReviewTypes } from '../review-types.js';
import { session } from '../session.js';
import type { Channel, Message, User } from '../types.js';
import { forgetEveryDevice, forgetThisDevice, signOutThisDevice } from '../web-push.js';
import { SettingsApi } from './settings/settings-api.js';
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
      /* Settings take the whole width: the agent list is for chats. */
      :host([data-view='settings']) {
        grid-template-columns: minmax(0, 1fr);
      }
      :host([data-view='settings']) aside {
        display: none;
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
        font-size: var(--placet-text-xs);
      }
      /* Offline or reconnecting: a banner over the page, so nothing under it moves. */
      .banner {
        position: fixed;
        z-index: 30;
        top: 56px;
        left: 50%;
        transform: translateX(-50%);
        display: inline-flex;
        align-items: center;
        gap: 8px;
        max-width: calc(100vw - 24px);
        padding: 6px 14px;
        border-radius: 999px;
        background: var(--placet-fg);
        color: var(--placet-bg);
        font-size: var(--placet-text-sm);
        box-shadow: var(--placet-shadow);
        pointer-events: none;
      }
      nav.views a {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      nav.views {
        display: flex;
        gap: 4px;
      }
      nav.views a {
        padding: 5px 10px;
        border-radius: 8px;
        color: inherit;
        text-decoration: none;
      }
      nav.views a[aria-current='page'] {
        background: color-mix(in srgb, var(--placet-accent) 14%, transparent);
      }
      nav.views .count {
        display: inline-block;
        min-width: 18px;
        padding: 0 5px;
        border-radius: 9px;
        background: var(--placet-accent);
        color: var(--placet-accent-fg);
        font-size: 12px;
        text-align: center;
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
      .account {
        position: relative;
      }
      .account summary {
        list-style: none;
        cursor: pointer;
        padding: 5px 10px;
        border: 1px solid var(--placet-border);
        border-radius: 8px;
        min-height: 32px;
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .account summary::-webkit-details-marker {
        display: none;
      }
      .account summary:focus-visible {
        outline: 2px solid var(--placet-accent);
        outline-offset: 2px;
      }
      .account .menu {
        position: absolute;
        right: 0;
        top: calc(100% + 6px);
        z-index: 20;
        display: grid;
        gap: 4px;
        min-width: 220px;
        padding: 8px;
        background: var(--placet-surface);
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        box-shadow: 0 8px 24px rgb(0 0 0 / 14%);
      }
      .account .menu .who {
        padding: 4px 6px 8px;
        border-bottom: 1px solid var(--placet-border);
        margin-bottom: 4px;
        font-size: 13px;
        overflow-wrap: anywhere;
      }
      .account .menu button {
        text-align: left;
        min-height: 40px;
      }
      /* Tablets: two columns. The inbox is its own list beside the open review, without the agent list. */
      @media (max-width: 1100px) {
        :host([data-view='inbox']) {
          grid-template-columns: minmax(0, 1fr);
        }
        :host([data-view='inbox']) aside {
          display: none;
        }
      }
      /* Phones: one column (the agent list, or what it opened), the views in a bottom bar. */
      @media (max-width: 720px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
          padding-bottom: calc(60px + env(safe-area-inset-bottom, 0px));
          box-sizing: border-box;
        }
        :host([data-pane='main']) aside,
        :host([data-pane='list']) main {
          display: none;
        }
        aside {
          border-right: none;
        }
        .top {
          padding: 6px 12px;
          gap: 8px;
        }
        nav.views {
          position: fixed;
          z-index: 15;
          left: 0;
          right: 0;
          bottom: 0;
          padding: 4px 8px calc(4px + env(safe-area-inset-bottom, 0px));
          background: var(--placet-surface);
          border-top: 1px solid var(--placet-border);
          justify-content: space-around;
        }
        nav.views a {
          flex: 1;
          min-height: 48px;
          display: inline-flex;
          align-items: center;
          justify-content: center;
          gap: 6px;
        }
        .account summary {
          min-height: 44px;
          min-width: 44px;
          justify-content: center;
        }
        .account .label {
          display: none;
        }
      }
    `,
  ];
  static override properties = {
    user: { state: true },
    phase: { state: true },
    channels: { state: true },
    view: { state: true },
    selected: { state: true },
    pendingCount: { state: true },
    notice: { state: true },
    theme: { state: true },
    connection: { state: true },
    changingPassword: { state: true },
  };
  declare user: User | undefined;
  declare phase: 'starting' | 'signed-out' | 'ready';
  declare channels: Channel[];
  /** `#/chats/<id>`, `#/inbox` (optionally `#/inbox/<messageId>`) or `#/settings`. */
  declare view: 'chats' | 'inbox' | 'settings';
  declare selected: string | undefined;
  /** Pending reviews across all agents (the Inbox badge). */
  declare pendingCount: number;
  /** A one-line message in the top bar (e.g. notifications blocked). */
  declare notice: string;
  declare theme: Theme;
  declare connection: string;
  declare changingPassword: boolean;

  readonly config = readConfig();
  readonly api = new Api(this.config);
  readonly realtime = new Realtime(this.config.wsPath);
  readonly types = new ReviewTypes(this.api);
  readonly notifier = new Notifier();
  /** What this person sent that the server has not acknowledged: sent again when the connection is back. */
  readonly outbox = new Outbox(this.api);
  #off: (() => void)[] = [];
  #media = window.matchMedia('(prefers-color-scheme: dark)');
  /** Set while signing out (or ending a session found gone): a 401 meanwhile is expected. */
  #leaving = false;

  constructor() {
    super();
    this.phase = 'starting';
    this.channels = [];
    this.view = 'chats';
    this.pendingCount = 0;
    this.notice = '';
    this.theme = (localStorage.getItem(THEME_KEY) as Theme | null) ?? 'system';
    this.connection = 'closed';
    this.changingPassword = false;
    this.api.onUnauthorized = () => {
      if (this.phase === 'ready') void this.#sessionEnded();
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

  /** Which pane a phone shows (one column): the agent list, or the chat, inbox or settings it opened. */
  override willUpdate() {
    this.dataset.pane = this.view === 'chats' && !this.selected ? 'list' : 'main';
    this.dataset.view = this.view;
  }

  get resolvedTheme(): 'light' | 'dark' {
    return this.theme === 'system' ? (this.#media.matches ? 'dark' : 'light') : this.theme;
  }

  #applyTheme = () => {
    document.documentElement.dataset.theme = this.resolvedTheme;
    this.requestUpdate();
  };

  #route = () => {
    const hash = location.hash;
    if (hash.startsWith('#/inbox')) this.view = 'inbox';
    else if (hash.startsWith('#/settings')) this.view = 'settings';
    else this.view = 'chats';
    // Ids are lowercase alphanumeric: anything else in the address names no chat (and cannot throw).
    const match = /^#\/chats\/([a-z0-9]{1,64})(?:[/?]|$)/.exec(hash);
    this.selected = match ? match[1] : undefined;
  };

  async #start() {
    try {
      const { user } = await this.api.me();
      await this.#signedIn(user);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        // No session (it expired or was revoked while no page was open): whoever this browser got pushes
        // for is not signed in any more.
        await forgetEveryDevice().catch(() => {});
        this.#signedOut();
      } else if (error instanceof ApiError && error.code === 'PASSWORD_CHANGE_REQUIRED') this.#forcedChange();
      else this.#signedOut();
    }
  }

  #signedOut() {
    this.realtime.stop();
    for (const off of this.#off) off();
    this.#off = [];
    this.user = undefined;
    session.user = undefined;
    if (this.config.authBase === false && this.config.loginUrl) {
      location.assign(loginHref(this.config.loginUrl, location));
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
    await this.realtime.opened();
    await Promise.all([this.#loadAgents(), this.types.load().catch(() => {}), this.#countPending()]);
    this.phase = 'ready';
  }

  #counting: Promise<void> | undefined;
  #countAgain = false;
  /** Refreshes the Inbox badge; calls that arrive while one runs are folded into one more. */
  async #countPending(): Promise<void> {
    if (this.#counting) {
      this.#countAgain = true;
      return this.#counting;
    }
    this.#counting = (async () => {
      do {
        this.#countAgain = false;
        try {
          // The reviews of one's own channels, plus those of others' channels that name one as an
          // assignee (one's own assigned ones are in the first count already).
          const [mine, assigned] = await Promise.all([
            this.api.reviewCount({ status: 'pending' }),
            this.api.reviewCount({ scope: 'assigned', status: 'pending', excludeOwn: 'true' }),
          ]);
          this.pendingCount = mine.count + assigned.count;
        } catch {
          // The badge keeps its last value; the next event refreshes it.
        }
      } while (this.#countAgain);
    })();
    try {
      await this.#counting;
    } finally {
      this.#counting = undefined;
    }
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
        const name = this.channels.find((c) => c.id === m.channelId)?.name ?? m.agentName ?? 'Agent';
        this.notifier.consider(m, name, this.view === 'chats' ? this.selected : undefined, (id) => {
          location.hash = `#/chats/${encodeURIComponent(id)}`;
        });
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
      // A streamed reply grows in place: keep the list's preview in step with it.
      rt.on<Message>('message:updated', (m) =>
        patch(m.channelId, (c) =>
          c.lastMessage?.id === m.id ? { ...c, lastMessage: { ...c.lastMessage, text: m.text } } : c,
        ),
      ),
      rt.on('message:deleted', () => {
        void this.#loadAgents();
        void this.#countPending();
      }),
      rt.on<Message>('message:created', (m) => m.review && void this.#countPending()),
      rt.on('review:responded', () => void this.#countPending()),
      rt.on('review:expired', () => void this.#countPending()),
      // "Mark all read" here or in another tab: the agents' unread counts follow.
      rt.on('inbox:read', () => void this.#loadAgents()),
      rt.on<string>('connection', (state) => {
        this.connection = state;
        if (state === 'open') void this.outbox.flush();
      }),
      (() => {
        const resync = () => {
          void this.#loadAgents();
          void this.#countPending();
        };
        rt.addEventListener('resync', resync);
        return () => rt.removeEventListener('resync', resync);
      })(),
      (() => {
        // The session may be gone (signed out in another tab): asking who we are shows the sign-in on 401.
        const revoked = () => void this.api.me().catch(() => {});
        rt.addEventListener('revoked', revoked);
        return () => rt.removeEventListener('revoked', revoked);
      })(),
    ];
  }

  async #logout() {
    if (this.#leaving) return;
    this.#leaving = true;
    try {
      // First, while the session still works: this browser's push device goes with the session, so that
      // reviews are not pushed to a browser nobody is signed in to.
      const user = this.user;
      if (user) {
        const settings = new SettingsApi(this.api);
        await signOutThisDevice(user.id, (id) => settings.removePushDevice(id));
      }
      await this.api.logout().catch(() => {});
    } finally {
      this.#leaving = false;
    }
    this.#signedOut();
  }

  /**
   * The session is gone without a sign-out here (revoked, expired, signed out in another tab): the server
   * no longer takes it, so this browser's device cannot be removed there; its subscription ends, and the
   * server drops the device when its next push is refused.
   */
  async #sessionEnded() {
    if (this.#leaving) return;
    this.#leaving = true;
    try {
      const user = this.user;
      if (user) await forgetThisDevice(user.id).catch(() => {});
    } finally {
      this.#leaving = false;
    }
    this.#signedOut();
  }

  async #toggleNotifications() {
    if (this.notifier.enabled) this.notifier.disable();
    else if (!(await this.notifier.enable())) {
      this.notice = 'Notifications are blocked for this site: allow them in the browser’s site settings.';
    }
    this.requestUpdate();
  }

  #setTheme(theme: Theme) {
    this.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
    this.#applyTheme();
  }

  #cycleTheme() {
    const order: Theme[] = ['system', 'light', 'dark'];
    this.#setTheme(order[(order.indexOf(this.theme) + 1) % order.length]!);
  }

  #main(channel: Channel | undefined) {
    if (this.view === 'inbox') {
      return html`<placet-inbox
        .api=${this.api}
        .realtime=${this.realtime}
        .types=${this.types}
        .channels=${this.channels}
        .theme=${this.resolvedTheme}
      ></placet-inbox>`;
    }
    if (this.view === 'settings') {
      return html`<placet-settings
        .api=${this.api}
        .types=${this.types}
        .user=${this.user}
        .theme=${this.theme}
        @theme-change=${(e: CustomEvent<Theme>) => this.#setTheme(e.detail)}
      ></placet-settings>`;
    }
    if (channel) {
      return html`<placet-chat
        .api=${this.api}
        .outbox=${this.outbox}
        .realtime=${this.realtime}
        .types=${this.types}
        .channel=${channel}
        .theme=${this.resolvedTheme}
      ></placet-chat>`;
    }
    return html`<p class="placeholder muted">${this.channels.length ? 'Choose an agent.' : ''}</p>`;
  }

  /** The account menu: who is signed in, notifications, theme, password, sign out. */
  #accountMenu() {
    const user = this.user;
    const close = (e: Event) => (e.currentTarget as HTMLElement).closest('details')?.removeAttribute('open');
    return html`<details class="account" @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        const details = e.currentTarget as HTMLDetailsElement;
        details.open = false;
        details.querySelector('summary')?.focus();
      }
    }}>
      <summary title="Account menu">
        ${icon('user')}<span class="label">${user?.displayName ?? 'Account'}</span
        ><span class="sr-only">Account menu</span>
      </summary>
      <div class="menu">
        ${user ? html`<div class="who"><strong>${user.displayName}</strong><br /><span class="muted">${user.email}</span></div>` : nothing}
        ${
          this.notifier.supported
            ? html`<button type="button" data-notifications=${this.notifier.enabled ? 'on' : 'off'} @click=${this.#toggleNotifications}>
              ${this.notifier.enabled ? 'Notifications on' : 'Enable notifications'}
            </button>`
            : nothing
        }
        <button type="button" @click=${this.#cycleTheme} aria-label="Theme: ${this.theme}">Theme: ${this.theme}</button>
        ${
          this.config.authBase === false
            ? nothing
            : html`<button
                type="button"
                @click=${(e: Event) => {
                  close(e);
                  this.changingPassword = true;
                  this.toggleAttribute('signed-out', true);
                }}
              >
                Password
              </button>
              <button type="button" @click=${(e: Event) => {
                close(e);
                void this.#logout();
              }}>Sign out</button>`
        }
      </div>
    </details>`;
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
        <nav class="views" aria-label="Views">
          <a href="#/chats${this.selected ? `/${this.selected}` : ''}" aria-current=${this.view === 'chats' ? 'page' : 'false'}>${icon('chats')}Chats</a>
          <a href="#/inbox" aria-current=${this.view === 'inbox' ? 'page' : 'false'} data-nav="inbox"
            >${icon('inbox')}Inbox${
              this.pendingCount
                ? html` <span class="count" data-pending-count aria-label="${this.pendingCount} pending">${this.pendingCount}</span>`
                : nothing
            }</a
          >
          <a href="#/settings" aria-current=${this.view === 'settings' ? 'page' : 'false'}>${icon('settings')}Settings</a>
        </nav>
        <span class="sr-only" role="status" data-connection=${this.connection}
          >${this.connection === 'open' ? '' : this.connection === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}</span
        >
        ${
          this.connection === 'open'
            ? nothing
            : html`<span class="banner" data-banner=${this.connection} aria-hidden="true"
                >${this.connection === 'connecting' ? 'Connecting…' : html`${icon('offline')}Offline — reconnecting`}</span
              >`
        }
        ${this.notice ? html`<span class="conn" role="status">${this.notice}</span>` : nothing}
        ${this.#accountMenu()}
      </div>
      <aside>
        <placet-agent-list .channels=${this.channels} .selected=${this.selected}></placet-agent-list>
      </aside>
      <main
        @channel-read=${(e: CustomEvent<string>) => {
          this.channels = this.channels.map((c) => (c.id === e.detail ? { ...c, unreadCount: 0 } : c));
        }}
        @review-read=${() => void this.#loadAgents()}
      >
        ${this.#main(channel)}
      </main>`;
  }
}
