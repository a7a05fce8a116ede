import { css } from 'lit';

/**
 * A bubble's Quote/Copy actions (on hover or focus at a desk, always on a touch screen), the "Show more"
 * of a long text, and the live cursor and "typing…" of a streaming reply.
 */
export const bubbleExtras = css`
  .actions {
    display: flex;
    gap: 4px;
    align-items: center;
    margin: 2px 2px 0;
    min-height: 28px;
    opacity: 0;
    transition: opacity 0.12s;
  }
  :host(:hover) .actions,
  .actions:focus-within,
  .actions:has([data-copied]) {
    opacity: 1;
  }
  .actions button {
    display: inline-flex;
    gap: 4px;
    align-items: center;
    font-size: 12px;
    padding: 2px 8px;
    border-color: transparent;
    background: none;
    color: var(--placet-muted);
  }
  .actions button:hover {
    color: var(--placet-fg);
    border-color: var(--placet-border);
  }
  .copied {
    font-size: 12px;
    color: var(--placet-success);
  }
  .copied.error {
    color: var(--placet-danger);
  }
  @media (hover: none), (max-width: 720px) {
    .actions {
      opacity: 1;
    }
    .actions button {
      min-height: 44px;
      min-width: 44px;
      font-size: 13px;
    }
  }
  .md.collapsed {
    max-height: 280px;
    overflow: hidden;
    mask-image: linear-gradient(to bottom, #000 70%, transparent);
  }
  button.more {
    margin-top: 4px;
    font-size: 13px;
    min-height: 28px;
  }
  :host([from='user']) button.more {
    color: inherit;
  }
  @media (max-width: 720px) {
    button.more {
      min-height: 44px;
    }
  }
  /* The live cursor at the end of a streaming reply's text. */
  .md.streaming > :last-child::after {
    content: '';
    display: inline-block;
    width: 0.5em;
    height: 1.05em;
    margin-left: 2px;
    vertical-align: text-bottom;
    background: currentColor;
    animation: caret 1s steps(1) infinite;
  }
  .typing {
    font-style: italic;
    color: var(--placet-accent);
  }
  .typing .dots::after {
    content: '…';
    display: inline-block;
    animation: caret 1.2s steps(1) infinite;
  }
  @keyframes caret {
    50% {
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .md.streaming > :last-child::after,
    .typing .dots::after {
      animation: none;
    }
  }
`;
