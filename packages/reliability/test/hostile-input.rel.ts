import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { OutboundRequest, WebhookSender } from '@placet/core/adapter';
import { openApiDocument } from '@placet/core/adapter';
import { waitFor } from '@placet/test-utils';
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleServer } from '../src/example-server.js';
import { figure } from '../src/figures.js';
import { type EdgeCase, edgeCases } from '../src/fuzz/edge-cases.js';
import { hostileValue, serialize } from '../src/fuzz/json.js';
import {
  type Credentials,
  type FuzzContext,
  type FuzzOperation,
  type FuzzRequest,
  requestArbitrary,
  wellFormedRequest,
} from '../src/fuzz/requests.js';
import { type Pools, type ReviewTypeSchemas, type Schema, SchemaValues } from '../src/fuzz/schema.js';
import { leakIn, privatePaths } from '../src/leaks.js';
import { PG_URL, postgresGate, postgresSandbox } from '../src/postgres.js';
import { pool } from '../src/processes.js';
import { type RawAnswer, rawClient } from '../src/raw-http.js';
import { type Account, type StoreKind, startTarget, type Target, TEST_USER_HEADER } from '../src/target.js';
import { nativeClient } from '../src/ws-client.js';

/**
 * Hostile input: property-based fuzzing (fast-check) of every operation of the OpenAPI document — at
 * least 10 000 requests in all, each built from the operation's own parameters and schemas, then made
 * hostile: wrong types, huge strings, deep nesting, `__proto__` and `constructor` keys, invalid UTF-8 and
 * JSON, wrong content types, oversized bodies and uploads (with a small limit configured), path tricks in
 * file names, malformed percent-encoding, bad credentials. Then: no answer >= 500 (except the documented
 * 501 of the two unsupported operations), no answer shows a stack trace or a path of the server, the
 * process is up and serving, no unhandled error, no file outside the file store, and every table holds
 * exactly its rows before plus the rows of the 2xx creates. The example server's full app (dashboard,
 * sign-in, `/api/v1`, its final error handler) then gets a replay of the fuzzing with its own credentials
 * and hand-written path and encoding cases (`src/fuzz/edge-cases.ts`): no 5xx, no stack, no path there
 * either. `PLACET_FUZZ_SEED` replays a run (the seed is printed with the figure).
 */

const TOTAL = 10_240;
/** The Postgres pass (when Postgres is configured): fewer requests, the same generators and checks. */
const PG_TOTAL = 3_072;
/** Well-formed requests in each operation's share (the rest are hostile). */
const WELL_FORMED_PER_OPERATION = 4;
/** Fuzzed `/api/v1` requests replayed against the example server's full app (with its credentials). */
const EXAMPLE_TOTAL = 2_048;
const CONCURRENCY = Number(process.env.PLACET_FUZZ_CONCURRENCY ?? 8);
const FILE_BYTES = 4096;
const JSON_BYTES = 64 * 1024;
const SEED = Number(process.env.PLACET_FUZZ_SEED ?? randomInt(2 ** 31 - 1));
const TABLES = [
  'users',
  'api_keys',
  'channels',
  'messages',
  'reviews',
  'attachments',
  'status_steps',
] as const;
type Table = (typeof TABLES)[number];
const TABLE_NAMES: Record<Table, string> = {
  users: 'placet_users',
  api_keys: 'placet_api_keys',
  channels: 'placet_channels',
  messages: 'placet_messages',
  reviews: 'placet_reviews',
  attachments: 'placet_attachments',
  status_steps: 'placet_status_steps',
};

interface Resolved {
  components: Record<string, Schema>;
  operations: FuzzOperation[];
}

/** The operations of the OpenAPI document with their parameters and request bodies. */
function documentOperations(): Resolved {
  const document = openApiDocument();
  const components = document.components.schemas as Record<string, Schema>;
  const operations: FuzzOperation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const parameters = (op.parameters ?? []) as {
        name: string;
        in: string;
        required?: boolean;
        schema: Schema;
      }[];
      const security = (op.security ?? []) as Record<string, unknown>[];
      const schemes = new Set(security.flatMap((s) => Object.keys(s)));
      const content = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content;
      const body = content?.['application/json']
        ? { kind: 'json' as const, schema: content['application/json'].schema }
        : content?.['multipart/form-data']
          ? { kind: 'multipart' as const, schema: content['multipart/form-data'].schema }
          : undefined;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: Boolean(p.required), schema: p.schema })),
        headers: parameters.filter((p) => p.in === 'header').map((p) => ({ name: p.name, schema: p.schema })),
        ...(body ? { body } : {}),
        humansOnly: schemes.size > 0 && !schemes.has('apiKey'),
        public: schemes.size === 0,
        documents501: '501' in (op.responses as object),
      });
    }
  }
  return { components, operations };
}

