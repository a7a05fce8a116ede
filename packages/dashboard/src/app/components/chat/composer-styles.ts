import { css } from 'lit';

/** The composer: its row, the file chips, the command menu; thumb-sized on a phone. */
export const composerStyles = css`
  :host {
    display: block;
    position: relative;
    border-top: 1px solid var(--placet-border);
  }
  :host([hidden]) {
    display: none;
  }
  form {
    display: grid;
    gap: 6px;
    padding: 10px 20px 16px;
  }
  .row {
    display: flex;
    gap: 8px;
    align-items: flex-end;
  }
  textarea {
    flex: 1;
    min-width: 0;
    resize: none;
    min-height: 42px;
    max-height: 140px;
  }
  .attach {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 42px;
    min-height: 42px;
    border: 1px solid var(--placet-border);
    border-radius: 8px;
    background: var(--placet-surface);
    cursor: pointer;
    font-size: 18px;
  }
  .attach:focus-within {
    box-shadow: var(--placet-focus);
  }
  .chips {
    list-style: none;
    margin: 0;
    padding: 0;
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .chip {
    display: flex;
    align-items: center;
    gap: 8px;
    max-width: 100%;
    border: 1px solid var(--placet-border);
    border-radius: 10px;
    padding: 4px 4px 4px 8px;
    background: var(--placet-surface);
    font-size: 13px;
  }
  .chip.failed {
    border-color: var(--placet-danger);
  }
  .chip .what {
    display: grid;
    min-width: 0;
  }
  .chip .name {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 16em;
  }
  .chip progress {
    width: 100%;
    height: 4px;
  }
  .type {
    display: inline-grid;
    place-items: center;
    min-width: 30px;
    height: 34px;
    padding: 0 3px;
    border: 1px solid var(--placet-border);
    border-radius: 4px 8px 4px 4px;
    font: 600 10px/1 var(--placet-mono);
    color: var(--placet-muted);
  }
  button.icon {
    min-width: 32px;
    min-height: 32px;
    padding: 0;
    font-size: 18px;
    line-height: 1;
    border-color: transparent;
    background: none;
  }
  .notice {
    margin: 0;
    font-size: 13px;
  }
  .commands {
    position: absolute;
    z-index: 6;
    left: 20px;
    right: 20px;
    bottom: 100%;
    margin: 0 0 4px;
    padding: 4px;
    list-style: none;
    max-height: min(40vh, 320px);
    overflow-y: auto;
    background: var(--placet-surface);
    border: 1px solid var(--placet-border);
    border-radius: 10px;
    box-shadow: 0 8px 24px rgb(0 0 0 / 14%);
  }
  .commands li {
    display: grid;
    gap: 2px;
    padding: 6px 10px;
    border-radius: 7px;
    cursor: pointer;
  }
  .commands li[aria-selected='true'] {
    background: color-mix(in srgb, var(--placet-accent) 14%, transparent);
    outline: 2px solid var(--placet-accent);
    outline-offset: -2px;
  }
  .commands .name {
    font: 600 13px/1.3 var(--placet-mono);
  }
  .commands .description {
    font-size: 13px;
    color: var(--placet-muted);
  }
  @media (max-width: 720px) {
    form {
      padding: 8px 10px 10px;
    }
    form button[type='submit'] {
      min-height: 44px;
      min-width: 64px;
    }
    .attach,
    button.icon {
      min-width: 44px;
      min-height: 44px;
    }
    textarea {
      min-height: 44px;
      font-size: 16px;
    }
    .commands {
      left: 10px;
      right: 10px;
    }
    .commands li {
      min-height: 44px;
      align-content: center;
    }
    .chip .name {
      max-width: 11em;
    }
  }
`;
