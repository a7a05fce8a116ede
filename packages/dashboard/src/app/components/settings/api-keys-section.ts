import { html, LitElement, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Channel } from '../../types.js';
import { controls } from '../styles.js';
import type { ApiKeyWithSecret, PublicApiKey, SettingsApi } from './settings-api.js';
import { field, type Problem, problemView, sectionStyles, toProblem, when } from './settings-shared.js';

/**
 * API keys: list (label, prefix, scope, created, last used), create with a label (the raw key is shown
 * once, with Copy), rotate (a new raw key, the old one stops at once) and revoke, each after a confirm step.
 */
export class PlacetApiKeysSection extends LitElement {
  static override styles = [controls, sectionStyles];
  static override properties = {
    client: { attribute: false },
    keys: { state: true },
    channels: { state: true },
    loading: { state: true },
    busy: { state: true },
    problem: { state: true },
    fresh: { state: true },
    notice: { state: true },
  };
  declare client: SettingsApi;
  declare keys: PublicApiKey[];
  declare channels: Channel[];
  declare loading: boolean;
  declare busy: boolean;
  declare problem: Problem | undefined;
  /** The key whose raw value is on screen (just created or rotated). */
  declare fresh: (ApiKeyWithSecret & { rotated: boolean }) | undefined;
  declare notice: string;

  constructor() {
    super();
    this.keys = [];
    this.channels = [];
    this.loading = true;
    this.busy = false;
    this.notice = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.loading = true;
    try {
      const [keys, channels] = await Promise.all([
        this.client.apiKeys(),
        this.client.channels().catch(() => []),
      ]);
      this.keys = keys;
      this.channels = channels;
      this.problem = undefined;
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.loading = false;
    }
  }

  async #run(work: () => Promise<void>) {
    this.busy = true;
    this.problem = undefined;
    this.notice = '';
    try {
      await work();
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  #create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const channelId = field(data, 'channelId');
    return this.#run(async () => {
      const created = await this.client.createApiKey({
        label: field(data, 'label'),
        ...(channelId ? { channelId } : {}),
      });
      const { key: _secret, ...listed } = created;
      this.keys = [...this.keys, listed];
      this.fresh = { ...created, rotated: false };
      form.reset();
    });
  }

  #rotate(key: PublicApiKey) {
    return this.#run(async () => {
      const rotated = await this.client.rotateApiKey(key.id);
      const { key: _secret, ...listed } = rotated;
      this.keys = this.keys.map((k) => (k.id === key.id ? listed : k));
      this.fresh = { ...rotated, rotated: true };
    });
  }

  #revoke(key: PublicApiKey) {
    return this.#run(async () => {
      await this.client.revokeApiKey(key.id);
      this.keys = this.keys.filter((k) => k.id !== key.id);
      if (this.fresh?.id === key.id) this.fresh = undefined;
      this.notice = `Key “${key.label}” revoked: requests with it now get 401.`;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('h2')?.focus();
    });
  }

  #scope(key: PublicApiKey) {
    if (!key.channelId) return 'All channels';
    return this.channels.find((c) => c.id === key.channelId)?.name ?? key.channelId;
  }

  override render() {
    return html`<h2 tabindex="-1">API keys</h2>
      <p class="intro muted">
        Agents authenticate with an API key: header <code>x-api-key</code> or <code>Authorization: Bearer</code>. Only
        its first characters are kept visible; the full key is shown once, when it is made.
      </p>
      <form class="inline card" aria-label="Create an API key" @submit=${this.#create}>
        <label>Key label <input name="label" required maxlength="64" placeholder="e.g. Deploy bot" autocomplete="off" /></label>
        <label
          >Channel scope
          <select name="channelId">
            <option value="">All channels</option>
            ${this.channels.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
          </select>
        </label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Create key</button>
      </form>
      ${problemView(this.problem)}
      ${this.notice ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
      ${
        this.fresh
          ? html`<placet-secret-once
              data-key-id=${this.fresh.id}
              label=${`${this.fresh.rotated ? 'Rotated' : 'New'} API key “${this.fresh.label}”`}
              .value=${this.fresh.key}
              @dismiss=${() => {
                this.fresh = undefined;
              }}
            ></placet-secret-once>`
          : nothing
      }
      ${
        this.loading
          ? html`<p class="muted">Loading…</p>`
          : this.keys.length === 0
            ? html`<p class="muted empty">No API keys yet.</p>`
            : html`<table>
              <caption class="sr-only">Your API keys</caption>
              <thead>
                <tr><th scope="col">Label</th><th scope="col">Key</th><th scope="col">Scope</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr>
              </thead>
              <tbody>
                ${repeat(
                  this.keys,
                  (k) => k.id,
                  (k) => html`<tr data-key-id=${k.id}>
                    <th scope="row">${k.label}</th>
                    <td><code>${k.keyPrefix}…</code></td>
                    <td>${this.#scope(k)}</td>
                    <td>${when(k.createdAt)}</td>
                    <td>${k.lastUsedAt ? when(k.lastUsedAt) : html`<span class="muted">Never</span>`}</td>
                    <td>
                      <div class="actions">
                      <placet-confirm-button
                        label="Rotate"
                        accessible-name=${`Rotate key ${k.label}`}
                        question="The old key stops working at once."
                        action="Yes, rotate"
                        ?disabled=${this.busy}
                        @confirm=${() => void this.#rotate(k)}
                      ></placet-confirm-button>
                      <placet-confirm-button
                        label="Revoke"
                        accessible-name=${`Revoke key ${k.label}`}
                        question=${`Revoke “${k.label}”? Agents using it get 401 at once.`}
                        action="Yes, revoke"
                        ?disabled=${this.busy}
                        @confirm=${() => void this.#revoke(k)}
                      ></placet-confirm-button>
                      </div>
                    </td>
                  </tr>`,
                )}
              </tbody>
            </table>`
      }`;
  }
}
