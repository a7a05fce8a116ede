import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundRequest, OutboundResult, WebhookSender } from '../src/adapter.js';
import { RECEIPT_TYP } from '../src/receipts.js';
import { choiceReview, type World, world } from './fixtures.js';

/** Records every webhook request and answers 200. */
function recorder(): WebhookSender & { requests: OutboundRequest[] } {
  const requests: OutboundRequest[] = [];
  return {
    requests,
    async send(request): Promise<OutboundResult> {
      requests.push(request);
      return { status: 200, error: null, durationMs: 1 };
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
};

let w: World;
afterEach(async () => w?.placet.stop());

describe('receipts of reviews with a policy', () => {
  it('the same receipt arrives in the wait result, the webhook and the message, and verifies with jose', async () => {
    const sender = recorder();
    w = await world({ placet: { webhookSender: sender } });
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/placet',
    });
    const message = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview({ assignees: [w.owner.id] }),
    });
    const waiting = w.placet.reviews.wait(w.agent, message.id, { timeoutMs: 10_000 });
    await w.placet.reviews.respond(w.user, message.id, { response: { selectedOption: 'approve' } });
    const fromWait = (await waiting).message?.review?.receipt;
    await settle();
    const webhook = JSON.parse(sender.requests[0]?.body ?? '{}') as Record<string, unknown>;
    const fromMessage = (await w.placet.reviews.get(w.agent, message.id)).review?.receipt;
    const { receipt: fromEndpoint } = await w.placet.receipts.get(w.agent, message.id);

    expect(typeof fromWait).toBe('string');
    expect(webhook).toMatchObject({
      event: 'review:responded',
      message_id: message.id,
      outcome: 'answered',
      responded_by: w.owner.id,
      receipt: fromWait,
    });
    expect(fromMessage).toBe(fromWait);
    expect(fromEndpoint).toBe(fromWait);

    const keys = createLocalJWKSet(await w.placet.receipts.jwks());
    const { payload } = await jwtVerify(fromWait!, keys, { algorithms: ['EdDSA'], typ: RECEIPT_TYP });
    expect(payload).toMatchObject({
      reviewId: message.id,
      answeredBy: w.owner.id,
      policy: { assigneeIds: [w.owner.id], mode: 'any', required: 1, veto: false, outcome: 'answered' },
    });
    expect(payload.votes).toEqual([
      expect.objectContaining({ userId: w.owner.id, choice: '{"selectedOption":"approve"}' }),
    ]);

    // One byte changed in the signed part fails verification.
    const [header, body, signature] = fromWait!.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, answeredBy: 'someone-else' })).toString(
      'base64url',
    );
    await expect(jwtVerify(`${header}.${forged}.${signature}`, keys)).rejects.toThrow();
  });

  it('a plain review’s wait, webhook and message carry no receipt (the original’s shapes)', async () => {
    const sender = recorder();
    w = await world({ placet: { webhookSender: sender } });
    await w.placet.webhooks.setWebhook(w.agent, {
      channelId: w.channelId,
      url: 'https://hooks.example.test/x',
    });
    const message = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    const waiting = w.placet.reviews.wait(w.agent, message.id, { timeoutMs: 10_000 });
    await w.placet.reviews.respond(w.user, message.id, { response: { selectedOption: 'approve' } });
    const result = await waiting;
    await settle();
    expect(result.message?.review).not.toHaveProperty('receipt');
    expect(Object.keys(JSON.parse(sender.requests[0]?.body ?? '{}')).sort()).toEqual(
      ['channelId', 'event', 'message_id', 'responded_at', 'response', 'review_type'].sort(),
    );
  });
});
