import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AuditEntry, audit } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { errorCodeInfo } from '../src/errors/codes.js';
import {
  createPlacet,
  type EventRecord,
  type Logger,
  memoryStore,
  memoryTransport,
  type Placet,
  type Store,
  silentLogger,
  toErrorBody,
} from '../src/index.js';
import { definePlugin, defineReviewType, type PluginHookEvents, pluginError, z } from '../src/plugin.js';
import { PLUGIN_HOOKS_NAMESPACE } from '../src/services/plugin-hook-runner.js';
import { choiceReview, codeOf, testPlugin, type World, world } from './fixtures.js';
import { type Recorded, recorder } from './plugin-recorder.js';

let w: World;
const others: Placet[] = [];
afterEach(async () => {
  for (const placet of others.splice(0)) await placet.stop();
  await w?.placet.stop();
});

/** A Placet on `w`'s store and clock (a restarted process, or a second one). */
function another(plugins: Parameters<typeof createPlacet>[0] = {}): Placet {
  const placet = createPlacet({
    store: w.store,
    clock: w.clock,
    logger: silentLogger(),
    ...plugins,
    plugins: [testPlugin(), ...(plugins.plugins ?? [])],
  });
  others.push(placet);
  return placet;
}

const kvValue = async (store: Store, namespace: string, key: string) =>
  (await store.kv.get(namespace, key, new Date()))?.value;

