import { ERROR_CODES } from '@placet/core';
import { type AnyOperation, OPERATIONS } from '@placet/core/adapter';
import * as Contract from '@placet/core/contract';
import { describe, expect, it } from 'vitest';
import { ROUTES, type RouteSpec, SERVER_ERROR_CODES } from '../src/index.js';

/** Operations an agent's key may call that the client leaves out, and why. */
const LEFT_OUT: Record<string, string> = {
  getOpenApiDocument: 'the API description itself (public)',
  oauthCallback: "the original's OAuth relay: always 501",
  getReviewTypeUi: "a review type's browser module, for the dashboard",
  setManagement: 'agent-runtime management: validated, then always 501',
};

/** Schemas of the table that are not in the contract (declared in table.ts): their keys, as the client types them. */
const LOCAL_KEYS: Record<string, string[]> = {
  PendingQuery: ['channel', 'cursor'],
  FileListQuery: ['channel', 'cursor', 'limit'],
  FileStoreFields: ['channelId'],
  AvatarQuery: ['v'],
};

const contract = Contract as unknown as Record<string, unknown>;
const byId = new Map<string, AnyOperation>(OPERATIONS.map((op) => [op.operationId, op]));
const routes = Object.entries(ROUTES) as [string, RouteSpec][];

/** The schema named `name` is the table's `schema` (by identity), or a local one with the same keys. */
function expectSchema(name: string, schema: unknown, where: string) {
  if (name in LOCAL_KEYS) {
    expect(
      contract[name],
      `${where}: ${name} is in the contract now; drop it from LocalShapes`,
    ).toBeUndefined();
    const shape = (schema as { shape?: Record<string, unknown> }).shape ?? {};
    expect(Object.keys(shape).sort(), where).toEqual([...(LOCAL_KEYS[name] ?? [])].sort());
    return;
  }
  expect(contract[name], `${where}: @placet/core/contract exports no ${name}`).toBeDefined();
  expect(contract[name] === schema, `${where}: the table uses another schema than ${name}`).toBe(true);
}

describe('the route map against the operation table (OPERATIONS)', () => {
  it('has every operation an agent may call, and no other', () => {
    const forAgents = OPERATIONS.filter((op) => op.auth !== 'user' && !(op.operationId in LEFT_OUT)).map(
      (op) => op.operationId,
    );
    expect(Object.keys(ROUTES).sort()).toEqual(forAgents.sort());
    for (const id of Object.keys(LEFT_OUT)) expect(byId.has(id), `${id} left the table`).toBe(true);
  });

  for (const [id, route] of routes) {
    it(`${id}: ${route.method.toUpperCase()} ${route.path}, with the table's schemas`, () => {
      const op = byId.get(id);
      if (!op) throw new Error(`${id} is not in OPERATIONS`);
      expect([op.method, op.path]).toEqual([route.method, route.path]);

      if (route.query) expectSchema(route.query, op.query, `${id} query`);
      else expect(op.query, `${id} takes a query`).toBeUndefined();

      const body = op.body;
      if (route.body) {
        expect(body?.kind).toBe('json');
        if (body?.kind === 'json') expectSchema(route.body, body.schema.schema, `${id} body`);
      } else if (route.fields) {
        expect(body?.kind).toBe('multipart');
        if (body?.kind === 'multipart') {
          expect(body.file).toBe('file');
          expectSchema(route.fields, body.fields, `${id} fields`);
        }
      } else expect(body, `${id} takes a body`).toBeUndefined();

      const success = op.success;
      if (route.binary) expect(success.kind).toBe('binary');
      else {
        expect(success.kind).toBe('json');
        if (success.kind === 'json' && route.result) {
          expectSchema(route.result, success.schema.schema, `${id} answer`);
          expect(Boolean(success.list), `${id}: a list`).toBe(Boolean(route.list));
        }
      }
    });
  }
});

describe('the error codes against the core (ERROR_CODES)', () => {
  /** Codes thrown at start-up (configuration, plugin registration): never in an HTTP answer. */
  const START_UP = [
    'INVALID_OPTIONS',
    'INVALID_PLUGIN',
    'DUPLICATE_PLUGIN',
    'DUPLICATE_REVIEW_TYPE',
    'PLUGIN_DEPENDENCY_MISSING',
    'PLUGIN_UI_MODULE_MISSING',
    'PLUGIN_INIT_FAILED',
  ];

  it('names every code the server answers, with its status', () => {
    const served = Object.entries(ERROR_CODES)
      .filter(([code]) => !START_UP.includes(code))
      .map(([code, info]) => [code, info.status]);
    expect(Object.entries(SERVER_ERROR_CODES).sort()).toEqual(served.sort());
    for (const code of START_UP) expect(ERROR_CODES, `${code} left the core`).toHaveProperty(code);
  });
});
