import { css } from 'lit';

/** Chat-sized markdown: headings scaled down, scrollable tables and code, quotes with a rule. */
export const markdownStyles = css`
  .md > :first-child {
    margin-top: 0;
  }
  .md > :last-child {
    margin-bottom: 0;
  }
  .md p {
    margin: 0.4em 0;
  }
  .md h1 {
    font-size: 20px;
  }
  .md h2 {
    font-size: 18px;
  }
  .md h3 {
    font-size: 16px;
  }
  .md ul,
  .md ol {
    padding-left: 1.4em;
  }
  /* Task items (\`- [x] done\`): the box instead of the bullet. */
  .md li:has(> .task:first-child),
  .md li:has(> p:first-child > .task:first-child) {
    list-style: none;
    margin-left: -1.2em;
  }
  .md .task {
    display: inline-block;
    width: 1.2em;
    font-size: 1.05em;
  }
  .md .task[data-checked='true'] {
    color: var(--placet-success);
  }
  .md pre {
    overflow-x: auto;
    padding: 8px 10px;
    border-radius: 8px;
    background: color-mix(in srgb, var(--placet-muted) 14%, transparent);
  }
  .md code {
    font: 13px/1.4 var(--placet-mono);
  }
  .md blockquote {
    margin: 0.4em 0;
    padding-left: 10px;
    border-left: 3px solid var(--placet-border);
    font-style: italic;
  }
  .md table {
    display: block;
    overflow-x: auto;
    border-collapse: collapse;
  }
  .md th,
  .md td {
    border: 1px solid var(--placet-border);
    padding: 4px 8px;
  }
  .md img {
    max-width: 100%;
    max-height: 320px;
    border-radius: 8px;
  }
`;