function capturingLogger(): Logger & { lines: { level: string; message: string; fields: unknown }[] } {
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const at = (level: string) => (message: string, fields?: unknown) =>
    void lines.push({ level, message, fields });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('the example plugin (audit): options, init, kv, hooks, a before hook and its error code', () => {
  it('refuses a blocked answer with its own code and status, and logs the answers it lets through', async () => {
    const logger = capturingLogger();
    w = await world({ placet: { plugins: [testPlugin(), audit({ blockedOptions: ['reject'] })], logger } });
    expect(await kvValue(w.store, 'plugin:audit', 'starts')).toBe(1);
    expect(logger.lines).toContainEqual({
      level: 'info',
      message: 'audit started',
      fields: { plugin: 'audit', starts: 1, blocked: 1 },
    });

    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    const refusal = await w.placet.reviews
      .respond(w.user, msg.id, { response: { selectedOption: 'reject' } })
      .catch((error: unknown) => error);
    // What the HTTP adapter answers (it renders every PlacetError with toErrorBody).
    expect(toErrorBody(refusal)).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'AUDIT_OPTION_BLOCKED',
      message: 'Answers that choose "reject" are not allowed',
    });
    // Refused before the transaction: still pending, and no event.
    expect((await w.placet.reviews.get(w.user, msg.id)).review?.status).toBe('pending');

    await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    await expect.poll(() => kvValue(w.store, 'plugin:audit', 'index')).toHaveLength(1);
    const [seq] = (await kvValue(w.store, 'plugin:audit', 'index')) as number[];
    const entry = (await kvValue(w.store, 'plugin:audit', `answer/${seq}`)) as AuditEntry;
    expect(entry).toMatchObject({
      messageId: msg.id,
      type: 'choice',
      response: { selectedOption: 'approve' },
      respondedBy: w.owner.id,
    });

    // Restarted on the same store: init runs again and sees its own data; stop() ran the disposables.
    await w.placet.stop();
    expect(logger.lines.map((l) => l.message)).toContain('audit stopped');
    const again = another({ plugins: [audit()] });
    await again.start();
    expect(await kvValue(w.store, 'plugin:audit', 'starts')).toBe(2);
  });

  it('is the worked example of docs/guides/writing-a-plugin.md, word for word', () => {
    const guide = readFileSync(new URL('../../../docs/guides/writing-a-plugin.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('../../test-utils/src/audit-plugin.ts', import.meta.url), 'utf8');
    const code = source.slice(source.indexOf('import {\n  defineOperation'));
    expect(guide).toContain(`\`\`\`ts\n${code}\`\`\``);
    expect(guide).toContain(
      'Invalid options of plugin "audit": blockedOptions.0: Too small: expected string to have >=1 characters; maxEntries: Too small: expected number to be >=1',
    );
  });

  it('lists its error code in docs/reference/errors.md with its status', () => {
    const doc = readFileSync(new URL('../../../docs/reference/errors.md', import.meta.url), 'utf8');
    for (const [code, { status }] of Object.entries(audit().errorCodes)) {
      expect(doc, code).toMatch(new RegExp(`\\|\\s*\`${code}\`\\s*\\|\\s*${status}\\s*\\|`));
    }
  });

  it('invalid options fail createPlacet with INVALID_OPTIONS naming the plugin and the paths, not the values', () => {
    const bad = () =>
      createPlacet({
        plugins: [audit({ blockedOptions: ['', 'ok'], maxEntries: 0, secret: 'hunter2' } as never)],
        logger: silentLogger(),
      });
    expect(bad).toThrow(
      expect.objectContaining({
        code: 'INVALID_OPTIONS',
        issues: [
          { path: 'blockedOptions.0', message: expect.any(String) },
          { path: 'maxEntries', message: expect.any(String) },
        ],
      }),
    );
    expect(bad).toThrow(/^Invalid options of plugin "audit": blockedOptions\.0: .*; maxEntries: /);
    expect(bad).not.toThrow(/hunter2/);
  });
});

describe('after-commit hooks', () => {
  it('map outbox events to hooks, in seq order; review.responded runs exactly once per answer, also across a restart', async () => {
    const rec = recorder();
    w = await world({ placet: { plugins: [testPlugin(), rec.plugin] } });
    const plain = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hello' });
    const answered = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview(),
    });
    const dismissed = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: { type: 'choice', payload: { options: [{ id: 'a' }], dismissLabel: 'Skip' } },
    });
    const expiring = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      review: choiceReview({ expiresInSeconds: 60 }),
    });
    await w.placet.reviews.respond(w.user, answered.id, { response: { selectedOption: 'approve' } });
    await codeOf(w.placet.reviews.respond(w.user, answered.id, { response: { selectedOption: 'reject' } }));
    await w.placet.reviews.respond(w.user, dismissed.id, { response: { _dismissed: true } });
    w.clock.set(new Date(w.clock.now().getTime() + 61_000));
    await w.placet.sweep();

    const expected: [string, string][] = [
      ['message.created', plain.id],
      ['message.created', answered.id],
      ['review.created', answered.id],
      ['message.created', dismissed.id],
      ['review.created', dismissed.id],
      ['message.created', expiring.id],
      ['review.created', expiring.id],
      ['review.responded', answered.id],
      ['review.dismissed', dismissed.id],
      ['review.expired', expiring.id],
    ];
    await expect.poll(() => rec.calls.length).toBe(expected.length);
    expect(rec.calls.map((c) => [c.hook, c.messageId])).toEqual(expected);
    const seqs = rec.calls.map((c) => c.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));

    // A restart on the same store resumes from the stored cursor: nothing runs twice.
    await w.placet.stop();
    const rec2 = recorder({ calls: rec.calls, by: 'two' });
    const restarted = another({ plugins: [rec2.plugin] });
    await restarted.start();
    const after = await restarted.messages.create(w.agent, { channelId: w.channelId, text: 'after' });
    await expect.poll(() => rec.calls.length).toBe(expected.length + 1);
    expect(rec.calls.at(-1)).toMatchObject({ hook: 'message.created', messageId: after.id, by: 'two' });
    expect(rec.calls.filter((c) => c.hook === 'review.responded')).toHaveLength(1);
  });

  it('message.updated: an escalation step and a vote short of a decision reach the hook exactly as presented, in seq order', async () => {
    const seen: PluginHookEvents['message.updated'][] = [];
    const watcher = definePlugin({
      name: 'watcher',
      version: '1.0.0',
      hooks: { 'message.updated': (event) => void seen.push(event) },
    });
    w = await world({ placet: { plugins: [testPlugin(), watcher] } });
    const member = (name: string) =>
      w.placet.users.create({
        email: `${name}-${Math.random()}@example.test`,
        displayName: name,
        password: 'correct horse battery',
        role: 'member',
      });
    const carol = await member('Carol');
    const bob = await member('Bob');
    const msg = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview({
        assignees: [w.owner.id, carol.id],
        policy: { mode: 'quorum', required: 2 },
        expiresInSeconds: 3600,
        escalation: [{ after: '1m', addAssignees: [bob.id] }],
      }),
    });
    // Another message's update (a draft streamed) runs the hook too, with its own message.
    const draft = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Thinking',
      streamId: 'stream-1',
      streamState: 'streaming',
    });
    await w.placet.streams.patch(w.agent, 'stream-1', { channelId: w.channelId, text: 'Thinking more' });
    w.clock.set(new Date(w.clock.now().getTime() + 61_000));
    await w.placet.sweep();
    // One vote of the two required: still pending, its vote shown.
    const voted = await w.placet.reviews.respond(w.user, msg.id, { response: { selectedOption: 'approve' } });
    expect(voted.review?.status).toBe('pending');

    const updates = (await w.store.events.after(0, 10_000)).filter((e) => e.type === 'message:updated');
    expect(updates.map((e) => e.subjectId)).toEqual([draft.id, msg.id, msg.id]);
    await expect.poll(() => seen.length).toBe(3);
    // Exactly what the outbox carried, for every update, in seq order.
    expect(seen.map((e) => [e.seq, e.messageId, e.channelId, e.ownerId])).toEqual(
      updates.map((e) => [e.seq, e.subjectId, e.channelId, e.ownerId]),
    );
    for (const [i, event] of seen.entries())
      expect(JSON.parse(JSON.stringify(event.message))).toEqual(updates[i]!.payload);
    // The escalation's update: the new assignee and the step fired, as dashboards were shown it.
    const escalated = seen[1]!.message.review!;
    expect(escalated.status).toBe('pending');
    expect(escalated.policy).toMatchObject({
      assigneeIds: [w.owner.id, carol.id, bob.id],
      escalated: 1,
      nextEscalationAt: null,
    });
    expect(escalated.policy?.people.map((p) => p.displayName)).toContain('Bob');
    expect(escalated.votes ?? []).toHaveLength(0);
    // The vote's update: its vote, the review still pending.
    expect(seen[2]!.message.review?.votes?.map((v) => [v.userId, v.response])).toEqual([
      [w.owner.id, { selectedOption: 'approve' }],
    ]);
  });

  it('events committed before a plugin was first registered are not replayed to it', async () => {
    w = await world();
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'before the plugin' });
    await w.placet.stop();
    const rec = recorder();
    const placet = another({ plugins: [rec.plugin] });
    await placet.start();
    const msg = await placet.messages.create(w.agent, { channelId: w.channelId, text: 'with the plugin' });
    await expect.poll(() => rec.calls.length).toBe(1);
    expect(rec.calls[0]?.messageId).toBe(msg.id);
  });

  it('retries a failing hook with backoff on the clock; the later events of the plugin wait for it', async () => {
    const logger = capturingLogger();
    const rec = recorder({
      fail: { when: (hook, event) => hook === 'message.created' && textOf(event) === 'a', times: 2 },
    });
    w = await world({
      placet: {
        plugins: [testPlugin(), rec.plugin],
        logger,
        pluginHooks: { initialDelayMs: 1_000, maxDelayMs: 60_000 },
      },
    });
    const a = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'a' });
    const b = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'b' });
    await expect.poll(() => rec.failures()).toBe(1);
    await w.clock.advance(999);
    expect(rec.failures()).toBe(1);
    expect(rec.calls).toEqual([]); // b waits behind a.
    await w.clock.advance(1);
    await expect.poll(() => rec.failures()).toBe(2);
    await w.clock.advance(2_000); // The second delay is twice the first.
    await expect.poll(() => rec.calls.length).toBe(2);
    expect(rec.calls.map((c) => c.messageId)).toEqual([a.id, b.id]);
    const warnings = logger.lines.filter((l) => l.message.startsWith('plugin hook failed'));
    expect(warnings.map((l) => l.fields)).toEqual([
      expect.objectContaining({ plugin: 'recorder', hook: 'message.created', attempt: 1, retryInMs: 1_000 }),
      expect.objectContaining({ plugin: 'recorder', hook: 'message.created', attempt: 2, retryInMs: 2_000 }),
    ]);
  });

  it('gives a hook up after maxAttempts (logged), then goes on with the later events', async () => {
    const logger = capturingLogger();
    const rec = recorder({
      fail: { when: (hook, event) => hook === 'message.created' && textOf(event) === 'poison', times: 100 },
    });
    w = await world({
      placet: {
        plugins: [testPlugin(), rec.plugin],
        logger,
        pluginHooks: { maxAttempts: 2, initialDelayMs: 10 },
      },
    });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'poison' });
    const next = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'next' });
    await expect.poll(() => rec.failures()).toBe(1);
    await w.clock.advance(10);
    await expect.poll(() => rec.calls.length).toBe(1);
    expect(rec.calls[0]?.messageId).toBe(next.id);
    expect(rec.failures()).toBe(2);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'plugin hook failed for the last time: given up, later events go on',
      }),
    );
  });

  it('two processes on one store: a lease lets one of them run each hook, exactly once here', async () => {
    const shared: Store = { ...memoryStore(), capabilities: { dialect: 'memory', multiProcess: true } };
    const transport = memoryTransport();
    const calls: Recorded[] = [];
    w = await world({
      store: shared,
      placet: { transport, plugins: [testPlugin(), recorder({ calls, by: 'one' }).plugin] },
    });
    const second = another({ transport, plugins: [recorder({ calls, by: 'two' }).plugin] });
    await second.start();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const placet = i % 2 === 0 ? w.placet : second;
      ids.push((await placet.messages.create(w.agent, { channelId: w.channelId, text: `m${i}` })).id);
    }
    await expect.poll(() => calls.length).toBe(10);
    expect(calls.map((c) => c.messageId)).toEqual(ids);
    await expect.poll(() => kvValue(shared, PLUGIN_HOOKS_NAMESPACE, 'recorder/lease')).toBeUndefined();
  });

  it('two processes: hooks claimed by a process that died run once its lease has run out', async () => {
    const shared: Store = { ...memoryStore(), capabilities: { dialect: 'memory', multiProcess: true } };
    const calls: Recorded[] = [];
    w = await world({ store: shared, placet: { plugins: [testPlugin(), recorder({ calls }).plugin] } });
    await shared.kv.set({
      namespace: PLUGIN_HOOKS_NAMESPACE,
      key: 'recorder/lease',
      value: { owner: 'a-process-that-died' },
      expiresAt: new Date(w.clock.now().getTime() + 60_000),
    });
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'waits' });
    await w.clock.advance(59_000);
    expect(calls).toEqual([]);
    await w.clock.advance(1_001);
    await expect.poll(() => calls.length).toBe(1);
    expect(calls[0]?.messageId).toBe(msg.id);
  });
});