/** A webhook receiver that is no network at all (the fuzzer sets webhook URLs to anything). */
const sent: OutboundRequest[] = [];
const stubSender: WebhookSender = {
  async send(request) {
    sent.push(request);
    return { status: 200, error: null, durationMs: 1 };
  },
};

const APPROVAL = { options: [{ id: 'yes', label: 'Yes' }] };

/** A target with an owner, a member and real rows of every kind for the fuzzer to name. */
interface World {
  target: Target;
  owner: Account;
  member: Account;
  pools: Pools;
}

/** The process's temp dir during the suite, a private one: upload spool files are counted there. */
let spoolRoot: string;
let savedTmpdir: string | undefined;
let sqliteWorld: World | undefined;

beforeAll(async () => {
  savedTmpdir = process.env.TMPDIR;
  spoolRoot = mkdtempSync(join(tmpdir(), 'placet-reliability-tmp-'));
  process.env.TMPDIR = spoolRoot; // os.tmpdir() reads it on each call (the upload spool uses it).
  sqliteWorld = await startWorld({ kind: 'sqlite' });
});

afterAll(async () => {
  await sqliteWorld?.target.close();
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(spoolRoot, { recursive: true, force: true });
});

async function startWorld(store: StoreKind): Promise<World> {
  const target = await startTarget({
    store,
    router: { limits: { jsonBytes: JSON_BYTES, fileBytes: FILE_BYTES } },
    placet: { webhookSender: stubSender, maxWaitMs: 50 },
  });
  const { placet } = target;
  const owner = await target.account('owner', 'fuzz-owner');
  const member = await target.account('member', 'fuzz-member');
  const agent = owner.agent;
  const channels = [
    await placet.channels.create(agent, { name: 'fuzz-1' }),
    await placet.channels.create(agent, { name: 'fuzz-2' }),
    await placet.channels.create(agent, { name: 'fuzz-3' }),
  ];
  const [c1, c2] = channels.map((c) => c.id) as [string, string];
  await placet.webhooks.setWebhook(agent, { channelId: c1, url: 'https://hooks.fuzz.test/hook' });
  const messageIds: string[] = [];
  for (const channelId of [c1, c2])
    for (let i = 0; i < 3; i++)
      messageIds.push((await placet.messages.create(agent, { channelId, text: `fuzz text ${i}` })).id);
  const reviewPayloads: [string, unknown][] = [
    ['approval', APPROVAL],
    [
      'selection',
      {
        mode: 'multi',
        items: [
          { id: 'a', label: 'A' },
          { id: 'b', label: 'B' },
        ],
      },
    ],
    ['form', { fields: [{ name: 'field', type: 'text', label: 'Field', required: true }] }],
    ['text-input', { placeholder: 'Say', minLength: 1 }],
    ['freeform', {}],
  ];
  const reviewIds: string[] = [];
  for (const [type, payload] of reviewPayloads)
    for (let i = 0; i < 4; i++)
      reviewIds.push(
        (
          await placet.messages.create(agent, {
            channelId: c1,
            text: `review ${type} ${i}`,
            review: { type, payload: payload as Record<string, unknown> },
          })
        ).id,
      );
  const answered = await placet.messages.create(agent, {
    channelId: c1,
    text: 'answered',
    review: { type: 'approval', payload: APPROVAL },
  });
  await placet.reviews.respond(owner.human, answered.id, { response: { selectedOption: 'yes' } });
  let deliveryId = '';
  await waitFor(async () => {
    const [delivery] = await target.store.deliveries.listByMessage(answered.id);
    deliveryId = delivery?.id ?? '';
    return delivery?.state === 'delivered';
  });
  const streamIds = ['fuzz-stream-1', 'fuzz-stream-2'];
  for (const streamId of streamIds)
    await placet.messages.create(agent, {
      channelId: c1,
      text: 'thinking',
      streamId,
      streamState: 'streaming',
    });
  const fileIds: string[] = [];
  for (let i = 0; i < 3; i++)
    fileIds.push(
      (await placet.files.storeText(agent, { channelId: c1, content: `file ${i}`, filename: `f${i}.txt` }))
        .id,
    );
  const spare = await placet.apiKeys.create(owner.userId, { label: 'spare' });
  const pools: Pools = {
    channelIds: channels.map((c) => c.id),
    messageIds: [...messageIds, answered.id],
    reviewIds: [...reviewIds, answered.id],
    fileIds,
    keyIds: [spare.apiKey.id],
    userIds: [member.userId],
    deliveryIds: [deliveryId],
    streamIds,
    pluginNames: placet.plugins.list().map((p) => p.name),
    reviewTypes: placet.plugins.list().flatMap((p) => p.reviewTypes.map((t) => t.type)),
  };
  return { target, owner, member, pools };
}

