import { diffLines } from 'diff/lib/diff/line.js';
import { diffWords } from 'diff/lib/diff/word.js';
import { css, html } from 'lit';

/** One run of a diff: unchanged, added or removed text. */
export interface DiffPart {
  value: string;
  added: boolean;
  removed: boolean;
}

export type DiffMode = 'words' | 'lines';

/** The changes from `before` to `after`, by words or by lines (jsdiff's word and line diffs only). */
export function diffText(before: string, after: string, mode: DiffMode): DiffPart[] {
  return (mode === 'lines' ? diffLines(before, after) : diffWords(before, after)).map(toPart);
}

const toPart = (change: { value: string; added: boolean; removed: boolean }): DiffPart => ({
  value: change.value,
  added: change.added,
  removed: change.removed,
});

/**
 * A diff as text nodes inside `<ins>` (added) and `<del>` (removed): Lit templates set text only, so
 * agent-written text is never parsed as HTML. `diffStyles` colours them and names them for screen readers.
 */
export function diffView(parts: DiffPart[]) {
  return parts.map((part) => {
    if (part.added) return html`<ins>${part.value}</ins>`;
    if (part.removed) return html`<del>${part.value}</del>`;
    return part.value;
  });
}

/** Additions green, deletions red and struck through; hidden "added"/"removed" labels for screen readers. */
export const diffStyles = css`
  ins,
  del {
    padding: 0 2px;
  }
  ins {
    text-decoration: none;
    background: color-mix(in srgb, var(--placet-success) 22%, transparent);
    color: inherit;
    border-radius: 3px;
  }
  del {
    background: color-mix(in srgb, var(--placet-danger) 18%, transparent);
    color: inherit;
    border-radius: 3px;
    text-decoration: line-through;
    text-decoration-color: var(--placet-danger);
  }
  ins::before,
  ins::after,
  del::before,
  del::after {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(100%);
    white-space: nowrap;
  }
  ins::before {
    content: ' [added: ';
  }
  del::before {
    content: ' [removed: ';
  }
  ins::after,
  del::after {
    content: '] ';
  }
`;
