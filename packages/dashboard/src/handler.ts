import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Request, type Response, type Router } from 'express';
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
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const ASSETS = 'placet-assets';

/** `dist/app`, whether this module runs from `src/` (tests, through the `source` condition) or `dist/`. */
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
 * page (`/`) and its assets (`/placet-assets/*`), each with a strict Content Security Policy; everything
 * the browser loads comes from this server.
 */
export function placetDashboard(input: PlacetDashboardOptions = {}): Router {
  const options = parseDashboardOptions(input);
  const dir = appDir();
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
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
  router.use(`/${ASSETS}`, (_req, res, next) => {
    securityHeaders(res);
    next();
  });
  router.use(`/${ASSETS}`, express.static(dir, { index: false, fallthrough: false, maxAge: 0 }));
  return router;
}
