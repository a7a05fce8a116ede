/**
 * Markdown (as agents write it) to Slack's `mrkdwn`, safely: `&`, `<` and `>` are escaped everywhere, so
 * no text can make a mention (`<!channel>`, `<!here>`, `<@U…>`), a link Placet did not make, or a date
 * token. Links are made only from `[text](http(s)://…)`; bold, italics, strike-through, code, headings,
 * lists and quotes are translated; anything else stays as written.
 */

/** Escapes the three characters Slack's mrkdwn parses: `&` `<` `>`. */
export const escapeMrkdwn = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A link `<url|label>` Placet makes: the URL must be http(s) and the label cannot close it. */
export function mrkdwnLink(url: string, label: string): string {
  const safeLabel = escapeMrkdwn(label)
    .replace(/\|/g, '¦')
    .replace(/[\r\n]+/g, ' ');
  if (!/^https?:\/\/[^\s|<>]+$/i.test(url)) return safeLabel;
  return `<${escapeMrkdwn(url)}|${safeLabel}>`;
}

const PLACEHOLDER = '\uE000';

/** Markdown → mrkdwn (see the module's comment). */
export function markdownToMrkdwn(markdown: string): string {
  const kept: string[] = [];
  const keep = (text: string) => `${PLACEHOLDER}${kept.push(text) - 1}${PLACEHOLDER}`;
  // A stray placeholder character in the input must not pick a kept piece: drop it.
  let text = markdown.replace(/\uE000/g, '').replace(/\r\n?/g, '\n');
  // Code first: its content is escaped and otherwise left alone.
  text = text.replace(/```[^\n]*\n?([\s\S]*?)```/g, (_, code: string) =>
    keep(`\`\`\`${escapeMrkdwn(code)}\`\`\``),
  );
  text = text.replace(/`([^`\n]+)`/g, (_, code: string) => keep(`\`${escapeMrkdwn(code)}\``));
  // Links and images (an image becomes a link to it).
  text = text.replace(
    /!?\[([^\]\n]*)\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g,
    (_, label: string, url: string) => keep(mrkdwnLink(url, label || url)),
  );
  text = escapeMrkdwn(text);
  // Bold (** or __) → *x*; italics (* or _) → _x_; strike-through → ~x~.
  text = text.replace(/\*\*(?=\S)([^*\n]*?\S)\*\*|__(?=\S)([^_\n]*?\S)__/g, (_, a?: string, b?: string) =>
    keep(`*${a ?? b}*`),
  );
  text = text.replace(
    /(^|[^*\w])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g,
    (_, before: string, inner: string) => `${before}_${inner}_`,
  );
  text = text.replace(/~~(?=\S)([^~\n]*?\S)~~/g, (_, inner: string) => `~${inner}~`);
  // Headings → bold lines; list bullets → •; quotes stay quotes (`&gt;` after escaping).
  text = text.replace(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm, (_, heading: string) => keep(`*${heading}*`));
  text = text.replace(/^([ \t]*)[-*+][ \t]+/gm, (_, indent: string) => `${indent}• `);
  text = text.replace(/^&gt;[ \t]?/gm, '>');
  // Kept pieces may hold others (a link in bold): restore until none is left.
  for (let depth = 0; depth < 8 && text.includes(PLACEHOLDER); depth++)
    text = text.replace(/\uE000(\d+)\uE000/g, (_, index: string) => kept[Number(index)] ?? '');
  return text;
}

/** Cuts `text` to at most `max` characters (an ellipsis marks the cut), never inside a `<…>` token. */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  const entity = cut.lastIndexOf('&');
  if (entity > cut.length - 6 && !cut.slice(entity).includes(';')) cut = cut.slice(0, entity);
  return `${cut}…`;
}
