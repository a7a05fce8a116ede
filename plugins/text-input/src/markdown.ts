/// <reference lib="dom" />
import { type Child, h } from '@placet/core/browser';

/**
 * A deliberately small markdown renderer for the text-input preview: it builds DOM nodes from text and
 * never parses HTML, so `<img onerror=…>` in the text shows as text. Supports headings, paragraphs (a line
 * break is a `<br>`), fenced code, block quotes, flat lists, rules, `code`, **bold**, *italic*, and
 * links to http(s) and mailto URLs (other schemes stay text).
 */
export function renderMarkdown(source: string): DocumentFragment {
  const out = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  const at = (index: number) => lines[index] ?? '';
  while (i < lines.length) {
    const line = at(i);
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const body: string[] = [];
      for (
        i++;
        i < lines.length &&
        !at(i)
          .trimStart()
          .startsWith(fence[1] ?? '```');
        i++
      )
        body.push(at(i));
      i++;
      out.append(h('pre', null, h('code', null, body.join('\n'))));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = (heading[1] ?? '#').length;
      out.append(h(`h${level}` as 'h1', null, inline(heading[2] ?? '')));
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.append(h('hr'));
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      for (; i < lines.length && QUOTE.test(at(i)); i++) body.push(at(i).replace(QUOTE, ''));
      out.append(h('blockquote', null, renderMarkdown(body.join('\n'))));
      continue;
    }
    const item = LIST_ITEM.exec(line);
    if (item) {
      const ordered = /\d/.test(item[1] ?? '');
      const items: Child[] = [];
      for (
        let m: RegExpExecArray | null = item;
        m && /\d/.test(m[1] ?? '') === ordered;
        m = LIST_ITEM.exec(at(i))
      ) {
        items.push(h('li', null, inline(at(i).slice(m[0].length))));
        i++;
      }
      out.append(h(ordered ? 'ol' : 'ul', null, items));
      continue;
    }
    const paragraph: Child[] = [];
    for (; i < lines.length && at(i).trim() && !startsBlock(at(i)); i++) {
      if (paragraph.length > 0) paragraph.push(h('br'));
      paragraph.push(inline(at(i)));
    }
    out.append(h('p', null, paragraph));
  }
  return out;
}

const FENCE = /^\s*(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^\s{0,3}([-*_])(\s*\1){2,}\s*$/;
const QUOTE = /^\s{0,3}>\s?/;
const LIST_ITEM = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+/;
const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const INLINE =
  /(`+)([^`]+?)\1|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s](?:[^*]*[^*\s])?)\*|\b_([^_\s](?:[^_]*[^_\s])?)_\b|\[([^\]]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<>]*[^\s<>.,;:!?)'"])/g;

function startsBlock(line: string): boolean {
  return (
    FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || LIST_ITEM.test(line)
  );
}

function link(href: string, children: Child): Child {
  return SAFE_URL.test(href)
    ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, children)
    : children;
}

/** Inline spans of one line, as text nodes and elements. */
function inline(text: string): Child[] {
  const out: Child[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    out.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const [, , code, bold1, bold2, em1, em2, label, href, url] = m;
    if (code !== undefined) out.push(h('code', null, code));
    else if (bold1 !== undefined || bold2 !== undefined)
      out.push(h('strong', null, inline(bold1 ?? bold2 ?? '')));
    else if (em1 !== undefined || em2 !== undefined) out.push(h('em', null, inline(em1 ?? em2 ?? '')));
    else if (label !== undefined && href !== undefined) out.push(link(href, inline(label)));
    else if (url !== undefined) out.push(link(url, url));
  }
  out.push(text.slice(last));
  return out;
}
