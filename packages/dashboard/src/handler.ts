import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import {
  COMPRESSIBLE,
  ENCODING_SUFFIX,
  type Encoding,
  HASHED_NAME,
  preferredEncoding,
} from './asset-files.js';
import { escapeHtml } from './escape-html.js';
import { type PlacetDashboardOptions, parseDashboardOptions } from './options.js';

/**
 * The Content Security Policy of every dashboard response: nothing from elsewhere, no inline script. The
 * page's policy adds one hash to `script-src`: its import map's (an inline `<script type="importmap">`,
 * which maps `@placet/core/browser` to the widgets' shared module), the only inline script it has.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Lit adopts constructed style sheets; `style="…"` attributes (e.g. a progress width) need inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  // The service worker (`sw.js`, same origin) and the web app manifest.
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS = 'placet-assets';

/** Cache-Control of a file whose name carries its content's hash: a new build is a new name. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `dist/app`, whether this module runs from `src/` (tests, through the `@placet/source` condition) or `dist/`. */
function appDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'app'), join(here, '..', 'dist', 'app')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) {
    throw new Error(
      `@placet/dashboard: the app is not built (looked in ${candidates.join(', ')}). Run: npm run build -w @placet/dashboard`,
    );
  }
  return found;
}

/**
 * The service worker's script (`dist/sw/sw.js`) with the build's version in it: a hash of every file of
 * the app, so that a new build is a new worker (browsers compare the script byte for byte), which
 * replaces the old shell cache.
 */
function serviceWorkerScript(dir: string, shell: readonly string[]): string {
  const file = join(dir, '..', 'sw', 'sw.js');
  if (!existsSync(file)) {
    throw new Error(
      `@placet/dashboard: the service worker is not built (${file}). Run: npm run build -w @placet/dashboard`,
    );
  }
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    if (/\.(?:map|br|gz)$/.test(name)) continue;
    hash.update(name).update(readFileSync(join(dir, name)));
  }
  return readFileSync(file, 'utf8')
    .replaceAll('__PLACET_BUILD__', hash.digest('hex').slice(0, 16))
    .replaceAll('__PLACET_SHELL__', shell.join(' '));
}

/** The names of the assets the page links (`%ASSETS%/<name>`): the service worker keeps them for offline. */
function linkedAssets(template: string): string[] {
  return [...new Set([...template.matchAll(/%ASSETS%\/([\w.-]+)/g)].map((m) => m[1]!))];
}

/**
 * The page's policy: {@link DASHBOARD_CSP} with the SHA-256 of each inline import map of the page in
 * `script-src` (an import map is an inline script to CSP; its text is fixed by the build).
 */
