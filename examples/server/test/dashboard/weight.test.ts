import { connect, createServer, type Server, type Socket } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { CDPSession } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserUnavailable,
  CONTEXT_OPTIONS,
  createAgent,
  type DashboardWorld,
  dashboardWorld,
} from './harness.js';

/**
 * What the dashboard weighs, in bytes (never times): a first load of a chat with one review of each
 * built-in type, in a fresh browser (empty HTTP cache, no service worker yet, signed in), against the
 * built example server. The browser talks to the server through a byte-counting TCP relay on loopback,
 * so "transferred" is every byte the server sent for that load — headers, bodies as encoded on the wire,
 * the service worker's own fetches and the WebSocket included — not only what the page's network panel
 * shows. The budgets (issue #25): first load ≤ 250 KB, the six review widgets together (with the shared
 * module they import) ≤ 150 KB gzipped. The figures are printed, as a table per resource.
 */
const skip = browserUnavailable();

const FIRST_LOAD_BUDGET = 250_000;
const WIDGETS_GZIP_BUDGET = 150_000;

const TYPES = ['approval', 'selection', 'form', 'text-input', 'freeform', 'rating'] as const;

/** One review of each built-in type (the payloads of the other dashboard tests, shortened). */
const REVIEWS: Record<(typeof TYPES)[number], Record<string, unknown>> = {
  approval: {
    options: [
      { id: 'approve', label: 'Approve the deploy' },
      { id: 'reject', label: 'Reject' },
    ],
  },
  selection: {
    mode: 'multi',
    items: [
      { id: 'eu', label: 'Europe', description: 'Frankfurt and Dublin' },
      { id: 'us', label: 'United States' },
    ],
  },
  form: {
    fields: [
      { name: 'title', type: 'text', label: 'Title', required: true },
      { name: 'count', type: 'number', label: 'Affected hosts', min: 1, max: 100 },
      { name: 'day', type: 'date', label: 'Day' },
    ],
  },
  'text-input': { placeholder: 'Steps, one per line', markdown: true },
  freeform: { hint: 'any JSON object' },
  rating: { max: 5 },
};

/** A TCP relay to `target` that counts the bytes going back to the browser. */
interface Relay {
  url: string;
  /** Bytes sent to the browser since the last `reset()`. */
  readonly bytes: number;
  reset(): void;
  close(): Promise<void>;
}

async function relay(target: URL): Promise<Relay> {
  let bytes = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const to = connect(Number(target.port), target.hostname);
    sockets.add(client).add(to);
    to.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    client.pipe(to);
    to.pipe(client);
    const end = () => {
      client.destroy();
      to.destroy();
      sockets.delete(client);
      sockets.delete(to);
    };
    client.on('error', end).on('close', end);
    to.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    get bytes() {
      return bytes;
    },
    reset() {
      bytes = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

interface Row {
  url: string;
  encoding: string;
  /** Bytes on the wire (headers and body as encoded), CDP's `encodedDataLength`. */
  wire: number;
  /** The body's decoded size. */
  body: number;
}

/** The page's own requests, from the DevTools protocol: what each cost on the wire. */
async function recordNetwork(cdp: CDPSession): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => {
    rows.set(e.requestId, { url: e.request.url, encoding: '', wire: 0, body: 0 });
  });
  cdp.on('Network.responseReceived', (e) => {
    const row = rows.get(e.requestId);
    if (!row) return;
    const headers = Object.fromEntries(
      Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
    );
    row.encoding = headers['content-encoding'] ?? (e.response.fromDiskCache ? 'cache' : '');
  });
  cdp.on('Network.dataReceived', (e) => {
    const row = rows.get(e.requestId);
    if (row) row.body += e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const row = rows.get(e.requestId);
    if (row) row.wire = e.encodedDataLength;
  });
  return rows;
}

