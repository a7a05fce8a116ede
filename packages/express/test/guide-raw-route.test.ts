import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { definePlugin } from '@placet/core/plugin';
import { approval } from '@placet/plugin-approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interactivity } from './guide-raw-route.js';
import { type Server, startServer } from './harness.js';

/**
 * The raw-body route example of docs/guides/writing-a-plugin.md ("A body exactly as sent") is
 * guide-raw-route.ts word for word, and it works behind the router: a request signed over its bytes is
 * taken and parsed; a wrong signature, and the same payload in other bytes, are refused.
 */

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const SECRET = 'guide-signing-secret';

/** The `ts` block of the guide's raw-body paragraph, without the list item's indentation. */
function guideBlock(): string {
  const guide = read('../../../docs/guides/writing-a-plugin.md');
  const start = guide.indexOf('**A body exactly as sent');
  expect(start, 'the raw-body paragraph').toBeGreaterThan(-1);
  const open = guide.indexOf('\n  ```ts\n', start) + '\n  ```ts\n'.length;
  const close = guide.indexOf('\n  ```\n', open);
  return guide
    .slice(open, close + 1)
    .split('\n')
    .map((line) => line.replace(/^ {2}/, ''))
    .join('\n');
}

const chat = () =>
  definePlugin({
    name: 'chat',
    version: '1.0.0',
    errorCodes: {
      CHAT_SIGNATURE_INVALID: { status: 401, description: 'Not signed with the signing secret.' },
    },
    routes: () => [interactivity(SECRET)],
  });

let s: Server;
beforeAll(async () => {
  s = await startServer({ placet: { plugins: [approval(), chat()] } });
});
afterAll(async () => s?.close());

const sign = (timestamp: string, body: string, secret = SECRET) =>
  `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;

const post = (body: string, signature: string, timestamp = '1772442000') =>
  fetch(`${s.url}/api/v1/plugins/chat/interactivity`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': signature,
    },
    body,
  });

describe('the guide’s raw-body route', () => {
  it('is guide-raw-route.ts, word for word', () => {
    const source = read('./guide-raw-route.ts');
    expect(guideBlock()).toBe(source.slice(source.indexOf('import { createHmac')));
  });

  it('takes a request signed over its bytes and parses it; refuses a wrong signature and other bytes', async () => {
    const body = `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', a: 1 }))}`;
    const taken = await post(body, sign('1772442000', body));
    expect(taken.status).toBe(200);
    expect(await taken.json()).toEqual({ type: 'block_actions' });

    const forged = await post(body, sign('1772442000', body, 'another-secret'));
    expect(forged.status).toBe(401);
    const refused = await forged.json();
    expect(refused).toMatchObject({ code: 'CHAT_SIGNATURE_INVALID' });
    expect(JSON.stringify(refused)).not.toContain(SECRET);

    // The same payload, encoded otherwise (`+` for a space, not `%20`): other bytes, another signature.
    const spaced = `payload=${encodeURIComponent(JSON.stringify({ type: 'block actions' }))}`;
    const reencoded = spaced.replace(/%20/g, '+');
    expect(new URLSearchParams(reencoded).get('payload')).toBe(new URLSearchParams(spaced).get('payload'));
    expect((await post(reencoded, sign('1772442000', spaced))).status).toBe(401);
    expect((await post(reencoded, sign('1772442000', reencoded))).status).toBe(200);

    // Signed for another timestamp.
    expect((await post(body, sign('1772442001', body))).status).toBe(401);
  });
});
