import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiReferenceHandler, apiReferenceHtml } from '../src/index.js';
import { type ReferenceServer, servedDocument, startReferenceServer } from './api-reference-server.js';

/**
 * The API reference page: self-contained, escaped, served with its CSP, and working in a DOM (jsdom)
 * against the OpenAPI document that `placetRouter()` really serves.
 */

type Json = Record<string, unknown>;

describe('apiReferenceHtml()', () => {
  it('is self-contained: no external script, style, font or image, and a CSP that allows only its own', () => {
    const html = apiReferenceHtml('/api/v1/openapi.json');
    expect(html).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1];
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
    expect(style).not.toMatch(/@import|url\(|@font-face/i);
    expect(script).not.toMatch(/import\(|importScripts|createElement\(['"](script|link|iframe|img)/);
    const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain(`script-src ${sha(script!)}`);
    expect(csp).toContain(`style-src ${sha(style!)}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    // One script and one style, both built from the package's sources (the bundle is not empty).
    expect(html.match(/<script\b/gi)).toHaveLength(1);
    expect(html.match(/<style\b/gi)).toHaveLength(1);
    expect(script!.length).toBeGreaterThan(5_000);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
  });

  it('escapes the spec URL', () => {
    const html = apiReferenceHtml('"><script>alert(1)</script>');
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('data-spec="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  it('allows the origin of an absolute spec URL, and no other', () => {
    const html = apiReferenceHtml('https://api.example.test/v1/openapi.json');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toContain("connect-src 'self' https://api.example.test;");
    expect(apiReferenceHtml('javascript:alert(1)')).toContain("connect-src 'self';");
  });
});

describe('apiReferenceHandler()', () => {
  it('is served with its CSP as a header', async () => {
    const app = express();
    app.get('/api/docs', apiReferenceHandler('/api/v1/openapi.json'));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await fetch(`${url}/api/docs`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toContain('data-spec="/api/v1/openapi.json"');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('the API reference page in a DOM', () => {
  let server: ReferenceServer;
  let doc: Json;
  let operations: string[];
  beforeAll(async () => {
    server = await startReferenceServer();
    ({ doc, operations } = await servedDocument(server.url));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('renders the operations by tag, as text only, and sends "Try it" requests with the API key', async () => {
    const hostile = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Json>> };
    hostile.paths['/agents']!.get!.summary = '<img src=x onerror="window.__pwned = 1">';
    const requests: { url: string; init: Json }[] = [];
    const page = await loadPage(apiReferenceHtml('/api/v1/openapi.json'), async (url, init) => {
      requests.push({ url, init });
      if (url.endsWith('/openapi.json'))
        return fakeResponse(200, 'application/json', JSON.stringify(hostile));
      return fakeResponse(
        200,
        'application/json; charset=utf-8',
        JSON.stringify({ id: 'c1', name: 'deploy-bot' }),
      );
    });
    try {
      const { document } = page.window;
      await vi.waitFor(() => expect(document.querySelector('#app')?.getAttribute('data-ready')).toBe('true'));
      expect(page.errors).toEqual([]);
      expect(operations.length).toBeGreaterThan(20);
      expect(document.querySelectorAll('details.op').length).toBe(operations.length);
      const sections = [...document.querySelectorAll('#operations section h2')].map((h) => h.textContent);
      expect(sections).toEqual([...(doc.tags as { name: string }[]).map((t) => t.name), 'Schemas']);
      // The hostile summary is shown as text; no element was made from it.
      expect(document.querySelectorAll('img').length).toBe(0);
      expect(document.body.textContent).toContain('<img src=x onerror="window.__pwned = 1">');
      expect(page.window.__pwned).toBeUndefined();

      // The API key is kept in sessionStorage.
      const key = document.querySelector('#api-key')!;
      key.value = `hp_${'a'.repeat(48)}`;
      key.dispatchEvent(new page.window.Event('input'));
      expect(page.window.sessionStorage.getItem('placet-docs:api-key')).toBe(key.value);

      // Try GET /agents/{id}: the path parameter is encoded, the key sent, the answer shown.
      const op = [...document.querySelectorAll('details.op')].find(
        (d) =>
          d.querySelector('.path')?.textContent === '/agents/{id}' &&
          d.querySelector('.method')?.textContent === 'get',
      )!;
      const form = op.querySelector('form.try')!;
      form.querySelector('input[name="id"]')!.value = 'c/1';
      form.dispatchEvent(new page.window.Event('submit', { cancelable: true }));
      await vi.waitFor(() => expect(form.querySelector('.response-body')).not.toBeNull());
      const sent = requests.at(-1)!;
      expect(sent.url).toBe('http://127.0.0.1/api/v1/agents/c%2F1');
      expect(sent.init.method).toBe('GET');
      expect((sent.init.headers as Json)['x-api-key']).toBe(key.value);
      expect(form.querySelector('.status')!.textContent).toMatch(/^200/);
      expect(form.querySelector('.response-body')!.textContent).toBe(
        JSON.stringify({ id: 'c1', name: 'deploy-bot' }, null, 2),
      );

      // A JSON body is prefilled from the request schema and sent as is.
      const post = [...document.querySelectorAll('details.op')].find(
        (d) =>
          d.querySelector('.path')?.textContent === '/messages' &&
          d.querySelector('.method')?.textContent === 'post',
      )!;
      const postForm = post.querySelector('form.try')!;
      const body = postForm.querySelector('textarea')!;
      expect(JSON.parse(body.value)).toEqual({ channelId: 'string', text: 'string' });
      postForm.dispatchEvent(new page.window.Event('submit', { cancelable: true }));
      await vi.waitFor(() => expect(postForm.querySelector('.response-body')).not.toBeNull());
      expect(requests.at(-1)!.init).toMatchObject({ method: 'POST', body: body.value });
    } finally {
      page.window.close();
    }
  });

  it('says so when the document cannot be loaded', async () => {
    const page = await loadPage(apiReferenceHtml('/api/v1/openapi.json'), async () =>
      fakeResponse(503, 'application/json', '{}'),
    );
    try {
      const { document } = page.window;
      await vi.waitFor(() =>
        expect(document.querySelector('#app')?.getAttribute('data-ready')).toBe('error'),
      );
      expect(document.querySelector('#app .error')!.textContent).toBe(
        'Could not load the API description from http://127.0.0.1/api/v1/openapi.json: HTTP 503',
      );
      expect(page.errors).toEqual([]);
    } finally {
      page.window.close();
    }
  });
});

// --- A DOM for the page (jsdom, typed here for the few calls made) ---------------------------------

interface El {
  textContent: string | null;
  value: string;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): ArrayLike<El> & Iterable<El>;
  dispatchEvent(event: unknown): boolean;
}

interface PageWindow {
  document: El & { body: El };
  sessionStorage: { getItem(key: string): string | null };
  Event: new (type: string, init?: { cancelable?: boolean }) => unknown;
  __pwned?: unknown;
  fetch?: unknown;
  close(): void;
}

interface JsdomModule {
  JSDOM: new (
    html: string,
    options: Json & { beforeParse?: (window: PageWindow) => void },
  ) => { window: PageWindow };
  VirtualConsole: new () => { on(event: string, listener: (error: Error) => void): void };
}

type FakeFetch = (url: string, init: Json) => Promise<unknown>;

function fakeResponse(status: number, type: string, body: string) {
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: status === 200 ? 'OK' : '',
    headers: { get: (name: string) => (name.toLowerCase() === 'content-type' ? type : null) },
    text: async () => body,
    json: async () => JSON.parse(body) as unknown,
    blob: async () => new Blob([body]),
  };
}

/** Loads the page in jsdom at http://127.0.0.1/api/docs, running its inline script with `fetch` faked. */
async function loadPage(html: string, fetch: FakeFetch): Promise<{ window: PageWindow; errors: string[] }> {
  const specifier = 'jsdom'; // jsdom has no bundled types; the few used are declared above.
  const { JSDOM, VirtualConsole } = (await import(specifier)) as JsdomModule;
  const errors: string[] = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error) => errors.push(String(error?.stack ?? error)));
  const dom = new JSDOM(html, {
    url: 'http://127.0.0.1/api/docs',
    runScripts: 'dangerously',
    virtualConsole,
    beforeParse(window) {
      window.fetch = (input: unknown, init: Json = {}) => fetch(String(input), init);
    },
  });
  return { window: dom.window, errors };
}