describe('init and stop', () => {
  it('init runs at start in registration order; what it returns is disposed in reverse order at stop', async () => {
    const log: string[] = [];
    const plugin = (name: string, result: () => unknown) =>
      definePlugin({
        name,
        version: '1.0.0',
        init: () => {
          log.push(`init ${name}`);
          return result() as never;
        },
      });
    w = await world({
      placet: {
        plugins: [
          testPlugin(),
          plugin('one', () => () => log.push('one: function')),
          plugin('two', () => [
            { dispose: () => log.push('two: dispose') },
            { close: async () => log.push('two: close') },
          ]),
        ],
      },
    });
    expect(log).toEqual(['init one', 'init two']);
    await w.placet.stop();
    expect(log).toEqual(['init one', 'init two', 'two: close', 'two: dispose', 'one: function']);
  });

  it('a failing init fails start with PLUGIN_INIT_FAILED naming the plugin; earlier plugins are disposed', async () => {
    const log: string[] = [];
    const placet = createPlacet({
      logger: silentLogger(),
      plugins: [
        definePlugin({ name: 'fine', version: '1.0.0', init: () => () => log.push('fine disposed') }),
        definePlugin({
          name: 'broken',
          version: '1.0.0',
          init: () => {
            throw new Error('SLACK_TOKEN is not set');
          },
        }),
      ],
    });
    others.push(placet);
    await expect(placet.start()).rejects.toMatchObject({
      code: 'PLUGIN_INIT_FAILED',
      message: 'Plugin "broken" failed to start: init() threw: SLACK_TOKEN is not set',
    });
    expect(log).toEqual(['fine disposed']);
  });

  it('ctx.events gets committed events live, never internal ones; the facade is ctx.placet', async () => {
    const seen: EventRecord[] = [];
    let facade: unknown;
    w = await world({
      placet: {
        plugins: [
          testPlugin(),
          definePlugin({
            name: 'watcher',
            version: '1.0.0',
            init: (ctx) => {
              facade = ctx.placet;
              return ctx.events.subscribe((event) => void seen.push(event));
            },
          }),
        ],
      },
    });
    expect(facade).toBe(w.placet);
    const { apiKey } = await w.placet.apiKeys.create(w.owner.id, { label: 'short-lived' });
    await w.placet.apiKeys.revoke(w.owner.id, apiKey.id);
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'seen' });
    await expect.poll(() => seen.map((e) => e.type)).toContain('message:created');
    expect(seen.map((e) => e.type)).not.toContain('access:revoked');
  });
});