/** Valid bodies per operation, mutated by the fuzzer (the schemas alone rarely reach the deep paths). */
function seedsOf(p: Pools): Record<string, unknown[]> {
  const [c1, c2, c3] = p.channelIds as [string, string, string];
  return {
    createApiKey: [{ label: 'ci' }, { label: 'scoped', channelId: c1 }],
    createUser: [{ email: 'new@fuzz.test', displayName: 'New', password: 'long-enough-password' }],
    createAgent: [{ name: 'bot', description: 'builds', tag: 'ci', webhookUrl: 'http://127.0.0.1:9/x' }],
    setWebhook: [
      {
        channelId: c1,
        url: 'http://127.0.0.1:9/h',
        headers: { 'x-token': 'value' },
        auth: { username: 'u', password: 'p' },
      },
    ],
    deleteWebhook: [{ channelId: c2 }],
    // Loopback literals only: the check resolves a name, and the fuzz sends nothing off this machine.
    checkWebhookTarget: [{ url: 'http://127.0.0.1:9/hook' }, { url: 'http://10.0.0.1/hook' }],
    setTag: [{ channelId: c1, tag: 'prod' }],
    setSubagent: [{ channelId: c3, isSubagent: true, parentChannelId: c2 }],
    setManagement: [{ channelId: c1, url: 'https://runtime.fuzz.test', apiKey: 'runtime-key' }],
    setAgentCommands: [{ commands: [{ command: 'deploy', description: 'Deploy', acceptsArgs: true }] }],
    updateAgent: [
      { name: 'renamed', webhookHeaders: { 'x-b': 'c' }, webhookAuth: { username: 'u', password: 'p' } },
    ],
    createMessage: [
      { channelId: c1, text: 'hello', status: 'success', metadata: { run: 1 } },
      { channelId: c1, text: 'ship?', review: { type: 'approval', payload: APPROVAL } },
      { channelId: c1, textAttachments: [{ content: '# notes', filename: 'n.md' }] },
      { channelId: c1, text: 'draft', streamId: 'fuzz-new-stream', streamState: 'streaming' },
      { channelId: c1, text: 'again', iterationOf: p.messageIds.at(-1) },
      { channelId: c1, text: 'with files', attachmentIds: p.fileIds.slice(0, 1) },
    ],
    patchStream: [{ channelId: c1, text: 'thinking more', complete: false }],
    addStreamStatus: [{ channelId: c1, text: 'reading', toolHint: true }],
    respondToReview: [
      { response: { selectedOption: 'yes' } },
      { response: { selectedIds: ['a'] } },
      { response: { field: 'value' } },
      { response: { text: 'fine' } },
    ],
    storeTextFile: [{ channelId: c1, content: 'hello', filename: 'a.md', mimeType: 'text/markdown' }],
    statusPing: [{ agentId: c1, status: 'busy', message: 'working' }],
  };
}

/** Ids of every row of the counted tables (an independent read path: plain selects). */
async function rowIds(target: Target): Promise<Record<Table, Set<string>>> {
  const out = {} as Record<Table, Set<string>>;
  for (const table of TABLES) {
    const column = table === 'reviews' ? 'message_id' : 'id';
    // A table chosen by name: kysely typed as "any table, string columns".
    const db = target.store.db as unknown as Kysely<Record<string, Record<string, string>>>;
    const rows = await db.selectFrom(TABLE_NAMES[table]).select(column).execute();
    out[table] = new Set(rows.map((r) => r[column]!));
  }
  return out;
}

