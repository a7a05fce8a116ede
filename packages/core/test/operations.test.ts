import { describe, expect, it } from 'vitest';
import { answerableCodes, createOperationEnv, OPERATIONS, runOperation } from '../src/adapter.js';
import { createPlacet, ERROR_CODES, silentLogger } from '../src/index.js';
import { defineOperation, definePlugin, named, type OperationRequest, z } from '../src/plugin.js';
import { world } from './fixtures.js';

/**
 * The operation table: the one definition of every HTTP operation (the router, the OpenAPI document and
 * the endpoint matrix are made from it). These checks fail when an operation is declared incompletely.
 */

/** `/agents/:id` → a regular expression that matches what Express would route to it. */
const matcher = (path: string) => new RegExp(`^${path.replace(/:(\w+)/g, '[^/]+')}$`);

describe('OPERATIONS', () => {
  it('declares every operation completely: unique id, described params, an output schema, known error codes', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const op of OPERATIONS) {
      if (ids.has(op.operationId)) problems.push(`${op.operationId}: the id is used twice`);
      ids.add(op.operationId);
      for (const [, name] of op.path.matchAll(/:(\w+)/g)) {
        if (!op.params?.[name!]) problems.push(`${op.operationId}: :${name} is not described`);
      }
      if (op.success.kind === 'json' && !(op.success.schema?.schema instanceof z.ZodType))
        problems.push(`${op.operationId}: a JSON answer without an output schema`);
      for (const code of op.errors) {
        if (!(code in ERROR_CODES)) problems.push(`${op.operationId}: unknown error code ${code}`);
      }
      if (typeof op.handler !== 'function') problems.push(`${op.operationId}: no handler`);
    }
    expect(problems).toEqual([]);
  });

  it('never lets an operation be shadowed by an earlier one (a literal path before a parameter)', () => {
    const problems: string[] = [];
    OPERATIONS.forEach((op, index) => {
      const sample = op.path.replace(/:(\w+)/g, 'x');
      for (const earlier of OPERATIONS.slice(0, index)) {
        if (earlier.method === op.method && matcher(earlier.path).test(sample))
          problems.push(`${op.method.toUpperCase()} ${op.path} is taken by ${earlier.path}`);
      }
    });
    expect(problems).toEqual([]);
  });

  it('answers, besides its own codes, those of how it is called', () => {
    const respond = OPERATIONS.find((op) => op.operationId === 'respondToReview')!;
    expect([...answerableCodes(respond)].sort()).toEqual(
      [
        'ALREADY_VOTED',
        'FORBIDDEN',
        'INTERNAL',
        'INVALID_REVIEW_RESPONSE',
        'NOT_ASSIGNED',
        'NOT_FOUND',
        'REVIEW_CHANGED',
        'PAYLOAD_TOO_LARGE',
        'RATE_LIMITED',
        'REVIEW_NOT_PENDING',
        'SERVICE_UNAVAILABLE',
        'UNAUTHORIZED',
        'VALIDATION_FAILED',
      ].sort(),
    );
    const ui = OPERATIONS.find((op) => op.operationId === 'getReviewTypeUi')!;
    expect(answerableCodes(ui).has('UNAUTHORIZED')).toBe(false);
  });
});