function pageCsp(template: string): string {
  const hashes = [...template.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`,
  );
  return DASHBOARD_CSP.replace("script-src 'self'", ["script-src 'self'", ...hashes].join(' '));
}

/** One asset with precompressed copies: the encodings the build wrote for it. */
interface Compressed {
  /** Its extension, for `Content-Type`. */
  ext: string;
  encodings: Set<Encoding>;
}

/** The assets of `dir` the build wrote `.br`/`.gz` copies of, by name. */
function compressedAssets(dir: string): Map<string, Compressed> {
  const files = new Set(readdirSync(dir));
  const found = new Map<string, Compressed>();
  for (const name of files) {
    if (!COMPRESSIBLE.test(name)) continue;
    const encodings = new Set(
      (Object.keys(ENCODING_SUFFIX) as Encoding[]).filter((e) => files.has(name + ENCODING_SUFFIX[e])),
    );
    if (encodings.size > 0) found.set(name, { ext: extname(name), encodings });
  }
  return found;
}

/** Cache-Control of an asset: a year for a hashed name, else revalidated on each use (its ETag). */
function cacheControl(res: Response, name: string): void {
  res.set('Cache-Control', HASHED_NAME.test(name) ? IMMUTABLE : 'no-cache');
}

function securityHeaders(res: Response): void {
  res.set({
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  });
}

/**
 * The web inbox, as an Express router: `app.use(placetDashboard())` serves it at `/`,
 * `app.use('/inbox', placetDashboard({ authBase: false }))` under a path of the host. It serves only its
 * page (`/`), its service worker (`/sw.js`) and its assets (`/placet-assets/*`: the bundle, the widgets'
 * shared module, the web app manifest, icons), each with a strict Content Security Policy; everything
 * the browser loads comes from this server. Assets whose name carries their content's hash are cached
 * for a year (`immutable`), the others and the page are revalidated (`no-cache`); text assets are sent
 * brotli- or gzip-compressed, as the build wrote them, when the request's `Accept-Encoding` allows. A bad asset path gets a plain 404 or 400 from it: no error
 * reaches the host's handlers.
 */
export function placetDashboard(input: PlacetDashboardOptions = {}): Router {
  const options = parseDashboardOptions(input);
  const dir = appDir();
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const worker = serviceWorkerScript(dir, linkedAssets(template));
  const csp = pageCsp(template);
  const compressed = compressedAssets(dir);
  const router = express.Router({ strict: true });

  const page = (req: Request, res: Response) => {
    const base = req.baseUrl;
    if (req.path === '/' && req.originalUrl.split('?')[0] === base && base !== '') {
      // `/inbox` → `/inbox/`, so that the page's relative links resolve under the mount path.
      res.redirect(308, `${base}/`);
      return;
    }
    const config = {
      apiBase: options.apiBase,
      authBase: options.authBase,
      loginUrl: options.loginUrl ?? null,
      wsPath: options.wsPath,
      title: options.title,
    };
    const html = template
      .replaceAll('%ASSETS%', escapeHtml(`${base}/${ASSETS}`))
      .replaceAll('%TITLE%', escapeHtml(options.title))
      .replace('%CONFIG%', escapeHtml(JSON.stringify(config)));
    securityHeaders(res);
    res.set({ 'Content-Security-Policy': csp, 'Cache-Control': 'no-cache' }).type('html').send(html);
  };
  router.get('/', page);
  router.get('/index.html', page);
  // The service worker, next to the page: its default scope is the dashboard's root (no
  // Service-Worker-Allowed needed). Never cached by HTTP, so that a new build reaches browsers at once.
  router.get('/sw.js', (_req, res) => {
    securityHeaders(res);
    res.set('Cache-Control', 'no-cache').type('text/javascript').send(worker);
  });
  router.use(`/${ASSETS}`, (_req, res, next) => {
    securityHeaders(res);
    next();
  });
  // A precompressed copy when the browser accepts its encoding: the same file for every request, so no
  // compression work per request. `req.path` is still percent-encoded: only a plain known name matches.
  router.use(`/${ASSETS}`, (req, res, next) => {
    const name = req.path.slice(1);
    const asset = compressed.get(name);
    if (!asset || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    res.vary('Accept-Encoding');
    const encoding = preferredEncoding(req.get('accept-encoding'));
    if (!encoding || !asset.encodings.has(encoding)) return next();
    cacheControl(res, name);
    res.type(asset.ext).set('Content-Encoding', encoding);
    res.sendFile(
      name + ENCODING_SUFFIX[encoding],
      { root: dir, cacheControl: false, dotfiles: 'deny' },
      (e) => {
        if (e) next(e);
      },
    );
  });
  router.use(
    `/${ASSETS}`,
    express.static(dir, {
      index: false,
      fallthrough: false,
      cacheControl: false,
      setHeaders: (res, path) => cacheControl(res as Response, path.slice(path.lastIndexOf('/') + 1)),
    }),
  );
  router.use(`/${ASSETS}`, assetError);
  return router;
}

/**
 * What the assets answer for a path that is not one of them (`..%2f`, `%00`, malformed percent-encoding,
 * overlong names): a plain-text 404 or 400 from here. The static server's errors carry file paths and
 * stacks; handed to the host, Express's default handler would print both.
 */
function assetError(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (res.headersSent) {
    // A file failed mid-answer: nothing can follow it.
    res.destroy();
    return;
  }
  const e = error as { status?: unknown; statusCode?: unknown; headers?: unknown };
  const raw = typeof e?.status === 'number' ? e.status : e?.statusCode;
  const status = typeof raw === 'number' && raw >= 400 && raw < 600 ? raw : 500;
  // A path outside the assets (403 from the static server) is not found, as any other name.
  const answer = status === 403 || status === 404 ? 404 : status;
  // 416 says which range exists (`Content-Range`); no other header of the error is passed on.
  const range = (e?.headers as Record<string, unknown> | undefined)?.['Content-Range'];
  if (answer === 416 && typeof range === 'string') res.set('Content-Range', range);
  res
    .status(answer)
    .type('text/plain')
    .send(STATUS_CODES[answer] ?? 'Error');
}
