import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
