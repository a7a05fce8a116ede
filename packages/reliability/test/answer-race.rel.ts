import type { Message } from '@placet/core/contract';
import { httpWebhookSender } from '@placet/notifier-http';
import { waitFor } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { figure } from '../src/figures.js';
import { PG_URL, postgresGate, postgresSandbox } from '../src/postgres.js';
import { type Receiver, startReceiver } from '../src/receiver.js';
import { type StoreKind, startTarget, type Target } from '../src/target.js';
import { type NativeClient, nativeClient } from '../src/ws-client.js';

/**
 * The answer race over HTTP: 50 concurrent `POST /reviews/:id/respond` to one pending review. Exactly one
 * 200 (the others 409), one `review:responded` event (in the outbox, and on a subscribed socket), one
 * webhook delivery (one row, one attempt, one request at the receiver), and the stored answer is the
 * winner's.
 */

const RESPONDERS = 50;

let target: Target | undefined;
let receiver: Receiver | undefined;
let socket: NativeClient | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await socket?.close();
  await target?.close();
  await receiver?.close();
  for (const cleanup of cleanups.splice(0)) await cleanup();
  socket = undefined;
  target = undefined;
  receiver = undefined;
});

async function race(label: string, store: StoreKind): Promise<void> {
  receiver = await startReceiver();
  target = await startTarget({
    store,
    placet: { webhookSender: httpWebhookSender({ allowHosts: ['127.0.0.1'] }) },
  });
  const owner = await target.account('owner', 'race');
  const channel = await target.placet.channels.create(owner.agent, { name: 'race' });
  await target.placet.webhooks.setWebhook(owner.agent, {
    channelId: channel.id,
    url: `${receiver.origin}/hook`,
  });
  const message = await target.placet.messages.create(owner.agent, {
    channelId: channel.id,
    text: 'Ship it?',
    review: {
      type: 'approval',
      payload: {
        allowComment: true,
        options: [
          { id: 'approve', label: 'Approve' },
          { id: 'reject', label: 'Reject' },
        ],
      },
    },
  });
  socket = await nativeClient(target.origin, { headers: { 'x-api-key': owner.key } });
  socket.send('subscribe:channel', channel.id);
  await waitFor(() => socket!.frames.some((f) => f.event === 'subscribed'));

  // Every responder gets its own answer, so the stored one names the winner.
  const answers = Array.from({ length: RESPONDERS }, (_, i) => ({
    selectedOption: i % 2 === 0 ? 'approve' : 'reject',
    comment: `responder ${i}`,
  }));
  const results = await Promise.all(
    answers.map(async (response) => {
      const res = await fetch(`${target!.api}/reviews/${message.id}/respond`, {
        method: 'POST',
        headers: owner.humanHeaders,
        body: JSON.stringify({ response }),
      });
      return { status: res.status, body: (await res.json()) as Message, response };
    }),
  );
  const winners = results.filter((r) => r.status === 200);
  const conflicts = results.filter((r) => r.status === 409);
  // Without a winner there is nothing to deliver: fail here, with what the server answered.
  expect(winners.length, JSON.stringify(results.find((r) => r.status !== 409)?.body)).toBeGreaterThan(0);

  // The delivery of the single answer: wait until it is finished, then count everything.
  await waitFor(
    async () => {
      const rows = await target!.store.deliveries.listByMessage(message.id);
      return rows.length > 0 && rows.every((d) => d.state !== 'pending');
    },
    { timeoutMs: 15_000, message: 'the webhook delivery to finish' },
  );
  // `message:delivery` follows `review:responded` in seq order: once the socket has it, it has all.
  await waitFor(() => socket!.frames.some((f) => f.event === 'message:delivery'), {
    timeoutMs: 15_000,
    message: 'the message:delivery event on the socket',
  });
  const outbox = (await target.store.inspect().events()).filter(
    (e) => e.type === 'review:responded' && e.subjectId === message.id,
  );
  const onSocket = socket.frames.filter((f) => f.event === 'review:responded');
  const deliveries = await target.store.deliveries.listByMessage(message.id);
  const attempts =
    deliveries.length === 1 ? await target.store.deliveries.listAttemptsFor([deliveries[0]!.id]) : [];
  const atReceiver = receiver.requests.filter((r) => r.url === '/hook');
  const stored = await target.store.inspect().review(message.id);

  figure(
    `answer race (${label})`,
    `${RESPONDERS} concurrent responds: winners ${winners.length} / 409s ${conflicts.length} / other ` +
      `${RESPONDERS - winners.length - conflicts.length}; review:responded events ${outbox.length} in the ` +
      `outbox, ${onSocket.length} on the socket; webhook deliveries ${deliveries.length} ` +
      `(${attempts.length} attempt, ${atReceiver.length} received)`,
  );
  expect(winners).toHaveLength(1);
  expect(conflicts).toHaveLength(RESPONDERS - 1);
  for (const loser of conflicts) expect(loser.body).toMatchObject({ statusCode: 409 });
  const winner = winners[0]!;
  expect(winner.body.review).toMatchObject({ status: 'completed', response: winner.response });
  expect(stored).toMatchObject({ status: 'completed', response: winner.response, respondedBy: owner.userId });
  expect(outbox).toHaveLength(1);
  expect(onSocket).toHaveLength(1);
  expect(deliveries).toHaveLength(1);
  expect(deliveries[0]).toMatchObject({ state: 'delivered', attempts: 1 });
  expect(attempts).toHaveLength(1);
  expect(atReceiver).toHaveLength(1);
  expect(JSON.parse(atReceiver[0]!.body)).toMatchObject({
    event: 'review:responded',
    message_id: message.id,
    response: winner.response,
  });
  expect(atReceiver[0]!.headers['webhook-id']).toBe(deliveries[0]!.id);
}

describe('answer race over HTTP', () => {
  it(`SQLite: ${RESPONDERS} concurrent responds, one winner, one event, one delivery`, async () => {
    await race('SQLite', { kind: 'sqlite' });
  });

  const pg = postgresGate('answer race (Postgres)');
  it.skipIf(!pg)(
    `Postgres: ${RESPONDERS} concurrent responds, one winner, one event, one delivery`,
    async () => {
      const sandbox = await postgresSandbox(PG_URL);
      cleanups.push(() => sandbox.drop());
      await race('Postgres', { kind: 'postgres', url: sandbox.url });
    },
  );
});
