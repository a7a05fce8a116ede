import { afterEach, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

let s: Server;
afterEach(async () => s?.close());

const approvalReview = {
  type: 'approval',
  payload: {
    options: [
      { id: 'approve', label: 'Approve', style: 'primary' },
      { id: 'reject', label: 'Reject', style: 'danger' },
    ],
    allowComment: true,
  },
  expiresInSeconds: 3600,
};

describe('agent API over HTTP', () => {
  it('the seed flow: create a review message (201), a human answers (200), the agent reads the answer', async () => {
    s = await startServer();
    const created = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, text: 'Deploy to production?', review: approvalReview },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channelId: s.channelId,
      review: { status: 'pending', type: 'approval' },
    });
    const answered = await call(`${s.url}/api/v1/reviews/${created.body.id}/respond`, {
      method: 'POST',
      headers: s.human,
      body: { response: { selectedOption: 'approve', comment: 'go' } },
    });
    expect(answered.status).toBe(200);
    const again = await call(`${s.url}/api/v1/reviews/${created.body.id}/respond`, {
      method: 'POST',
      headers: s.human,
      body: { response: { selectedOption: 'reject' } },
    });
    expect(again.status).toBe(409);
    const waited = await call(
      `${s.url}/api/v1/reviews/${created.body.id}/wait?channel=${s.channelId}&timeout=30000`,
      { headers: s.agent },
    );
    expect(waited.body).toMatchObject({
      status: 'completed',
      message: { review: { response: { selectedOption: 'approve', comment: 'go' } } },
    });
    const byAgent = await call(`${s.url}/api/v1/reviews/${created.body.id}/respond`, {
      method: 'POST',
      headers: s.agent,
      body: { response: { selectedOption: 'approve' } },
    });
    expect(byAgent.status).toBe(403);
  });

  it('401 with the original messages; Bearer keys work; invalid JSON is a 400, not a 500', async () => {
    s = await startServer();
    expect(await call(`${s.url}/api/v1/agents`)).toMatchObject({
      status: 401,
      body: { message: 'Missing or invalid API key', code: 'UNAUTHORIZED' },
    });
    expect(await call(`${s.url}/api/v1/agents`, { headers: { 'x-api-key': 'nope' } })).toMatchObject({
      status: 401,
      body: { message: 'Missing or invalid API key' },
    });
    expect(
      await call(`${s.url}/api/v1/agents`, { headers: { 'x-api-key': `hp_${'a'.repeat(48)}` } }),
    ).toMatchObject({ status: 401, body: { message: 'Invalid API key' } });
    expect(
      (await call(`${s.url}/api/v1/agents`, { headers: { authorization: `Bearer ${s.key}` } })).status,
    ).toBe(200);
    const broken = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      raw: '{"channelId": ',
    });
    expect(broken).toMatchObject({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' },
    });
    const invalid = await call(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: s.agent,
      body: { channelId: s.channelId, status: 'purple' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues.map((i: { path: string }) => i.path)).toContain('status');
    expect((await call(`${s.url}/api/v1/nope`, { headers: s.agent })).status).toBe(404);
  });
});
