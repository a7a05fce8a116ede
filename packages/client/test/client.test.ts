import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiBaseUrl,
  approval,
  createClient,
  isPlacetClientError,
  PlacetAuthError,
  type PlacetClient,
  PlacetClientError,
  PlacetConflictError,
  PlacetNotFoundError,
  PlacetValidationError,
} from '../src/index.js';
import { recordingFetch, startServer, type TestServer } from './harness.js';

let s: TestServer;
let placet: PlacetClient;
beforeAll(async () => {
  s = await startServer();
  placet = createClient({ url: s.url, apiKey: s.apiKey });
});
afterAll(() => s.close());

describe('createClient', () => {
  it('finds the API under an origin (/api/v1) or at a URL with a path', () => {
    expect(apiBaseUrl('https://placet.example.com')).toBe('https://placet.example.com/api/v1');
    expect(apiBaseUrl('https://placet.example.com/')).toBe('https://placet.example.com/api/v1');
    expect(apiBaseUrl('https://app.example.com/hitl/api/v1/')).toBe('https://app.example.com/hitl/api/v1');
    expect(createClient({ url: s.url, apiKey: s.apiKey }).baseUrl).toBe(`${s.url}/api/v1`);
    expect(() => createClient({ url: s.url, apiKey: '' })).toThrow(/apiKey/);
  });

  it('sends the API key as x-api-key, and the caller’s headers', async () => {
    const seen: Headers[] = [];
    const client = createClient({
      url: s.url,
      apiKey: s.apiKey,
      headers: { 'user-agent': 'my-agent/1.0', 'x-api-key': 'ignored' },
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    await client.channels.get(s.channelId);
    expect(seen[0]?.get('x-api-key')).toBe(s.apiKey);
    expect(seen[0]?.get('user-agent')).toBe('my-agent/1.0');
  });
});

describe('channels', () => {
  it('create, get, list, update, tag, sub-agent, commands, webhook, status history, delete', async () => {
    const made = await placet.channels.create({ name: 'worker', description: 'Does the work' });
    expect(made).toMatchObject({ name: 'worker', description: 'Does the work' });
    expect((await placet.channels.get(made.id)).id).toBe(made.id);
    expect((await placet.channels.list()).map((c) => c.id)).toEqual(
      expect.arrayContaining([s.channelId, made.id]),
    );
    expect((await placet.channels.update(made.id, { description: 'Does more' })).description).toBe(
      'Does more',
    );
    expect((await placet.channels.setTag(made.id, 'ops')).tag).toBe('ops');
    const sub = await placet.channels.setSubagent({
      channelId: made.id,
      isSubagent: true,
      parentChannelId: s.channelId,
    });
    expect(sub).toMatchObject({ isSubagent: true, parentAgentId: s.channelId });
    const commands = await placet.channels.setCommands(made.id, {
      commands: [{ command: 'status', description: 'Report the status' }],
    });
    expect(commands.commands).toEqual([expect.objectContaining({ command: 'status' })]);

    const hooked = await placet.channels.setWebhook({
      channelId: made.id,
      url: 'https://hooks.example.test/placet',
    });
    expect(hooked.webhookSecret).toMatch(/\S/);
    const rotated = await placet.channels.rotateWebhookSecret(made.id);
    expect(rotated.webhookSecret).not.toBe(hooked.webhookSecret);
    expect((await placet.channels.deleteWebhook(made.id)).webhookUrl ?? null).toBeNull();

    await placet.heartbeat(made.id, 'busy', { message: 'indexing' });
    const beat = await placet.heartbeat(made.id);
    expect(beat.status).toBe('active');
    const history = await placet.channels.statusHistory(made.id, { limit: 10 });
    expect(history.map((h) => h.status)).toEqual(['active', 'busy']);
    expect(history[1]?.message).toBe('indexing');

    expect(await placet.channels.delete(made.id)).toEqual({ deleted: true });
    await expect(placet.channels.get(made.id)).rejects.toBeInstanceOf(PlacetNotFoundError);
  });
});

describe('messages and reviews', () => {
  it('send, list, get, iterations, ack, delete', async () => {
    const first = await placet.messages.send({
      channelId: s.channelId,
      text: 'Draft 1',
      status: 'info',
      review: approval({ options: [{ id: 'revise', label: 'Revise' }] }),
    });
    // A revision answers a decided review.
    await s.placet.reviews.respond(s.human, first.id, { response: { selectedOption: 'revise' } });
    const second = await placet.messages.send({
      channelId: s.channelId,
      text: 'Draft 2',
      iterationOf: first.id,
    });
    expect((await placet.messages.get(first.id, s.channelId)).text).toBe('Draft 1');
    const page = await placet.messages.list({ channel: s.channelId, limit: 2 });
    expect(page.data.map((m) => m.id)).toEqual([second.id, first.id]);
    const chain = await placet.messages.iterations(second.id, s.channelId);
    expect(chain.iterations.map((m) => m.id)).toEqual([first.id, second.id]);

    // A human's message, acknowledged by the agent.
    const fromHuman = await s.placet.messages.create(s.human, { channelId: s.channelId, text: 'Hi bot' });
    expect(await placet.messages.ack(fromHuman.id, s.channelId)).toEqual({ acknowledged: true });
    expect((await placet.messages.get(fromHuman.id, s.channelId)).deliveryStatus).toBe('agent_received');

    const plain = await placet.messages.send({ channelId: s.channelId, text: 'To delete' });
    expect(await placet.messages.delete(plain.id, s.channelId)).toEqual({ deleted: true });
    await expect(placet.messages.get(plain.id, s.channelId)).rejects.toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
    });
  });

  it('a message with a clientId is sent once, however often it is sent', async () => {
    const body = { channelId: s.channelId, text: 'Once', clientId: `once-${Math.random()}` };
    const [a, b] = await Promise.all([placet.messages.send(body), placet.messages.send(body)]);
    expect(a.id).toBe(b.id);
  });

  it('pending reviews, a review, and its receipt before an answer (RECEIPT_NOT_ISSUED)', async () => {
    const asked = await placet.messages.send({
      channelId: s.channelId,
      text: 'Pending one',
      review: approval({ options: [{ id: 'ok', label: 'OK' }] }),
    });
    const pending = await placet.reviews.pending({ channel: s.channelId });
    expect(pending.items.map((m) => m.id)).toContain(asked.id);
    expect(pending.nextCursor).toBeNull();
    expect((await placet.reviews.get(asked.id, s.channelId)).review?.status).toBe('pending');
    const early = await placet.receipts.get(asked.id, s.channelId).catch((e: unknown) => e);
    expect(early).toBeInstanceOf(PlacetNotFoundError);
    expect(isPlacetClientError(early, 'RECEIPT_NOT_ISSUED')).toBe(true);

    await s.placet.reviews.respond(s.human, asked.id, { response: { selectedOption: 'ok' } });
    const receipt = await placet.receipts.get(asked.id, s.channelId);
    expect(receipt.receipt.split('.')).toHaveLength(3);
    expect((await placet.receipts.verify(asked.id, s.channelId)).decision).toBe('ok');
    const jwks = await placet.receipts.jwks({ fresh: true });
    expect(jwks.keys.map((k) => k.kid)).toContain(receipt.kid);
  });

  it('answers a second answer with a typed conflict', async () => {
    const asked = await placet.messages.send({
      channelId: s.channelId,
      review: approval({ options: [{ id: 'ok', label: 'OK' }] }),
    });
    await s.placet.reviews.respond(s.human, asked.id, { response: { selectedOption: 'ok' } });
    // The agent cannot answer (a human operation): the router refuses its key.
    const refused = await placet
      .call('getReview', { params: { id: asked.id }, query: { channel: s.channelId } })
      .then((m) => m.review?.status);
    expect(refused).toBe('completed');
    const again = await s.placet.reviews
      .respond(s.human, asked.id, { response: { selectedOption: 'ok' } })
      .catch((e: unknown) => e);
    expect((again as { code?: string }).code).toBe('REVIEW_NOT_PENDING');
  });
});

