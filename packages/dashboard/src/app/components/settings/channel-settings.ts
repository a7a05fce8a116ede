import { css, html, LitElement, nothing } from 'lit';
import type { Channel } from '../../types.js';
import { controls } from '../styles.js';
import type { SettingsApi } from './settings-api.js';
import { field, invalid, type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';

/**
 * One channel's settings: name, description and tag (`PATCH /agents/:id`), its avatar, its webhook, the webhook
 * signing secret (rotated, shown once), its delivery log, and delete (after a confirm step).
 * Dispatches `channel-changed` (the channel) and `channel-deleted` (its id).
 */
export class PlacetChannelSettings extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      h2 {
        margin-bottom: 16px;
      }
      .id {
        font-size: 13px;
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    channel: { attribute: false },
    busy: { state: true },
    problem: { state: true },
    secretProblem: { state: true },
    deleteProblem: { state: true },
    saved: { state: true },
    secret: { state: true },
  };
  declare client: SettingsApi;
  declare channel: Channel;
  declare busy: boolean;
  declare problem: Problem | undefined;
  declare secretProblem: Problem | undefined;
  declare deleteProblem: Problem | undefined;
  declare saved: string;
  /** A signing secret just made: shown once. */
  declare secret: string;

  constructor() {
    super();
    this.busy = false;
    this.saved = '';
    this.secret = '';
  }

  #emit(channel: Channel) {
    this.dispatchEvent(
      new CustomEvent<Channel>('channel-changed', { detail: channel, bubbles: true, composed: true }),
    );
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    this.busy = true;
    this.problem = undefined;
    this.saved = '';
    try {
      const updated = await this.client.updateChannel(this.channel.id, {
        name: field(data, 'name'),
        description: field(data, 'description') || null,
        tag: field(data, 'tag') || null,
      });
      this.#emit(updated);
      this.saved = 'Saved.';
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #rotateSecret() {
    this.secretProblem = undefined;
    try {
      const { webhookSecret } = await this.client.rotateWebhookSecret(this.channel.id);
      this.secret = webhookSecret;
      this.#emit({ ...this.channel, hasSigningSecret: true });
    } catch (error) {
      this.secretProblem = toProblem(error);
    }
  }

  async #delete() {
    this.deleteProblem = undefined;
    try {
      await this.client.deleteChannel(this.channel.id);
      this.dispatchEvent(
        new CustomEvent<string>('channel-deleted', {
          detail: this.channel.id,
          bubbles: true,
          composed: true,
        }),
      );
    } catch (error) {
      this.deleteProblem = toProblem(error);
    }
  }

  override render() {
    const c = this.channel;
    return html`<h2 data-channel-id=${c.id}>${c.name} <span class="id muted mono">${c.id}</span></h2>
      <section class="card" aria-labelledby="general">
        <h3 id="general">General</h3>
        <form class="stack" aria-label="Channel details" @submit=${this.#save}>
          <label
            >Name
            <input name="name" required maxlength="200" .value=${c.name} aria-invalid=${invalid(this.problem, 'name')} />
          </label>
          <label
            >Description
            <textarea name="description" rows="2" maxlength="2000" .value=${c.description ?? ''} aria-invalid=${invalid(this.problem, 'description')}></textarea>
          </label>
          <label
            >Tag
            <input name="tag" maxlength="64" .value=${c.tag ?? ''} autocomplete="off" aria-invalid=${invalid(this.problem, 'tag')} />
          </label>
          ${problemView(this.problem)}
          <div class="actions">
            <button class="primary" type="submit" ?disabled=${this.busy}>Save details</button>
            <span class="muted" role="status">${this.saved}</span>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="avatar">
        <h3 id="avatar">Avatar</h3>
        <placet-channel-avatar .client=${this.client} .channel=${c}></placet-channel-avatar>
      </section>
      <section class="card" aria-labelledby="webhook">
        <h3 id="webhook">Webhook</h3>
        <placet-webhook-form .client=${this.client} .channel=${c}></placet-webhook-form>
      </section>
      <section class="card" aria-labelledby="signing">
        <h3 id="signing">Signing secret</h3>
        <p class="muted">
          ${
            c.hasSigningSecret
              ? 'Deliveries are signed (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature).'
              : 'No signing secret yet: deliveries are not signed. One is made the first time the webhook is set.'
          }
        </p>
        ${
          c.hasSigningSecret
            ? html`<placet-confirm-button
                label="Rotate signing secret"
                question="The current secret stops signing at once."
                action="Yes, rotate secret"
                @confirm=${() => void this.#rotateSecret()}
              ></placet-confirm-button>`
            : html`<button type="button" @click=${() => void this.#rotateSecret()}>Create signing secret</button>`
        }
        ${problemView(this.secretProblem)}
        ${
          this.secret
            ? html`<placet-secret-once
                label="Signing secret"
                .value=${this.secret}
                @dismiss=${() => {
                  this.secret = '';
                }}
              ></placet-secret-once>`
            : nothing
        }
      </section>
      <section class="card" aria-labelledby="deliveries">
        <h3 id="deliveries">Delivery log</h3>
        <placet-delivery-log .client=${this.client} .channelId=${c.id}></placet-delivery-log>
      </section>
      <section class="card" aria-labelledby="danger">
        <h3 id="danger">Delete</h3>
        <p class="muted">Deletes the channel with its messages, reviews and files.</p>
        <placet-confirm-button
          label="Delete channel"
          question=${`Delete “${c.name}” and everything in it?`}
          action="Yes, delete channel"
          @confirm=${() => void this.#delete()}
        ></placet-confirm-button>
        ${problemView(this.deleteProblem)}
      </section>`;
  }
}
