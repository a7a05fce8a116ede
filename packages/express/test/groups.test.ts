import { Group, InboxCount } from '@placet/core/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type Server, startServer } from './harness.js';

/**
 * Named groups over HTTP (`/groups`) and what they are for: owners create, change and delete them (400
 * with paths for a bad name or an unknown member, 409 for a taken name, 403 for members), every signed-in
 * human reads them, an agent assigns `group:<name>` (its members at that moment), and the assignee's
 * inbox badge counts what is assigned (`GET /reviews/count?scope=assigned`).
 */

interface Person {
  id: string;
  email: string;
  headers: Record<string, string>;
}

let s: Server;
let base: string;
let alice: Person;
let bob: Person;
const options = [
  { id: 'ship', label: 'Ship', style: 'primary' },
  { id: 'stop', label: 'Stop', style: 'danger' },
];

beforeAll(async () => {
  s = await startServer();
  base = `${s.url}/api/v1`;
  const person = async (name: string): Promise<Person> => {
    const email = `${name}-${Math.random().toString(36).slice(2, 8)}@Example.test`;
    const user = await s.placet.users.create({ email, displayName: name, role: 'member' });
    return { id: user.id, email, headers: { 'x-test-user': user.id, 'content-type': 'application/json' } };
  };
  alice = await person('Alice');
  bob = await person('Bob');
});
afterAll(async () => {
  await s?.close();
});

