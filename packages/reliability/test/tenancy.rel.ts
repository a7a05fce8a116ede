import { randomBytes } from 'node:crypto';
import type { AgentPrincipal, UserPrincipal } from '@placet/core';
import { createPlacet, silentLogger } from '@placet/core';
import type { WebhookSender } from '@placet/core/adapter';
import { openApiDocument } from '@placet/core/adapter';
import { waitFor } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { figure } from '../src/figures.js';
import { PG_URL, postgresGate, postgresSandbox } from '../src/postgres.js';
import { sessionMatrix } from '../src/session-matrix.js';
import {
  type Account,
  type StoreKind,
  startTarget,
  type Target,
  TEST_USER_HEADER,
  targetPlugins,
} from '../src/target.js';
import {
  ATTACKERS,
  type Attacker,
  type AttackerIds,
  type Outcome,
  TENANCY_CASES,
  type TenancyRequest,
  type Variant,
  type VictimIds,
} from '../src/tenancy-cases.js';

/**
 * The tenancy matrix, generated from the OpenAPI document: every operation is called by a second owner's
 * key, that owner as a human, and a member user, with the first owner's channel, message, review, file,
 * delivery, key and user ids (`src/tenancy-cases.ts` builds the requests and says where a refusal is a 403
 * or an operation is not owner-scoped). A leak is an unexpected status, an answer that shows a value of
 * the victim the request did not contain, or a change to the victim's data. Leaks: 0.
 */

interface Operation {
  key: string;
  method: string;
  path: string;
  /** The document opens it to signed-in humans only (no API key scheme). */
  humansOnly: boolean;
  public: boolean;
  /** The lowest 2xx of the document (or 501 for the unsupported operations). */
  success: number;
}

/**
 * The operations the target serves: the core's and its plugins' routes (`placet.api` of an instance with
 * the target's plugins, never started). A plugin route without a case fails the first test.
 */
const TABLE = createPlacet({ plugins: targetPlugins(), logger: silentLogger() }).api;

/** Every operation of the OpenAPI document the router serves. */
function documentOperations(): Operation[] {
  const document = openApiDocument({}, TABLE);
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const security = (op.security ?? []) as Record<string, unknown>[];
      const schemes = new Set(security.flatMap((s) => Object.keys(s)));
      const statuses = Object.keys(op.responses as object).map(Number);
      const success = statuses.filter((s) => s >= 200 && s < 300).sort((a, b) => a - b)[0] ?? 501;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        humansOnly: schemes.size > 0 && !schemes.has('apiKey'),
        public: schemes.size === 0,
        success,
      });
    }
  }
  return operations;
}

const OPERATIONS = documentOperations();

/** What an attacker gets unless the case says otherwise: 404, or 403 for a key on a humans-only operation. */
function defaultOutcome(op: Operation, attacker: Attacker): Outcome | undefined {
  if (op.public) return undefined; // A public operation must say what it answers and why.
  if (attacker === 'foreignKey' && op.humansOnly) return { status: 403 };
  return { status: 404 };
}

interface Victim {
  ids: VictimIds;
  agent: AgentPrincipal;
  human: UserPrincipal;
  /** Values only the victim has (ids, texts, secrets): none may appear in an attacker's answer. */
  markers: Record<string, string>;
}

interface Result {
  op: string;
  variant: string;
  attacker: Attacker | 'control';
  /** What the case expected: a 403/404 refusal, an answer like an unknown id's, or not owner-scoped. */
  kind: 'refused' | 'asUnknown' | 'allowed' | 'control';
  status: number;
  problems: string[];
}

/** A webhook receiver that is no network at all: answers 200 and keeps nothing. */
const stubSender: WebhookSender = { send: async () => ({ status: 200, error: null, durationMs: 1 }) };

function urlOf(api: string, op: Operation, req: TenancyRequest): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const value = req.params?.[name];
    if (value === undefined) throw new Error(`${op.key}: the case gives no value for {${name}}`);
    return encodeURIComponent(value);
  });
  const query = req.query ? `?${new URLSearchParams(req.query).toString()}` : '';
  return `${api}${path}${query}`;
}

