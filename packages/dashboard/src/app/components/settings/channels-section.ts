import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Channel } from '../../types.js';
import { controls } from '../styles.js';
import type { SettingsApi } from './settings-api.js';
import { field, invalid, type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';

/**
 * Channels (agents): the list, create, and — for the channel named in `#/settings/channels/<id>` — its
 * settings (name, description, tag, webhook, signing secret, delivery log, delete).
 */
export class PlacetChannelsSection extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      ul.channels {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      ul.channels a {
        display: grid;
        grid-template-columns: 1fr auto;
        gap: 2px 12px;
        padding: 10px 12px;
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        background: var(--placet-surface);
        color: inherit;
        text-decoration: none;
      }
      ul.channels a:hover {
        border-color: var(--placet-accent);
      }
      .name {
        font-weight: 600;
      }
      .meta {
        font-size: 13px;
      }
      .back {
        display: inline-block;
        margin-bottom: 12px;
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    selected: { attribute: false },
    channels: { state: true },
    loading: { state: true },
    busy: { state: true },
    problem: { state: true },
  };
  declare client: SettingsApi;
  /** The channel id of `#/settings/channels/<id>`, if any. */
  declare selected: string | undefined;
  declare channels: Channel[];
  declare loading: boolean;
  declare busy: boolean;
  declare problem: Problem | undefined;

  constructor() {
    super();
    this.channels = [];
    this.loading = true;
    this.busy = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  override updated(changed: PropertyValues<this>) {
    // Coming back to the list: focus the link of the channel that was open.
    const previous = changed.get('selected');
    if (changed.has('selected') && previous && !this.selected) {
      this.renderRoot.querySelector<HTMLElement>(`a[data-channel-id="${CSS.escape(previous)}"]`)?.focus();
    }
  }

  async #load() {
    this.loading = true;
    try {
      this.channels = await this.client.channels();
      this.problem = undefined;
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.loading = false;
    }
  }

  async #create(event: SubmitEvent) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const description = field(data, 'description');
    this.busy = true;
    this.problem = undefined;
    try {
      const channel = await this.client.createChannel({
        name: field(data, 'name'),
        ...(description ? { description } : {}),
      });
      this.channels = [...this.channels, channel];
      form.reset();
      location.hash = `#/settings/channels/${encodeURIComponent(channel.id)}`;
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  #changed(event: CustomEvent<Channel>) {
    const updated = event.detail;
    this.channels = this.channels.map((c) => (c.id === updated.id ? { ...c, ...updated } : c));
  }

  #deleted(event: CustomEvent<string>) {
    this.channels = this.channels.filter((c) => c.id !== event.detail);
    location.hash = '#/settings/channels';
  }

  override render() {
    if (this.selected) {
      const channel = this.channels.find((c) => c.id === this.selected);
      return html`<a class="back" href="#/settings/channels">← All channels</a>
        ${
          channel
            ? html`<placet-channel-settings
                .client=${this.client}
                .channel=${channel}
                @channel-changed=${this.#changed}
                @channel-deleted=${this.#deleted}
              ></placet-channel-settings>`
            : this.loading
              ? html`<p class="muted">Loading…</p>`
              : html`${problemView(this.problem)}<p class="error" role="alert">This channel does not exist (any more).</p>`
        }`;
    }
    return html`<h2>Channels</h2>
      <p class="intro muted">
        Each agent talks in its own channel. Configure its name, tag and webhook, see its deliveries, or delete it.
      </p>
      <form class="inline card" aria-label="Create a channel" @submit=${this.#create}>
        <label
          >Channel name
          <input name="name" required maxlength="200" autocomplete="off" aria-invalid=${invalid(this.problem, 'name')} />
        </label>
        <label
          >Description (optional)
          <input name="description" maxlength="2000" autocomplete="off" aria-invalid=${invalid(this.problem, 'description')} />
        </label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Create channel</button>
      </form>
      ${problemView(this.problem)}
      ${
        this.loading
          ? html`<p class="muted">Loading…</p>`
          : this.channels.length === 0
            ? html`<p class="muted empty">No channels yet.</p>`
            : html`<ul class="channels" aria-label="Channels">
              ${repeat(
                this.channels,
                (c) => c.id,
                (c) => html`<li>
                  <a href="#/settings/channels/${encodeURIComponent(c.id)}" data-channel-id=${c.id}>
                    <span class="name">${c.name}</span>
                    <span class="meta muted">${c.tag ? html`#${c.tag}` : nothing}</span>
                    <span class="meta muted">${c.description ?? ''}</span>
                    <span class="meta muted">${c.webhookUrl ? 'Webhook set' : 'No webhook'}</span>
                  </a>
                </li>`,
              )}
            </ul>`
      }`;
  }
}