const groups = (headers: Record<string, string>, method = 'GET', path = '', body?: unknown) =>
  call(`${base}/groups${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
const paths = (res: { body: { issues?: { path: string }[] } }) => (res.body.issues ?? []).map((i) => i.path);
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

describe('groups over HTTP', () => {
  it('an owner creates a group by e-mails and ids; every signed-in human reads it, without e-mails', async () => {
    const created = await groups(s.human, 'POST', '', {
      name: 'release.team',
      displayName: 'Release team',
      members: [bob.email.toUpperCase(), alice.id, bob.id],
    });
    expect(created.status).toBe(201);
    expect(Group.strict().parse(created.body)).toEqual({
      name: 'release.team',
      displayName: 'Release team',
      members: [
        { id: alice.id, displayName: 'Alice' },
        { id: bob.id, displayName: 'Bob' },
      ],
      createdAt: expect.any(String),
    });
    const plain = await groups(s.human, 'POST', '', { name: 'no-members' });
    expect(plain.status).toBe(201);
    expect(plain.body).toMatchObject({ name: 'no-members', displayName: 'no-members', members: [] });

    const read = await groups(alice.headers);
    expect(read.status).toBe(200);
    const names = (read.body as { name: string }[]).map((g) => g.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['no-members', 'release.team']));
    expect(JSON.stringify(read.body)).not.toContain(alice.email.toLowerCase());
    expect(JSON.stringify(read.body)).not.toContain(bob.email.toLowerCase());
    expect((await groups(s.agent)).status).toBe(403);
    expect((await call(`${base}/groups`)).status).toBe(401);
  });

  it('refuses bad names, unknown members and a taken name, with their paths; nothing is made', async () => {
    const bad = await groups(s.human, 'POST', '', { name: 'On Call', members: ['nobody@example.test'] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(paths(bad)).toEqual(['name']);
    for (const name of ['', '-oncall', '.x', 'a'.repeat(65), 'ünï']) {
      const res = await groups(s.human, 'POST', '', { name });
      expect(res.status, name).toBe(400);
      expect([...new Set(paths(res))], name).toEqual(['name']);
    }
    const unknown = await groups(s.human, 'POST', '', {
      name: 'unknowns',
      members: [alice.email, 'nobody@example.test', 'no-such-id'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([
      { path: 'members.1', message: 'no user has this e-mail' },
      { path: 'members.2', message: 'no user has this id' },
    ]);
    const extra = await groups(s.human, 'POST', '', { name: 'extra', owner: 'me' });
    expect(extra.status).toBe(400);

    expect((await groups(s.human, 'POST', '', { name: 'taken', members: [alice.id] })).status).toBe(201);
    const taken = await groups(s.human, 'POST', '', { name: 'taken', members: [bob.id] });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({
      code: 'CONFLICT',
      issues: [{ path: 'name', message: 'already taken' }],
    });
    const listed = (await groups(s.human)).body as { name: string; members: { id: string }[] }[];
    expect(listed.map((g) => g.name)).not.toEqual(expect.arrayContaining(['unknowns']));
    expect(listed.find((g) => g.name === 'taken')?.members.map((m) => m.id)).toEqual([alice.id]);
  });

  it('an owner renames a group and replaces its members; members may only read', async () => {
    await groups(s.human, 'POST', '', { name: 'ops', members: [alice.id] });
    const renamed = await groups(s.human, 'PUT', '/ops', { displayName: 'Operations' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: 'ops',
      displayName: 'Operations',
      members: [{ id: alice.id }],
    });
    const replaced = await groups(s.human, 'PUT', '/ops', { members: [bob.email] });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({
      displayName: 'Operations',
      members: [{ id: bob.id, displayName: 'Bob' }],
    });
    const empty = await groups(s.human, 'PUT', '/ops', {});
    expect(empty.status).toBe(400);
    const unknownMember = await groups(s.human, 'PUT', '/ops', { members: [bob.id, 'nobody@example.test'] });
    expect(unknownMember.status).toBe(400);
    expect(paths(unknownMember)).toEqual(['members.1']);
    expect((await groups(s.human, 'PUT', '/no-such-group', { displayName: 'x' })).status).toBe(404);

    for (const [method, path, body] of [
      ['POST', '', { name: 'mine' }],
      ['PUT', '/ops', { displayName: 'Mine' }],
      ['DELETE', '/ops', undefined],
    ] as const) {
      const res = await groups(alice.headers, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.code).toBe('FORBIDDEN');
    }
    const now = (await groups(alice.headers)).body as { name: string; displayName: string }[];
    expect(now.find((g) => g.name === 'ops')?.displayName).toBe('Operations');
    expect(now.map((g) => g.name)).not.toContain('mine');

    expect((await groups(s.human, 'DELETE', '/ops')).body).toEqual({ deleted: true });
    expect((await groups(s.human, 'DELETE', '/ops')).status).toBe(404);
    expect(((await groups(s.human)).body as { name: string }[]).map((g) => g.name)).not.toContain('ops');
  });

  it('an agent assigns group:<name>: its members when the review is created; a missing group is a 400', async () => {
    await groups(s.human, 'POST', '', { name: 'deciders', members: [alice.id, bob.id] });
    const created = await ask({ assignees: ['group:deciders'], policy: { mode: 'all' } });
    expect(created.status).toBe(201);
    expect(created.body.review.policy.assignees).toEqual(['group:deciders']);
    expect([...created.body.review.policy.assigneeIds].sort()).toEqual([alice.id, bob.id].sort());
    const missing = await ask({ assignees: ['group:nobody-here'] });
    expect(missing.status).toBe(400);
    expect(missing.body.issues).toEqual([
      { path: 'review.assignees.0', message: 'no group named "nobody-here"' },
    ]);
    await groups(s.human, 'POST', '', { name: 'empty-crew' });
    const none = await ask({ escalation: [{ after: '1m', addAssignees: ['group:empty-crew'] }] });
    expect(none.status).toBe(400);
    expect(none.body.issues).toEqual([
      { path: 'review.escalation.0.addAssignees.0', message: 'group "empty-crew" has no members' },
    ]);
    // The assignee's inbox badge: scope=assigned counts it, for each assignee.
    const count = await call(`${base}/reviews/count?scope=assigned`, { headers: alice.headers });
    expect(count.status).toBe(200);
    expect(InboxCount.strict().parse(count.body).count).toBeGreaterThanOrEqual(1);
  });

  it('GET /reviews/count?scope=assigned counts what names the caller; excludeOwn leaves out their own channels', async () => {
    const owner = s.placet.userPrincipal(s.owner);
    const before = await s.placet.reviews.count(owner, { scope: 'assigned' });
    const mineAssigned = await ask({ assignees: [s.owner.id, alice.id] });
    const onlyAlice = await ask({ assignees: [alice.id] });
    expect(mineAssigned.status).toBe(201);
    expect(onlyAlice.status).toBe(201);
    const count = (headers: Record<string, string>, query: string) =>
      call(`${base}/reviews/count?${query}`, { headers });

    const ownerAssigned = await count(s.human, 'scope=assigned');
    expect(ownerAssigned.body).toEqual({ count: before.count + 1, unread: before.unread + 1 });
    // The review of the owner's own channel is counted by scope=mine already.
    expect((await count(s.human, 'scope=assigned&excludeOwn=true')).body).toEqual({ count: 0, unread: 0 });
    expect((await count(s.human, 'scope=assigned&excludeOwn=false')).body).toEqual(ownerAssigned.body);

    const aliceBefore = (await count(alice.headers, 'scope=assigned')).body as InboxCount;
    await call(`${base}/reviews/${onlyAlice.body.id}/read`, { method: 'POST', headers: alice.headers });
    const aliceAfter = (await count(alice.headers, 'scope=assigned')).body as InboxCount;
    expect(aliceAfter).toEqual({ count: aliceBefore.count, unread: aliceBefore.unread - 1 });
    expect((await count(alice.headers, 'scope=assigned&excludeOwn=true')).body).toEqual(aliceAfter);
    expect((await count(alice.headers, 'scope=assigned&status=completed')).body).toEqual({
      count: 0,
      unread: 0,
    });
    // Alice owns no channel: scope=mine counts nothing of hers.
    expect((await count(alice.headers, '')).body).toEqual({ count: 0, unread: 0 });

    const channel = await count(s.human, `scope=assigned&channel=${s.channelId}`);
    expect(channel.status).toBe(400);
    expect(paths(channel)).toEqual(['channel']);
    const own = await count(s.human, 'excludeOwn=true');
    expect(own.status).toBe(400);
    expect(paths(own)).toEqual(['excludeOwn']);
    const bad = await count(s.human, 'scope=assigned&excludeOwn=yes');
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['excludeOwn']);
    expect((await count(s.human, 'scope=everyone')).status).toBe(400);
  });
});
