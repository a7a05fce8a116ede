import type { AddressInfo } from 'node:net';
import { ERROR_BODY, OPERATIONS, type OpenApiDocument, openApiDocument } from '@placet/core/adapter';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import express, { type Router } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { placetRouter } from '../src/index.js';
import { call, type Server, startServer } from './harness.js';
import { registeredRoutes } from './registered-routes.js';

/**
 * The OpenAPI document: valid OpenAPI 3.1, exactly the router's routes, request and response schemas for
 * every operation, generated from the contract (spot checks), and matching what the server really sends.
 */

type Json = Record<string, unknown>;

const doc = openApiDocument();
const schemas = doc.components.schemas as Record<string, Json>;

/** Every `METHOD /path` (OpenAPI path syntax) with its operation object. */
function documented(document: OpenApiDocument): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item))
      out.set(`${method.toUpperCase()} ${path}`, operation);
  }
  return out;
}

/** `METHOD /path` of every route registered on the router, with `:id` written `{id}`. */
const registered = (router: Router) =>
  registeredRoutes(router).map((route) => route.replace(/:(\w+)/g, '{$1}'));

/** The schema of a `$ref`, or the schema itself. */
function resolve(schema: unknown): Json {
  const ref = (schema as Json | undefined)?.$ref;
  if (typeof ref === 'string') {
    const target = schemas[ref.replace('#/components/schemas/', '')];
    if (!target) throw new Error(`Unresolved ${ref}`);
    return target;
  }
  return schema as Json;
}

const operationAt = (key: string): Json => {
  const op = documented(doc).get(key);
  if (!op) throw new Error(`${key} is not documented`);
  return op;
};

const jsonBodySchema = (key: string): Json =>
  resolve((((operationAt(key).requestBody as Json).content as Json)['application/json'] as Json).schema);

let s: Server;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s?.close();
});