const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`;

describe.skipIf(skip)('dashboard: weight (bytes, not times)', { timeout: 120_000 }, () => {
  let w: DashboardWorld;
  let proxy: Relay;
  let channelId = '';

  beforeAll(async () => {
    w = await dashboardWorld();
    proxy = await relay(new URL(w.url));
    channelId = await createAgent(w, 'Weigh bot');
    for (const type of TYPES) {
      const res = await w.agent('POST', '/messages', {
        channelId,
        text: `A ${type} review`,
        review: { type, payload: REVIEWS[type] },
      });
      if (res.status !== 201) throw new Error(`${type}: ${res.status} ${JSON.stringify(res.body)}`);
    }
  }, 60_000);
  afterAll(async () => {
    await proxy?.close();
    await w?.close();
  });

  it('the six review widgets, with the shared module they import, are ≤ 150 KB gzipped', async () => {
    const modules: { name: string; raw: number; gzip: number; brotli: number }[] = [];
    const add = (name: string, bytes: Buffer) =>
      modules.push({
        name,
        raw: bytes.length,
        gzip: gzipSync(bytes).length,
        brotli: brotliCompressSync(bytes).length,
      });
    const imports = new Set<string>();
    for (const type of TYPES) {
      const res = await fetch(`${w.url}/api/v1/plugins/${type}/ui/${type}`, {
        headers: { 'accept-encoding': 'identity' },
      });
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      add(type, bytes);
      for (const [, specifier] of bytes.toString('utf8').matchAll(/from\s*"([^".][^"]*)"/g))
        imports.add(specifier!);
    }
    // The bare specifiers the widgets import come from the page's import map: count what it maps them to.
    const html = await (await fetch(`${w.url}/`)).text();
    const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
    const mapped = map ? (JSON.parse(map) as { imports: Record<string, string> }).imports : {};
    for (const specifier of imports) {
      const target = mapped[specifier];
      expect(target, `the import map maps ${specifier}`).toBeDefined();
      const res = await fetch(new URL(target!, `${w.url}/`), { headers: { 'accept-encoding': 'identity' } });
      expect(res.status).toBe(200);
      add(`shared ${specifier}`, Buffer.from(await res.arrayBuffer()));
    }
    const sum = (key: 'raw' | 'gzip' | 'brotli') => modules.reduce((n, m) => n + m[key], 0);
    console.log(
      [
        'review widgets (bytes: raw, gzip, brotli):',
        ...modules.map(
          (m) =>
            `  ${m.name.padEnd(30)} ${String(m.raw).padStart(8)} ${String(m.gzip).padStart(8)} ${String(m.brotli).padStart(8)}`,
        ),
        `  ${'total'.padEnd(30)} ${String(sum('raw')).padStart(8)} ${String(sum('gzip')).padStart(8)} ${String(sum('brotli')).padStart(8)}`,
      ].join('\n'),
    );
    expect(sum('gzip')).toBeLessThanOrEqual(WIDGETS_GZIP_BUDGET);
  });

  it('a first load of a chat with one review of each type transfers ≤ 250 KB', async () => {
    const context = await w.browser.newContext(CONTEXT_OPTIONS);
    try {
      // Signed in before the load (the session cookie), as a person who opens a link to a chat.
      const login = await context.request.post(`${proxy.url}/api/auth/login`, {
        data: { email: w.email, password: w.password },
      });
      expect(login.status()).toBe(200);
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      const rows = await recordNetwork(cdp);
      proxy.reset();
      await page.goto(`${proxy.url}/#/chats/${channelId}`);
      for (const type of TYPES) {
        // Rendered: the widget's module loaded and the element drew its form into its shadow root.
        await page.waitForFunction(
          (tag) =>
            [...document.querySelectorAll('*')].some(function find(el): boolean {
              if (el.localName === tag) return (el.shadowRoot?.childElementCount ?? 0) > 1;
              return [...(el.shadowRoot?.querySelectorAll('*') ?? [])].some(find);
            }),
          `placet-${type}`,
          { timeout: 30_000 },
        );
      }
      // The service worker installed (it fetches the shell), then the wire goes quiet.
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      let last = -1;
      while (proxy.bytes !== last) {
        last = proxy.bytes;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const total = proxy.bytes;
      const list = [...rows.values()].filter((r) => r.wire > 0).sort((a, b) => b.wire - a.wire);
      const pageBytes = list.reduce((n, r) => n + r.wire, 0);
      console.log(
        [
          'first load of a chat with six reviews (bytes on the wire, headers included):',
          ...list.map(
            (r) =>
              `  ${String(r.wire).padStart(8)} ${r.encoding.padEnd(5)} ${String(r.body).padStart(8)} decoded  ${new URL(r.url).pathname}`,
          ),
          `  ${String(pageBytes).padStart(8)} the page's requests (DevTools)`,
          `  ${String(total).padStart(8)} everything the server sent (page, service worker, WebSocket): ${kb(total)}`,
        ].join('\n'),
      );
      expect(total).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
    } finally {
      await context.close();
    }
  });
});
