import { answers, attachFakeHuman, FakeClock } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import {
  approval,
  createClient,
  isPlacetClientError,
  PlacetNotFoundError,
  PlacetValidationError,
  type RetryInfo,
  review,
  reviewHash,
  verifyReceipt,
} from '../src/index.js';
import { recordingFetch, startServer, type TestServer } from './harness.js';

const DEPLOY = approval({
  options: [
    { id: 'deploy', label: 'Deploy', style: 'primary' },
    { id: 'stop', label: 'Stop', style: 'danger' },
  ],
});

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The id of the message `ask()` created, once `onCreated` has seen it. */
function created() {
  let id: string | undefined;
  return {
    onCreated: (message: { id: string }) => {
      id = message.id;
    },
    id: () => {
      if (!id) throw new Error('the review was not created yet');
      return id;
    },
    seen: () => id !== undefined,
  };
}

describe('ask()', () => {
  it('returns the answer a human gives while it waits (long-poll)', async () => {
    server = await startServer();
    const s = server;
    const recorded = recordingFetch();
    const placet = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch });
    const review = created();
    const asking = placet.ask(s.channelId, {
      text: 'Deploy v2?',
      review: DEPLOY,
      onCreated: review.onCreated,
    });

    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'deploy' } });

    const result = await asking;
    expect(result.status).toBe('completed');
    expect(result.response).toEqual({ selectedOption: 'deploy' });
    expect(result.message.id).toBe(review.id());
    expect(result.message.text).toBe('Deploy v2?');
    expect(recorded.requests).toEqual(['POST /api/v1/messages', `GET /api/v1/reviews/${review.id()}/wait`]);
  });

  it('returns when a fake human of test-utils answers', async () => {
    server = await startServer();
    const human = attachFakeHuman(server.placet, { user: server.human, script: () => answers.reject() });
    try {
      const placet = createClient({ url: server.url, apiKey: server.apiKey });
      const result = await placet.ask(server.channelId, { text: 'Drop the table?', review: DEPLOY });
      expect(result).toMatchObject({
        status: 'completed',
        dismissed: false,
        response: { selectedOption: 'stop' },
      });
      expect(human.answered.map((a) => a.messageId)).toEqual([result.message.id]);
    } finally {
      human.stop();
    }
  });

  it('polls again after each `timeout` until the answer comes (server clock driven by the test)', async () => {
    const clock = new FakeClock();
    server = await startServer({ clock });
    const s = server;
    const recorded = recordingFetch();
    const slept: number[] = [];
    const placet = createClient({
      url: s.url,
      apiKey: s.apiKey,
      fetch: recorded.fetch,
      pollTimeoutMs: 1000,
      retry: { sleep: async (ms) => void slept.push(ms) },
    });
    const review = created();
    const asking = placet.ask(s.channelId, { text: 'Ship it?', review: DEPLOY, onCreated: review.onCreated });

    // Each advance ends the wait in progress with `timeout`; the client polls again.
    await expect
      .poll(async () => {
        if (s.placet.reviews.waiterCount() === 1) await clock.advance(1000);
        return recorded.count(/\/wait$/);
      })
      .toBeGreaterThanOrEqual(3);
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'stop' } });

    expect((await asking).response).toEqual({ selectedOption: 'stop' });
    expect(recorded.requests.every((r) => r.startsWith('POST') || r.endsWith('/wait'))).toBe(true);
    // The fake clock ends each wait at once in real time: a `timeout` sooner than the server's shortest
    // wait (1 s), which the client backs off from instead of polling in a tight loop.
    expect(slept.length).toBeGreaterThanOrEqual(2);
  });

  it('returns `expired` (no response) when the review expires unanswered', async () => {
    const clock = new FakeClock();
    server = await startServer({ clock });
    const s = server;
    const placet = createClient({ url: s.url, apiKey: s.apiKey });
    const asking = placet.ask(s.channelId, {
      text: 'Quick one?',
      review: approval({ options: [{ id: 'yes', label: 'Yes' }] }, { expiresInSeconds: 60 }),
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await clock.advance(61_000);
    const result = await asking;
    expect(result).toMatchObject({ status: 'expired', response: null, dismissed: false });
    expect(result.message.review?.status).toBe('expired');
  });

  it('reports a dismissal as completed with `dismissed: true`', async () => {
    server = await startServer();
    const s = server;
    const placet = createClient({ url: s.url, apiKey: s.apiKey });
    const review = created();
    const asking = placet.ask(s.channelId, {
      text: 'Optional check',
      review: approval({ options: [{ id: 'ok', label: 'OK' }], dismissLabel: 'Not now' }),
      onCreated: review.onCreated,
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { _dismissed: true } });
    expect(await asking).toMatchObject({
      status: 'completed',
      dismissed: true,
      response: { _dismissed: true },
    });
  });

  it('aborts the wait (and its request) with the AbortSignal', async () => {
    server = await startServer();
    const s = server;
    const placet = createClient({ url: s.url, apiKey: s.apiKey });
    const controller = new AbortController();
    const asking = placet.ask(s.channelId, {
      text: 'Wait for me',
      review: DEPLOY,
      signal: controller.signal,
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    controller.abort();
    await expect(asking).rejects.toMatchObject({ name: 'AbortError' });
    // The server saw the request go: its waiter is released at once.
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(0);

    // A signal that is already aborted sends nothing.
    const recorded = recordingFetch();
    const idle = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch });
    const reason = new Error('stopped by the caller');
    await expect(idle.ask(s.channelId, { review: DEPLOY, signal: AbortSignal.abort(reason) })).rejects.toBe(
      reason,
    );
    expect(recorded.requests).toEqual([]);
  });

  it('with an idempotency key, a retried ask after a crash finds the same review instead of asking twice', async () => {
    server = await startServer();
    const s = server;
    const placet = createClient({ url: s.url, apiKey: s.apiKey });
    const key = 'deploy-v2-approval';

    // The first process asks, then "crashes" while it waits.
    const first = created();
    const crash = new AbortController();
    const asking = placet.ask(s.channelId, {
      text: 'Deploy v2?',
      review: DEPLOY,
      idempotencyKey: key,
      onCreated: first.onCreated,
      signal: crash.signal,
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    crash.abort();
    await expect(asking).rejects.toMatchObject({ name: 'AbortError' });

    // The restarted process asks again with the same key: the same review, still pending.
    const again = created();
    const retried = placet.ask(s.channelId, {
      text: 'Deploy v2?',
      review: DEPLOY,
      idempotencyKey: key,
      onCreated: again.onCreated,
    });
    await expect.poll(again.seen).toBe(true);
    expect(again.id()).toBe(first.id());
    const page = await placet.messages.list({ channel: s.channelId });
    expect(page.data.filter((m) => m.review !== null).map((m) => m.id)).toEqual([first.id()]);
    expect(page.data[0]?.clientId).toBe(key);

    await s.placet.reviews.respond(s.human, first.id(), { response: { selectedOption: 'deploy' } });
    expect((await retried).message.id).toBe(first.id());

    // Asked again after the answer: the answer at once, without a wait.
    const recorded = recordingFetch();
    const late = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch });
    const result = await late.ask(s.channelId, { text: 'Deploy v2?', review: DEPLOY, idempotencyKey: key });
    expect(result).toMatchObject({ status: 'completed', response: { selectedOption: 'deploy' } });
    expect(recorded.requests).toEqual(['POST /api/v1/messages']);
  });

  it('retries a 503 after its Retry-After, a proxy 502 and a network failure, then gets the answer', async () => {
    server = await startServer();
    const s = server;
    const retries: RetryInfo[] = [];
    const slept: number[] = [];
    const failures = [
      () =>
        new Response(
          JSON.stringify({
            statusCode: 503,
            error: 'Service Unavailable',
            code: 'SERVICE_UNAVAILABLE',
            message: 'The store is not reachable',
          }),
          { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '7' } },
        ),
      () =>
        new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      () => {
        throw new TypeError('fetch failed');
      },
    ];
    // The first three waits fail before they reach the server; the fourth goes through.
    const recorded = recordingFetch((url, _init, seen) =>
      url.pathname.endsWith('/wait') ? failures[seen - 1]?.() : undefined,
    );
    const placet = createClient({
      url: s.url,
      apiKey: s.apiKey,
      fetch: recorded.fetch,
      retry: {
        onRetry: (info) => retries.push(info),
        sleep: async (ms) => {
          slept.push(ms);
        },
      },
    });
    const review = created();
    const asking = placet.ask(s.channelId, {
      text: 'Flaky network',
      review: DEPLOY,
      onCreated: review.onCreated,
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'deploy' } });

    expect((await asking).response).toEqual({ selectedOption: 'deploy' });
    expect(retries.map((r) => [r.code, r.status])).toEqual([
      ['SERVICE_UNAVAILABLE', 503],
      ['BAD_GATEWAY', 502],
      ['NETWORK_ERROR', 0],
    ]);
    expect(slept[0]).toBe(7000); // Retry-After: 7
    expect(recorded.count(/\/wait$/)).toBe(4);
  });

  it('survives a server restart mid-wait: the connection drops, the client reconnects and gets the answer', async () => {
    server = await startServer();
    const s = server;
    const retries: RetryInfo[] = [];
    const placet = createClient({
      url: s.url,
      apiKey: s.apiKey,
      retry: { minDelayMs: 20, maxDelayMs: 100, onRetry: (info) => retries.push(info) },
    });
    const review = created();
    const asking = placet.ask(s.channelId, {
      text: 'Across a restart',
      review: DEPLOY,
      onCreated: review.onCreated,
    });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);

    await s.restart({ downMs: 300 });
    // The new process: the client's wait arrives there.
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'deploy' } });

    const result = await asking;
    expect(result).toMatchObject({ status: 'completed', response: { selectedOption: 'deploy' } });
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.every((r) => r.code === 'NETWORK_ERROR')).toBe(true);
  });

  it('the receipt of a policy review verifies with verifyReceipt, bound to what was asked', async () => {
    server = await startServer();
    const s = server;
    const placet = createClient({ url: s.url, apiKey: s.apiKey });
    const text = 'Release 2.0 to production?';
    const asked = approval(
      {
        options: [
          { id: 'approve', label: 'Approve' },
          { id: 'reject', label: 'Reject', style: 'danger' },
        ],
      },
      { assignees: [s.ownerId], policy: { mode: 'any' } },
    );
    const review = created();
    const asking = placet.ask(s.channelId, { text, review: asked, onCreated: review.onCreated });
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, review.id(), { response: { selectedOption: 'approve' } });
    const result = await asking;

    const receipt = result.message.review?.receipt;
    expect(typeof receipt).toBe('string');
    const expectedHash = await reviewHash({
      type: 'approval',
      payload: asked.payload,
      text,
      attachments: [],
    });
    const claims = await verifyReceipt(receipt as string, await placet.receipts.jwks(), {
      reviewId: review.id(),
      reviewHash: expectedHash,
    });
    expect(claims).toMatchObject({ decision: 'approve', answeredBy: s.ownerId, reviewId: review.id() });

    // The same through the client: fetches the receipt and the keys.
    const verified = await placet.receipts.verify(review.id(), s.channelId, { reviewHash: expectedHash });
    expect(verified.decision).toBe('approve');
    await expect(
      placet.receipts.verify(review.id(), s.channelId, { reviewHash: 'not-what-was-shown' }),
    ).rejects.toMatchObject({ name: 'ReceiptVerificationError', reason: 'ERR_REVIEW_HASH' });
  });

  it('throws typed errors: an unknown channel (404), an invalid payload (400 with issue paths)', async () => {
    server = await startServer();
    const placet = createClient({ url: server.url, apiKey: server.apiKey });
    const missing = await placet.ask('no-such-channel', { review: DEPLOY }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PlacetNotFoundError);
    expect(isPlacetClientError(missing, 'NOT_FOUND')).toBe(true);

    const invalid = await placet
      .ask(server.channelId, { review: review('approval', { options: [] }) })
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(PlacetValidationError);
    expect(invalid).toMatchObject({ status: 400, code: 'INVALID_REVIEW_PAYLOAD' });
    expect((invalid as PlacetValidationError).issues.map((i) => i.path)).toContain('review.payload.options');
  });
});

describe('reviews.wait()', () => {
  it('waits for a review sent earlier (resuming from its message id)', async () => {
    server = await startServer();
    const s = server;
    const placet = createClient({ url: s.url, apiKey: s.apiKey });
    const message = await placet.messages.send({ channelId: s.channelId, text: 'Later', review: DEPLOY });
    const waiting = placet.reviews.wait(message.id, s.channelId);
    await expect.poll(() => s.placet.reviews.waiterCount()).toBe(1);
    await s.placet.reviews.respond(s.human, message.id, { response: { selectedOption: 'stop' } });
    expect(await waiting).toMatchObject({ status: 'completed', response: { selectedOption: 'stop' } });
  });
});
