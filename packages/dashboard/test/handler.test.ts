import { createHash } from 'node:crypto';
import { type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { preferredEncoding } from '../src/asset-files.js';
import { DASHBOARD_CSP, placetDashboard } from '../src/index.js';

let server: Server | undefined;
afterEach(async () => {
  const open = server;
  server = undefined;
  if (open) await new Promise((resolve) => open.close(resolve));
});

async function serve(mount: (app: express.Express) => void): Promise<string> {
  const app = express();
  mount(app);
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

/** A request with the path sent as it is (fetch and URL strings resolve `%2e%2e` segments first). */
function raw(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** A GET (or `method`) with exactly these headers (fetch would add its own Accept-Encoding and inflate). */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url);
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page's links: its script, its style sheet and the import map's shared module. */
function linksOf(html: string): { script: string; style: string; shared: string; importMap: string } {
  const importMap = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  return {
    script: /<script type="module" src="([^"]+)"/.exec(html)?.[1] ?? '',
    style: /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1] ?? '',
    shared: (JSON.parse(importMap) as { imports: Record<string, string> }).imports['@placet/core/browser']!,
    importMap,
  };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

const configOf = (html: string) => {
  const raw = /<meta name="placet-config" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return JSON.parse(raw.replace(/&#(\d+);/g, (_m, code) => String.fromCharCode(Number(code))));
};

describe('placetDashboard()', () => {
  it('serves its page at the mount point with the CSP and the configuration in a meta tag; its one inline script is the import map, allowed by its hash', async () => {
    const url = await serve((app) => app.use(placetDashboard({ apiBase: '/api/v1/' })));
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    const { importMap } = linksOf(html);
    const hash = createHash('sha256').update(importMap).digest('base64');
    expect(res.headers.get('content-security-policy')).toBe(
      DASHBOARD_CSP.replace("script-src 'self'", `script-src 'self' 'sha256-${hash}'`),
    );
    // No other inline script: every other <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)(?![^>]*type="importmap")[^>]*>/g)).toBeNull();
    expect(configOf(html)).toEqual({
      apiBase: '/api/v1',
      authBase: '/api/auth',
      loginUrl: null,
      wsPath: '/ws',
      title: 'Placet',
    });
    expect(html).toMatch(/<script type="module" src="\/placet-assets\/app-[0-9a-f]{12}\.js"><\/script>/);
    const script = await fetch(`${url}${linksOf(html).script}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect((await script.text()).length).toBeGreaterThan(10_000);
  });

  it('works under a host path: redirects to the trailing slash and links its assets under the path', async () => {
    const url = await serve((app) => {
      app.use('/inbox', placetDashboard({ authBase: false, loginUrl: '/login' }));
      app.get('/other', (_req, res) => void res.send('host route'));
    });
    const bare = await fetch(`${url}/inbox`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/inbox/');
    const html = await (await fetch(`${url}/inbox/`)).text();
    expect(linksOf(html).script).toMatch(/^\/inbox\/placet-assets\/app-[0-9a-f]{12}\.js$/);
    expect(configOf(html)).toMatchObject({ authBase: false, loginUrl: '/login' });
    expect((await fetch(`${url}${linksOf(html).style}`)).status).toBe(200);
    // The import map is relative to the page, so one map (and one CSP hash) serves every mount path.
    expect(linksOf(html).shared).toMatch(/^\.\/placet-assets\/placet-core-browser-[0-9a-f]{12}\.js$/);
    expect((await fetch(new URL(linksOf(html).shared, `${url}/inbox/`))).status).toBe(200);
    expect((await fetch(`${url}/inbox/placet-assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${url}/inbox/placet-assets/../../package.json`)).status).toBe(404);
    // Only its own routes: the host's stay the host's.
    expect(await (await fetch(`${url}/other`)).text()).toBe('host route');
  });

  it('answers bad asset paths itself: a plain 404 or 400, no stack or file path for the host to print', async () => {
    // A bare host: no error handler of its own, so Express's default one (which prints stacks outside
    // production) would answer any error the dashboard passed on.
    const url = await serve((app) => {
      app.use(placetDashboard());
      app.use('/inbox', placetDashboard({ authBase: false }));
    });
    const packageDir = fileURLToPath(new URL('..', import.meta.url));
    const cases: [string, number][] = [
      ['/placet-assets/..%2f..%2fpackage.json', 404],
      ['/placet-assets/%2e%2e/%2e%2e/package.json', 404],
      ['/placet-assets/..%5c..%5cpackage.json', 404],
      ['/placet-assets/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd', 404],
      ['/placet-assets/app.js%00', 400],
      ['/placet-assets/%00', 400],
      ['/placet-assets/%ff', 400],
      ['/placet-assets/%', 400],
      ['/placet-assets/%E0%A4%A', 400],
      ['/placet-assets/%C0%AF..%C0%AF..%C0%AFpackage.json', 400],
      [`/placet-assets/${'a'.repeat(300)}.js`, 404],
      [`/placet-assets/${'a/'.repeat(3000)}x`, 404],
      ['/placet-assets/app.js/..%2f..%2findex.html', 404],
      ['/placet-assets/app.js/x', 404],
      ['/placet-assets/nope.js', 404],
      ['/inbox/placet-assets/..%2f..%2f..%2fpackage.json', 404],
      ['/inbox/placet-assets/%', 400],
    ];
    const answers = [];
    for (const [path] of cases) answers.push({ path, answer: await raw(url, path) });
    expect(answers.map(({ path, answer }) => [path, answer.status])).toEqual(cases);
    for (const { path, answer } of answers) {
      expect(answer.type, path).toMatch(/^text\/plain/);
      expect(answer.body, path).not.toMatch(/\bat \S|Error|node_modules/);
      expect(answer.body, path).not.toContain(packageDir);
    }
    // Still serving its assets, and methods other than GET and HEAD are refused without an error page.
    const script = linksOf(await (await fetch(`${url}/`)).text()).script;
    expect((await raw(url, script)).status).toBe(200);
    for (const headers of [{}, { 'accept-encoding': 'br' }] as Record<string, string>[]) {
      const post = await get(url, script, headers, 'POST');
      expect(post.status).toBe(405);
      expect(post.body.toString()).toBe('');
    }
    // The precompressed copies are no names of their own to ask for through a traversal either.
    expect((await raw(url, `${script}.br/..%2f..%2fpackage.json`)).status).toBe(404);
  });

  it('serves the service worker at its root (not cached, versioned) and the web app manifest with its icons', async () => {
    const url = await serve((app) => {
      app.use(placetDashboard());
      app.use('/inbox', placetDashboard({ authBase: false }));
    });
    expect(DASHBOARD_CSP).toContain("worker-src 'self'");
    expect(DASHBOARD_CSP).toContain("manifest-src 'self'");
    for (const base of ['', '/inbox']) {
      const sw = await fetch(`${url}${base}/sw.js`);
      expect(sw.status).toBe(200);
      expect(sw.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(sw.headers.get('cache-control')).toBe('no-cache');
      expect(sw.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
      const script = await sw.text();
      expect(script).not.toContain('__PLACET_BUILD__');
      expect(script).not.toContain('__PLACET_SHELL__');
      expect(script).toMatch(/"[0-9a-f]{16}"/);
      expect(script).toContain('notificationclick');
      // It keeps what this build's page links: the hashed script and style sheet by name.
      const links = linksOf(await (await fetch(`${url}${base}/`)).text());
      for (const link of [links.script, links.style]) expect(script).toContain(link.split('/').pop());

      const html = await (await fetch(`${url}${base}/`)).text();
      expect(html).toContain(`<link rel="manifest" href="${base}/placet-assets/manifest.webmanifest" />`);
      expect(html).toContain(
        `<link rel="apple-touch-icon" href="${base}/placet-assets/apple-touch-icon.png" />`,
      );
      expect(html).toContain('<meta name="theme-color"');
      const res = await fetch(`${url}${base}/placet-assets/manifest.webmanifest`);
      expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
      const manifest = (await res.json()) as {
        start_url: string;
        scope: string;
        display: string;
        icons: { src: string; sizes: string; purpose: string }[];
      };
      // Relative to the manifest: the dashboard's root, wherever it is mounted.
      const manifestUrl = `${url}${base}/placet-assets/manifest.webmanifest`;
      expect(new URL(manifest.start_url, manifestUrl).href).toBe(`${url}${base}/`);
      expect(new URL(manifest.scope, manifestUrl).href).toBe(`${url}${base}/`);
      expect(manifest).toMatchObject({ name: 'Placet', display: 'standalone' });
      for (const icon of manifest.icons.filter((i) => i.src.endsWith('.png'))) {
        const png = await fetch(new URL(icon.src, manifestUrl));
        expect(png.headers.get('content-type')).toBe('image/png');
        const bytes = Buffer.from(await png.arrayBuffer());
        // The PNG's IHDR: width and height as the manifest says.
        const [w, h] = icon.sizes.split('x').map(Number);
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([w, h]);
      }
      expect(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`)).toEqual(
        expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']),
      );
    }
  });

  it('caches hashed names for a year, revalidates the others, and sends brotli or gzip as the request allows', async () => {
    const url = await serve((app) => app.use('/inbox', placetDashboard({ authBase: false })));
    const links = linksOf(await (await fetch(`${url}/inbox/`)).text());
    const shared = new URL(links.shared, `${url}/inbox/`).pathname;
    for (const path of [links.script, links.style, shared]) {
      const identity = await get(url, path);
      expect(identity.status, path).toBe(200);
      expect(identity.headers['cache-control'], path).toBe(IMMUTABLE);
      expect(identity.headers['content-encoding'], path).toBeUndefined();
      expect(identity.headers.vary, path).toMatch(/accept-encoding/i);
      const type = identity.headers['content-type'];
      expect(type).toMatch(path.endsWith('.css') ? /^text\/css/ : /^text\/javascript/);

      const br = await get(url, path, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(br.headers['content-encoding'], path).toBe('br');
      expect(br.headers['content-type'], path).toBe(type);
      expect(br.headers['cache-control'], path).toBe(IMMUTABLE);
      expect(br.headers.vary, path).toMatch(/accept-encoding/i);
      expect(Number(br.headers['content-length'])).toBe(br.body.length);
      expect(brotliDecompressSync(br.body).equals(identity.body), path).toBe(true);
      expect(br.body.length).toBeLessThan(identity.body.length);

      const gz = await get(url, path, { 'accept-encoding': 'br;q=0, gzip' });
      expect(gz.headers['content-encoding'], path).toBe('gzip');
      expect(gunzipSync(gz.body).equals(identity.body), path).toBe(true);
      // One validator per representation, and a 304 for it.
      expect(new Set([identity.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
      const again = await get(url, path, { 'accept-encoding': 'br', 'if-none-match': br.headers.etag! });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      const head = await get(url, path, { 'accept-encoding': 'br' }, 'HEAD');
      expect([head.status, head.headers['content-encoding'], head.body.length]).toEqual([200, 'br', 0]);

      for (const accept of ['identity', 'br;q=0, gzip;q=0', '*;q=0', 'compress']) {
        const plain = await get(url, path, { 'accept-encoding': accept });
        expect(plain.headers['content-encoding'], `${path} ${accept}`).toBeUndefined();
        expect(plain.body.equals(identity.body)).toBe(true);
      }
    }
    // Names without a hash: revalidated (their ETag), compressed when text.
    const manifest = await get(url, '/inbox/placet-assets/manifest.webmanifest', {
      'accept-encoding': 'gzip',
    });
    expect(manifest.headers['cache-control']).toBe('no-cache');
    expect(manifest.headers['content-encoding']).toBe('gzip');
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(JSON.parse(gunzipSync(manifest.body).toString())).toMatchObject({ name: 'Placet' });
    const icon = await get(url, '/inbox/placet-assets/icon-192.png', { 'accept-encoding': 'br' });
    expect(icon.headers['cache-control']).toBe('no-cache');
    expect(icon.headers['content-encoding']).toBeUndefined();
    expect(icon.headers['content-type']).toBe('image/png');
    // The source maps of hashed files are hashed too.
    const map = await get(url, `${links.script}.map`);
    expect([map.status, map.headers['cache-control']]).toEqual([200, IMMUTABLE]);
  });

  it('serves the shared module of the review widgets: @placet/core/browser with zod, as one ES module', async () => {
    const url = await serve((app) => app.use(placetDashboard()));
    const { shared } = linksOf(await (await fetch(`${url}/`)).text());
    const res = await fetch(new URL(shared, `${url}/`));
    const source = await res.text();
    expect(source).toContain('placet-respond');
    expect(source).toMatch(/export\s*\{[^}]*\bPlacetReviewElement\b/);
    expect(source).not.toMatch(/^\s*import\s*["'{]|from\s*["'][^./]/m); // self-contained
  });

  it('escapes the title into the page', async () => {
    const url = await serve((app) =>
      app.use(placetDashboard({ title: '</title><script>alert(1)</script>' })),
    );
    const html = await (await fetch(`${url}/`)).text();
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&#60;/title&#62;&#60;script&#62;');
  });

  it('refuses invalid options naming the path, never echoing the value', () => {
    expect(() => placetDashboard({ apiBase: 'https://evil.example/secret-token' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringContaining('apiBase') }),
    );
    expect(() => placetDashboard({ apiBase: 'https://evil.example/secret-token' })).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('secret-token') }),
    );
  });
});

describe('preferredEncoding', () => {
  it('picks brotli, then gzip, by weight; q=0 refuses; * stands for the others', () => {
    expect(preferredEncoding(undefined)).toBeUndefined();
    expect(preferredEncoding('')).toBeUndefined();
    expect(preferredEncoding('identity')).toBeUndefined();
    expect(preferredEncoding('gzip, deflate, br')).toBe('br');
    expect(preferredEncoding('gzip, deflate')).toBe('gzip');
    expect(preferredEncoding('x-gzip')).toBe('gzip');
    expect(preferredEncoding('BR;Q=0.5, gzip;q=1')).toBe('gzip');
    expect(preferredEncoding('br;q=0, gzip;q=0.1')).toBe('gzip');
    expect(preferredEncoding('*')).toBe('br');
    expect(preferredEncoding('*;q=0')).toBeUndefined();
    expect(preferredEncoding('br;q=0, *')).toBe('gzip');
    expect(preferredEncoding('br;q=nonsense')).toBeUndefined();
  });
});
