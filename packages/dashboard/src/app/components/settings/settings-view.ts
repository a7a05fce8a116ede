import { css, html, LitElement, type PropertyValues } from 'lit';
import type { Api } from '../../api.js';
import type { ReviewTypes } from '../../review-types.js';
import type { User } from '../../types.js';
import { controls } from '../styles.js';
import { PlacetApiKeysSection } from './api-keys-section.js';
import { PlacetAppearanceSection, type Theme } from './appearance-section.js';
import { PlacetChannelAvatar } from './channel-avatar.js';
import { PlacetChannelSettings } from './channel-settings.js';
import { PlacetWebhookForm } from './channel-webhook-form.js';
import { PlacetChannelsSection } from './channels-section.js';
import { PlacetConfirmButton } from './confirm-button.js';
import { PlacetDeliveryLog } from './delivery-log.js';
import { PlacetGroupsSection } from './groups-section.js';
import { PlacetNotificationsSection } from './notifications-section.js';
import { PlacetPluginsSection } from './plugins-section.js';
import { PlacetPushDevices } from './push-devices.js';
import { PlacetSecretOnce } from './secret-once.js';
import { SettingsApi } from './settings-api.js';
import { PlacetUsersSection } from './users-section.js';

/** The elements of the Settings view; defined with it (the app's entry registers only `placet-settings`). */
const ELEMENTS: [string, CustomElementConstructor][] = [
  ['placet-confirm-button', PlacetConfirmButton],
  ['placet-secret-once', PlacetSecretOnce],
  ['placet-settings-api-keys', PlacetApiKeysSection],
  ['placet-settings-channels', PlacetChannelsSection],
  ['placet-channel-settings', PlacetChannelSettings],
  ['placet-channel-avatar', PlacetChannelAvatar],
  ['placet-webhook-form', PlacetWebhookForm],
  ['placet-delivery-log', PlacetDeliveryLog],
  ['placet-settings-plugins', PlacetPluginsSection],
  ['placet-settings-users', PlacetUsersSection],
  ['placet-settings-groups', PlacetGroupsSection],
  ['placet-settings-appearance', PlacetAppearanceSection],
  ['placet-settings-notifications', PlacetNotificationsSection],
  ['placet-push-devices', PlacetPushDevices],
];

function defineSettingsElements(): void {
  for (const [name, element] of ELEMENTS) {
    if (!customElements.get(name)) customElements.define(name, element);
  }
}

type Section = 'api-keys' | 'channels' | 'notifications' | 'plugins' | 'users' | 'groups' | 'appearance';

const SECTIONS: { id: Section; label: string; ownerOnly?: boolean }[] = [
  { id: 'api-keys', label: 'API keys' },
  { id: 'channels', label: 'Channels' },
  { id: 'notifications', label: 'Notifications' },
  { id: 'plugins', label: 'Plugins' },
  { id: 'users', label: 'Users', ownerOnly: true },
  { id: 'groups', label: 'Groups' },
  { id: 'appearance', label: 'Appearance' },
];

/**
 * Settings: API keys, channels (webhooks, delivery log), notifications (preferences, web push devices),
 * plugins, users (owners), groups (owners change them, members read them), theme. The section is part of the address (`#/settings/<section>[/<channel id>]`), so it survives a reload and Back works.
 * Dispatches `theme-change` (`detail: 'light' | 'dark' | 'system'`).
 */
