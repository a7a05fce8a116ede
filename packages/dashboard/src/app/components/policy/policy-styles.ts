import { css } from 'lit';

/**
 * Assignee chips and outcome badges, shared by the inbox rows and the review view. Text stays in the
 * foreground colour (the status colours mark borders only: green on white is too faint for small text).
 */
export const chipStyles = css`
  .chips {
    display: inline-flex;
    flex-wrap: wrap;
    gap: 4px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 3px;
    border: 1px solid var(--placet-border);
    border-radius: 999px;
    padding: 0 8px;
    font-size: 12px;
    line-height: 18px;
    color: var(--placet-fg);
    background: color-mix(in srgb, var(--placet-accent) 8%, var(--placet-surface));
  }
  .chip.me {
    border-color: var(--placet-accent);
    font-weight: 600;
  }
  .chip.voted::after {
    content: '✓';
    font-weight: 700;
  }
  .outcome {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    border: 1px solid var(--placet-success);
    border-radius: 6px;
    padding: 0 7px;
    font-size: 12px;
    font-weight: 600;
    color: var(--placet-fg);
  }
  .outcome::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--placet-success);
  }
  .outcome[data-outcome='veto'] {
    border-color: var(--placet-danger);
  }
  .outcome[data-outcome='veto']::before {
    background: var(--placet-danger);
  }
  .outcome[data-outcome='default'] {
    border-color: var(--placet-muted);
  }
  .outcome[data-outcome='default']::before {
    background: var(--placet-muted);
  }
`;
