import { parseMimeType, sanitizeMimeType } from '@placet/core';

/** How a stored file is sent: its `Content-Type` and whether a browser may show it in place. */
export interface ServedFile {
  contentType: string;
  disposition: 'inline' | 'attachment';
}

/**
 * Types a browser shows in place without running anything, and that the dashboard or a tab needs inline:
 * raster images (`<img>`, a tab), audio and video (`<audio>`/`<video>`, a tab), PDF (the dashboard's
 * preview is a frame, which would download an attachment) and plain text formats (a tab). SVG, HTML, XML,
 * JavaScript, CSS, JSON and everything unknown are never inline: `<img>` still shows an SVG attachment,
 * and the dashboard fetches text previews, whatever the disposition.
 */
const INLINE = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/apng',
  'image/bmp',
  'image/x-icon',
  'image/vnd.microsoft.icon',
  'audio/mpeg',
  'audio/mp4',
  'audio/aac',
  'audio/ogg',
  'audio/opus',
  'audio/wav',
  'audio/wave',
  'audio/x-wav',
  'audio/webm',
  'audio/flac',
  'audio/x-flac',
  'audio/x-m4a',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
  'application/pdf',
]);

/** Text formats shown inline as themselves (always with a charset); no markup, nothing a browser runs. */
const INLINE_TEXT = new Set(['text/plain', 'text/markdown', 'text/csv', 'text/tab-separated-values']);

/** Charsets passed on for inline text; any other (or none) is served as UTF-8. */
const CHARSETS = new Set([
  'utf-8',
  'us-ascii',
  'utf-16',
  'utf-16le',
  'utf-16be',
  'iso-8859-1',
  'iso-8859-2',
  'iso-8859-15',
  'windows-1250',
  'windows-1251',
  'windows-1252',
  'shift_jis',
  'euc-jp',
  'euc-kr',
  'gb18030',
  'gbk',
  'big5',
  'koi8-r',
]);

/**
 * The `Content-Type` and disposition of a download, built from the allow-lists above and never copied
 * from the stored value: a row written before types were checked (`text/plain; a=b, text/html`, which a
 * browser would render as HTML) is served as `application/octet-stream` attachment. Anything that is not
 * inline is an attachment of its own `type/subtype` (a download on navigation; `nosniff` and the route's
 * sandboxing CSP apply either way).
 */
export function servedAs(mimeType: string): ServedFile {
  const parsed = parseMimeType(sanitizeMimeType(mimeType));
  if (!parsed.ok) return { contentType: 'application/octet-stream', disposition: 'attachment' };
  const { essence, charset } = parsed;
  if (INLINE.has(essence)) return { contentType: essence, disposition: 'inline' };
  if (INLINE_TEXT.has(essence)) {
    const served = charset && CHARSETS.has(charset) ? charset : 'utf-8';
    return { contentType: `${essence}; charset=${served}`, disposition: 'inline' };
  }
  return {
    contentType: charset && essence.startsWith('text/') ? `${essence}; charset=${charset}` : essence,
    disposition: 'attachment',
  };
}
