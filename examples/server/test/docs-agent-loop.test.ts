import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { transform } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './server-process.js';

/**
 * The agent loop of docs/concepts/delivery.md, run as written (the docs are the source), against a
 * loopback stand-in that misbehaves the way a proxy and a restarting server do: an HTML 502, a dropped
 * connection, a 503 with Retry-After, a timeout, then the answer.
 */
async function documentedLoop(
  placetUrl: string,
): Promise<(messageId: string, channelId: string) => Promise<unknown>> {
  const doc = readFileSync(`${REPO_ROOT}docs/concepts/delivery.md`, 'utf8');
  const from = doc.indexOf('An agent loops');
  const block = /```typescript\n([\s\S]*?)```/.exec(doc.slice(from))?.[1];
  if (!block) throw new Error('docs/concepts/delivery.md: the agent loop is missing');
  const { code } = await transform(block, { loader: 'ts', format: 'esm' });
  const factory = new Function('PLACET_URL', 'API_KEY', `${code}\nreturn waitForAnswer;`) as (
    url: string,
    key: string,
  ) => (messageId: string, channelId: string) => Promise<unknown>;
  return factory(placetUrl, 'hp_test');
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** Answers each request with the next scripted step. */
async function standIn(steps: ((res: import('node:http').ServerResponse) => void)[]) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(String(req.url));
    const step = steps.shift();
    if (step) step(res);
    else res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (res: import('node:http').ServerResponse) =>
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('the documented agent loop', { timeout: 30_000 }, () => {
  it('rides out an HTML 502, a dropped connection and a 503, then returns the answer', async () => {
    const { url, seen } = await standIn([
      (res) =>
        res.writeHead(502, { 'Content-Type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>'),
      (res) => res.socket?.destroy(),
      json(503, { statusCode: 503, code: 'SERVICE_UNAVAILABLE' }, { 'Retry-After': '0' }),
      json(200, { status: 'timeout' }),
      json(200, { status: 'completed', message: { review: { response: { selectedOption: 'approve' } } } }),
    ]);
    const wait = await documentedLoop(url);
    expect(await wait('m1', 'c1')).toEqual({ selectedOption: 'approve' });
    expect(seen).toHaveLength(5);
    expect(seen[0]).toBe('/api/v1/reviews/m1/wait?channel=c1&timeout=30000');
  });

  it('returns undefined for an expired review and gives up on an answer that will not change', async () => {
    const expired = await standIn([json(200, { status: 'expired' })]);
    expect(await (await documentedLoop(expired.url))('m1', 'c1')).toBeUndefined();
    server?.close();
    const missing = await standIn([
      json(404, { statusCode: 404, code: 'NOT_FOUND', message: 'Review not found' }),
    ]);
    await expect((await documentedLoop(missing.url))('m2', 'c1')).rejects.toThrow(/wait failed: 404/);
  });
});
