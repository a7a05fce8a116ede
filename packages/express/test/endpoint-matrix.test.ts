import type { AgentPrincipal, UserPrincipal } from '@placet/core';
import { type AnyOperation, answerableCodes, OPERATIONS } from '@placet/core/adapter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placetRouter } from '../src/index.js';
import { HUMAN_MATRIX, matrixWebhooks } from './endpoint-matrix.human.js';
import { type Actor, type Entry, MATRIX, type Req, type Res } from './endpoint-matrix.table.js';
import { call, type Server, startServer } from './harness.js';
import { registeredRoutes } from './registered-routes.js';

/**
 * Runs the endpoint matrix (`endpoint-matrix.table.ts` for the agent endpoints, `endpoint-matrix.human.ts`
 * for the human ones): for every operation of the `/api/v1` router a success case, three 401s (no key, an
 * unknown `hp_` key, a malformed key), a 404 for a second owner's ids and a 400 with issue paths for an
 * invalid body or query; for a human endpoint also a 403 for an API key and a member case (a user with
 * role `member`: 403 on owner-only routes, 404 for the owner's ids). A case that does not apply is skipped
 * with its reason; a case marked `bug` is expected to fail until the bug is fixed. The operations come
 * from `OPERATIONS` (`@placet/core`), the one table the router is made from: the 401 and 403 cases follow
 * from each operation's `auth`, and every error answer must carry a code the operation declares. The last
 * block fails when an operation has no entry, an entry no operation, or an entry lacks a case without
 * saying why.
 */

/** Every entry: the agent endpoints, then the human ones. */
const ENTRIES: readonly Entry[] = [...MATRIX, ...HUMAN_MATRIX];

const keyOf = (method: string, path: string) => `${method.toUpperCase()} ${path}`;
const OPERATION_BY_KEY = new Map(OPERATIONS.map((op) => [keyOf(op.method, op.path), op]));

/** The operation of an entry (the meta test reports entries without one). */
function operationOf(entry: Entry): AnyOperation | undefined {
  return OPERATION_BY_KEY.get(keyOf(entry.method, entry.path));
}

/** An owner of resources: a user, an API key of theirs (not channel-scoped) and both principals. */
interface Owner {
  userId: string;
  key: string;
  agent: AgentPrincipal;
  human: UserPrincipal;
}

const UNKNOWN_KEY = `hp_${'0'.repeat(48)}`;
const ERROR_KEYS = ['statusCode', 'error', 'code', 'message', 'issues'];

/** The three ways to be unauthenticated, with the original's messages. */
const UNAUTHORIZED: readonly { label: string; headers: Record<string, string>; message: string }[] = [
  { label: 'without a key', headers: {}, message: 'Missing or invalid API key' },
  { label: 'with an unknown hp_ key', headers: { 'x-api-key': UNKNOWN_KEY }, message: 'Invalid API key' },
  { label: 'with a malformed key', headers: { 'x-api-key': 'wrong' }, message: 'Missing or invalid API key' },
];

let s: Server;
let first: Owner;
/** The second owner, with a channel that exists for the whole run (never to be seen by the first owner). */
let second: Owner & { standingChannelId: string };
/** A user with role `member` of the first owner's server, with a key and a channel of their own. */
let member: Actor;
let caseNumber = 0;

beforeAll(async () => {
  // A stub webhook receiver, so that the delivery routes have finished deliveries (no network).
  s = await startServer({ placet: { webhookSender: matrixWebhooks } });
  first = {
    userId: s.owner.id,
    key: s.key,
    agent: (await s.placet.authenticate({ apiKey: s.key })) as AgentPrincipal,
    human: s.placet.userPrincipal(s.owner),
  };
  const user = await s.placet.users.create({
    email: `second-owner-${Date.now()}@example.test`,
    displayName: 'Second owner',
    role: 'owner',
  });
  const { key } = await s.placet.apiKeys.create(user.id, { label: 'second' });
  const agent = (await s.placet.authenticate({ apiKey: key })) as AgentPrincipal;
  const standing = await s.placet.channels.create(agent, { name: 'second-owner-bot' });
  second = {
    userId: user.id,
    key,
    agent,
    human: s.placet.userPrincipal(user),
    standingChannelId: standing.id,
  };
  const memberUser = await s.placet.users.create({
    email: `member-${Date.now()}@example.test`,
    displayName: 'Member',
    role: 'member',
  });
  const memberKey = (await s.placet.apiKeys.create(memberUser.id, { label: 'member' })).key;
  const memberAgent = (await s.placet.authenticate({ apiKey: memberKey })) as AgentPrincipal;
  member = {
    userId: memberUser.id,
    key: memberKey,
    agent: memberAgent,
    human: s.placet.userPrincipal(memberUser),
    channelId: (await s.placet.channels.create(memberAgent, { name: 'member-bot' })).id,
  };
});

