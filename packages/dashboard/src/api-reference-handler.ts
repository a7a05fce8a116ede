import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response } from 'express';

/**
 * The interactive API reference: one HTML page whose script (`src/api-reference/*.ts`, bundled into
 * `dist/api-reference/api-reference.js`) and style are inlined and allowed by their SHA-256 hashes alone.
 * It fetches the OpenAPI document and renders operations by tag, their parameters and schemas, and a "Try
 * it" form; it loads nothing else (no CDN, no web font).
 */

interface ReferenceAssets {
  shell: string;
  script: string;
  style: string;
  scriptHash: string;
  styleHash: string;
}

const FILES = ['page.html', 'page.css', 'api-reference.js'] as const;

/** `dist/api-reference`, whether this module runs from `src/` (tests, through `source`) or `dist/`. */
function referenceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'api-reference'), join(here, '..', 'dist', 'api-reference')];
  const found = candidates.find((dir) => FILES.every((name) => existsSync(join(dir, name))));
  if (!found) {
    throw new Error(
      `@placet/dashboard: the API reference page is not built (looked in ${candidates.join(', ')}). Run: npm run build -w @placet/dashboard`,
    );
  }
  return found;
}

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

let assets: ReferenceAssets | undefined;

function referenceAssets(): ReferenceAssets {
  if (assets) return assets;
  const dir = referenceDir();
  const read = (name: string) => readFileSync(join(dir, name), 'utf8');
  // A script inlined into HTML must not close its element early (esbuild escapes `</script` already).
  const script = read('api-reference.js').replace(/<\/(script)/gi, '<\\/$1');
  const style = read('page.css');
  assets = { shell: read('page.html'), script, style, scriptHash: hash(script), styleHash: hash(style) };
  return assets;
}

/** For a double-quoted attribute value. */
function escapeAttribute(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}

/** The origin of an absolute spec URL (it must be fetchable under the page's CSP); none when relative. */
function extraOrigin(openApiUrl: string): string | undefined {
  try {
    const url = new URL(openApiUrl);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Content-Security-Policy of the page: only its own inline script and style (by hash), requests to
 * its own origin (and the document's, when absolute); nothing else is loaded.
 */
export function apiReferenceCsp(openApiUrl: string): string {
  const { scriptHash, styleHash } = referenceAssets();
  const origin = extraOrigin(openApiUrl);
  return [
    "default-src 'none'",
    `script-src ${scriptHash}`,
    `style-src ${styleHash}`,
    `connect-src 'self'${origin ? ` ${origin}` : ''}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The reference page for the OpenAPI document at `openApiUrl` (absolute, or relative to the page). */
export function apiReferenceHtml(openApiUrl: string): string {
  const { shell, script, style } = referenceAssets();
  const values: Record<string, string> = {
    '%CSP%': escapeAttribute(apiReferenceCsp(openApiUrl)),
    '%SPEC%': escapeAttribute(openApiUrl),
    '<!--%STYLE%-->': `<style>${style}</style>`,
    '<!--%SCRIPT%-->': `<script>${script}</script>`,
  };
  // One pass, with a function: nothing inserted is read again, and `$&` in the script stays as it is.
  return shell.replace(/<!--%(?:STYLE|SCRIPT)%-->|%(?:CSP|SPEC)%/g, (slot) => values[slot] ?? '');
}

/**
 * Serves the reference page, e.g. `app.get('/api/docs', apiReferenceHandler('/api/v1/openapi.json'))`,
 * with its CSP also as a header (which, unlike the meta tag, also forbids framing).
 */
export function apiReferenceHandler(openApiUrl: string): (req: Request, res: Response) => void {
  const html = apiReferenceHtml(openApiUrl);
  const csp = `${apiReferenceCsp(openApiUrl)}; frame-ancestors 'none'`;
  return (_req, res) => {
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': csp,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.send(html);
  };
}