interface Outcome {
  request: FuzzRequest;
  status: number;
  body: string;
}

/** Every path under `dir`, relative to it. */
function walk(dir: string, base = dir, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else out.push(relative(base, full));
  }
  return out;
}

/**
 * `total` fuzzed requests naming the rows of `world`, interleaved across the operations, carrying
 * `credentials` (the test host's, or another server's).
 */
function fuzzPlan(world: World, credentials: Credentials, total: number, seed = SEED) {
  const { target, pools } = world;
  const resolved = documentOperations();
  const { components } = resolved;
  const only = process.env.PLACET_FUZZ_ONLY?.split(',');
  const operations = only
    ? resolved.operations.filter((op) => only.includes(op.operationId))
    : resolved.operations;
  const plugins = target.placet.plugins.list();
  const reviewTypes: ReviewTypeSchemas[] = plugins.flatMap((p) =>
    p.reviewTypes.map((t) => ({
      type: t.type,
      payload: t.payloadSchema as Schema,
      response: t.responseSchema as Schema,
    })),
  );
  const marker = `m${SEED.toString(36)}`;
  const ctx: FuzzContext = {
    values: new SchemaValues(components, pools, reviewTypes),
    pools,
    credentials,
    fileBytes: FILE_BYTES,
    jsonBytes: JSON_BYTES,
    marker,
  };
  const seeds = seedsOf(pools);
  const perOperation = Math.ceil(total / operations.length);
  // Each operation's batch starts with a few well-formed requests (its handler is reached whatever the
  // seed), then hostile ones.
  const batches = operations.map((op, i) => [
    ...fc.sample(wellFormedRequest(op, ctx, seeds[op.operationId] ?? []), {
      numRuns: WELL_FORMED_PER_OPERATION,
      seed: seed + i,
    }),
    ...fc.sample(requestArbitrary(op, ctx, seeds[op.operationId] ?? []), {
      numRuns: perOperation - WELL_FORMED_PER_OPERATION,
      seed: seed + i,
    }),
  ]);
  // Interleaved, so that the operations' effects meet each other.
  const requests: FuzzRequest[] = [];
  for (let i = 0; i < perOperation; i++) for (const batch of batches) if (batch[i]) requests.push(batch[i]!);
  return { operations, requests, marker };
}

/**
 * `total` requests (fuzzed, interleaved across the operations, CONCURRENCY at a time) against `world`, then
 * every check; prints the figure under `label`.
 */