describe('before hooks', () => {
  it('an unexpected throw in review.beforeRespond refuses the answer as INTERNAL and is logged', async () => {
    const logger = capturingLogger();
    const plugin = definePlugin({
      name: 'flaky-policy',
      version: '1.0.0',
      hooks: {
        'review.beforeRespond': () => {
          throw new TypeError('cannot read properties of undefined');
        },
      },
    });
    w = await world({ placet: { plugins: [testPlugin(), plugin], logger } });
    const msg = await w.placet.messages.create(w.agent, { channelId: w.channelId, review: choiceReview() });
    const error = await w.placet.reviews
      .respond(w.user, msg.id, { response: { selectedOption: 'approve' } })
      .catch((e: unknown) => e);
    expect(toErrorBody(error)).toMatchObject({
      statusCode: 500,
      code: 'INTERNAL',
      message: 'Internal server error',
    });
    expect((await w.placet.reviews.get(w.user, msg.id)).review?.status).toBe('pending');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ plugin: 'flaky-policy' }),
      }),
    );
  });
});

describe('registration', () => {
  const uiType = (module: string) =>
    defineReviewType({
      type: 'with-ui',
      payload: z.looseObject({}),
      response: () => z.object({}),
      ui: { element: 'placet-with-ui', module },
    });
  const uiPlugin = (module: string) =>
    definePlugin({ name: 'with-ui', version: '1.0.0', reviewTypes: [uiType(module)] });

  it('refuses a relative ui.module at createPlacet and a missing one at start; an existing file starts', async () => {
    expect(() => createPlacet({ plugins: [uiPlugin('dist/ui.js')], logger: silentLogger() })).toThrow(
      expect.objectContaining({
        code: 'INVALID_PLUGIN',
        message: expect.stringContaining('ui.module of review type "with-ui" must be an absolute path'),
      }),
    );
    const missing = createPlacet({
      plugins: [uiPlugin('/nonexistent/placet/ui.js')],
      logger: silentLogger(),
    });
    others.push(missing);
    await expect(missing.start()).rejects.toMatchObject({
      code: 'PLUGIN_UI_MODULE_MISSING',
      message: expect.stringContaining('/nonexistent/placet/ui.js'),
    });
    const present = createPlacet({
      plugins: [uiPlugin(fileURLToPath(import.meta.url))],
      logger: silentLogger(),
    });
    others.push(present);
    await present.start();
  });

  it('plugin error codes reach the code table: pluginError and toErrorBody give their status', () => {
    createPlacet({ plugins: [audit()], logger: silentLogger() });
    expect(errorCodeInfo('AUDIT_OPTION_BLOCKED')).toMatchObject({ status: 409, plugin: 'audit' });
    expect(toErrorBody(pluginError('AUDIT_OPTION_BLOCKED', 'no'))).toMatchObject({
      statusCode: 409,
      code: 'AUDIT_OPTION_BLOCKED',
      message: 'no',
    });
  });

  it('refuses codes that clash with the core or with another declaration, renderers, and unknown hooks', () => {
    const clash = (plugin: Parameters<typeof definePlugin>[0]) => () =>
      createPlacet({ plugins: [definePlugin(plugin)], logger: silentLogger() });
    createPlacet({ plugins: [audit()], logger: silentLogger() });
    expect(
      clash({
        name: 'audit',
        version: '2.0.0',
        errorCodes: { AUDIT_OPTION_BLOCKED: { status: 403, description: 'another meaning' } },
      }),
    ).toThrow(/AUDIT_OPTION_BLOCKED is already declared by plugin "audit" with status 409/);
    expect(
      clash({
        name: 'invalid',
        version: '1.0.0',
        errorCodes: { INVALID_OPTIONS: { status: 400, description: 'x' } },
      }),
    ).toThrow(/INVALID_OPTIONS is one of the core's codes/);
    expect(() =>
      definePlugin({ name: 'old', version: '1.0.0', renderers: [{ name: 'chart' }] } as never),
    ).toThrow(/renderers are not supported/);
    expect(() =>
      definePlugin({ name: 'typo', version: '1.0.0', hooks: { 'review.answered': () => {} } } as never),
    ).toThrow(/unknown hook "review.answered"/);
  });
});

function textOf(event: unknown): string | null | undefined {
  return (event as { message?: { text?: string | null } }).message?.text;
}
