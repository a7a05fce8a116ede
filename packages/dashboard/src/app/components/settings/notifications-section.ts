import { css, html, LitElement, nothing } from 'lit';
import { controls } from '../styles.js';
import { FieldIssues } from './field-issues.js';
import { bodyOf, browserTimeZone, draftOf, type PreferencesDraft, timeZones } from './notification-form.js';
import { type ScheduleKey, scheduleFields } from './notification-schedule.js';
import { notifierFieldset, notifierPaths } from './notifier-fieldset.js';
import { WEBPUSH_PLUGIN } from './push-devices.js';
import type { NotificationPreferences, SettingsApi } from './settings-api.js';
import { type Problem, problemView, sectionStyles, toProblem } from './settings-shared.js';

/** The paths of the form's fields, as the server's issues name them. */
const FIELD_PATHS = (names: string[]): string[] => [
  'timeZone',
  'quietHours',
  'quietHours.start',
  'quietHours.end',
  ...names.flatMap(notifierPaths),
];

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

  #set<K extends ScheduleKey>(key: K, to: PreferencesDraft[K]) {
    this.#edit((d) => {
      d[key] = to;
    });
  }

  #editNotifier(name: string, change: (n: PreferencesDraft['notifiers'][string]) => void) {
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

  #form(preferences: NotificationPreferences, draft: PreferencesDraft) {
    const names = preferences.available.map((a) => a.name);
    const issues = new FieldIssues(this.problem);
    return html`<form class="stack" aria-label="Notification preferences" novalidate @submit=${this.#save}>
      ${preferences.available.map((a) => {
        const n = draft.notifiers[a.name];
        return n ? notifierFieldset(a, n, issues, (change) => this.#editNotifier(a.name, change)) : nothing;
      })}
      ${scheduleFields(draft, issues, (key, to) => this.#set(key, to), {
        zones: this.#zones,
        browserZone: this.#browserZone,
      })}
      ${problemView(issues.rest(FIELD_PATHS(names)), 'Notification preferences not saved')}
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