afterAll(async () => {
  await s?.close();
});

/** The owner with a channel made for this case alone. */
async function actorOf(owner: Owner): Promise<Actor> {
  const channel = await s.placet.channels.create(owner.agent, { name: `case-${++caseNumber}` });
  return {
    userId: owner.userId,
    key: owner.key,
    agent: owner.agent,
    human: owner.human,
    channelId: channel.id,
  };
}

/** The credentials of the success request: the owner's key, the owner as a human, or none (public). */
function credentialsOf(entry: Entry, owner: Owner): Record<string, string> {
  if (entry.caller === 'agent') return { 'x-api-key': owner.key };
  if (entry.caller === 'human') return { 'x-test-user': owner.userId };
  return {};
}

function urlOf(entry: Entry, req: Req): string {
  const path = entry.path.replace(/:(\w+)/g, (_match, name: string) => {
    const value = req.params?.[name];
    if (value === undefined)
      throw new Error(`${entry.method} ${entry.path}: the request gives no value for :${name}`);
    return encodeURIComponent(value);
  });
  const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
  return `${s.url}/api/v1${path}${query}`;
}

/** Sends a case's request; an error answer must carry a code its operation declares (`answerableCodes`). */
async function send(entry: Entry, req: Req, credentials: Record<string, string>): Promise<Res> {
  const res = await sendRaw(entry, req, credentials);
  const op = operationOf(entry);
  const code = (res.body as { code?: unknown } | undefined)?.code;
  if (op && res.status >= 400 && typeof code === 'string') {
    expect([...answerableCodes(op)], `${op.operationId} answered the undeclared code ${code}`).toContain(
      code,
    );
  }
  return res;
}

async function sendRaw(entry: Entry, req: Req, credentials: Record<string, string>): Promise<Res> {
  const url = urlOf(entry, req);
  const signal = AbortSignal.timeout(req.abortAfterMs ?? 5000);
  if (req.form) {
    const form = new FormData();
    for (const [name, value] of req.form) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, value.blob, value.filename);
    }
    return call(url, { method: entry.method, headers: credentials, raw: form, signal });
  }
  if (req.body !== undefined) {
    return call(url, {
      method: entry.method,
      headers: { ...credentials, 'content-type': 'application/json' },
      body: req.body,
      signal,
    });
  }
  return call(url, { method: entry.method, headers: credentials, signal });
}

/** For failure messages: what the server answered. */
const shown = (res: Res) => `answered ${res.status} ${JSON.stringify(res.body)}`;

/** An error body carries only the error fields: never a resource. */
function expectErrorBody(res: Res): void {
  expect(res.body, shown(res)).toEqual(
    expect.objectContaining({ statusCode: res.status, code: expect.any(String) }),
  );
  expect(ERROR_KEYS, shown(res)).toEqual(expect.arrayContaining(Object.keys(res.body as object)));
}

/** Nothing of the second owner (their user id, channels, the ids of the case) appears in `res`. */
function expectNoneOf(res: Res, ids: readonly string[]): void {
  const text = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? null);
  for (const id of ids) expect(text, `the answer reveals ${id}: ${shown(res)}`).not.toContain(id);
}

/**
 * A case marked `bug` runs as `it.fails` (the suite stays green and turns red once the bug is fixed, so
 * that the marker is removed). `PLACET_MATRIX_STRICT=1` runs them as ordinary tests to see the failures.
 */
const strict = process.env.PLACET_MATRIX_STRICT === '1';
function caseTest(name: string, bug: string | undefined, fn: () => Promise<void>): void {
  if (bug && !strict) it.fails(`${name} [known bug: ${bug}]`, fn);
  else it(name, fn);
}

/** The error body of a refusal with this status. */
const REFUSALS: Record<number, { error: string; code: string }> = {
  403: { error: 'Forbidden', code: 'FORBIDDEN' },
  404: { error: 'Not Found', code: 'NOT_FOUND' },
};

