import { createHash } from 'node:crypto';

/**
 * How the dashboard's built files are named and sent, shared by its build (`tsup.config.ts`) and its
 * handler: the build writes the names and the precompressed copies, the handler recognises them.
 */

/**
 * A name with its content's hash (`app-0123456789ab.js`, its source map `app-0123456789ab.js.map`): a new
 * content is a new name, so such a file is cached for a year without revalidation (`immutable`).
 */
export const HASHED_NAME = /-[0-9a-f]{12}\.(?:js|css)(?:\.map)?$/;

/** Files worth compressing (text); the build writes a `.br` and a `.gz` copy of each next to it. */
export const COMPRESSIBLE = /\.(?:js|css|svg|webmanifest)$/;

/** `app.js` with `content` → `app-<12 hex of its SHA-256>.js`. */
export function hashedName(name: string, content: string | Uint8Array): string {
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 12);
  const dot = name.lastIndexOf('.');
  return `${name.slice(0, dot)}-${hash}${name.slice(dot)}`;
}

/** A precompressed copy: its file suffix and its `Content-Encoding`. */
export type Encoding = 'br' | 'gzip';
export const ENCODING_SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };

/**
 * The encoding to send for an `Accept-Encoding` header (RFC 9110 §12.5.3): the acceptable one with the higher
 * weight (brotli on a tie), else none (identity). `q=0` refuses a coding; `*` stands for any coding not named.
 */
export function preferredEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (!coding) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(coding.trim(), Number.isFinite(weight) ? weight : 0);
  }
  const weight = (coding: string) => weights.get(coding) ?? weights.get('*') ?? 0;
  const br = weight('br');
  const gzip = Math.max(weight('gzip'), weights.get('x-gzip') ?? 0);
  if (br > 0 && br >= gzip) return 'br';
  if (gzip > 0) return 'gzip';
  return undefined;
}
