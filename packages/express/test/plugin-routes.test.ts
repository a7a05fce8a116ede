import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { provide } from '@placet/core';
import { approval } from '@placet/plugin-approval';
import { AUDIT_LOG, type AuditLog, audit, waitFor } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * A plugin's routes and error codes over real HTTP: the example `audit` plugin's
 * `GET /plugins/audit/entries` is served by the router with the core's auth, listed in the OpenAPI
 * document, and shows each owner their own entries only; its `review.beforeRespond` refusal reaches the
 * client as the plugin's code and status.
 */

let s: Server;

beforeAll(async () => {
  s = await startServer({ placet: { plugins: [approval(), audit({ blockedOptions: ['reject'] })] } });
});

afterAll(async () => {
  await s?.close();
});

async function approvalReview(channelId = s.channelId, key = s.key): Promise<string> {
  const res = await call(`${s.url}/api/v1/messages`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: {
      channelId,
      text: 'Deploy?',
      review: {
        type: 'approval',
        payload: {
          options: [
            { id: 'approve', label: 'Approve' },
            { id: 'reject', label: 'Reject' },
          ],
        },
      },
    },
  });
  expect(res.status).toBe(201);
  return res.body.id;
}

const respond = (id: string, selectedOption: string, headers = s.human) =>
  call(`${s.url}/api/v1/reviews/${id}/respond`, {
    method: 'POST',
    headers,
    body: { response: { selectedOption } },
  });

describe('plugin routes', () => {
  it('are listed in the OpenAPI document under the plugin, with their own operation id', async () => {
    const res = await call(`${s.url}/api/v1/openapi.json`);
    const op = res.body.paths['/plugins/audit/entries']?.get;
    expect(op).toMatchObject({ operationId: 'auditListEntries', tags: ['audit'], 'x-placet-auth': 'user' });
    expect(Object.keys(op.responses).sort()).toEqual(['200', '401', '403', '429', '500', '503']);
    expect(res.body.tags).toContainEqual({ name: 'audit', description: expect.stringContaining('log') });
    expect(res.body.components.schemas.AuditEntry).toBeDefined();
  });

  it('answer with the core’s auth: 401 without credentials, 403 for an API key on a human route', async () => {
    const url = `${s.url}/api/v1/plugins/audit/entries`;
    expect((await call(url)).body).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect((await call(url, { headers: { 'x-api-key': s.key } })).body).toMatchObject({
      statusCode: 403,
      code: 'FORBIDDEN',
    });
  });

  it("show each owner their own entries only; a before hook's refusal answers the plugin's code", async () => {
    const refused = await approvalReview();
    const res = await respond(refused, 'reject');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      code: 'AUDIT_OPTION_BLOCKED',
      message: 'Answers that choose "reject" are not allowed',
    });
    const still = await call(`${s.url}/api/v1/reviews/${refused}?channel=${s.channelId}`, {
      headers: s.agent,
    });
    expect(still.body.review.status).toBe('pending');

    const answered = await approvalReview();
    expect((await respond(answered, 'approve')).status).toBe(200);

    // A second owner answers in their own channel: the first owner never sees that entry.
    const other = await s.placet.users.create({
      email: 'other@example.test',
      displayName: 'O',
      role: 'owner',
    });
    const { key } = await s.placet.apiKeys.create(other.id, { label: 'other' });
    const otherAgent = (await s.placet.authenticate({ apiKey: key }))!;
    const otherChannel = await s.placet.channels.create(otherAgent, { name: 'other-bot' });
    const theirs = await approvalReview(otherChannel.id, key);
    expect(
      (await respond(theirs, 'approve', { 'x-test-user': other.id, 'content-type': 'application/json' }))
        .status,
    ).toBe(200);

    const entriesOf = async (userId: string) =>
      (await call(`${s.url}/api/v1/plugins/audit/entries`, { headers: { 'x-test-user': userId } })).body as {
        messageId: string;
      }[];
    // The hook runs after commit, from the outbox: wait until both answers are in the log.
    await waitFor(async () => (await entriesOf(other.id)).length === 1);
    await waitFor(async () => (await entriesOf(s.owner.id)).length === 1);
    expect((await entriesOf(s.owner.id)).map((e) => e.messageId)).toEqual([answered]);
    expect((await entriesOf(other.id)).map((e) => e.messageId)).toEqual([theirs]);
  });
});

describe('a service token replaced by the host', () => {
  it('wins over what the plugin provides: the route and placet.resolve() use the host’s', async () => {
    const fake: AuditLog = {
      entries: async (ownerId) => [
        {
          seq: 1,
          ownerId,
          messageId: 'from-the-host',
          type: 'approval',
          response: {},
          respondedBy: null,
          at: new Date(0).toISOString(),
        },
      ],
    };
    const hosted = await startServer({
      placet: { plugins: [approval(), audit()], provide: [provide(AUDIT_LOG, fake)] },
    });
    try {
      expect(hosted.placet.resolve(AUDIT_LOG)).toBe(fake);
      const res = await call(`${hosted.url}/api/v1/plugins/audit/entries`, { headers: hosted.human });
      expect(res.body).toMatchObject([{ messageId: 'from-the-host', ownerId: hosted.owner.id }]);
      // Without the host's value, the plugin's own service answers.
      expect(s.placet.resolve(AUDIT_LOG)).not.toBe(fake);
    } finally {
      await hosted.close();
    }
  });
});

describe("a review type's UI module", () => {
  it('answers 304 for its ETag alone, in a list, weakly compared, or *; 200 otherwise', async () => {
    const url = `${s.url}/api/v1/plugins/approval/ui/approval`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    await first.text();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"/);
    const status = async (ifNoneMatch: string) => {
      const res = await fetch(url, { headers: { 'if-none-match': ifNoneMatch } });
      await res.arrayBuffer();
      return res.status;
    };
    expect(await status(etag)).toBe(304);
    expect(await status(`"other", ${etag}`)).toBe(304);
    expect(await status(etag.replace(/^W\//, ''))).toBe(304);
    expect(await status('*')).toBe(304);
    expect(await status('"other"')).toBe(200);
  });

  it('is sent brotli- or gzip-compressed as Accept-Encoding allows, varying on it, a validator per encoding', async () => {
    const url = new URL(`${s.url}/api/v1/plugins/approval/ui/approval`);
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
        const req = request(url, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        });
        req.on('error', reject);
        req.end();
      });
    const plain = await get({});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.body.toString()).toContain('placet-approval');
    const br = await get({ 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers).toMatchObject({ 'content-encoding': 'br', 'cache-control': 'no-cache' });
    expect(br.headers['content-type']).toMatch(/^text\/javascript/);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    const gz = await get({ 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(
      (await get({ 'accept-encoding': 'br;q=0, gzip;q=0' })).headers['content-encoding'],
    ).toBeUndefined();
    expect(new Set([plain.headers.etag, br.headers.etag, gz.headers.etag]).size).toBe(3);
    const again = await get({ 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    expect([again.status, again.body.length]).toEqual([304, 0]);
  });
});
