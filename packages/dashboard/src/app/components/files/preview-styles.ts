import { css } from 'lit';

/** A link that looks like the dashboard's buttons (Download is a link, for its `download` attribute). */
export const linkButton = css`
  a.button {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    border: 1px solid var(--placet-border);
    background: var(--placet-surface);
    color: var(--placet-fg);
    border-radius: 8px;
    padding: 6px 12px;
    text-decoration: none;
    white-space: nowrap;
  }
  a.button.primary {
    background: var(--placet-accent);
    border-color: var(--placet-accent);
    color: var(--placet-accent-fg);
  }
`;

/**
 * The body of a file preview: media fitted to the dialog, numbered code lines, a scrollable table, and a
 * highlight.js palette that follows the page's light/dark `color-scheme`.
 */
export const previewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    flex: 1;
  }
  .stage {
    flex: 1;
    min-height: 0;
    overflow: auto;
    display: flex;
    flex-direction: column;
  }
  .center {
    flex: 1;
    display: flex;
    align-items: center;
    justify-content: center;
    min-height: 0;
    padding: 12px;
  }
  img,
  video {
    max-width: 100%;
    max-height: 100%;
    object-fit: contain;
    border-radius: 6px;
    background: repeating-conic-gradient(#8881 0 25%, transparent 0 50%) 0 0 / 16px 16px;
  }
  audio {
    width: min(560px, 100%);
  }
  iframe {
    flex: 1;
    width: 100%;
    min-height: 60vh;
    border: 0;
    background: #fff;
  }
  .note {
    margin: 0;
    padding: 6px 14px;
    font-size: 13px;
    color: var(--placet-muted);
    border-bottom: 1px solid var(--placet-border);
    display: flex;
    gap: 12px;
    align-items: center;
    flex-wrap: wrap;
  }
  .note button {
    padding: 2px 10px;
    font-size: 13px;
  }
  .empty {
    flex: 1;
    display: flex;
    flex-direction: column;
    gap: 12px;
    align-items: center;
    justify-content: center;
    color: var(--placet-muted);
    padding: 40px 12px;
    text-align: center;
  }
  .code {
    display: flex;
    font: 13px/1.5 var(--placet-mono);
    min-width: max-content;
  }
  .code pre {
    margin: 0;
    padding: 12px 14px;
    font: inherit;
    white-space: pre;
    tab-size: 4;
  }
  .code .gutter {
    text-align: right;
    color: var(--placet-muted);
    user-select: none;
    border-right: 1px solid var(--placet-border);
    padding-right: 10px;
    opacity: 0.75;
  }
  pre.plain {
    margin: 0;
    padding: 12px 14px;
    font: 13px/1.5 var(--placet-mono);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .md {
    padding: 14px 20px;
    max-width: 860px;
  }
  table.csv {
    align-self: flex-start;
    border-collapse: collapse;
    font-size: 13px;
    margin: 0;
  }
  table.csv th,
  table.csv td {
    border: 1px solid var(--placet-border);
    padding: 4px 8px;
    text-align: left;
    vertical-align: top;
    white-space: pre-wrap;
    max-width: 420px;
  }
  table.csv thead th {
    position: sticky;
    top: 0;
    background: var(--placet-surface);
  }
  table.csv th.row {
    color: var(--placet-muted);
    font-weight: normal;
    text-align: right;
  }
  .hljs-keyword,
  .hljs-selector-tag,
  .hljs-literal,
  .hljs-doctag,
  .hljs-meta .hljs-keyword {
    color: light-dark(#cf222e, #ff7b72);
  }
  .hljs-string,
  .hljs-regexp,
  .hljs-meta .hljs-string {
    color: light-dark(#0a3069, #a5d6ff);
  }
  .hljs-title,
  .hljs-title.function_,
  .hljs-section {
    color: light-dark(#8250df, #d2a8ff);
  }
  .hljs-title.class_,
  .hljs-type,
  .hljs-built_in,
  .hljs-variable.language_,
  .hljs-symbol {
    color: light-dark(#953800, #ffa657);
  }
  .hljs-number,
  .hljs-attr,
  .hljs-attribute,
  .hljs-property,
  .hljs-selector-class,
  .hljs-selector-id,
  .hljs-variable,
  .hljs-template-variable {
    color: light-dark(#0550ae, #79c0ff);
  }
  .hljs-comment,
  .hljs-quote,
  .hljs-meta {
    color: light-dark(#6e7781, #8b949e);
    font-style: italic;
  }
  .hljs-name,
  .hljs-tag,
  .hljs-addition {
    color: light-dark(#116329, #7ee787);
  }
  .hljs-deletion {
    color: light-dark(#82071e, #ffa198);
  }
  .hljs-emphasis {
    font-style: italic;
  }
  .hljs-strong {
    font-weight: bold;
  }
`;
