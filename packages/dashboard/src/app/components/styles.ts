import { css } from 'lit';

/** Buttons, inputs and focus rings shared by the dashboard's components. */
export const controls = css`
  :host {
    font: inherit;
    color: var(--placet-fg);
  }
  button,
  input,
  textarea,
  select {
    font: inherit;
    color: inherit;
  }
  button {
    cursor: pointer;
    border: 1px solid var(--placet-border);
    background: var(--placet-surface);
    border-radius: 8px;
    padding: 6px 12px;
  }
  button.primary {
    background: var(--placet-accent);
    border-color: var(--placet-accent);
    color: var(--placet-accent-fg);
  }
  button.link {
    border: none;
    background: none;
    padding: 0;
    color: var(--placet-accent);
    text-decoration: underline;
  }
  /* A toggle that is on ("Group by tag"): tinted like the current view. */
  button[aria-pressed='true'] {
    background: color-mix(in srgb, var(--placet-accent) 14%, var(--placet-surface));
    border-color: var(--placet-accent);
  }
  button:disabled {
    opacity: 0.55;
    cursor: default;
  }
  input,
  textarea,
  select {
    background: var(--placet-surface);
    border: 1px solid var(--placet-border);
    border-radius: 8px;
    padding: 8px 10px;
  }
  :is(button, input, textarea, select, a, summary, [tabindex]):focus-visible {
    outline: none;
    box-shadow: var(--placet-focus);
  }
  a {
    color: var(--placet-accent);
  }
  .muted {
    color: var(--placet-muted);
  }
  .error {
    color: var(--placet-danger);
  }
  svg.icon {
    flex: none;
    vertical-align: -0.2em;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** The colour of an agent status dot. */
export const statusColors = css`
  .dot {
    display: inline-block;
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: var(--placet-muted);
    flex: none;
  }
  .dot.active {
    background: var(--placet-success);
  }
  .dot.busy {
    background: var(--placet-warning);
  }
  .dot.error {
    background: var(--placet-danger);
  }
  .dot.offline {
    background: var(--placet-muted);
    opacity: 0.6;
  }
`;

/** A review's state as a chip: pending (waiting), completed (answered), expired. */
export const statusChips = css`
  .status-chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: var(--placet-text-xs);
    font-weight: 600;
    white-space: nowrap;
  }
  .status-chip.pending {
    color: var(--placet-pending);
    background: var(--placet-pending-bg);
  }
  .status-chip.completed {
    color: var(--placet-done);
    background: var(--placet-done-bg);
  }
  .status-chip.expired {
    color: var(--placet-muted);
    background: var(--placet-expired-bg);
  }
`;

/** A search field with its magnifier inside (`<div class="search">` holding the icon and the input). */
export const searchBox = css`
  .search {
    position: relative;
  }
  .search svg.icon {
    position: absolute;
    left: 10px;
    top: 50%;
    transform: translateY(-50%);
    color: var(--placet-muted);
    pointer-events: none;
  }
  .search input {
    width: 100%;
    padding-left: 32px;
    min-height: 36px;
  }
`;
