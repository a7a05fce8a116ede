import DOMPurify from 'dompurify';
import { Marked, type Token, type Tokens } from 'marked';
import { escapeHtml } from '../escape-html.js';

/** `![alt](/<fileId>)`: the original's way to embed a stored file in a message. */
const FILE_EMBED = /^\/([a-z0-9]{20,64})$/;

let purifier: ReturnType<typeof DOMPurify> | undefined;

/** One DOMPurify instance for the page: links open in a new tab without an opener; nothing active survives. */
function purify(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  purifier = DOMPurify(window);
  purifier.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.getAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
  return purifier;
}

/**
 * Agent-supplied GFM markdown to safe HTML. Raw HTML in the markdown is shown as text (as in the
 * original), every URL goes through DOMPurify's allow-list (no `javascript:`), no `style`, no forms, no
 * event handlers. `![alt](/<fileId>)` becomes an image served by the API (`fileUrl`).
 */
export function renderMarkdown(source: string, fileUrl: (fileId: string) => string): string {
  const marked = new Marked({ gfm: true, breaks: true, async: false });
  marked.use({
    renderer: {
      html: (token: Tokens.HTML | Tokens.Tag) => escapeHtml(token.text),
      // A task item (`- [x] done`): a box that shows its state (no form control: nothing to tick here).
      checkbox: ({ checked }: Tokens.Checkbox) =>
        `<span class="task" data-checked="${checked}" role="img" aria-label="${checked ? 'done' : 'to do'}">${checked ? '☑' : '☐'}</span> `,
      image: ({ href, title, text }: Tokens.Image) => {
        const file = FILE_EMBED.exec(href ?? '');
        if (!file) {
          // Images from other origins cannot load under the dashboard's CSP (`img-src 'self'`), and
          // should not: they would tell a third party who reads what, and when. Shown as a link.
          return `<a href="${escapeHtml(href ?? '')}">🖼 ${escapeHtml(text || 'external image')}</a>`;
        }
        const titleAttr = title ? ` title="${escapeHtml(title)}"` : '';
        return `<img src="${escapeHtml(fileUrl(file[1]!))}" alt="${escapeHtml(text ?? '')}"${titleAttr} loading="lazy" data-file-id="${file[1]}">`;
      },
    },
  });
  const html = marked.parse(source) as string;
  return purify().sanitize(html, {
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['style'],
    ADD_ATTR: ['target', 'data-file-id'],
  }) as unknown as string;
}

/** One parser for every preview (a list renders many). */
let previewLexer: Marked | undefined;

/** The words of markdown tokens, without their syntax: what a reader sees, on one line. */
function plainText(tokens: readonly Token[]): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'code': // a fenced block: no preview material
      case 'html': // raw tags
      case 'checkbox':
        out += ' ';
        break;
      case 'list':
        out += ` ${(token as Tokens.List).items.map((item) => plainText(item.tokens)).join(' ')} `;
        break;
      case 'table': {
        const table = token as Tokens.Table;
        const cells = [table.header, ...table.rows].flat();
        out += ` ${cells.map((cell) => plainText(cell.tokens)).join(' ')} `;
        break;
      }
      default: {
        const children = (token as { tokens?: Token[] }).tokens;
        if (children) out += plainText(children);
        else if ('text' in token && typeof token.text === 'string') out += token.text;
        else out += ' ';
        // Blocks end a line of their own.
        if (token.type === 'paragraph' || token.type === 'heading' || token.type === 'blockquote') out += ' ';
      }
    }
  }
  return out;
}

/**
 * The text of a message for previews (agent list, chips, inbox rows, notifications): the markdown's
 * words without its syntax, on one line, at most `max` characters. Only syntax goes: `ticket #4512`,
 * `auto-reply`, `a | b` and `~50 %` keep every character.
 */
export function plainPreview(text: string | null | undefined, max = 80): string {
  if (!text) return '';
  previewLexer ??= new Marked({ gfm: true });
  const flat = plainText(previewLexer.lexer(text)).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
