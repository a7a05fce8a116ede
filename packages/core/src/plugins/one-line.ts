/**
 * `text` on one line for a summary or a notification: runs of whitespace become one space, and a text
 * longer than `max` characters is cut with `…` (the result is at most `max` characters).
 */
export function oneLine(text: string, max = 120): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