describe.each(ENTRIES.map((entry) => [`${entry.method} ${entry.path}`, entry] as const))(
  '%s',
  (_name, entry) => {
    caseTest(`success: ${entry.success.status}`, entry.success.bug, async () => {
      const actor = await actorOf(first);
      const vars = (await entry.setup?.(s.placet, actor)) ?? {};
      const res = await send(entry, entry.request(vars, actor), credentialsOf(entry, first));
      expect(res.status, shown(res)).toBe(entry.success.status);
      // Server-wide resources (users) may name the second owner; nothing else of theirs ever shows.
      expectNoneOf(res, [
        ...(entry.serverWide === undefined ? [second.userId] : []),
        second.standingChannelId,
        second.key,
      ]);
      await entry.success.check?.(res, vars, actor, s.placet);
    });

    for (const { label, headers, message } of UNAUTHORIZED) {
      // A public operation has no 401 case; the meta test checks that the entry says why.
      if (operationOf(entry)?.auth === 'public') continue;
      it(`401 ${label}`, async () => {
        const actor = await actorOf(first);
        const vars = (await entry.setup?.(s.placet, actor)) ?? {};
        const res = await send(entry, entry.request(vars, actor), headers);
        expect(res.status, shown(res)).toBe(401);
        expect(res.body).toMatchObject({
          statusCode: 401,
          error: 'Unauthorized',
          code: 'UNAUTHORIZED',
          message,
        });
        expectErrorBody(res);
        await entry.intact?.(s.placet, vars, actor);
      });
    }

    // A human operation refuses an API key (403); the entry may only give a reason why not.
    if (operationOf(entry)?.auth === 'user' && typeof entry.agentKey !== 'string') {
      it('403 with an API key (a human endpoint)', async () => {
        const actor = await actorOf(first);
        const vars = (await entry.setup?.(s.placet, actor)) ?? {};
        const res = await send(entry, entry.request(vars, actor), { 'x-api-key': first.key });
        expect(res.status, shown(res)).toBe(403);
        expect(res.body).toMatchObject({ statusCode: 403, ...REFUSALS[403] });
        expectErrorBody(res);
        await entry.intact?.(s.placet, vars, actor);
      });
    }

    const memberCase = entry.member;
    if (typeof memberCase === 'string') {
      // Not applicable: no test is registered; the meta test checks the reason.
    } else if (memberCase !== undefined) {
      const refusal = REFUSALS[memberCase.status];
      caseTest(`member: ${memberCase.status}`, memberCase.bug, async () => {
        // The first owner's resources, asked for by a member user.
        const actor = await actorOf(first);
        const vars = (await entry.setup?.(s.placet, actor)) ?? {};
        const req = memberCase.request?.(vars, actor, member) ?? entry.request(vars, actor);
        const res = await send(entry, req, { 'x-test-user': member.userId });
        expect(res.status, shown(res)).toBe(memberCase.status);
        if (refusal) {
          expect(res.body).toMatchObject({ statusCode: memberCase.status, ...refusal });
          expectErrorBody(res);
        }
        expectNoneOf(res, [
          first.userId,
          first.key,
          actor.channelId,
          second.userId,
          second.standingChannelId,
          ...Object.values(vars).filter((v) => v.length >= 8),
        ]);
        await memberCase.check?.(res, vars, actor, member, s.placet);
        if (refusal) await entry.intact?.(s.placet, vars, actor);
      });
    }

    const foreign = entry.foreign;
    if (typeof foreign === 'string') {
      // Not applicable: no test is registered; the meta test checks the reason.
    } else {
      caseTest("404 for another owner's ids", foreign.bug, async () => {
        // The second owner's resources, asked for with the first owner's credentials.
        const actor = await actorOf(second);
        const vars = (await entry.setup?.(s.placet, actor)) ?? {};
        const res = await send(entry, entry.request(vars, actor), credentialsOf(entry, first));
        expect(res.status, shown(res)).toBe(404);
        expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found', code: 'NOT_FOUND' });
        expectErrorBody(res);
        expectNoneOf(res, [
          actor.channelId,
          second.userId,
          ...Object.values(vars).filter((v) => v.length >= 8),
        ]);
        await entry.intact?.(s.placet, vars, actor);
      });
    }

    const invalid = entry.invalid;
    if (typeof invalid === 'string') {
      // Not applicable: no test is registered; the meta test checks the reason.
    } else {
      caseTest(`400 with issue path "${invalid.path}"`, invalid.bug, async () => {
        const actor = await actorOf(first);
        const vars = (await entry.setup?.(s.placet, actor)) ?? {};
        const res = await send(entry, invalid.request(vars, actor), credentialsOf(entry, first));
        expect(res.status, shown(res)).toBe(400);
        expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', code: 'VALIDATION_FAILED' });
        expectErrorBody(res);
        const paths = ((res.body as { issues?: { path: string }[] }).issues ?? []).map((issue) => issue.path);
        expect(paths, shown(res)).toContain(invalid.path);
      });
    }
  },
);

// ---------------------------------------------------------------------------------------------------

const ID_PARAM = /:(id|streamId)\b/;
const CASES = ['unauthorized', 'foreign', 'invalid'] as const;

/** A reason that says something (not '', not 'n/a'). */
const isReason = (value: unknown): value is string => typeof value === 'string' && value.trim().length >= 10;