export class PlacetSettings extends LitElement {
  static override styles = [
    controls,
    css`
      :host {
        display: grid;
        grid-template-columns: 190px 1fr;
        height: 100%;
        min-height: 0;
      }
      nav {
        border-right: 1px solid var(--placet-border);
        padding: 16px 8px;
      }
      nav h2 {
        font-size: 13px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--placet-muted);
        margin: 0 8px 8px;
      }
      nav ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 2px;
      }
      nav a {
        display: block;
        padding: 7px 10px;
        border-radius: 8px;
        color: inherit;
        text-decoration: none;
      }
      nav a:hover {
        background: color-mix(in srgb, var(--placet-accent) 8%, transparent);
      }
      nav a[aria-current='page'] {
        background: color-mix(in srgb, var(--placet-accent) 16%, transparent);
        font-weight: 600;
      }
      .content {
        overflow-y: auto;
        padding: 20px 24px 40px;
        min-width: 0;
      }
      .content > * {
        max-width: 1000px;
      }
      /* Phones: one column. The sections become a row that scrolls sideways above the content. */
      @media (max-width: 720px) {
        :host {
          grid-template-columns: minmax(0, 1fr);
          grid-template-rows: auto minmax(0, 1fr);
        }
        nav {
          border-right: none;
          border-bottom: 1px solid var(--placet-border);
          padding: 4px 8px;
          min-width: 0;
        }
        nav h2 {
          display: none;
        }
        nav ul {
          display: flex;
          gap: 4px;
          overflow-x: auto;
        }
        nav a {
          min-height: 44px;
          box-sizing: border-box;
          display: inline-flex;
          align-items: center;
          white-space: nowrap;
        }
        .content {
          padding: 16px 12px 32px;
        }
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    types: { attribute: false },
    user: { attribute: false },
    theme: {},
    section: { state: true },
    detail: { state: true },
  };
  declare api: Api;
  declare types: ReviewTypes;
  declare user: User;
  declare theme: Theme;
  declare section: Section;
  /** What follows the section in the address: the open channel's id. */
  declare detail: string | undefined;
  #client: SettingsApi | undefined;

  constructor() {
    super();
    defineSettingsElements();
    this.theme = 'system';
    this.section = 'api-keys';
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.#route);
    this.#route();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.#route);
  }

  override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('api') && this.api) this.#client = new SettingsApi(this.api);
    // Users is for owners only: the section is decided again when the user is known.
    if (changed.has('user')) this.#route();
  }

  #route = () => {
    const match = /^#\/settings(?:\/([^/?#]+))?(?:\/([^/?#]+))?/.exec(location.hash);
    const wanted = match?.[1] as Section | undefined;
    const visible = this.#sections();
    this.section = visible.some((s) => s.id === wanted) ? wanted! : 'api-keys';
    this.detail = match?.[2] ? decodeURIComponent(match[2]) : undefined;
  };

  #sections() {
    return SECTIONS.filter((s) => !s.ownerOnly || this.user?.role === 'owner');
  }

  #content() {
    const client = this.#client!;
    switch (this.section) {
      case 'channels':
        return html`<placet-settings-channels .client=${client} .selected=${this.detail}></placet-settings-channels>`;
      case 'notifications':
        return html`<placet-settings-notifications .client=${client}></placet-settings-notifications>`;
      case 'plugins':
        return html`<placet-settings-plugins .client=${client} .types=${this.types}></placet-settings-plugins>`;
      case 'users':
        return html`<placet-settings-users .client=${client} .user=${this.user}></placet-settings-users>`;
      case 'groups':
        return html`<placet-settings-groups .client=${client} .user=${this.user}></placet-settings-groups>`;
      case 'appearance':
        return html`<placet-settings-appearance .theme=${this.theme}></placet-settings-appearance>`;
      default:
        return html`<placet-settings-api-keys .client=${client}></placet-settings-api-keys>`;
    }
  }

  override render() {
    return html`<nav aria-label="Settings sections">
        <h2>Settings</h2>
        <ul>
          ${this.#sections().map(
            (s) => html`<li>
              <a href="#/settings/${s.id}" data-section=${s.id} aria-current=${this.section === s.id ? 'page' : 'false'}
                >${s.label}</a
              >
            </li>`,
          )}
        </ul>
      </nav>
      <div class="content" data-section=${this.section} tabindex="0" role="region" aria-label=${`Settings: ${SECTIONS.find((s) => s.id === this.section)?.label ?? this.section}`}>${this.#client ? this.#content() : ''}</div>`;
  }
}
