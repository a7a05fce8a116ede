import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { Channel } from '../../types.js';
import { controls } from '../styles.js';
import type { SettingsApi } from './settings-api.js';
import { invalid, type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';
import { type HeaderRow, planWebhookSave } from './webhook-plan.js';
import { type WebhookWarning, webhookWarning } from './webhook-warning.js';

const KEPT = 'Saved (hidden)';

/**
 * A channel's webhook: URL, custom header rows (add/remove), Basic auth (password show/hide), remove.
 * Saved secrets are never prefilled (the server only says `***`): an empty secret field keeps the saved
 * value — see {@link planWebhookSave}. The signing secret made on the first save is shown once.
 * The saved URL is checked against the server's outbound rules (`POST /webhooks/check`, which sends
 * nothing) when it is saved and when the form opens: a URL every delivery would be refused for gets a
 * warning under the field (the save itself stands; the server's operator may allow the host later).
 * Dispatches `channel-changed`.
 */
export class PlacetWebhookForm extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      fieldset {
        border: 1px solid var(--placet-border);
        border-radius: 8px;
        padding: 10px 12px;
        display: grid;
        gap: 8px;
      }
      legend {
        padding: 0 4px;
        font-size: 14px;
        font-weight: 600;
      }
      .header-row {
        display: grid;
        grid-template-columns: 1fr 1.4fr auto;
        gap: 8px;
        align-items: center;
      }
      .auth {
        display: grid;
        grid-template-columns: 1fr 1fr auto;
        gap: 8px;
        align-items: end;
      }
      .hint {
        font-size: 13px;
        margin: 0;
      }
      .warning {
        border: 1px solid var(--placet-warning);
        border-left-width: 4px;
        border-radius: 8px;
        padding: 8px 12px;
        background: color-mix(in srgb, var(--placet-warning) 10%, var(--placet-surface));
        color: var(--placet-fg);
        font-size: 14px;
        overflow-wrap: anywhere;
      }
      .warning p {
        margin: 0;
      }
      .warning p + p {
        margin-top: 4px;
      }
      /* Phones: the Basic auth fields one under the other. */
      @media (max-width: 480px) {
        .auth {
          grid-template-columns: minmax(0, 1fr);
          align-items: stretch;
        }
        .header-row {
          grid-template-columns: minmax(0, 1fr) minmax(0, 1fr) auto;
        }
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    channel: { attribute: false },
    rows: { state: true },
    showPassword: { state: true },
    busy: { state: true },
    problem: { state: true },
    saved: { state: true },
    secret: { state: true },
    warning: { state: true },
  };
  declare client: SettingsApi;
  declare channel: Channel;
  declare rows: HeaderRow[];
  declare showPassword: boolean;
  declare busy: boolean;
  declare problem: Problem | undefined;
  declare saved: string;
  declare secret: string;
  /** The saved URL's warning (refused by the server's outbound rules), if any. */
  declare warning: WebhookWarning | undefined;
  #url = '';
  #username = '';
  #password = '';
  #nextKey = 1;
  #synced = '';
  /** The URL the last check was asked for (null: none), so an answer for an older URL is dropped. */
  #checkedUrl: string | null = null;

  constructor() {
    super();
    this.rows = [];
    this.showPassword = false;
    this.busy = false;
    this.saved = '';
    this.secret = '';
  }

  override willUpdate(changed: PropertyValues<this>) {
    // A new channel, or its saved webhook changed: the form starts again from what the server has.
    if (!changed.has('channel')) return;
    const c = this.channel;
    const signature = JSON.stringify([c.id, c.webhookUrl, c.webhookHeaders, c.webhookAuth]);
    if (signature === this.#synced) return;
    this.#synced = signature;
    this.#url = c.webhookUrl ?? '';
    this.#username = c.webhookAuth?.username ?? '';
    this.#password = '';
    this.rows = Object.keys(c.webhookHeaders ?? {}).map((name) => ({
      key: this.#nextKey++,
      name,
      value: '',
      original: name,
    }));
    this.problem = undefined;
    // The saved URL: checked when the form opens with one, and whenever it changes.
    if ((c.webhookUrl ?? null) !== this.#checkedUrl) void this.#check(c.webhookUrl ?? null);
  }

  /**
   * Asks the server whether it would refuse `url` and keeps the warning for it. Nothing is sent to the
   * URL. A failed check (offline, an older server) warns about nothing: the delivery log still tells.
   */
  async #check(url: string | null) {
    // A warning about another URL goes at once: it would be wrong next to this one while it is checked.
    if (url !== this.#checkedUrl) this.warning = undefined;
    this.#checkedUrl = url;
    if (!url) {
      this.warning = undefined;
      return;
    }
    try {
      const verdict = await this.client.checkWebhook(url);
      if (this.#checkedUrl === url) this.warning = webhookWarning(url, verdict);
    } catch {
      if (this.#checkedUrl === url) this.warning = undefined;
    }
  }

  async #addRow() {
    this.rows = [...this.rows, { key: this.#nextKey++, name: '', value: '', original: null }];
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`input[name="header-name-${this.rows.length}"]`)?.focus();
  }

  async #removeRow(row: HeaderRow) {
    const index = this.rows.indexOf(row);
    this.rows = this.rows.filter((r) => r !== row);
    await this.updateComplete;
    const focus =
      this.renderRoot.querySelector<HTMLElement>(
        `button[data-remove="${Math.min(index + 1, this.rows.length)}"]`,
      ) ?? this.renderRoot.querySelector<HTMLElement>('button.add');
    focus?.focus();
  }

  #emit(channel: Channel) {
    this.dispatchEvent(
      new CustomEvent<Channel>('channel-changed', { detail: channel, bubbles: true, composed: true }),
    );
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    this.saved = '';
    const plan = planWebhookSave(this.channel, {
      url: this.#url,
      rows: this.rows,
      username: this.#username,
      password: this.#password,
    });
    if (plan.kind === 'invalid') {
      this.problem = plan.problem;
      return;
    }
    this.busy = true;
    this.problem = undefined;
    try {
      let channel: Channel;
      if (plan.kind === 'set') {
        const { webhookSecret, ...rest } = await this.client.setWebhook(plan.body);
        if (webhookSecret) this.secret = webhookSecret;
        channel = rest;
      } else {
        channel = await this.client.updateChannel(this.channel.id, plan.patch);
      }
      this.#emit(channel);
      this.saved = 'Webhook saved.';
      // Checked on every save (the same URL too: the server's rules may have changed), without holding
      // the form: a name lookup may take a while.
      void this.#check(channel.webhookUrl ?? null);
    } catch (error) {
      this.problem = toProblem(error);
    } finally {
      this.busy = false;
    }
  }

  async #remove() {
    this.problem = undefined;
    this.saved = '';
    try {
      this.#emit(await this.client.deleteWebhook(this.channel.id));
      this.saved = 'Webhook removed.';
    } catch (error) {
      this.problem = toProblem(error);
    }
  }

  #row(row: HeaderRow, index: number) {
    const n = index + 1;
    const path = `headers.${row.name.trim()}`;
    return html`<div class="header-row" data-header-row=${n}>
      <input
        name="header-name-${n}"
        aria-label="Header ${n} name"
        placeholder="X-Api-Token"
        autocomplete="off"
        spellcheck="false"
        .value=${row.name}
        aria-invalid=${invalid(this.problem, `headers[${index}]`) === 'true' ? 'true' : invalid(this.problem, path)}
        @input=${(e: InputEvent) => {
          row.name = (e.target as HTMLInputElement).value;
        }}
      />
      <input
        name="header-value-${n}"
        aria-label="Header ${n} value"
        placeholder=${row.original !== null ? KEPT : 'value'}
        autocomplete="off"
        spellcheck="false"
        .value=${row.value}
        aria-invalid=${invalid(this.problem, path)}
        @input=${(e: InputEvent) => {
          row.value = (e.target as HTMLInputElement).value;
        }}
      />
      <button type="button" data-remove=${n} aria-label="Remove header ${n}" @click=${() => void this.#removeRow(row)}>
        Remove
      </button>
    </div>`;
  }

  #warningView() {
    const w = this.warning;
    if (!w) return nothing;
    return html`<div class="warning" id="webhook-warning" role="alert" data-webhook-warning>
      <p><strong>${w.title}</strong> ${w.detail}</p>
      <p>${w.advice}</p>
    </div>`;
  }

  override render() {
    const c = this.channel;
    const hasAuth = c.webhookAuth !== null;
    return html`<form class="stack" aria-label="Webhook" @submit=${this.#save}>
        <p class="hint muted">
          Answers and your messages are POSTed here. Saved header values and the password are never shown: leave
          them empty to keep them.
        </p>
        <label
          >Webhook URL
          <input
            name="url"
            type="url"
            required
            placeholder="https://agent.example.com/placet"
            autocomplete="off"
            .value=${this.#url}
            aria-invalid=${invalid(this.problem, 'url')}
            aria-describedby=${this.warning ? 'webhook-warning' : nothing}
            @input=${(e: InputEvent) => {
              this.#url = (e.target as HTMLInputElement).value;
            }}
          />
        </label>
        ${this.#warningView()}
        <fieldset>
          <legend>Custom headers</legend>
          ${this.rows.length === 0 ? html`<p class="hint muted">No custom headers.</p>` : nothing}
          ${repeat(
            this.rows,
            (r) => r.key,
            (r, i) => this.#row(r, i),
          )}
          <div><button type="button" class="add" @click=${() => void this.#addRow()}>Add header</button></div>
        </fieldset>
        <fieldset>
          <legend>Basic auth</legend>
          <div class="auth">
            <label
              >Basic auth username
              <input
                name="username"
                autocomplete="off"
                .value=${this.#username}
                aria-invalid=${invalid(this.problem, 'auth.username')}
                @input=${(e: InputEvent) => {
                  this.#username = (e.target as HTMLInputElement).value;
                }}
              />
            </label>
            <label
              >Basic auth password
              <input
                name="password"
                type=${this.showPassword ? 'text' : 'password'}
                autocomplete="new-password"
                placeholder=${hasAuth ? KEPT : ''}
                .value=${this.#password}
                aria-invalid=${invalid(this.problem, 'auth.password')}
                @input=${(e: InputEvent) => {
                  this.#password = (e.target as HTMLInputElement).value;
                }}
              />
            </label>
            <button type="button" aria-pressed=${this.showPassword ? 'true' : 'false'} @click=${() => {
              this.showPassword = !this.showPassword;
            }}>
              ${this.showPassword ? 'Hide password' : 'Show password'}
            </button>
          </div>
          <p class="hint muted">Leave the username empty for no Basic auth${hasAuth ? ' (this removes the saved one)' : ''}.</p>
        </fieldset>
        ${problemView(this.problem, 'Webhook error')}
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${this.busy}>Save webhook</button>
          ${
            c.webhookUrl
              ? html`<placet-confirm-button
                  label="Remove webhook"
                  question="Stop sending this channel's events to its webhook?"
                  action="Yes, remove webhook"
                  @confirm=${() => void this.#remove()}
                ></placet-confirm-button>`
              : nothing
          }
          <span class="muted" role="status">${this.saved}</span>
        </div>
      </form>
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
      }`;
  }
}
