import { css } from 'lit';

export const inboxStyles = css`
  :host {
    display: grid;
    grid-template-columns: minmax(300px, 420px) 1fr;
    height: 100%;
    min-height: 0;
  }
  .list {
    display: flex;
    flex-direction: column;
    min-height: 0;
    border-right: 1px solid var(--placet-border);
  }
  header {
    padding: 12px 14px 8px;
    border-bottom: 1px solid var(--placet-border);
  }
  h2 {
    margin: 0 auto 0 0;
    font-size: var(--placet-text-xl);
  }
  .title {
    display: flex;
    align-items: center;
    gap: 6px;
    margin-bottom: 8px;
  }
  .title button {
    display: inline-flex;
    align-items: center;
    gap: 5px;
    font-size: var(--placet-text-xs);
    padding: 4px 8px;
    min-height: 32px;
  }
  .search {
    margin-bottom: 8px;
  }
  .next {
    display: flex;
    align-items: center;
    gap: 8px;
    margin: 14px 0 4px;
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    min-height: 40px;
  }
  p.next {
    color: var(--placet-done);
    font-weight: 600;
  }
  .filters {
    display: flex;
    gap: 8px;
    flex-wrap: wrap;
    font-size: 12px;
  }
  .filters label {
    display: grid;
    gap: 2px;
  }
  .filters select {
    padding: 4px 6px;
    font-size: 13px;
  }
  .rows {
    overflow-y: auto;
    padding: 6px;
  }
  button.row {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 2px 8px;
    width: 100%;
    text-align: left;
    border: none;
    border-radius: 10px;
    background: none;
    padding: 9px 10px;
  }
  button.row:hover {
    background: color-mix(in srgb, var(--placet-accent) 8%, transparent);
  }
  button.row[aria-current='true'] {
    background: color-mix(in srgb, var(--placet-accent) 16%, transparent);
  }
  button.row.unread .who {
    font-weight: 700;
  }
  /* Decided rows recede by colour, not opacity: faded text would fall below the contrast minimum. */
  button.row.completed .who,
  button.row.expired .who {
    color: var(--placet-muted);
  }
  .who {
    display: flex;
    gap: 8px;
    align-items: center;
    min-width: 0;
  }
  .dot {
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--placet-accent);
  }
  .when {
    font-size: 12px;
    color: var(--placet-muted);
  }
  .what {
    grid-column: 1 / -1;
    font-size: 13px;
    color: var(--placet-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .tags {
    grid-column: 1 / -1;
    display: flex;
    gap: 6px;
    font-size: 11px;
  }
  .tags > span:not(.chips):not(.status-chip) {
    border: 1px solid var(--placet-border);
    border-radius: 6px;
    padding: 0 6px;
  }
  .tags {
    flex-wrap: wrap;
    align-items: center;
  }
  h3.group {
    margin: 10px 10px 4px;
    font-size: 13px;
    text-transform: uppercase;
    letter-spacing: 0.03em;
  }
  .more {
    margin: 8px auto;
    display: block;
  }
  .empty {
    padding: 12px;
  }
  .detail {
    overflow-y: auto;
    padding: 12px 20px;
    min-height: 0;
  }
  .context {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 12px;
    align-items: baseline;
  }
  .placeholder {
    display: grid;
    place-items: center;
    height: 80%;
  }
  .context .back {
    display: none;
  }
  .context .auto-next {
    margin-left: auto;
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: var(--placet-text-sm);
    color: var(--placet-muted);
  }
  /* Phones: the list, or the review it opened (with a way back). */
  @media (max-width: 720px) {
    :host {
      grid-template-columns: minmax(0, 1fr);
    }
    :host([data-open]) .list,
    :host(:not([data-open])) .detail {
      display: none;
    }
    .list {
      border-right: none;
    }
    .detail {
      padding: 8px 10px;
    }
    .context .back {
      display: inline-flex;
      align-items: center;
      justify-content: center;
      min-width: 44px;
      min-height: 44px;
      font-size: 24px;
      color: inherit;
      text-decoration: none;
    }
    button.row {
      min-height: 48px;
    }
    .title button,
    .search input,
    .context .auto-next {
      min-height: 44px;
    }
    .title button span {
      display: none;
    }
    .title button[data-mark-all-read] span {
      display: inline;
    }
  }
`;
