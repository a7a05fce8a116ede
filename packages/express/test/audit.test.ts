import type { AgentPrincipal } from '@placet/core';
import { AuditPage } from '@placet/core/contract';
import { AUDIT_CSV_COLUMNS, parseAuditExport, verifyAuditChain } from '@placet/core/receipts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * The audit routes over HTTP: `GET /audit` (NDJSON or CSV download, paged with `Link: rel="next"`) and
 * `GET /reviews/:id/audit` (one review's entries, for its owner and assignees), tenancy included.
 */

let s: Server;
let agent: AgentPrincipal;
/** A member the owner's reviews are assigned to, and a second owner with a review of their own. */
let assignee: { id: string };
let other: { id: string; reviewId: string };
let reviewIds: string[];

const approval = (extra: Record<string, unknown> = {}) => ({
  type: 'approval',
  payload: {
    options: [
      { id: 'yes', label: 'Yes' },
      { id: 'no', label: 'No' },
    ],
    allowComment: true,
  },
  ...extra,
});

beforeAll(async () => {
  s = await startServer();
  agent = (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal;
  assignee = await s.placet.users.create({
    email: `assignee-${Math.random()}@example.test`,
    displayName: 'Assignee',
    role: 'member',
  });
  reviewIds = [];
  for (let n = 0; n < 3; n++) {
    const message = await s.placet.messages.create(agent, {
      channelId: s.channelId,
      text: `Deploy ${n}?`,
      review: approval({ assignees: [assignee.id] }),
    });
    reviewIds.push(message.id);
  }
  // Answered over HTTP by the assignee, so that the path is recorded as the API.
  const answered = await call(`${s.url}/api/v1/reviews/${reviewIds[0]}/respond`, {
    method: 'POST',
    headers: { 'x-test-user': assignee.id, 'content-type': 'application/json' },
    body: { response: { selectedOption: 'yes', comment: 'ok, "go"' } },
  });
  expect(answered.status, JSON.stringify(answered.body)).toBe(200);

  const otherUser = await s.placet.users.create({
    email: `other-${Math.random()}@example.test`,
    displayName: 'Other owner',
    role: 'owner',
  });
  const { key } = await s.placet.apiKeys.create(otherUser.id, { label: 'other' });
  const otherAgent = (await s.placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const channel = await s.placet.channels.create(otherAgent, { name: 'other-bot' });
  const theirs = await s.placet.messages.create(otherAgent, {
    channelId: channel.id,
    text: 'Theirs?',
    review: approval(),
  });
  other = { id: otherUser.id, reviewId: theirs.id };
});

afterAll(async () => {
  await s?.close();
});

/** A GET as `user`; an export's body stays text (one NDJSON line would otherwise parse as JSON). */
async function get(path: string, user: string): Promise<{ status: number; headers: Headers; body: unknown }> {
  const url = path.startsWith('http') ? path : `${s.url}/api/v1${path}`;
  const response = await fetch(url, { headers: { 'x-test-user': user } });
  const text = await response.text();
  const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
  return { status: response.status, headers: response.headers, body: json ? JSON.parse(text) : text };
}

describe('GET /audit', () => {
  it('answers NDJSON by default: a download of the whole chain that verifies', async () => {
    const res = await get('/audit', s.owner.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="placet-audit-1-6\.ndjson"/,
    );
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('link')).toBeNull();
    const text = res.body as string;
    expect(text.endsWith('\n')).toBe(true);
    const { entries } = parseAuditExport(text);
    expect(entries.map((e) => (e as { type: string }).type)).toEqual([
      'review.created',
      'review.created',
      'review.created',
      'review.voted',
      'review.completed',
      'receipt.issued',
    ]);
    expect(await verifyAuditChain(entries)).toMatchObject({ ok: true, count: 6, fromGenesis: true });
  });

  it('answers CSV with a header row, the same entries, quoted where needed', async () => {
    const ndjson = parseAuditExport((await get('/audit', s.owner.id)).body as string);
    const res = await get('/audit?format=csv', s.owner.id);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toMatch(/filename="placet-audit-1-6\.csv"/);
    const text = res.body as string;
    expect(text.split('\r\n')[0]).toBe(AUDIT_CSV_COLUMNS.join(','));
    expect(text).toContain('""go\\""');
    const csv = parseAuditExport(text);
    expect(csv.format).toBe('csv');
    expect(csv.entries).toEqual(ndjson.entries);
    expect(await verifyAuditChain(csv.entries)).toMatchObject({ ok: true, count: 6 });
  });

  it('pages with limit and after; Link: rel="next" names the rest', async () => {
    const first = await get('/audit?limit=2', s.owner.id);
    expect(first.status).toBe(200);
    expect(parseAuditExport(first.body as string).entries).toHaveLength(2);
    const link = first.headers.get('link') ?? '';
    const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
    expect(next).toBeDefined();
    const url = new URL(next!);
    expect(Object.fromEntries(url.searchParams)).toEqual({ format: 'ndjson', after: '2', limit: '2' });
    const second = await get(next!, s.owner.id);
    const both = [
      ...parseAuditExport(first.body as string).entries,
      ...parseAuditExport(second.body as string).entries,
    ];
    expect(both.map((e) => (e as { seq: number }).seq)).toEqual([1, 2, 3, 4]);
    expect(await verifyAuditChain(both)).toMatchObject({ ok: true });
    expect((await get('/audit?limit=10001', s.owner.id)).status).toBe(400);
  });

  it("is the caller's own chain: another owner's review is a 404, and their export names nothing of ours", async () => {
    const foreign = await get(`/audit?review=${other.reviewId}`, s.owner.id);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    const theirs = await get('/audit', other.id);
    expect(theirs.status).toBe(200);
    const text = theirs.body as string;
    expect(parseAuditExport(text).entries).toHaveLength(1);
    for (const id of [s.owner.id, s.channelId, ...reviewIds]) expect(text).not.toContain(id);
    expect((await get(`/audit?review=${reviewIds[0]}`, other.id)).status).toBe(404);
    // An agent key is refused on this human route.
    const byKey = await call(`${s.url}/api/v1/audit`, { headers: { 'x-api-key': s.key } });
    expect(byKey.status).toBe(403);
  });
});

describe('GET /reviews/:id/audit', () => {
  it("shows the review's entries to its owner and to its assignee, as JSON", async () => {
    const mine = await get(`/reviews/${reviewIds[0]}/audit`, s.owner.id);
    expect(mine.status).toBe(200);
    expect(mine.headers.get('content-type')).toMatch(/^application\/json/);
    const page = AuditPage.strict().parse(mine.body);
    expect(page.entries.map((e) => `${e.type} ${e.actor.kind} ${e.via}`)).toEqual([
      'review.created agent api',
      'review.voted user api',
      'review.completed user api',
      'receipt.issued system api',
    ]);
    expect(page.entries[1]!.actor.id).toBe(assignee.id);
    expect(page.entries[1]!.data).toMatchObject({ response: { selectedOption: 'yes', comment: 'ok, "go"' } });
    expect(page.entries[2]!.data).toMatchObject({ outcome: 'answered', respondedBy: assignee.id });
    const theirs = await get(`/reviews/${reviewIds[0]}/audit`, assignee.id);
    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual(mine.body);
    const paged = await get(`/reviews/${reviewIds[0]}/audit?limit=1`, s.owner.id);
    expect(paged.body).toMatchObject({ nextAfter: page.entries[0]!.seq });
  });

  it('answers 404 to another tenant, to a user who is not assigned, and for an unknown id', async () => {
    for (const [user, id] of [
      [other.id, reviewIds[0]!],
      [s.owner.id, other.reviewId],
      [assignee.id, other.reviewId],
      [s.owner.id, 'no-such-review'],
    ] as const) {
      const res = await get(`/reviews/${id}/audit`, user);
      expect(res.status, `${user} ${id}`).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' });
      expect(JSON.stringify(res.body)).not.toContain(s.channelId);
    }
  });
});
