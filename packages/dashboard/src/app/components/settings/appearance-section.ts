import { css, html, LitElement } from 'lit';
import { controls } from '../styles.js';
import { sectionStyles } from './settings-shared.js';

export type Theme = 'light' | 'dark' | 'system';

const CHOICES: { value: Theme; label: string; hint: string }[] = [
  { value: 'light', label: 'Light', hint: 'Always light.' },
  { value: 'dark', label: 'Dark', hint: 'Always dark.' },
  { value: 'system', label: 'System', hint: "Follows this device's setting." },
];

/**
 * The theme as a radio group (arrow keys move and choose, as native radios do). Dispatches
 * `theme-change` (`detail: 'light' | 'dark' | 'system'`), bubbling out of the shadow roots to the app.
 */
export class PlacetAppearanceSection extends LitElement {
  static override styles = [
    controls,
    sectionStyles,
    css`
      fieldset {
        border: 1px solid var(--placet-border);
        border-radius: 10px;
        padding: 12px 16px;
        display: grid;
        gap: 10px;
        max-width: 420px;
        background: var(--placet-surface);
      }
      legend {
        font-weight: 600;
        padding: 0 4px;
      }
      .choice {
        display: flex;
        gap: 8px;
        align-items: baseline;
      }
      .hint {
        font-size: 13px;
      }
      input[type='radio']:focus-visible {
        outline: none;
        box-shadow: var(--placet-focus);
      }
    `,
  ];
  static override properties = { theme: {} };
  declare theme: Theme;

  constructor() {
    super();
    this.theme = 'system';
  }

  #choose(theme: Theme) {
    this.theme = theme;
    this.dispatchEvent(
      new CustomEvent<Theme>('theme-change', { detail: theme, bubbles: true, composed: true }),
    );
  }

  override render() {
    return html`<h2>Appearance</h2>
      <p class="intro muted">Kept in this browser.</p>
      <fieldset role="radiogroup" aria-label="Theme">
        <legend>Theme</legend>
        ${CHOICES.map(
          (c) => html`<div class="choice">
            <label class="check">
              <input
                type="radio"
                name="theme"
                value=${c.value}
                aria-describedby="hint-${c.value}"
                .checked=${this.theme === c.value}
                @change=${() => this.#choose(c.value)}
              />
              ${c.label}
            </label>
            <span class="muted hint" id="hint-${c.value}">${c.hint}</span>
          </div>`,
        )}
      </fieldset>`;
  }
}
