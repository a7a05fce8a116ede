import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { escapeHtml } from './escape-html.js';
import { type PlacetDashboardOptions, parseDashboardOptions } from './options.js';

/** The Content Security Policy of every dashboard response: no inline script, nothing from elsewhere. */
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
function serviceWorkerScript(dir: string): string {
  const file = join(dir, '..', 'sw', 'sw.js');
  if (!existsSync(file)) {
    throw new Error(
      `@placet/dashboard: the service worker is not built (${file}). Run: npm run build -w @placet/dashboard`,
    );
  }
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    if (name.endsWith('.map')) continue;
    hash.update(name).update(readFileSync(join(dir, name)));
  }
  return readFileSync(file, 'utf8').replaceAll('__PLACET_BUILD__', hash.digest('hex').slice(0, 16));
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
 * page (`/`), its service worker (`/sw.js`) and its assets (`/placet-assets/*`: the bundle, the web app
 * manifest, icons), each with a strict Content Security Policy; everything
 * the browser loads comes from this server. A bad asset path gets a plain 404 or 400 from it: no error
 * reaches the host's handlers.
 */
export function placetDashboard(input: PlacetDashboardOptions = {}): Router {
  const options = parseDashboardOptions(input);
  const dir = appDir();
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const worker = serviceWorkerScript(dir);
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
    res.set('Cache-Control', 'no-cache').type('html').send(html);
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
  router.use(`/${ASSETS}`, express.static(dir, { index: false, fallthrough: false, maxAge: 0 }));
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
