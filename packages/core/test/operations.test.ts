import { describe, expect, it } from 'vitest';
import {
  answerableCodes,
  createOperationEnv,
  defineOperation,
  ERROR_CODES,
  named,
  OPERATIONS,
  type OperationRequest,
  runOperation,
  z,
} from '../src/index.js';
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
        'FORBIDDEN',
        'INTERNAL',
        'INVALID_REVIEW_RESPONSE',
        'NOT_FOUND',
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
