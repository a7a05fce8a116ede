import { parseMimeType, sanitizeMimeType } from '../contract/mime-type.js';
import type { ByteRange } from '../ports/file-store.js';

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

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; other forms (several ranges) serve the whole file. */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return undefined;
  const [, a, b] = match;
  if (a === '' && b === '') return undefined;
  if (size === 0) return 'unsatisfiable';
  let start: number;
  let end: number;
  if (a === '') {
    start = Math.max(0, size - Number(b));
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start > end || start >= size)
    return 'unsatisfiable';
  return { start, end };
}

/**
 * RFC 6266: an ASCII fallback `filename` for older clients (accents dropped; other non-ASCII characters,
 * quotes, backslashes and `%` as `_`) and the exact name as RFC 5987 `filename*=UTF-8''…` (percent-encoded
 * UTF-8, only attr-chars left as they are), which browsers prefer.
 */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  // A lone surrogate (possible in a JSON string) has no UTF-8 form: encodeURIComponent would throw.
  const name = filename.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