describe('streams', () => {
  it('append, step, finish: one draft that grows, then completes', async () => {
    const stream = placet.stream(s.channelId, { minIntervalMs: 0 });
    const step = await stream.step('Reading files', { toolHint: true });
    expect(step).toMatchObject({
      index: 0,
      text: 'Reading files',
      toolHint: true,
      streamId: stream.streamId,
    });
    await stream.append('Hel');
    const id = stream.message?.id;
    expect(stream.message?.streamState).toBe('streaming');
    await Promise.all([stream.append('lo '), stream.append('wor'), stream.append('ld')]);
    expect((await placet.messages.get(id as string, s.channelId)).text).toBe('Hello world');
    const done = await stream.finish();
    expect(done).toMatchObject({ id, text: 'Hello world', streamState: 'complete' });
    const stored = await placet.messages.get(id as string, s.channelId);
    expect(stored.statusEvents?.map((e) => e.text)).toEqual(['Reading files']);
    const closed = await Promise.resolve()
      .then(() => stream.append('more'))
      .catch((e: unknown) => e);
    expect(closed).toMatchObject({ code: 'STREAM_CLOSED' });
  });

  it('coalesces appends made while an update is in flight (full text each time)', async () => {
    const recorded = recordingFetch();
    const client = createClient({ url: s.url, apiKey: s.apiKey, fetch: recorded.fetch });
    const stream = client.stream(s.channelId, { minIntervalMs: 0 });
    const sends = Array.from({ length: 20 }, (_, i) => stream.append(`${i} `));
    await Promise.all(sends);
    const final = await stream.finish();
    expect(final?.text).toBe(Array.from({ length: 20 }, (_, i) => `${i} `).join(''));
    // One create, fewer updates than appends, and the completing PATCH.
    expect(recorded.count(/^POST .*\/messages$/)).toBe(1);
    expect(recorded.count(/^PATCH /)).toBeLessThan(20);
  });

  it('abort keeps the text and marks the draft aborted; a finished stream refuses a different ending', async () => {
    const stream = placet.stream(s.channelId, { minIntervalMs: 0, streamId: `turn-${Math.random()}` });
    await stream.append('Partial');
    const aborted = await stream.abort();
    expect(aborted).toMatchObject({ text: 'Partial', streamState: 'aborted' });
    // The same stream id, finished differently: the server's 409.
    const other = placet.stream(s.channelId, { minIntervalMs: 0, streamId: stream.streamId });
    const conflict = await other.append('Partial and more').catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(PlacetConflictError);
    // Nothing appended: nothing is created.
    expect(await placet.stream(s.channelId).finish()).toBeUndefined();
  });
});