describe('openapi: the document', () => {
  it('validates as OpenAPI 3.1 and every $ref resolves', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Json);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('has component schemas that compile as JSON Schema 2020-12 (so every $ref between them resolves)', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'placet:openapi', components: structuredClone(doc.components) });
    for (const name of Object.keys(schemas)) {
      expect(() => ajv.compile({ $ref: `placet:openapi#/components/schemas/${name}` }), name).not.toThrow();
    }
    for (const schema of Object.values(schemas)) {
      expect(schema).not.toHaveProperty('$schema');
      expect(schema).not.toHaveProperty('$id');
    }
  });

  it('documents every route the router registers, and nothing else', () => {
    const routes = registered(placetRouter(s.placet, {})).sort();
    const ops = [...documented(doc).keys()].sort();
    expect(routes.length).toBeGreaterThan(40);
    // The document describes itself: the router must serve it (before authentication).
    expect(routes).toContain('GET /openapi.json');
    expect(ops).toEqual(routes);
  });

  it('has one row per operation in OPERATIONS, with unique operation ids', () => {
    expect(documented(doc).size).toBe(OPERATIONS.length);
    const ids = OPERATIONS.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of documented(doc).values()) {
      expect(op.operationId).toBeTypeOf('string');
      expect(op.summary).toBeTypeOf('string');
      expect((op.tags as string[]).length).toBe(1);
      expect(doc.tags.map((t) => t.name)).toContain((op.tags as string[])[0]);
    }
  });

  it('gives every operation a success response with a schema, text or binary content (501 for the unsupported ones)', () => {
    const unsupported = new Set(['GET /oauth/callback', 'POST /agents/setManagement']);
    for (const [key, op] of documented(doc)) {
      const responses = op.responses as Record<string, Json>;
      const success = Object.keys(responses).filter((status) => status.startsWith('2'));
      if (unsupported.has(key)) {
        expect(success, key).toEqual([]);
        expect(responses['501'], key).toBeDefined();
        continue;
      }
      expect(success.length, key).toBeGreaterThan(0);
      for (const status of success) {
        const content = responses[status]!.content as Record<string, Json>;
        const [type, media] = Object.entries(content)[0]!;
        if (type === 'application/json') {
          expect(media.schema, key).toBeDefined();
        } else if (type === 'application/x-ndjson' || type === 'text/csv') {
          // Text (an export: NDJSON, CSV): a string in every media type it offers.
          for (const offered of Object.values(content))
            expect(resolve(offered.schema), key).toMatchObject({ type: 'string' });
        } else {
          expect(resolve(media.schema), key).toMatchObject({ type: 'string', format: 'binary' });
        }
      }
    }
  });

  it('gives every body-taking operation a requestBody, and no GET or DELETE one', () => {
    /** Actions that take no body: the id in the path is all they need. */
    const bodyless = new Set([
      'POST /messages/{id}/ack',
      'POST /agents/{id}/webhook-secret/rotate',
      'POST /agents/{id}/read',
      'POST /reviews/{id}/read',
      'POST /api-keys/{id}/rotate',
      'POST /deliveries/{id}/redrive',
      'POST /receipts/keys/rotate',
    ]);
    for (const [key, op] of documented(doc)) {
      const method = key.split(' ')[0]!;
      if (method === 'GET' || method === 'DELETE' || bodyless.has(key)) {
        expect(op.requestBody, key).toBeUndefined();
      } else {
        expect(op.requestBody, key).toBeDefined();
        const content = (op.requestBody as Json).content as Record<string, Json>;
        for (const media of Object.values(content)) expect(media.schema, key).toBeDefined();
      }
    }
  });

  it('answers every 4xx/5xx with the error body schema, and describes every path parameter', () => {
    const errorBody = { $ref: `#/components/schemas/${ERROR_BODY.name}` };
    expect(schemas[ERROR_BODY.name]).toMatchObject({
      required: ['statusCode', 'error', 'code', 'message'],
    });
    for (const [key, op] of documented(doc)) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        if (!/^[45]/.test(status)) continue;
        // A 416 of the download has no body, as the router sends it.
        if (status === '416' && key === 'GET /files/{id}/download') {
          expect(response.content).toBeUndefined();
          continue;
        }
        expect((response.content as Json)['application/json'], `${key} ${status}`).toEqual({
          schema: errorBody,
        });
      }
      const params = ((op.parameters as Json[] | undefined) ?? []).filter((p) => p.in === 'path');
      const inPath = [...key.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(params.map((p) => p.name).sort(), key).toEqual(inPath.sort());
      for (const p of params) expect(p, key).toMatchObject({ required: true, schema: { type: 'string' } });
    }
  });

  it('declares the auth of every operation: public ones none, the others API key and/or session', () => {
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bearer', 'cookie']);
    expect(doc.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const [key, op] of documented(doc)) {
      const security = op.security as Json[];
      const responses = op.responses as Json;
      const isPublic = [
        'GET /openapi.json',
        'GET /oauth/callback',
        'GET /plugins/{name}/ui/{type}',
        'GET /receipts/jwks.json',
      ];
      if (isPublic.includes(key)) {
        expect(security, key).toEqual([]);
        expect(responses['401'], key).toBeUndefined();
      } else {
        expect(security.length, key).toBeGreaterThan(0);
        expect(responses['401'], key).toBeDefined();
      }
    }
    expect(operationAt('GET /me').security).toEqual([{ cookie: [] }]);
    expect(operationAt('POST /messages').security).toEqual([{ apiKey: [] }, { bearer: [] }, { cookie: [] }]);
  });

  it('is generated from the contract (spot checks)', () => {
    const create = jsonBodySchema('POST /messages');
    expect(create.required).toEqual(['channelId']);
    const review = (create.properties as Record<string, Json>).review!;
    expect((review.properties as Record<string, Json>).expiresInSeconds).toEqual({ type: 'number' });
    expect(review.required).toEqual(['type']);
    // Requests document the input side: defaults are optional there.
    const storeText = jsonBodySchema('POST /files/store-text');
    expect(storeText.required).toEqual(['channelId', 'content']);
    expect((storeText.properties as Record<string, Json>).filename).toMatchObject({ default: 'content.md' });
    // Responses the output side, with shared schemas by $ref.
    const message = schemas.Message!;
    expect(message.required).toEqual(expect.arrayContaining(['id', 'channelId', 'review', 'attachments']));
    expect((message.properties as Record<string, Json>).attachments).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Attachment' },
    });
    expect((message.properties as Record<string, Json>).createdAt).toEqual({
      type: 'string',
      format: 'date-time',
    });
    const ok = (operationAt('POST /messages').responses as Record<string, Json>)['201']!;
    expect((ok.content as Json)['application/json']).toEqual({
      schema: { $ref: '#/components/schemas/Message' },
    });
    // Query strings become parameters.
    const listParams = operationAt('GET /messages').parameters as Json[];
    expect(listParams.map((p) => [p.name, p.required])).toEqual([
      ['channel', true],
      ['limit', false],
      ['cursor', false],
      ['search', false],
      ['has_attachments', false],
    ]);
    const waitParams = operationAt('GET /reviews/{id}/wait').parameters as Json[];
    expect(waitParams.find((p) => p.name === 'timeout')).toMatchObject({ in: 'query', required: false });
    expect(waitParams.find((p) => p.name === 'channel')).toMatchObject({ in: 'query', required: true });
  });

  it('documents uploads as multipart (channelId + binary file) and the download as binary with Range', () => {
    for (const key of ['POST /files/upload', 'POST /files/store']) {
      const content = (operationAt(key).requestBody as Json).content as Record<string, Json>;
      expect(Object.keys(content)).toEqual(['multipart/form-data']);
      const schema = content['multipart/form-data']!.schema as Json;
      expect(schema.required).toEqual(['channelId', 'file']);
      expect((schema.properties as Record<string, Json>).file).toMatchObject({
        type: 'string',
        format: 'binary',
      });
    }
    const download = operationAt('GET /files/{id}/download');
    expect(download.parameters as Json[]).toContainEqual(
      expect.objectContaining({ name: 'Range', in: 'header' }),
    );
    expect(Object.keys(download.responses as Json)).toEqual(expect.arrayContaining(['200', '206', '416']));
  });

  it('is built once and frozen; options only change the top', () => {
    expect(openApiDocument()).toBe(doc);
    expect(Object.isFrozen(doc.paths)).toBe(true);
    const other = openApiDocument({ serverUrl: 'https://placet.example/api/v1', title: 'T', version: '9' });
    expect(other.servers).toEqual([{ url: 'https://placet.example/api/v1' }]);
    expect(other.info).toMatchObject({ title: 'T', version: '9' });
    expect(other.paths).toBe(doc.paths);
  });

  it('is served by the router with its mount path as the server', async () => {
    const app = express();
    app.use('/api/v1', placetRouter(s.placet));
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((r) => server.once('listening', () => r()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const res = await call(`${url}/api/v1/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      expect(res.body.servers).toEqual([{ url: '/api/v1' }]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('openapi: the documented response schemas match what the server sends', () => {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ $id: 'placet:openapi', components: structuredClone(doc.components) });

  /** Validates a real answer against the document's schema for that operation and status. */
  function conforms(key: string, res: { status: number; body: unknown }, status: number) {
    expect(res.status, `${key}: ${JSON.stringify(res.body)}`).toBe(status);
    const response = (operationAt(key).responses as Record<string, Json>)[String(status)];
    expect(response, `${key} documents ${status}`).toBeDefined();
    const schema = ((response!.content as Json)['application/json'] as Json).schema as Json;
    const rewrite = (value: unknown): unknown =>
      typeof value === 'string' && value.startsWith('#/') ? `placet:openapi${value}` : value;
    const rooted = JSON.parse(JSON.stringify(schema), (k, v) => (k === '$ref' ? rewrite(v) : v));
    const validate = ajv.compile(rooted);
    expect(validate(res.body) ? [] : validate.errors, key).toEqual([]);
  }

  it('for agents, humans and errors', async () => {
    const agent = s.agent;
    const human = s.human;
    const base = `${s.url}/api/v1`;
    conforms('GET /agents', await call(`${base}/agents`, { headers: agent }), 200);
    conforms('GET /agents', await call(`${base}/agents`, { headers: human }), 200);
    conforms('GET /agents/{id}', await call(`${base}/agents/${s.channelId}`, { headers: agent }), 200);
    const withReview = await call(`${base}/messages`, {
      method: 'POST',
      headers: agent,
      body: {
        channelId: s.channelId,
        text: 'Deploy?',
        review: {
          type: 'approval',
          payload: { options: [{ id: 'approve', label: 'Approve' }] },
          expiresInSeconds: 600,
        },
      },
    });
    conforms('POST /messages', withReview, 201);
    const messageId = withReview.body.id as string;
    conforms('GET /messages', await call(`${base}/messages?channel=${s.channelId}`, { headers: agent }), 200);
    conforms(
      'GET /messages/{id}',
      await call(`${base}/messages/${messageId}?channel=${s.channelId}`, { headers: agent }),
      200,
    );
    conforms('GET /reviews/pending', await call(`${base}/reviews/pending`, { headers: agent }), 200);
    conforms('GET /reviews', await call(`${base}/reviews`, { headers: human }), 200);
    conforms('GET /reviews/count', await call(`${base}/reviews/count`, { headers: human }), 200);
    conforms(
      'POST /reviews/{id}/read',
      await call(`${base}/reviews/${messageId}/read`, { method: 'POST', headers: human }),
      200,
    );
    conforms('GET /reviews', await call(`${base}/reviews`, { headers: human }), 200);
    conforms('GET /reviews/count', await call(`${base}/reviews/count?status=nope`, { headers: human }), 400);
    conforms(
      'POST /reviews/{id}/read',
      await call(`${base}/reviews/nope/read`, { method: 'POST', headers: human }),
      404,
    );
    conforms(
      'POST /reviews/{id}/respond',
      await call(`${base}/reviews/${messageId}/respond`, {
        method: 'POST',
        headers: human,
        body: { response: { selectedOption: 'approve' } },
      }),
      200,
    );
    conforms(
      'POST /reviews/{id}/respond',
      await call(`${base}/reviews/${messageId}/respond`, {
        method: 'POST',
        headers: human,
        body: { response: { selectedOption: 'approve' } },
      }),
      409,
    );
    conforms(
      'GET /reviews/{id}/wait',
      await call(`${base}/reviews/${messageId}/wait?channel=${s.channelId}`, { headers: agent }),
      200,
    );
    conforms(
      'GET /messages/iterations/{id}',
      await call(`${base}/messages/iterations/${messageId}?channel=${s.channelId}`, { headers: agent }),
      200,
    );
    conforms(
      'POST /messages/{id}/ack',
      await call(`${base}/messages/${messageId}/ack?channel=${s.channelId}`, {
        method: 'POST',
        headers: agent,
      }),
      200,
    );
    conforms(
      'POST /files/store-text',
      await call(`${base}/files/store-text`, {
        method: 'POST',
        headers: agent,
        body: { channelId: s.channelId, content: '# notes' },
      }),
      201,
    );
    conforms('GET /files', await call(`${base}/files?channel=${s.channelId}`, { headers: agent }), 200);
    conforms(
      'POST /agents/setWebhook',
      await call(`${base}/agents/setWebhook`, {
        method: 'POST',
        headers: agent,
        body: { channelId: s.channelId, url: 'https://hooks.example.test/placet' },
      }),
      200,
    );
    conforms(
      'POST /status/ping',
      await call(`${base}/status/ping`, {
        method: 'POST',
        headers: agent,
        body: { agentId: s.channelId, status: 'busy' },
      }),
      201,
    );
    conforms('GET /plugins', await call(`${base}/plugins`, { headers: agent }), 200);
    conforms('GET /me', await call(`${base}/me`, { headers: human }), 200);
    conforms('GET /users', await call(`${base}/users`, { headers: human }), 200);
    conforms('GET /api-keys', await call(`${base}/api-keys`, { headers: human }), 200);
    conforms(
      'POST /api-keys',
      await call(`${base}/api-keys`, { method: 'POST', headers: human, body: { label: 'docs' } }),
      201,
    );
    // Errors.
    conforms('GET /agents/{id}', await call(`${base}/agents/nope`, { headers: agent }), 404);
    conforms('GET /agents', await call(`${base}/agents`), 401);
    conforms(
      'POST /messages',
      await call(`${base}/messages`, { method: 'POST', headers: agent, body: { text: 'no channel' } }),
      400,
    );
  });

  it('for the delivery log and redrive', async () => {
    // A server whose webhook receiver answers `status` (no network).
    let status = 200;
    const sent: string[] = [];
    const server = await startServer({
      placet: {
        webhookSender: {
          send: async (request) => {
            sent.push(request.headers['webhook-id']!);
            return { status, error: status === 200 ? null : `HTTP ${status}`, durationMs: 2 };
          },
        },
      },
    });
    try {
      const base = `${server.url}/api/v1`;
      const agent = (await server.placet.authenticate({ apiKey: server.key }))!;
      await server.placet.webhooks.setWebhook(agent, {
        channelId: server.channelId,
        url: 'https://hooks.example.test/placet',
      });
      const message = await server.placet.messages.create(agent, {
        channelId: server.channelId,
        text: 'Deploy?',
        review: { type: 'approval', payload: { options: [{ id: 'approve', label: 'Approve' }] } },
      });
      const owner = server.placet.userPrincipal(server.owner);
      await server.placet.reviews.respond(owner, message.id, { response: { selectedOption: 'approve' } });
      await vi.waitFor(() => expect(sent).toHaveLength(1));
      const deliveries = `${base}/messages/${message.id}/deliveries`;
      const delivered = await vi.waitFor(async () => {
        const res = await call(deliveries, { headers: server.human });
        expect(res.body[0]?.state).toBe('delivered');
        return res;
      });
      conforms('GET /messages/{id}/deliveries', delivered, 200);
      conforms(
        'GET /agents/{id}/deliveries',
        await call(`${base}/agents/${server.channelId}/deliveries`, { headers: server.human }),
        200,
      );
      const deliveryId = delivered.body[0].id as string;
      const redrive = `${base}/deliveries/${deliveryId}/redrive`;
      conforms(
        'POST /deliveries/{id}/redrive',
        await call(redrive, { method: 'POST', headers: server.human }),
        200,
      );
      await vi.waitFor(() => expect(sent).toHaveLength(2));
      // A failed attempt leaves it pending (the retry is seconds away): a redrive now is a 409.
      status = 500;
      await vi.waitFor(async () => {
        const res = await call(redrive, { method: 'POST', headers: server.human });
        expect(res.status).toBe(200);
      });
      await vi.waitFor(async () => {
        const res = await call(deliveries, { headers: server.human });
        expect(res.body[0]?.attempts).toHaveLength(3);
      });
      conforms('GET /messages/{id}/deliveries', await call(deliveries, { headers: server.human }), 200);
      conforms(
        'POST /deliveries/{id}/redrive',
        await call(redrive, { method: 'POST', headers: server.human }),
        409,
      );
      conforms(
        'POST /deliveries/{id}/redrive',
        await call(redrive, { method: 'POST', headers: server.agent }),
        403,
      );
      conforms(
        'GET /messages/{id}/deliveries',
        await call(`${base}/messages/nope/deliveries`, { headers: server.human }),
        404,
      );
      conforms(
        'GET /agents/{id}/deliveries',
        await call(`${base}/agents/${server.channelId}/deliveries?limit=1000`, { headers: server.human }),
        400,
      );
      conforms(
        'GET /agents/{id}/deliveries',
        await call(`${base}/agents/${server.channelId}/deliveries`, { headers: server.agent }),
        403,
      );
    } finally {
      await server.close();
    }
  });
});
