import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { controls } from '../styles.js';
import {
  bodyOf,
  browserTimeZone,
  DEFAULT_DIGEST_MINUTES,
  draftOf,
  EVENT_LABELS,
  type NotifierDraft,
  notifierLabel,
  type PreferencesDraft,
  timeZones,
} from './notification-form.js';
import { WEBPUSH_PLUGIN } from './push-devices.js';
import type { NotificationPreferences, SettingsApi } from './settings-api.js';
import { type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';

/** The paths of the form's fields, as the server's issues name them. */
const FIELD_PATHS = (names: string[]): string[] => [
  'timeZone',
  'quietHours',
  'quietHours.start',
  'quietHours.end',
  ...names.flatMap((n) => [`notifiers.${n}`, `notifiers.${n}.events`, `notifiers.${n}.digestMinutes`]),
];

const safeId = (text: string) => text.replace(/[^A-Za-z0-9_-]/g, '_');
const checked = (e: Event) => (e.target as HTMLInputElement).checked;
const value = (e: Event) => (e.target as HTMLInputElement).value;

/**
 * Notifications: how the server reaches the person when they are not looking — per notifier of the server
 * (e-mail, web push, …) on or off, the events it reports, a digest; quiet hours in their time zone
 * (`GET`/`PUT /notifications/preferences`). With the `webpush` plugin, this browser can be added as a
 * device. The server's validation errors appear next to their fields.
 */
export class PlacetNotificationsSection extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      fieldset {
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        padding: 12px 16px;
        margin: 0;
        display: grid;
        gap: 10px;
      }
      legend {
        font-weight: 600;
        padding: 0 4px;
      }
      fieldset fieldset {
        border-style: dashed;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 12px;
        align-items: end;
      }
      .events {
        display: flex;
        flex-wrap: wrap;
        gap: 6px 16px;
      }
      .flush {
        margin: 0;
      }
      .field-error {
        margin: 0;
        font-size: 13px;
      }
      input[type='number'] {
        width: 8em;
      }
      input[type='checkbox']:focus-visible {
        outline: none;
        box-shadow: var(--placet-focus);
      }
    `,
  ];
  static override properties = {
    client: { attribute: false },
    preferences: { state: true },
    draft: { state: true },
    webpush: { state: true },
    loading: { state: true },
    busy: { state: true },
    loadProblem: { state: true },
    problem: { state: true },
    saved: { state: true },
  };
  declare client: SettingsApi;
  declare preferences: NotificationPreferences | undefined;
  declare draft: PreferencesDraft | undefined;
  /** Whether the server has the web push plugin. */
  declare webpush: boolean;
  declare loading: boolean;
  declare busy: boolean;
  declare loadProblem: Problem | undefined;
  /** A refused save: its issues are shown at their fields. */
  declare problem: Problem | undefined;
  declare saved: string;
  readonly #zones = timeZones();
  readonly #browserZone = browserTimeZone();

  constructor() {
    super();
    this.webpush = false;
    this.loading = true;
    this.busy = false;
    this.saved = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.#load();
  }

  async #load() {
    this.loading = true;
    const [preferences, plugins] = await Promise.allSettled([
      this.client.notificationPreferences(),
      this.client.plugins(),
    ]);
    if (preferences.status === 'fulfilled') {
      this.preferences = preferences.value;
      this.draft = draftOf(preferences.value);
      this.loadProblem = undefined;
    } else {
      this.loadProblem = toProblem(preferences.reason);
    }
    this.webpush = plugins.status === 'fulfilled' && plugins.value.some((p) => p.name === WEBPUSH_PLUGIN);
    this.loading = false;
  }

  #edit(change: (draft: PreferencesDraft) => void) {
    if (!this.draft) return;
    const next = structuredClone(this.draft);
    change(next);
    this.draft = next;
    this.saved = '';
  }

  #set<K extends 'timeZone' | 'quiet' | 'quietStart' | 'quietEnd'>(key: K, to: PreferencesDraft[K]) {
    this.#edit((d) => {
      d[key] = to;
    });
  }

  #setNotifier<K extends 'enabled' | 'digestMinutes'>(name: string, key: K, to: NotifierDraft[K]) {
    this.#editNotifier(name, (n) => {
      n[key] = to;
    });
  }

  #editNotifier(name: string, change: (n: NotifierDraft) => void) {
    this.#edit((d) => {
      const n = d.notifiers[name];
      if (n) change(n);
    });
  }

  async #save(event: SubmitEvent) {
    event.preventDefault();
    if (!this.draft) return;
    this.busy = true;
    this.problem = undefined;
    this.saved = '';
    try {
      this.preferences = await this.client.setNotificationPreferences(bodyOf(this.draft));
      this.draft = draftOf(this.preferences);
      this.saved = 'Saved.';
    } catch (error) {
      this.problem = toProblem(error);
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    } finally {
      this.busy = false;
    }
  }

  /** The issues of the last save at `path` (exactly, or under it when `below`). */
  #issues(path: string, below = false) {
    return (this.problem?.issues ?? []).filter(
      (i) => i.path === path || (below && i.path.startsWith(`${path}.`)),
    );
  }

  /** The error line of a field (an id for `aria-describedby`), or nothing. */
  #error(path: string, below = false): TemplateResult | typeof nothing {
    const issues = this.#issues(path, below);
    if (!issues.length) return nothing;
    return html`<p class="field-error error" id="error-${safeId(path)}" data-error-for=${path}>
      ${issues.map((i) => i.message).join('; ')}
    </p>`;
  }

  #invalid(path: string, below = false): 'true' | 'false' {
    return this.#issues(path, below).length ? 'true' : 'false';
  }

  #describedBy(path: string, below = false): string {
    return this.#issues(path, below).length ? `error-${safeId(path)}` : '';
  }

  /** The save's problem for the alert above the button: the issues not already shown at a field. */
  #generalProblem(names: string[]): Problem | undefined {
    if (!this.problem) return undefined;
    const placed = FIELD_PATHS(names);
    const rest = this.problem.issues.filter(
      (i) => !placed.some((p) => i.path === p || i.path.startsWith(`${p}.`)),
    );
    // Every issue is shown at its field: the alert only says so (the server's message repeats them all).
    if (rest.length === 0 && this.problem.issues.length > 0) {
      return { ...this.problem, message: 'Not saved: correct the fields marked above.', issues: [] };
    }
    return { ...this.problem, issues: rest };
  }

  #notifier(available: NotificationPreferences['available'][number], n: NotifierDraft) {
    const name = available.name;
    const label = notifierLabel(name);
    const base = `notifiers.${name}`;
    const digestPath = `${base}.digestMinutes`;
    return html`<fieldset data-notifier=${name} aria-describedby=${this.#describedBy(base)}>
      <legend>${label}</legend>
      <label class="check">
        <input
          type="checkbox"
          role="switch"
          name="enabled"
          .checked=${n.enabled}
          @change=${(e: Event) => this.#setNotifier(name, 'enabled', checked(e))}
        />
        Notify me by ${label.toLowerCase()}
      </label>
      ${this.#error(base)}
      <fieldset
        ?disabled=${!n.enabled}
        aria-describedby=${this.#describedBy(`${base}.events`, true)}
      >
        <legend>Tell me about</legend>
        <div class="events">
          ${available.events.map(
            (event) => html`<label class="check">
              <input
                type="checkbox"
                name="event"
                value=${event}
                .checked=${n.events.includes(event)}
                @change=${(e: Event) =>
                  this.#editNotifier(name, (d) => {
                    const on = (e.target as HTMLInputElement).checked;
                    d.events = on ? [...new Set([...d.events, event])] : d.events.filter((x) => x !== event);
                  })}
              />
              ${EVENT_LABELS[event] ?? event}
            </label>`,
          )}
        </div>
        ${this.#error(`${base}.events`, true)}
      </fieldset>
      ${
        available.digest
          ? html`<div class="row">
              <label class="check">
                <input
                  type="checkbox"
                  name="digest"
                  ?disabled=${!n.enabled}
                  .checked=${n.digest}
                  @change=${(e: Event) =>
                    this.#editNotifier(name, (d) => {
                      d.digest = (e.target as HTMLInputElement).checked;
                      if (d.digest && !d.digestMinutes) d.digestMinutes = String(DEFAULT_DIGEST_MINUTES);
                    })}
                />
                Gather new reviews into a digest
              </label>
              <label
                >Digest every (minutes)
                <input
                  type="number"
                  name="digestMinutes"
                  min="5"
                  max="1440"
                  step="1"
                  inputmode="numeric"
                  ?disabled=${!n.enabled || !n.digest}
                  .value=${n.digestMinutes}
                  aria-invalid=${this.#invalid(digestPath)}
                  aria-describedby=${[`digest-hint-${safeId(name)}`, this.#describedBy(digestPath)].filter(Boolean).join(' ')}
                  @input=${(e: Event) => this.#setNotifier(name, 'digestMinutes', value(e))}
                />
              </label>
              <span class="muted" id="digest-hint-${safeId(name)}">5 to 1440 minutes; off: one notification per review.</span>
            </div>
            ${this.#error(digestPath)}`
          : nothing
      }
    </fieldset>`;
  }

  #form(preferences: NotificationPreferences, draft: PreferencesDraft) {
    const names = preferences.available.map((a) => a.name);
    const zoneDiffers = this.#browserZone && this.#browserZone !== draft.timeZone;
    return html`<form class="stack" aria-label="Notification preferences" novalidate @submit=${this.#save}>
      ${preferences.available.map((a) => {
        const n = draft.notifiers[a.name];
        return n ? this.#notifier(a, n) : nothing;
      })}
      <fieldset aria-describedby=${this.#describedBy('quietHours')}>
        <legend>Quiet hours</legend>
        <label class="check">
          <input
            type="checkbox"
            role="switch"
            name="quiet"
            .checked=${draft.quiet}
            @change=${(e: Event) => this.#set('quiet', checked(e))}
          />
          Hold notifications during quiet hours
        </label>
        <div class="row">
          <label
            >From
            <input
              type="time"
              name="quietStart"
              ?disabled=${!draft.quiet}
              .value=${draft.quietStart}
              aria-invalid=${this.#invalid('quietHours.start')}
              aria-describedby=${this.#describedBy('quietHours.start')}
              @input=${(e: Event) => this.#set('quietStart', value(e))}
            />
          </label>
          <label
            >Until
            <input
              type="time"
              name="quietEnd"
              ?disabled=${!draft.quiet}
              .value=${draft.quietEnd}
              aria-invalid=${this.#invalid('quietHours.end')}
              aria-describedby=${this.#describedBy('quietHours.end')}
              @input=${(e: Event) => this.#set('quietEnd', value(e))}
            />
          </label>
        </div>
        ${this.#error('quietHours')} ${this.#error('quietHours.start')} ${this.#error('quietHours.end')}
        <p class="muted flush">What falls into them is sent when they end.</p>
      </fieldset>
      <div class="row">
        <label
          >Time zone
          <input
            name="timeZone"
            list="time-zones"
            autocomplete="off"
            spellcheck="false"
            .value=${draft.timeZone}
            aria-invalid=${this.#invalid('timeZone')}
            aria-describedby=${['zone-hint', this.#describedBy('timeZone')].filter(Boolean).join(' ')}
            @input=${(e: Event) => this.#set('timeZone', value(e))}
          />
        </label>
        ${
          zoneDiffers
            ? html`<button
                type="button"
                data-use-browser-zone
                @click=${() => this.#set('timeZone', this.#browserZone!)}
              >
                Use this device’s time zone (${this.#browserZone})
              </button>`
            : nothing
        }
      </div>
      <datalist id="time-zones">${this.#zones.map((z) => html`<option value=${z}></option>`)}</datalist>
      <span class="muted" id="zone-hint">An IANA name such as Europe/Berlin; quiet hours and digests follow it.</span>
      ${this.#error('timeZone')}
      ${problemView(this.#generalProblem(names), 'Notification preferences not saved')}
      <div class="actions">
        <button class="primary" type="submit" ?disabled=${this.busy}>Save notification settings</button>
        <span class="muted" role="status">${this.saved}</span>
      </div>
    </form>`;
  }

  #preferences() {
    if (this.loading && !this.preferences) return html`<p class="muted">Loading…</p>`;
    if (this.loadProblem) return problemView(this.loadProblem);
    const preferences = this.preferences;
    const draft = this.draft;
    if (!preferences || !draft) return nothing;
    if (preferences.available.length === 0) {
      return html`<p class="empty" data-no-notifiers>
        This server has no notifiers configured, so it cannot reach you outside the dashboard. An administrator
        enables e-mail by setting <code>SMTP_URL</code> (and <code>SMTP_FROM</code>), and web push with
        <code>WEBPUSH=on</code>; see <code>docs/reference/configuration.md</code>.
      </p>`;
    }
    return this.#form(preferences, draft);
  }

  override render() {
    return html`<h2>Notifications</h2>
      <p class="intro muted">How Placet reaches you when an agent asks for a review and you are not looking.</p>
      ${
        this.webpush
          ? html`<section class="card" aria-labelledby="push-title" data-webpush>
              <h3 id="push-title">Push notifications on this device</h3>
              <placet-push-devices .client=${this.client}></placet-push-devices>
            </section>`
          : nothing
      }
      <section class="card" aria-labelledby="prefs-title">
        <h3 id="prefs-title">What you are told, and when</h3>
        ${this.#preferences()}
      </section>
      <section class="card" aria-labelledby="tab-title">
        <h3 id="tab-title">While the dashboard is open</h3>
        <p class="muted flush">
          “Enable notifications” in the top bar shows new review requests and messages as browser notifications
          while this tab is open. It is kept in this browser.
        </p>
      </section>`;
  }
}