describe('files', () => {
  it('upload, store, store text, list (paged), download', async () => {
    const bytes = new TextEncoder().encode('hello, file');
    const uploaded = await placet.files.upload(s.channelId, new Blob([bytes], { type: 'text/plain' }), {
      filename: 'hello.txt',
      text: 'Here is the file',
    });
    expect(uploaded).toMatchObject({ filename: 'hello.txt', size: bytes.byteLength, channelId: s.channelId });
    expect(uploaded.messageId).not.toBeNull();
    expect((await placet.messages.get(uploaded.messageId as string, s.channelId)).text).toBe(
      'Here is the file',
    );

    const stored = await placet.files.store(s.channelId, new File(['{"a":1}'], 'data.json'));
    expect(stored).toMatchObject({ filename: 'data.json', messageId: null });
    const text = await placet.files.storeText({
      channelId: s.channelId,
      content: '# Notes',
      filename: 'notes.md',
    });
    expect(text).toMatchObject({ filename: 'notes.md', mimeType: 'text/markdown' });
    const linked = await placet.messages.send({
      channelId: s.channelId,
      text: 'With files',
      attachmentIds: [stored.id, text.id],
    });
    expect(linked.attachments.map((a) => a.id).sort()).toEqual([stored.id, text.id].sort());

    const first = await placet.files.list(s.channelId, { limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const rest = await placet.files.list(s.channelId, { cursor: first.nextCursor as string, limit: 2 });
    expect([...first.items, ...rest.items].map((f) => f.id).sort()).toEqual(
      [uploaded.id, stored.id, text.id].sort(),
    );

    const downloaded = await placet.files.download(uploaded.id);
    expect(downloaded.filename).toBe('hello.txt');
    expect(downloaded.mimeType).toMatch(/^text\/plain/);
    expect(downloaded.size).toBe(bytes.byteLength);
    expect(await downloaded.data.text()).toBe('hello, file');
    const streamed = await placet.files.downloadStream(stored.id);
    expect(streamed.filename).toBe('data.json');
    expect(await new Response(streamed.body).text()).toBe('{"a":1}');
  });

  it('uploads bytes and strings too', async () => {
    const fromBytes = await placet.files.store(s.channelId, new Uint8Array([1, 2, 3]), { filename: 'b.bin' });
    expect(fromBytes.size).toBe(3);
    const fromText = await placet.files.store(s.channelId, 'plain text', { filename: 't.txt' });
    expect(await (await placet.files.download(fromText.id)).data.text()).toBe('plain text');
  });
});

describe('plugins and the generic call', () => {
  it('lists the installed review types', async () => {
    const plugins = await placet.plugins.list();
    expect(plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['approval', 'form', 'selection']));
    expect((await placet.plugins.get('approval')).reviewTypes[0]?.type).toBe('approval');
  });

  it('call(operationId, input) reaches any agent operation', async () => {
    const channel = await placet.call('getAgent', { params: { id: s.channelId } });
    expect(channel.id).toBe(s.channelId);
    const plugins = await placet.call('listPlugins');
    expect(plugins.length).toBeGreaterThan(0);
  });
});

describe('errors', () => {
  it('a wrong key is a PlacetAuthError (UNAUTHORIZED), never retried', async () => {
    const recorded = recordingFetch();
    const wrong = createClient({ url: s.url, apiKey: `hp_${'0'.repeat(48)}`, fetch: recorded.fetch });
    const error = await wrong.channels.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlacetAuthError);
    expect(error).toBeInstanceOf(PlacetClientError);
    expect(error).toMatchObject({ status: 401, code: 'UNAUTHORIZED', transient: false });
    expect(recorded.requests).toHaveLength(1);
  });

  it('a 400 carries the issues with their paths', async () => {
    const error = await placet.messages.send({ channelId: s.channelId, text: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlacetValidationError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', request: 'POST /messages' });
    expect((error as PlacetValidationError).issues.length).toBeGreaterThan(0);
  });

  it('a GET is retried on 503 up to the attempts, a POST without a clientId is not', async () => {
    const unavailable = () =>
      new Response(
        '{"statusCode":503,"error":"Service Unavailable","code":"SERVICE_UNAVAILABLE","message":"down"}',
        {
          status: 503,
          headers: { 'content-type': 'application/json', 'retry-after': '1' },
        },
      );
    const recorded = recordingFetch(() => unavailable());
    const client = createClient({
      url: s.url,
      apiKey: s.apiKey,
      fetch: recorded.fetch,
      retry: { attempts: 3, sleep: async () => {} },
    });
    const got = await client.channels.get(s.channelId).catch((e: unknown) => e);
    expect(got).toMatchObject({
      name: 'PlacetUnavailableError',
      code: 'SERVICE_UNAVAILABLE',
      retryAfterSeconds: 1,
    });
    expect(recorded.requests).toHaveLength(3);
    await client.messages.send({ channelId: s.channelId, text: 'no key' }).catch(() => {});
    expect(recorded.requests).toHaveLength(4);
    await client.messages.send({ channelId: s.channelId, text: 'keyed', clientId: 'k-1' }).catch(() => {});
    expect(recorded.requests).toHaveLength(7);
  });
});
