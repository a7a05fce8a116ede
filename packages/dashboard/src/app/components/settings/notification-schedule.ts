import { html, nothing, type TemplateResult } from 'lit';
import type { FieldIssues } from './field-issues.js';
import type { PreferencesDraft } from './notification-form.js';

/** The fields of the Notifications form that say when: quiet hours and the time zone. */
export type ScheduleKey = 'timeZone' | 'quiet' | 'quietStart' | 'quietEnd';

const checked = (e: Event) => (e.target as HTMLInputElement).checked;
const value = (e: Event) => (e.target as HTMLInputElement).value;

/**
 * Quiet hours and the time zone, for the Notifications form: `set` changes a field of the draft; `zones`
 * are the suggestions of the time zone field, and `browserZone` is offered when it is not the one chosen.
 */
export function scheduleFields(
  draft: PreferencesDraft,
  issues: FieldIssues,
  set: <K extends ScheduleKey>(key: K, to: PreferencesDraft[K]) => void,
  { zones, browserZone }: { zones: readonly string[]; browserZone: string | undefined },
): TemplateResult {
  const zoneDiffers = browserZone && browserZone !== draft.timeZone;
  return html`<fieldset aria-describedby=${issues.describedBy('quietHours')}>
      <legend>Quiet hours</legend>
      <label class="check">
        <input
          type="checkbox"
          role="switch"
          name="quiet"
          .checked=${draft.quiet}
          @change=${(e: Event) => set('quiet', checked(e))}
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
            aria-invalid=${issues.invalid('quietHours.start')}
            aria-describedby=${issues.describedBy('quietHours.start')}
            @input=${(e: Event) => set('quietStart', value(e))}
          />
        </label>
        <label
          >Until
          <input
            type="time"
            name="quietEnd"
            ?disabled=${!draft.quiet}
            .value=${draft.quietEnd}
            aria-invalid=${issues.invalid('quietHours.end')}
            aria-describedby=${issues.describedBy('quietHours.end')}
            @input=${(e: Event) => set('quietEnd', value(e))}
          />
        </label>
      </div>
      ${issues.error('quietHours')} ${issues.error('quietHours.start')} ${issues.error('quietHours.end')}
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
          aria-invalid=${issues.invalid('timeZone')}
          aria-describedby=${issues.describedBy('timeZone', false, 'zone-hint')}
          @input=${(e: Event) => set('timeZone', value(e))}
        />
      </label>
      ${
        zoneDiffers
          ? html`<button
              type="button"
              data-use-browser-zone
              @click=${() => set('timeZone', browserZone)}
            >
              Use this device’s time zone (${browserZone})
            </button>`
          : nothing
      }
    </div>
    <datalist id="time-zones">${zones.map((z) => html`<option value=${z}></option>`)}</datalist>
    <span class="muted" id="zone-hint"
      >An IANA name such as Europe/Berlin. Quiet hours and digest periods follow this time zone.</span
    >
    ${issues.error('timeZone')}`;
}