async function fuzz(label: string, world: World, total: number): Promise<void> {
  const { target, owner, member, pools } = world;
  const { operations, requests, marker } = fuzzPlan(
    world,
    {
      agent: { 'x-api-key': owner.key },
      human: { [TEST_USER_HEADER]: owner.userId },
      member: { [TEST_USER_HEADER]: member.userId },
    },
    total,
  );

  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  const before = await rowIds(target);
  const outcomes: Outcome[] = [];
  const clientErrors: string[] = [];
  try {
    await pool(CONCURRENCY, requests, async (request) => {
      let res: Response;
      try {
        res = await fetch(`${target.api}${request.pathAndQuery}`, {
          method: request.method,
          headers: request.headers,
          ...(request.body ? { body: request.body } : {}),
          signal: AbortSignal.timeout(20_000),
        });
      } catch (error) {
        clientErrors.push(
          `${request.op} ${request.pathAndQuery}: ${String(error)} ${String((error as Error).cause ?? '')}`,
        );
        return;
      }
      outcomes.push({ request, status: res.status, body: await res.text() });
    });
  } finally {
    process.off('unhandledRejection', onError);
    process.off('uncaughtException', onError);
  }
  const after = await rowIds(target);

  // What the 2xx creates made, read from their answers.
  const created = Object.fromEntries(TABLES.map((t) => [t, new Set<string>()])) as Record<Table, Set<string>>;
  const add = (table: Table, id: unknown) => {
    if (typeof id === 'string' && !before[table].has(id)) created[table].add(id);
  };
  const destructive: string[] = [];
  const opOf = new Map(operations.map((op) => [op.key, op]));
  for (const { request, status, body } of outcomes) {
    if (status < 200 || status >= 300) continue;
    const op = opOf.get(request.op)!;
    if (op.method === 'DELETE' || op.operationId === 'rotateApiKey')
      destructive.push(`${request.op} ${status}`);
    const json = (() => {
      try {
        return JSON.parse(body) as Record<string, unknown>;
      } catch {
        return {};
      }
    })();
    switch (op.operationId) {
      case 'createMessage':
        add('messages', json.id);
        if (json.review) add('reviews', json.id);
        for (const a of (json.attachments ?? []) as { id: string }[]) add('attachments', a.id);
        break;
      case 'uploadFile':
        add('attachments', json.id);
        add('messages', json.messageId);
        break;
      case 'storeFile':
      case 'storeTextFile':
        add('attachments', json.id);
        break;
      case 'createAgent':
        add('channels', json.id);
        break;
      case 'createApiKey':
        add('api_keys', json.id);
        break;
      case 'createUser':
        add('users', json.id);
        break;
      case 'addStreamStatus':
        add('status_steps', json.id);
        break;
    }
  }
  const mismatches = TABLES.filter((t) => after[t].size !== before[t].size + created[t].size).map(
    (t) => `${t}: ${before[t].size} before + ${created[t].size} created ≠ ${after[t].size} after`,
  );
  const missingCreated = TABLES.flatMap((t) =>
    [...created[t]].filter((id) => !after[t].has(id)).map((id) => `${t} ${id}`),
  );
  const vanished = TABLES.flatMap((t) =>
    [...before[t]].filter((id) => !after[t].has(id)).map((id) => `${t} ${id}`),
  );

  // 501 is the documented answer of the original's unsupported features (the document lists it for those
  // operations, e.g. setWebhook's `management`); anywhere else it is a 5xx like the others.
  const documents501 = new Set(operations.filter((op) => op.documents501).map((op) => op.key));
  const serverErrors = outcomes.filter(
    (o) => o.status >= 500 && !(o.status === 501 && documents501.has(o.request.op)),
  );
  const documented501 =
    outcomes.filter((o) => o.status === 501).length - serverErrors.filter((o) => o.status === 501).length;
  // Nothing written outside the file store: the temp dir holds the database and files/ only, and no
  // hostile file name (they all carry the marker) exists where a traversal would have put it.
  // Upload spool files (file parts that came before the channel) are all released.
  const spools = () => readdirSync(spoolRoot).filter((name) => name.startsWith('placet-upload-'));
  await waitFor(() => spools().length === 0, { timeoutMs: 5_000 }).catch(() => undefined);
  const leftSpools = spools();
  const strays = walk(target.dir).filter(
    (p) => !/^placet\.db(-wal|-shm|-journal)?$/.test(p) && !p.startsWith('files/'),
  );
  const traversed = [tmpdir(), '/', '/etc', '/tmp', process.cwd(), join(target.dir, '..')]
    .filter((dir) => existsSync(dir))
    .flatMap((dir) =>
      readdirSync(dir)
        .filter((name) => name.includes(marker))
        .map((name) => join(dir, name)),
    );
  // Still serving: the document, an authenticated read and a write.
  const health = await fetch(`${target.api}/openapi.json`);
  const write = await fetch(`${target.api}/messages`, {
    method: 'POST',
    headers: owner.agentHeaders,
    body: JSON.stringify({ channelId: pools.channelIds[0], text: 'still here' }),
  });
  const byClass = (lo: number, hi: number) => outcomes.filter((o) => o.status >= lo && o.status < hi).length;
  const createdTotal = TABLES.reduce((n, t) => n + created[t].size, 0);
  // No answer shows the server's insides: a stack trace, node_modules, the checkout's or the data's paths.
  const privateDirs = privatePaths(target.dir, spoolRoot);
  const leaks = outcomes.flatMap((o) => {
    const leak = leakIn(o.body, privateDirs);
    return leak ? [`${o.request.method} ${o.request.pathAndQuery.slice(0, 200)} → ${o.status}: ${leak}`] : [];
  });

  figure(
    `hostile input (${label})`,
    `requests ${outcomes.length} over ${operations.length} operations (seed ${SEED}): 2xx ${byClass(200, 300)}, ` +
      `4xx ${byClass(400, 500)}, 5xx ${serverErrors.length} (+${documented501} documented 501s of unsupported ` +
      `features); answers with a stack trace or a path ${leaks.length}; rows created by 2xx ${createdTotal}, ` +
      `row-count mismatches ${mismatches.length}; files outside ` +
      `the store ${strays.length + traversed.length}; spool files left ${leftSpools.length}; unhandled errors ` +
      `${errors.length}; process up: ` +
      `${health.status === 200 && write.status === 201}`,
  );
  expect(clientErrors.slice(0, 5), 'requests the client could not send').toEqual([]);
  expect(outcomes.length).toBeGreaterThanOrEqual(total);
  expect(
    serverErrors
      .slice(0, 10)
      .map((o) => `${o.request.method} ${o.request.pathAndQuery.slice(0, 200)} → ${o.status}`),
    '5xx answers',
  ).toEqual([]);
  expect(leaks.slice(0, 10), 'answers with a stack trace or a path').toEqual([]);
  expect(errors.map(String)).toEqual([]);
  expect(health.status).toBe(200);
  expect(write.status).toBe(201);
  expect(destructive, 'destructive operations never get a real id: none may succeed').toEqual([]);
  expect(mismatches).toEqual([]);
  expect(missingCreated).toEqual([]);
  expect(vanished).toEqual([]);
  expect(strays).toEqual([]);
  expect(traversed).toEqual([]);
  expect(leftSpools, 'upload spool directories never released').toEqual([]);
  // The fuzzer reached the handlers: every operation answered something other than 400/401 at least once.
  const shallow = operations.filter(
    (op) => !outcomes.some((o) => o.request.op === op.key && o.status !== 400 && o.status !== 401),
  );
  expect(shallow.map((op) => op.key)).toEqual([]);
}

