import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
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

const configOf = (html: string) => {
  const raw = /<meta name="placet-config" content="([^"]*)"/.exec(html)?.[1] ?? '';
  return JSON.parse(raw.replace(/&#(\d+);/g, (_m, code) => String.fromCharCode(Number(code))));
};

describe('placetDashboard()', () => {
  it('serves its page at the mount point with the CSP and the configuration in a meta tag, never inline script', async () => {
    const url = await serve((app) => app.use(placetDashboard({ apiBase: '/api/v1/' })));
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(configOf(html)).toEqual({
      apiBase: '/api/v1',
      authBase: '/api/auth',
      loginUrl: null,
      wsPath: '/ws',
      title: 'Placet',
    });
    expect(html).toContain('<script type="module" src="/placet-assets/app.js"></script>');
    const script = await fetch(`${url}/placet-assets/app.js`);
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
    expect(html).toContain('src="/inbox/placet-assets/app.js"');
    expect(configOf(html)).toMatchObject({ authBase: false, loginUrl: '/login' });
    expect((await fetch(`${url}/inbox/placet-assets/styles.css`)).status).toBe(200);
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
    expect((await raw(url, '/placet-assets/app.js')).status).toBe(200);
    const post = await raw(url, '/placet-assets/app.js', 'POST');
    expect(post.status).toBe(405);
    expect(post.body).toBe('');
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
      expect(script).toMatch(/"[0-9a-f]{16}"/);
      expect(script).toContain('notificationclick');

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
