import type { DeliveryAttemptRecord } from '@placet/core/adapter';
import { httpWebhookSender } from '@placet/notifier-http';
import { FakeClock, waitFor } from '@placet/test-utils';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { figure } from '../src/figures.js';
import { PG_URL, postgresGate, postgresSandbox } from '../src/postgres.js';
import { type Receiver, startReceiver } from '../src/receiver.js';
import { type RecordingSender, recordingSender } from '../src/recording-sender.js';
import { type StoreKind, startTarget, type Target } from '../src/target.js';

/**
 * Receiver outage on a fake clock: an answer's webhook meets a receiver that is down (connection refused)
 * for the first 5 simulated minutes and unhealthy (503) for the next 5, then healthy. Time only moves when
 * the test advances the clock; the retries come from the engine's own timers and durable delivery table,
 * with its default backoff. The delivery arrives exactly once after the outage, every attempt carried the
 * same `webhook-id`, and the delivered request is correctly signed.
 */

const MINUTE = 60_000;
const STEP_MS = 5_000;

let target: Target | undefined;
let receiver: Receiver | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await target?.close();
  await receiver?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  target = undefined;
  receiver = undefined;
});

async function outage(label: string, store: StoreKind): Promise<void> {
  const clock = new FakeClock(new Date());
  receiver = await startReceiver();
  await receiver.down();
  const sender: RecordingSender = recordingSender(httpWebhookSender({ allowHosts: ['127.0.0.1'] }));
  target = await startTarget({ store, placet: { clock, webhookSender: sender } });
  const { placet } = target;
  const owner = await target.account('owner', 'outage');
  const channel = await placet.channels.create(owner.agent, { name: 'outage' });
  const { webhookSecret } = await placet.webhooks.setWebhook(owner.agent, {
    channelId: channel.id,
    url: `${receiver.origin}/hook`,
  });
  const message = await placet.messages.create(owner.agent, {
    channelId: channel.id,
    text: 'Deploy?',
    review: { type: 'approval', payload: { options: [{ id: 'yes', label: 'Yes' }] } },
  });
  const answered = await fetch(`${target.api}/reviews/${message.id}/respond`, {
    method: 'POST',
    headers: owner.humanHeaders,
    body: JSON.stringify({ response: { selectedOption: 'yes' } }),
  });
  expect(answered.status).toBe(200);

  const recorded = async (): Promise<DeliveryAttemptRecord[]> => {
    const [delivery] = await target!.store.deliveries.listByMessage(message.id);
    return delivery ? target!.store.deliveries.listAttemptsFor([delivery.id]) : [];
  };
  /** Every attempt the sender finished is recorded in the store (so the next timer is armed from it). */
  const settled = async () => {
    await waitFor(
      async () => sender.inFlight() === 0 && (await recorded()).length === sender.attempts.length,
      {
        timeoutMs: 15_000,
        message: 'the attempt in flight to be recorded',
      },
    );
  };
  // The first attempt goes out at once (the answer wakes the dispatcher): refused.
  await waitFor(() => sender.attempts.length >= 1, { timeoutMs: 15_000, message: 'the first attempt' });
  await settled();
  const start = clock.now().getTime();

  const advanceUntil = async (until: number) => {
    while (clock.now().getTime() < until) {
      await clock.advance(STEP_MS);
      await settled();
    }
  };
  await advanceUntil(start + 5 * MINUTE);
  const refused = sender.attempts.length;
  await receiver.up();
  receiver.answer(503);
  await advanceUntil(start + 10 * MINUTE);
  const unhealthy = sender.attempts.length - refused;
  receiver.answer(200);
  const outageAttempts = sender.attempts.length;
  // Up again: the next retry (the default backoff can wait several minutes by now) delivers it.
  for (let guard = 0; guard < 1_440 && !sender.attempts.some((a) => a.result.status === 200); guard++) {
    await clock.advance(STEP_MS);
    await settled();
  }
  const deliveredAfterMs = clock.now().getTime() - start;

  const [delivery, ...others] = await target.store.deliveries.listByMessage(message.id);
  const attempts = await recorded();
  const ids = new Set([
    ...sender.attempts.map((a) => a.request.headers['webhook-id']),
    ...receiver.requests.map((r) => r.headers['webhook-id']),
  ]);
  const successes = sender.attempts.filter((a) => a.result.status === 200);
  figure(
    `receiver outage (${label})`,
    `${outageAttempts} attempts during 10 simulated minutes down (${refused} refused, ${unhealthy} answered 503), ` +
      `delivered ${successes.length} time(s) ${(deliveredAfterMs / MINUTE).toFixed(1)} simulated min after the ` +
      `first attempt; distinct webhook-ids over ${sender.attempts.length} attempts: ${ids.size}`,
  );
  expect(refused).toBeGreaterThanOrEqual(2);
  expect(sender.attempts.slice(0, refused).every((a) => a.result.status === null)).toBe(true);
  // Whether a retry falls into the 503 window depends on the backoff's jitter; none of them succeeded.
  expect(sender.attempts.slice(0, outageAttempts).every((a) => a.result.status !== 200)).toBe(true);
  expect(successes).toHaveLength(1);
  expect(sender.attempts.at(-1)?.result.status).toBe(200);
  expect(deliveredAfterMs).toBeGreaterThanOrEqual(10 * MINUTE);
  expect(others).toEqual([]);
  expect(delivery).toMatchObject({
    state: 'delivered',
    attempts: sender.attempts.length,
    nextAttemptAt: null,
  });
  expect(attempts.map((a) => a.status)).toEqual(sender.attempts.map((a) => a.result.status));
  expect(ids).toEqual(new Set([delivery!.id]));
  // The receiver got the 503 attempts (if any fell in that window) and exactly one 200.
  expect(receiver.requests.filter((r) => r.status === 200)).toHaveLength(1);
  const got = receiver.requests.find((r) => r.status === 200)!;
  const timestamp = Number(got.headers['webhook-timestamp']);
  // An independent signer (the standardwebhooks package), at the request's own timestamp.
  const expected = new Webhook(webhookSecret!).sign(delivery!.id, new Date(timestamp * 1000), got.body);
  expect(got.headers['webhook-signature']).toBe(expected);
  expect(JSON.parse(got.body)).toMatchObject({ event: 'review:responded', message_id: message.id });
  const after = await placet.messages.get(owner.agent, message.id);
  expect(after.deliveryStatus).toBe('webhook_delivered');
}

describe('receiver outage (fake clock)', () => {
  it('SQLite: delivered once after 10 simulated minutes down, with one webhook-id', async () => {
    await outage('SQLite', { kind: 'sqlite' });
  });

  const pg = postgresGate('receiver outage (Postgres)');
  it.skipIf(!pg)(
    'Postgres: delivered once after 10 simulated minutes down, with one webhook-id',
    async () => {
      const sandbox = await postgresSandbox(PG_URL);
      cleanups.push(() => sandbox.drop());
      await outage('Postgres', { kind: 'postgres', url: sandbox.url });
    },
  );
});