describe('hostile input', () => {
  it(`SQLite: fuzzes every operation of the OpenAPI document with >= ${TOTAL} requests: no 5xx, nothing stored by a refusal`, async () => {
    await fuzz('SQLite', sqliteWorld!, TOTAL);
  });

  const pg = postgresGate('hostile input (Postgres)');
  it.skipIf(!pg)(`Postgres: the same fuzzing, ${PG_TOTAL} requests`, async () => {
    const sandbox = await postgresSandbox(PG_URL);
    const world = await startWorld({ kind: 'postgres', url: sandbox.url });
    try {
      await fuzz('Postgres', world, PG_TOTAL);
    } finally {
      await world.target.close();
      await sandbox.drop();
    }
  });

  it('hostile WebSocket frames: each answered or ignored, the socket and the process stay up', async () => {
    const { target, owner, pools } = sqliteWorld!;
    const errors: unknown[] = [];
    const onError = (error: unknown) => errors.push(error);
    process.on('unhandledRejection', onError);
    process.on('uncaughtException', onError);
    const events = [
      'subscribe:channel',
      'unsubscribe:channel',
      'resume',
      'channel:read',
      'message:delta',
      'message:progress',
      'agent:commands',
      'ping',
      '__proto__',
      'constructor',
    ];
    const frames = fc.sample(
      fc.oneof(
        fc
          .tuple(fc.constantFrom(...events), hostileValue)
          .map(([event, data]) => `{"event":${JSON.stringify(event)},"data":${serialize(data)}}`),
        hostileValue.map(serialize),
        fc.string({ unit: 'binary', maxLength: 50 }),
      ),
      { numRuns: 600, seed: SEED },
    );
    const client = await nativeClient(target.origin, { headers: { 'x-api-key': owner.key } });
    try {
      for (const frame of frames) client.sendRaw(frame);
      // A round trip through the store after the hostile frames: the handlers before it have run.
      client.send('subscribe:channel', pools.channelIds[0]);
      await waitFor(() => client.frames.some((f) => f.event === 'subscribed'), { timeoutMs: 15_000 });
      client.send('ping');
      await waitFor(() => client.frames.some((f) => f.event === 'pong'), { timeoutMs: 15_000 });
    } finally {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
      await client.close();
    }
    const refusals = client.frames.filter((f) => f.event === 'error').length;
    figure(
      'hostile input (WebSocket)',
      `frames ${frames.length} (${refusals} refused with an error frame), unhandled errors ${errors.length}, ` +
        'the socket still answers',
    );
    expect(errors.map(String)).toEqual([]);
  });

  it(`the example server's full app (dashboard, sign-in, /api/v1): ${EXAMPLE_TOTAL} fuzzed requests and the edge cases, no 5xx, no stack or path`, async () => {
    const server = await startExampleServer();
    const client = rawClient(server.origin, CONCURRENCY);
    try {
      const login = await client.send({
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json' },
        body: new Uint8Array(Buffer.from(JSON.stringify({ email: server.email, password: server.password }))),
      });
      expect(login.status).toBe(200);
      const cookie = [login.headers['set-cookie'] ?? []]
        .flat()
        .map((header) => header.split(';')[0]!)
        .find((pair) => pair.startsWith('access_token='))!;
      const session = { cookie, 'x-requested-with': 'XMLHttpRequest' };
      // The fuzzer's requests, built from the SQLite world's rows (unknown here: nothing they name exists,
      // so no webhook can fire), with this server's key and session; their paths sent as they are.
      const { requests } = fuzzPlan(
        sqliteWorld!,
        { agent: { 'x-api-key': server.apiKey }, human: session, member: { cookie } },
        EXAMPLE_TOTAL,
        SEED + 7_919,
      );
      const replayed: EdgeCase[] = requests.map((r) => ({
        label: r.op,
        method: r.method,
        path: `/api/v1${r.pathAndQuery}`,
        headers: r.headers,
        ...(r.body ? { body: r.body } : {}),
      }));
      const edges = edgeCases(session);
      const answers: { request: EdgeCase; answer: RawAnswer }[] = [];
      const clientErrors: string[] = [];
      // The replay first: the edge cases end with a logout.
      for (const batch of [replayed, edges]) {
        await pool(CONCURRENCY, batch, async (request) => {
          try {
            answers.push({ request, answer: await client.send(request) });
          } catch (error) {
            clientErrors.push(`${request.label} ${request.path.slice(0, 120)}: ${String(error)}`);
          }
        });
      }
      const health = await client.send({ method: 'GET', path: '/health' });

      const describeAnswer = ({ request, answer }: (typeof answers)[number], what = '') =>
        `${request.method} ${request.path.slice(0, 120)} (${request.label}) → ${answer.status}${what}`;
      const paths = privatePaths(server.dataDir);
      const serverErrors = answers.filter(({ answer }) => answer.status >= 500 && answer.status !== 501);
      const leaks = answers.flatMap((a) => {
        const leak = leakIn(a.answer.body, paths);
        return leak ? [describeAnswer(a, `: ${leak}`)] : [];
      });
      // Under /api every refusal is the JSON error body (answers of Node's HTTP parser have no body).
      const notJson = answers.filter(({ request, answer }) => {
        if (!/^\/api(\/|\?|$)/i.test(request.path) || answer.status < 400 || answer.body === '') return false;
        try {
          const body = JSON.parse(answer.body) as { statusCode?: unknown; code?: unknown };
          return body.statusCode !== answer.status || typeof body.code !== 'string';
        } catch {
          return true;
        }
      });
      const errorLogs = server.logLines().filter((line) => Number(line.level) >= 50);
      const byClass = (lo: number, hi: number) =>
        answers.filter(({ answer }) => answer.status >= lo && answer.status < hi).length;
      figure(
        'hostile input (example server)',
        `requests ${answers.length} to the full app (${replayed.length} fuzzed /api/v1 requests replayed, ` +
          `${edges.length} edge cases: asset traversal, malformed percent-encoding, sign-in bodies over 64 KiB, ` +
          `bad gzip, wrong types): 2xx ${byClass(200, 300)}, 4xx ${byClass(400, 500)}, 5xx ${serverErrors.length}; ` +
          `answers with a stack trace or a path ${leaks.length}; /api refusals not in JSON ${notJson.length}; ` +
          `error log lines ${errorLogs.length}; unanswered ${clientErrors.length}; process up: ${health.status === 200}`,
      );
      expect(clientErrors.slice(0, 5), 'requests without an answer').toEqual([]);
      expect(
        serverErrors.slice(0, 10).map((a) => describeAnswer(a)),
        '5xx answers',
      ).toEqual([]);
      expect(leaks.slice(0, 10), 'answers with a stack trace or a path').toEqual([]);
      expect(
        notJson.slice(0, 10).map((a) => describeAnswer(a)),
        '/api refusals not in JSON',
      ).toEqual([]);
      expect(errorLogs.slice(0, 5)).toEqual([]);
      expect(health.status).toBe(200);
    } finally {
      client.close();
      await server.close();
    }
  });
});
