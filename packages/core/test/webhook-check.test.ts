import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundRequest, WebhookSender, WebhookTargetVerdict } from '../src/adapter.js';
import { WebhookCheck } from '../src/contract.js';
import { codeOf, type World, world } from './fixtures.js';

/**
 * `placet.deliveries.checkTarget`: the webhook sender's verdict on a URL (`WebhookSender.check`), asked
 * without sending anything, for humans. The senders here are stubs: nothing leaves the process.
 */

/** A sender whose `check` answers from `verdicts` (else ok) and that records what it was asked and sent. */
function stubSender(verdicts: Record<string, WebhookTargetVerdict> = {}) {
  const checked: string[] = [];
  const sent: OutboundRequest[] = [];
  const sender: WebhookSender = {
    async send(request) {
      sent.push(request);
      return { status: 200, error: null, durationMs: 1 };
    },
    async check(url) {
      checked.push(url);
      return verdicts[url] ?? { ok: true };
    },
  };
  return { sender, checked, sent };
}

let w: World | undefined;
afterEach(async () => {
  await w?.placet.stop();
  w = undefined;
});

describe('deliveries.checkTarget', () => {
  it("answers the sender's verdict, refused or not, and sends nothing", async () => {
    const stub = stubSender({ 'http://10.0.0.1/hook': { ok: false, reason: 'private address' } });
    w = await world({ placet: { webhookSender: stub.sender } });
    const refused = await w.placet.deliveries.checkTarget(w.user, 'http://10.0.0.1/hook');
    expect(refused).toEqual({ ok: false, checked: true, reason: 'private address' });
    expect(WebhookCheck.parse(refused)).toEqual(refused);
    expect(await w.placet.deliveries.checkTarget(w.user, 'https://hooks.example.test/placet')).toEqual({
      ok: true,
      checked: true,
    });
    expect(stub.checked).toEqual(['http://10.0.0.1/hook', 'https://hooks.example.test/placet']);
    expect(stub.sent).toEqual([]);
    expect(await w.store.deliveries.countPending()).toBe(0);
  });

  it('says "not checked" when the sender has no check, or there is no sender', async () => {
    const sent: OutboundRequest[] = [];
    const noCheck: WebhookSender = {
      async send(request) {
        sent.push(request);
        return { status: 200, error: null, durationMs: 1 };
      },
    };
    w = await world({ placet: { webhookSender: noCheck } });
    expect(await w.placet.deliveries.checkTarget(w.user, 'http://10.0.0.1/hook')).toEqual({
      ok: true,
      checked: false,
    });
    expect(sent).toEqual([]);
    await w.placet.stop();

    w = await world();
    expect(await w.placet.deliveries.checkTarget(w.user, 'http://10.0.0.1/hook')).toEqual({
      ok: true,
      checked: false,
    });
  });

  it('does not trust a check that throws (not checked), and caps an overlong reason', async () => {
    const throwing: WebhookSender = {
      async send() {
        return { status: 200, error: null, durationMs: 1 };
      },
      async check() {
        throw new Error('resolver exploded for http://10.0.0.1/hook');
      },
    };
    w = await world({ placet: { webhookSender: throwing } });
    expect(await w.placet.deliveries.checkTarget(w.user, 'http://10.0.0.1/hook')).toEqual({
      ok: true,
      checked: false,
    });
    await w.placet.stop();

    const long = stubSender({ 'http://10.0.0.1/hook': { ok: false, reason: 'x'.repeat(500) } });
    w = await world({ placet: { webhookSender: long.sender } });
    const verdict = await w.placet.deliveries.checkTarget(w.user, 'http://10.0.0.1/hook');
    expect(verdict.reason).toHaveLength(200);
    expect(WebhookCheck.safeParse(verdict).success).toBe(true);
  });

  it('is for humans only, and refuses a URL no webhook may have before asking the sender', async () => {
    const stub = stubSender();
    w = await world({ placet: { webhookSender: stub.sender } });
    expect(await codeOf(w.placet.deliveries.checkTarget(w.agent, 'https://hooks.example.test/'))).toBe(
      'FORBIDDEN',
    );
    for (const url of ['ftp://hooks.example.test/', 'https://user:pw@hooks.example.test/', 'not a url']) {
      const error = await w.placet.deliveries.checkTarget(w.user, url).catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'VALIDATION_FAILED',
        issues: [expect.objectContaining({ path: 'url' })],
      });
    }
    expect(stub.checked).toEqual([]);
  });
});