describe('plugin routes', () => {
  const route = (path: string, extra: Record<string, unknown> = {}) =>
    defineOperation({
      method: 'get',
      path,
      operationId: 'thing',
      summary: 'A thing',
      tag: 'x',
      auth: 'either',
      success: { kind: 'json', status: 200, description: 'x', schema: named('Thing', z.object({})) },
      errors: [],
      handler: () => ({}),
      ...extra,
    });
  const withRoutes = (name: string, routes: ReturnType<typeof route>[]) =>
    definePlugin({ name, version: '1.0.0', routes: () => routes });
  const start = (plugin: ReturnType<typeof withRoutes>) =>
    createPlacet({ plugins: [plugin], logger: silentLogger() });

  it('mount under /plugins/<name> with a prefixed id; mistakes fail createPlacet, not the OpenAPI document', () => {
    const placet = start(withRoutes('acme-audit', [route('/things')]));
    const op = placet.api.operations.find((o) => o.path === '/plugins/acme-audit/things');
    expect(op).toMatchObject({ operationId: 'acmeAuditThing', tag: 'acme-audit' });
    const refused = (plugin: ReturnType<typeof withRoutes>) => {
      try {
        start(plugin);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    // A name Express would read as a parameter.
    expect(refused(withRoutes('acme:audit', [route('/things')]))).toMatchObject({ code: 'INVALID_PLUGIN' });
    // An undescribed :param, an unregistered error code: checked with the OpenAPI builder at once.
    expect(refused(withRoutes('a', [route('/things/:id')]))).toMatchObject({
      code: 'INVALID_PLUGIN',
      message: expect.stringContaining(':id'),
    });
    expect(refused(withRoutes('b', [route('/things', { errors: ['NO_SUCH_CODE'] })]))).toMatchObject({
      code: 'INVALID_PLUGIN',
    });
    // The same route twice, by shape; the ui/ segment of review-type modules.
    expect(
      refused(
        withRoutes('c', [
          route('/t/:a', { params: { a: 'a' } }),
          route('/t/:b', { params: { b: 'b' }, operationId: 'other' }),
        ]),
      ),
    ).toMatchObject({ code: 'INVALID_PLUGIN', message: expect.stringContaining('two routes') });
    expect(refused(withRoutes('d', [route('/ui/x')]))).toMatchObject({ code: 'INVALID_PLUGIN' });
  });
});

describe('runOperation', () => {
  const env = createOperationEnv({ listCap: 10, concurrentWaits: false });
  const request = (over: Partial<OperationRequest>): OperationRequest => ({
    principal: undefined,
    params: {},
    query: {},
    body: undefined,
    header: () => undefined,
    baseUrl: '/api/v1',
    signal: new AbortController().signal,
    ...over,
  });
  const echo = defineOperation({
    method: 'post',
    path: '/echo',
    operationId: 'echo',
    summary: 'Echo',
    tag: 'Meta',
    auth: 'user',
    role: 'owner',
    query: z.object({ n: z.coerce.number().int() }),
    body: { kind: 'json', schema: named('Echo', z.object({ text: z.string().min(1) })) },
    success: {
      kind: 'json',
      status: 201,
      description: 'The echo.',
      schema: named('Echo', z.object({ text: z.string() })),
    },
    errors: [],
    handler: ({ query, body }) => ({ text: `${body.text} ×${query.n}` }),
  });

  it('admits the caller by the operation’s auth and role, then parses the query and the body', async () => {
    const w = await world();
    await expect(runOperation(w.placet, echo, env, request({}))).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await expect(runOperation(w.placet, echo, env, request({ principal: w.agent }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'This endpoint is for signed-in humans, not API keys',
    });
    const member = w.placet.userPrincipal(
      await w.placet.users.create({ email: 'member@example.test', displayName: 'M', role: 'member' }),
    );
    await expect(runOperation(w.placet, echo, env, request({ principal: member }))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Owner access required',
    });
    await expect(
      runOperation(
        w.placet,
        echo,
        env,
        request({ principal: w.user, query: { n: 'x' }, body: { text: '' } }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'n' }] });
    await expect(
      runOperation(
        w.placet,
        echo,
        env,
        request({ principal: w.user, query: { n: '2' }, body: { text: '' } }),
      ),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ path: 'text' }] });
    const reply = await runOperation(
      w.placet,
      echo,
      env,
      request({ principal: w.user, query: { n: '2' }, body: { text: 'hi' } }),
    );
    expect(reply).toMatchObject({ status: 201, json: { text: 'hi ×2' } });
    await w.placet.stop();
  });
});

// Compile-time checks, run by `npm run typecheck`: the handler is typed from the declaration, so a
// misspelt query field or an answer that does not match the output schema does not compile.
export const typedOperation = defineOperation({
  method: 'get',
  path: '/typed',
  operationId: 'typed',
  summary: 'Typed',
  tag: 'Meta',
  auth: 'either',
  query: z.object({ channel: z.string() }),
  success: { kind: 'json', status: 200, description: 'x', schema: named('T', z.object({ id: z.string() })) },
  errors: [],
  // @ts-expect-error the answer `{ identifier }` does not match the output schema `{ id }`.
  handler: ({ query }) => {
    // @ts-expect-error `chanel` is not a field of the query.
    void query.chanel;
    return { identifier: query.channel };
  },
});

// The host facade is typed the same way: a host calling the engine directly gets compile errors for a
// misspelt field or a wrong value, not a 400 at run time (the engine still validates untyped callers).
export async function typedHost(
  placet: Awaited<ReturnType<typeof world>>['placet'],
  agent: Awaited<ReturnType<typeof world>>['agent'],
) {
  // @ts-expect-error `txt` is not a field of MessageCreateInput.
  await placet.messages.create(agent, { channelId: 'c', txt: 'Deploy?' });
  // @ts-expect-error `status` must be one of info | success | warning | error.
  await placet.messages.create(agent, { channelId: 'c', text: 'x', status: 'fine' });
  // @ts-expect-error internal methods are not on the host's type.
  placet.channels.require(agent, 'c');
  await placet.messages.create(agent, { channelId: 'c', text: 'Deploy?', status: 'info' });
}