describe('the matrix itself', () => {
  it('has a success case for every entry, and every other case or the reason why it does not apply', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const entry of ENTRIES as readonly Partial<Entry>[]) {
      const name = `${entry.method} ${entry.path}`;
      if (seen.has(name)) problems.push(`${name}: listed twice`);
      seen.add(name);
      if (typeof entry.success?.status !== 'number') problems.push(`${name}: no success case`);
      if (typeof entry.request !== 'function') problems.push(`${name}: no success request`);
      for (const kind of CASES) {
        const value: unknown = entry[kind];
        if (typeof value === 'string') {
          if (value.trim().length < 10)
            problems.push(`${name}: the ${kind} case is skipped without a real reason`);
        } else if (kind === 'unauthorized' ? value !== true : typeof value !== 'object' || value === null) {
          problems.push(`${name}: no ${kind} case and no reason why it does not apply`);
        }
      }
      if (entry.serverWide !== undefined && !isReason(entry.serverWide)) {
        problems.push(`${name}: serverWide needs a real reason`);
      }
      if (
        entry.path &&
        ID_PARAM.test(entry.path) &&
        typeof entry.foreign === 'string' &&
        entry.serverWide === undefined
      ) {
        problems.push(`${name}: takes an id, so it needs a foreign (404) case (or a serverWide reason)`);
      }
      if (entry.caller === 'human') {
        if (entry.agentKey !== true && !isReason(entry.agentKey)) {
          problems.push(`${name}: a human endpoint needs the 403-with-an-API-key case, or a reason`);
        }
        if (entry.member === undefined) {
          problems.push(`${name}: a human endpoint needs a member case, or a reason`);
        }
      } else if (entry.agentKey !== undefined) {
        problems.push(`${name}: only a human endpoint refuses an API key (agentKey)`);
      }
      const memberCase: unknown = entry.member;
      if (
        memberCase !== undefined &&
        !isReason(memberCase) &&
        (typeof memberCase !== 'object' ||
          memberCase === null ||
          typeof (memberCase as { status?: unknown }).status !== 'number')
      ) {
        problems.push(`${name}: the member case needs a status (or is a real reason)`);
      }
      if (entry.caller !== 'public' && entry.unauthorized !== true) {
        problems.push(`${name}: only a public endpoint may skip the 401 cases`);
      }
      if (entry.caller === 'public' && entry.unauthorized === true) {
        problems.push(`${name}: a public endpoint cannot answer 401`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('agrees with the operation table: who calls, and which refusals apply', () => {
    const problems: string[] = [];
    for (const entry of ENTRIES) {
      const op = operationOf(entry);
      const name = `${entry.method} ${entry.path}`;
      if (!op) continue; // Reported by the next test.
      const callers = { public: ['public'], user: ['human'], apiKey: ['agent'], either: ['agent', 'human'] };
      if (!callers[op.auth].includes(entry.caller))
        problems.push(`${name}: caller ${entry.caller}, but the operation's auth is ${op.auth}`);
      if ((op.auth === 'public') !== (entry.unauthorized !== true))
        problems.push(`${name}: the 401 cases apply exactly when the operation is not public`);
      if (op.auth !== 'user' && entry.agentKey !== undefined)
        problems.push(`${name}: only a human operation refuses an API key`);
    }
    expect(problems).toEqual([]);
  });

  it('has an entry for every operation of OPERATIONS, and the router registers exactly those', () => {
    const operations = OPERATIONS.map((op) => keyOf(op.method, op.path));
    const entries = ENTRIES.map((entry) => `${entry.method} ${entry.path}`);
    expect(
      operations.filter((op) => !entries.includes(op)),
      'operations without a matrix entry',
    ).toEqual([]);
    expect(
      entries.filter((entry) => !operations.includes(entry)),
      'matrix entries without an operation',
    ).toEqual([]);
    const routes = registeredRoutes(placetRouter(s.placet, {}));
    expect(routes.length).toBeGreaterThan(30);
    expect(
      routes.filter((route) => !entries.includes(route)),
      'routes without a matrix entry',
    ).toEqual([]);
    expect(
      entries.filter((entry) => !routes.includes(entry)),
      'matrix entries without a route',
    ).toEqual([]);
  });

  it('the route walk sees a route added to the router (so a new endpoint without an entry fails)', () => {
    const router = placetRouter(s.placet, {});
    router.get('/brand-new', () => {});
    router.post('/agents/:id/brand-new', () => {});
    const entries = new Set(ENTRIES.map((entry) => `${entry.method} ${entry.path}`));
    expect(registeredRoutes(router).filter((route) => !entries.has(route))).toEqual([
      'GET /brand-new',
      'POST /agents/:id/brand-new',
    ]);
  });
});
