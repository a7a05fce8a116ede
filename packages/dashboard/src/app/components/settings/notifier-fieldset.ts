import { html, nothing, type TemplateResult } from 'lit';
import { type FieldIssues, safeId } from './field-issues.js';
import {
  DEFAULT_DIGEST_MINUTES,
  DIGEST_LIMITS,
  EVENT_LABELS,
  type NotifierDraft,
  notifierLabel,
} from './notification-form.js';
import type { NotificationPreferences } from './settings-api.js';

/** A notifier of the server, as the preferences offer it. */
export type AvailableNotifier = NotificationPreferences['available'][number];

/** The paths of a notifier's fields, as the server's issues name them. */
export const notifierPaths = (name: string): string[] => [
  `notifiers.${name}`,
  `notifiers.${name}.events`,
  `notifiers.${name}.digestMinutes`,
];

const checked = (e: Event) => (e.target as HTMLInputElement).checked;

/**
 * One notifier's part of the Notifications form: on or off, the events it reports (of those it can),
 * and a digest when it can send one. `edit` changes its draft; `issues` are those of the last save.
 * A template, not an element: its fields stay in the form (Enter submits it, the first invalid field
 * takes the focus after a refused save, and `aria-describedby` reaches the error lines).
 */
export function notifierFieldset(
  available: AvailableNotifier,
  n: NotifierDraft,
  issues: FieldIssues,
  edit: (change: (n: NotifierDraft) => void) => void,
): TemplateResult {
  const name = available.name;
  const label = notifierLabel(name);
  const base = `notifiers.${name}`;
  return html`<fieldset data-notifier=${name} aria-describedby=${issues.describedBy(base)}>
    <legend>${label}</legend>
    <label class="check">
      <input
        type="checkbox"
        role="switch"
        name="enabled"
        .checked=${n.enabled}
        @change=${(e: Event) =>
          edit((d) => {
            d.enabled = checked(e);
          })}
      />
      Notify me by ${label.toLowerCase()}
    </label>
    ${issues.error(base)}
    <fieldset ?disabled=${!n.enabled} aria-describedby=${issues.describedBy(`${base}.events`, true)}>
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
                edit((d) => {
                  d.events = checked(e)
                    ? [...new Set([...d.events, event])]
                    : d.events.filter((x) => x !== event);
                })}
            />
            ${EVENT_LABELS[event] ?? event}
          </label>`,
        )}
      </div>
      ${issues.error(`${base}.events`, true)}
    </fieldset>
    ${available.digest ? digestFields(name, n, issues, edit) : nothing}
  </fieldset>`;
}

function digestFields(
  name: string,
  n: NotifierDraft,
  issues: FieldIssues,
  edit: (change: (n: NotifierDraft) => void) => void,
): TemplateResult {
  const path = `notifiers.${name}.digestMinutes`;
  const hint = `digest-hint-${safeId(name)}`;
  return html`<div class="row">
      <label class="check">
        <input
          type="checkbox"
          name="digest"
          ?disabled=${!n.enabled}
          .checked=${n.digest}
          @change=${(e: Event) =>
            edit((d) => {
              d.digest = checked(e);
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
          min=${DIGEST_LIMITS.min}
          max=${DIGEST_LIMITS.max}
          step="1"
          inputmode="numeric"
          ?disabled=${!n.enabled || !n.digest}
          .value=${n.digestMinutes}
          aria-invalid=${issues.invalid(path)}
          aria-describedby=${issues.describedBy(path, false, hint)}
          @input=${(e: Event) =>
            edit((d) => {
              d.digestMinutes = (e.target as HTMLInputElement).value;
            })}
        />
      </label>
      <span class="muted" id=${hint}
        >${DIGEST_LIMITS.min} to ${DIGEST_LIMITS.max} minutes; off: one notification per review.</span
      >
    </div>
    ${issues.error(path)}`;
}