async function send(
  api: string,
  op: Operation,
  req: TenancyRequest,
  headers: Record<string, string>,
): Promise<{ status: number; body: string; text: string; requestText: string }> {
  const url = urlOf(api, op, req);
  let body: string | FormData | undefined;
  const allHeaders = { ...headers };
  if (req.form) {
    const form = new FormData();
    for (const [name, value] of req.form) {
      if (typeof value === 'string') form.append(name, value);
      else form.append(name, new Blob([value.content], { type: 'text/plain' }), value.filename);
    }
    body = form;
  } else if (req.body !== undefined) {
    body = JSON.stringify(req.body);
    allHeaders['content-type'] = 'application/json';
  }
  const res = await fetch(url, {
    method: op.method,
    headers: allHeaders,
    ...(body !== undefined ? { body } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const responseText = await res.text();
  const headerText = JSON.stringify([...res.headers.entries()]);
  return {
    status: res.status,
    body: responseText,
    text: `${headerText}\n${responseText}`,
    requestText: `${url}\n${JSON.stringify(req.body ?? null)}\n${JSON.stringify(req.form ?? null)}`,
  };
}

function matrix(label: string, store: () => Promise<{ kind: StoreKind; drop?: () => Promise<void> }>) {
  let target: Target;
  let drop: (() => Promise<void>) | undefined;
  let second: Account;
  let member: Account;
  const own: Record<Attacker, AttackerIds> = {} as Record<Attacker, AttackerIds>;
  const headersOf: Record<Attacker, Record<string, string>> = {} as Record<Attacker, Record<string, string>>;
  const results: Result[] = [];
  const skipped: string[] = [];

  beforeAll(async () => {
    const chosen = await store();
    drop = chosen.drop;
    target = await startTarget({ store: chosen.kind, placet: { webhookSender: stubSender } });
    second = await target.account('owner', 'second-owner');
    member = await target.account('member', 'member');
    const secondChannel = await target.placet.channels.create(second.agent, { name: 'attacker' });
    const memberChannel = await target.placet.channels.create(member.agent, { name: 'member-attacker' });
    own.foreignKey = { channelId: secondChannel.id };
    own.foreignOwner = { channelId: secondChannel.id };
    own.member = { channelId: memberChannel.id };
    headersOf.foreignKey = { 'x-api-key': second.key };
    headersOf.foreignOwner = { [TEST_USER_HEADER]: second.userId };
    headersOf.member = { [TEST_USER_HEADER]: member.userId };
  });
  afterAll(async () => {
    await target?.close();
    await drop?.();
  });

  /** The first owner with one of everything, made fresh for each operation. */
  async function makeVictim(): Promise<Victim> {
    const { placet, store: s } = target;
    const r = randomBytes(6).toString('hex');
    const account = await target.account('owner', `victim-${r}`);
    const { agent, human } = account;
    const channel = await placet.channels.create(agent, {
      name: `victim-channel-${r}`,
      description: `victim-description-${r}`,
    });
    const parent = await placet.channels.create(agent, { name: `victim-parent-${r}` });
    const hook = await placet.webhooks.setWebhook(agent, {
      channelId: channel.id,
      url: `https://hooks.victim.test/${r}`,
      headers: { 'X-Victim': `victim-header-${r}` },
      auth: { username: `victim-user-${r}`, password: `victim-password-${r}` },
    });
    await placet.channels.setCommands(agent, channel.id, {
      commands: [{ command: `victim-command-${r}`, description: `victim-command-description-${r}` }],
    });
    await placet.status.ping(agent, { agentId: channel.id, status: 'busy', message: `victim-status-${r}` });
    const message = await placet.messages.create(agent, {
      channelId: channel.id,
      text: `victim-text-${r}`,
      metadata: { note: `victim-metadata-${r}` },
    });
    const review = {
      type: 'approval',
      payload: { options: [{ id: 'yes', label: `victim-option-${r}` }] },
    };
    const pending = await placet.messages.create(agent, {
      channelId: channel.id,
      text: `victim-review-${r}`,
      review,
    });
    const answered = await placet.messages.create(agent, {
      channelId: channel.id,
      text: `victim-answered-${r}`,
      review,
    });
    await placet.reviews.respond(human, answered.id, approvalAnswer());
    let deliveryId = '';
    await waitFor(
      async () => {
        const [delivery] = await s.deliveries.listByMessage(answered.id);
        deliveryId = delivery?.id ?? '';
        return delivery?.state === 'delivered';
      },
      { timeoutMs: 10_000, message: "the victim's delivery" },
    );
    const iteration = await placet.messages.create(agent, {
      channelId: channel.id,
      text: `victim-iteration-${r}`,
      iterationOf: answered.id,
    });
    const streamId = `victim-stream-${r}`;
    await placet.messages.create(agent, {
      channelId: channel.id,
      text: `victim-stream-text-${r}`,
      streamId,
      streamState: 'streaming',
    });
    const file = await placet.files.storeText(agent, {
      channelId: channel.id,
      content: `victim-file-${r}`,
      filename: `victim-file-${r}.txt`,
      mimeType: 'text/plain',
    });
    await placet.avatars.set(
      human,
      channel.id,
      { filename: 'victim.gif', mimeType: 'image/gif', body: Buffer.from(`GIF89a-victim-avatar-${r}`) },
      { baseUrl: '/api/v1' },
    );
    const spare = await placet.apiKeys.create(account.userId, { label: `victim-key-${r}` });
    const group = await placet.groups.create({ name: `victim-group-${r}`, members: [account.userId] });
    const ids: VictimIds = {
      userId: account.userId,
      email: account.email,
      key: account.key,
      keyId: account.apiKeyId,
      spareKeyId: spare.apiKey.id,
      channelId: channel.id,
      parentId: parent.id,
      messageId: message.id,
      reviewId: pending.id,
      answeredId: answered.id,
      iterationId: iteration.id,
      streamId,
      fileId: file.id,
      deliveryId,
      groupName: group.name,
    };
    const markers: Record<string, string> = {
      ...ids,
      spareKey: spare.key,
      spareKeyPrefix: spare.apiKey.keyPrefix,
      keyPrefix: account.key.slice(0, 12),
      webhookSecret: hook.webhookSecret ?? '',
    };
    // Every value made with the random suffix: texts, names, labels, header and basic-auth values.
    for (const kind of [
      'channel',
      'description',
      'parent',
      'header',
      'user',
      'password',
      'command',
      'command-description',
      'status',
      'text',
      'metadata',
      'option',
      'review',
      'answered',
      'iteration',
      'stream-text',
      'file',
      'key',
    ]) {
      markers[`victim-${kind}`] = `victim-${kind}-${r}`;
    }
    return { ids, agent, human, markers };
  }

  /** The victim's data, read through the store: any change made by an attacker shows here. */
  async function snapshot(v: Victim): Promise<string> {
    const { store: s, placet } = target;
    const inspect = s.inspect();
    const { ids } = v;
    return JSON.stringify({
      user: await s.users.findById(ids.userId),
      keys: await s.apiKeys.listByUser(ids.userId),
      channels: [await s.channels.findById(ids.channelId), await s.channels.findById(ids.parentId)],
      messages: await placet.messages.list(v.agent, { channel: ids.channelId, limit: 100 }),
      parentMessages: await placet.messages.list(v.agent, { channel: ids.parentId, limit: 100 }),
      reviews: [await inspect.review(ids.reviewId), await inspect.review(ids.answeredId)],
      files: await s.attachments.listByChannel(ids.channelId, { limit: 1000 }),
      delivery: await s.deliveries.findById(ids.deliveryId),
      attempts: await s.deliveries.listAttemptsFor([ids.deliveryId]),
      history: await s.statusHistory.listByChannel(ids.channelId, 100),
      events: (await inspect.events()).filter((e) => e.ownerId === ids.userId).map((e) => e.seq),
      group: await placet.groups.get(ids.groupName),
    });
  }

  function leaksOf(v: Victim, text: string, requestText: string, reveals: readonly string[]): string[] {
    return Object.entries(v.markers)
      .filter(([name, value]) => value.length >= 6 && !reveals.includes(name))
      .filter(([, value]) => text.includes(value) && !requestText.includes(value))
      .map(([name]) => `shows the victim's ${name}`);
  }

  function statusProblem(outcome: Outcome, status: number): string | undefined {
    if ('skip' in outcome || 'asUnknown' in outcome) return undefined;
    const expected = 'allowed' in outcome ? outcome.status : outcome.status;
    const ok = Array.isArray(expected) ? expected.includes(status) : status === expected;
    return ok ? undefined : `answered ${status}, expected ${JSON.stringify(expected)}`;
  }

  async function attack(op: Operation, variant: Variant, victim: Victim, attacker: Attacker) {
    const outcome = variant.expect?.[attacker] ?? defaultOutcome(op, attacker);
    if (!outcome)
      throw new Error(`${op.key} (${variant.name}): a public operation needs an outcome for ${attacker}`);
    if ('skip' in outcome) {
      skipped.push(`${op.key} by ${attacker}: ${outcome.skip}`);
      return;
    }
    const before = await snapshot(victim);
    const res = await send(target.api, op, variant.request(victim.ids, own[attacker]), headersOf[attacker]);
    const after = await snapshot(victim);
    const problems: string[] = [];
    if ('asUnknown' in outcome) {
      // The same request with a random id that exists nowhere in place of the victim's: the same answer.
      const real = victim.ids[outcome.field];
      const fake = randomLike(real);
      const reference = await send(
        target.api,
        op,
        variant.request({ ...victim.ids, [outcome.field]: fake }, own[attacker]),
        headersOf[attacker],
      );
      const normalise = (body: string, id: string) => body.split(id).join('<id>');
      if (res.status !== reference.status || normalise(res.body, real) !== normalise(reference.body, fake)) {
        problems.push(
          `answered ${res.status} ${res.body.slice(0, 200)}, but ${reference.status} ${reference.body.slice(0, 200)} for an unknown id`,
        );
      }
      if (res.status < 400) problems.push(`answered ${res.status}: not refused`);
    }
    const status = statusProblem(outcome, res.status);
    if (status) problems.push(status);
    if (res.status >= 500 && res.status !== 501) problems.push('a 5xx');
    const reveals = 'allowed' in outcome ? (outcome.reveals ?? []) : [];
    problems.push(...leaksOf(victim, res.text, res.requestText, reveals));
    if (before !== after) problems.push("changed the victim's data");
    const kind = 'asUnknown' in outcome ? 'asUnknown' : 'allowed' in outcome ? 'allowed' : 'refused';
    results.push({ op: op.key, variant: variant.name, attacker, kind, status: res.status, problems });
  }

  async function controlOf(op: Operation, variant: Variant, victim: Victim) {
    if (typeof variant.control === 'string') return;
    const headers: Record<string, string> = op.humansOnly
      ? { [TEST_USER_HEADER]: victim.ids.userId }
      : { 'x-api-key': victim.ids.key };
    const res = await send(target.api, op, variant.request(victim.ids, own.foreignOwner), headers);
    const expected = variant.control.statuses ?? [variant.control.status ?? op.success];
    const problems = expected.includes(res.status)
      ? []
      : [
          `the victim's own request answered ${res.status}, expected ${expected.join(' or ')}: ${res.text.slice(-300)}`,
        ];
    results.push({
      op: op.key,
      variant: variant.name,
      attacker: 'control',
      kind: 'control',
      status: res.status,
      problems,
    });
  }

  describe(`tenancy matrix (${label})`, () => {
    it('every operation of the OpenAPI document has a case, and every case an operation', async () => {
      const served = (await (await fetch(`${target.api}/openapi.json`)).json()) as { paths: object };
      expect(Object.keys(served.paths).sort()).toEqual(Object.keys(openApiDocument({}, TABLE).paths).sort());
      const keys = OPERATIONS.map((op) => op.key);
      expect(
        keys.filter((key) => !TENANCY_CASES[key]),
        'operations without a tenancy case',
      ).toEqual([]);
      expect(
        Object.keys(TENANCY_CASES).filter((key) => !keys.includes(key)),
        'cases without an operation',
      ).toEqual([]);
    });

    it('the checks see a leak and a change when there is one (the victim reading and renaming its own)', async () => {
      const victim = await makeVictim();
      const read = OPERATIONS.find((op) => op.key === 'GET /messages')!;
      const res = await send(
        target.api,
        read,
        { query: { channel: victim.ids.channelId } },
        {
          'x-api-key': victim.ids.key,
        },
      );
      expect(res.status).toBe(200);
      expect(leaksOf(victim, res.text, res.requestText, [])).toEqual(
        expect.arrayContaining(["shows the victim's victim-text", "shows the victim's messageId"]),
      );
      const before = await snapshot(victim);
      await target.placet.channels.update(victim.agent, victim.ids.channelId, { name: 'renamed' });
      expect(await snapshot(victim)).not.toBe(before);
    });

    for (const op of OPERATIONS) {
      it.skipIf(!TENANCY_CASES[op.key])(op.key, async () => {
        const entry = TENANCY_CASES[op.key]!;
        const victim = await makeVictim();
        for (const variant of entry.variants)
          for (const attacker of ATTACKERS) await attack(op, variant, victim, attacker);
        // The victim's own requests last: some of them delete or rotate what the attacks aimed at.
        for (const variant of entry.variants) await controlOf(op, variant, victim);
        const failed = results.filter((r) => r.op === op.key && r.problems.length > 0);
        expect(
          failed.map((r) => `${r.variant} / ${r.attacker}: ${r.problems.join('; ')}`),
          'refusals, leaks and controls',
        ).toEqual([]);
      });
    }

    it('figure', () => {
      const attacks = results.filter((r) => r.attacker !== 'control');
      const leaks = attacks.filter((r) => r.problems.length > 0);
      const controls = results.filter((r) => r.attacker === 'control');
      const covered = OPERATIONS.filter((op) => results.some((r) => r.op === op.key)).length;
      const count = (kind: Result['kind']) => attacks.filter((r) => r.kind === kind).length;
      figure(
        `tenancy matrix (${label})`,
        `operations covered ${covered}/${OPERATIONS.length}, attacks ${attacks.length} (${count('refused')} ` +
          `refused 403/404, ${count('asUnknown')} answered as for an unknown id, ${count('allowed')} not ` +
          `owner-scoped), leaks ${leaks.length}; victim controls ` +
          `${controls.filter((c) => c.problems.length === 0).length}/${controls.length} succeeded; ` +
          `${skipped.length} not sent (server-wide by design)`,
      );
      expect(covered).toBe(OPERATIONS.length);
      expect(leaks).toEqual([]);
      expect(controls.filter((c) => c.problems.length > 0)).toEqual([]);
    });
  });
}

/** A random id of the same length and alphabet as `id` (so that bodies compare byte for byte). */
function randomLike(id: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(id.length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function approvalAnswer() {
  return { response: { selectedOption: 'yes' } };
}

matrix('SQLite', async () => ({ kind: { kind: 'sqlite' } }));

if (postgresGate('tenancy matrix (Postgres)')) {
  matrix('Postgres', async () => {
    const sandbox = await postgresSandbox(PG_URL);
    return { kind: { kind: 'postgres', url: sandbox.url }, drop: () => sandbox.drop() };
  });
}

// The example server's sign-in routes (`/api/auth/*`) and session store: sessions by cookie and Bearer
// token, tickets and sockets (cases: `src/auth-tenancy-cases.ts`).
sessionMatrix('SQLite', async () => ({}));

if (postgresGate('sign-in tenancy (Postgres)')) {
  sessionMatrix('Postgres', async () => {
    const sandbox = await postgresSandbox(PG_URL);
    return { url: sandbox.url, drop: () => sandbox.drop() };
  });
}
