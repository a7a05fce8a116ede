import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * Approval policies over HTTP, as an agent with `fetch` and a human of the host see them: the 400 paths
 * of a bad policy, 403 NOT_ASSIGNED, votes in `GET /reviews/:id`, 409 ALREADY_VOTED and REVIEW_CHANGED,
 * the assignee's inbox (`scope=assigned`), and the final answer with its receipt.
 */

let s: Server;
let base: string;
const members: { id: string; headers: Record<string, string>; email: string }[] = [];
const options = [
  { id: 'ship', label: 'Ship', style: 'primary' },
  { id: 'stop', label: 'Stop', style: 'danger' },
];

beforeAll(async () => {
  s = await startServer();
  base = `${s.url}/api/v1`;
  for (const n of [1, 2, 3]) {
    const email = `member${n}-${Math.random()}@example.test`;
    const user = await s.placet.users.create({ email, displayName: `Member ${n}`, role: 'member' });
    members.push({
      id: user.id,
      email,
      headers: { 'x-test-user': user.id, 'content-type': 'application/json' },
    });
  }
});
afterAll(async () => {
  await s?.close();
});

const ask = (review: Record<string, unknown>) =>
  call(`${base}/messages`, {
    method: 'POST',
    headers: s.agent,
    body: {
      channelId: s.channelId,
      text: 'Ship v2?',
      review: { type: 'approval', payload: { options }, ...review },
    },
  });

const answer = (id: string, headers: Record<string, string>, body: Record<string, unknown>) =>
  call(`${base}/reviews/${id}/respond`, { method: 'POST', headers, body });

describe('approval policies over HTTP', () => {
  it('a bad policy is a 400 naming each path; nothing is created', async () => {
    const res = await ask({
      assignees: ['nobody@example.test'],
      policy: { mode: 'quorum', required: 0, extra: true },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = (res.body.issues as { path: string }[]).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['review.policy.required', 'review.policy']));
    const pending = await call(`${base}/reviews/pending?channel=${s.channelId}`, { headers: s.agent });
    expect(pending.body).toEqual([]);
  });

  it('2 of 3 with veto: 403 for the owner, votes visible to the agent, 409s, then the decision with a receipt', async () => {
    const created = await ask({
      assignees: members.map((m) => m.email),
      policy: { mode: 'quorum', required: 2, veto: true },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const hash = created.body.review.reviewHash as string;

    const owner = await answer(id, s.human, { response: { selectedOption: 'ship' } });
    expect(owner.status).toBe(403);
    expect(owner.body).toMatchObject({ code: 'NOT_ASSIGNED' });

    const inbox = await call(`${base}/reviews?scope=assigned`, { headers: members[0]!.headers });
    expect(inbox.status).toBe(200);
    expect(inbox.body.data.map((m: { id: string }) => m.id)).toEqual([id]);
    // The assignee does not own the channel, but sees its agent's name.
    expect(inbox.body.data[0].agentName).toBe('deploy-bot');

    const first = await answer(id, members[0]!.headers, {
      response: { selectedOption: 'ship' },
      reviewHash: hash,
    });
    expect(first.status).toBe(200);
    expect(first.body.review.status).toBe('pending');
    const twice = await answer(id, members[0]!.headers, { response: { selectedOption: 'ship' } });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_VOTED');
    const stale = await answer(id, members[1]!.headers, {
      response: { selectedOption: 'ship' },
      reviewHash: 'x',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('REVIEW_CHANGED');

    const seen = await call(`${base}/reviews/${id}?channel=${s.channelId}`, { headers: s.agent });
    expect(seen.body.review.votes).toEqual([
      expect.objectContaining({ userId: members[0]!.id, choice: 'ship', rejects: false }),
    ]);
    expect(seen.body.review.policy.people).toEqual(
      members.map((m, i) => ({ id: m.id, displayName: `Member ${i + 1}` })),
    );

    const vetoed = await answer(id, members[1]!.headers, { response: { selectedOption: 'stop' } });
    expect(vetoed.status).toBe(200);
    expect(vetoed.body.review).toMatchObject({
      status: 'completed',
      response: { selectedOption: 'stop' },
      respondedBy: members[1]!.id,
      policy: { outcome: 'veto' },
    });
    const wait = await call(`${base}/reviews/${id}/wait?channel=${s.channelId}&timeout=1000`, {
      headers: s.agent,
    });
    expect(wait.body.status).toBe('completed');
    expect(wait.body.message.review.receipt).toBe(vetoed.body.review.receipt);
    const receipt = await call(`${base}/reviews/${id}/receipt?channel=${s.channelId}`, { headers: s.agent });
    expect(receipt.body.receipt).toBe(vetoed.body.review.receipt);
    // An assignee reads the receipt too; a member it does not name does not.
    const asAssignee = await call(`${base}/reviews/${id}/receipt?channel=${s.channelId}`, {
      headers: members[2]!.headers,
    });
    expect(asAssignee.body.receipt).toBe(vetoed.body.review.receipt);
  });

  it('a member who is not assigned gets a 404 for the review and an empty assigned inbox', async () => {
    const created = await ask({ assignees: [members[0]!.email] });
    const id = created.body.id as string;
    const mine = await call(`${base}/reviews/${id}?channel=${s.channelId}`, { headers: members[0]!.headers });
    expect(mine.status).toBe(200);
    const other = await call(`${base}/reviews/${id}?channel=${s.channelId}`, {
      headers: members[2]!.headers,
    });
    expect(other.status).toBe(404);
    const respond = await answer(id, members[2]!.headers, { response: { selectedOption: 'ship' } });
    expect(respond.status).toBe(404);
  });
});
