import { createHash } from 'node:crypto';
import { defineOperation, definePlugin, named, z } from '@placet/core/plugin';
import { approval } from '@placet/plugin-approval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from './harness.js';

/**
 * A plugin route with a `raw` body (what a signed webhook or a chat app's interactivity request needs):
 * the handler gets the bytes exactly as sent, whatever their media type, JSON included; other media types
 * and oversized bodies are refused with clear 4xx codes, and the OpenAPI document lists the media types.
 */

const echo = () =>
  definePlugin({
    name: 'echo',
    version: '1.0.0',
    routes: () => [
      defineOperation({
        method: 'post',
        path: '/raw',
        operationId: 'raw',
        summary: 'Echoes what it got',
        tag: 'echo',
        auth: 'public',
        body: {
          kind: 'raw',
          mediaTypes: { 'application/x-www-form-urlencoded': 'a form', 'application/json': 'JSON, unparsed' },
          maxBytes: 64,
        } as const,
        success: {
          kind: 'json',
          status: 200,
          description: 'The body as received.',
          schema: named('EchoRaw', z.object({ sha256: z.string(), mediaType: z.string(), text: z.string() })),
        },
        errors: [],
        handler: ({ body }) => ({
          sha256: createHash('sha256').update(body.bytes).digest('hex'),
          mediaType: body.mediaType,
          text: body.text(),
        }),
      }),
    ],
  });

let s: Server;
beforeAll(async () => {
  s = await startServer({ placet: { plugins: [approval(), echo()] } });
});
afterAll(async () => s?.close());

const post = (body: string, contentType: string) =>
  fetch(`${s.url}/api/v1/plugins/echo/raw`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

describe('raw request bodies of plugin routes', () => {
  it('hands over the bytes exactly as sent: a form, and JSON with its spacing and key order', async () => {
    for (const [body, type] of [
      ['payload=%7B%22a%22%3A1%7D&x=%20', 'application/x-www-form-urlencoded'],
      ['{ "b": 2,  "a": 1 }', 'application/json; charset=utf-8'],
    ] as const) {
      const res = await post(body, type);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        sha256: createHash('sha256').update(body).digest('hex'),
        mediaType: type.split(';')[0],
        text: body,
      });
    }
  });

  it('refuses another media type (400) and a body over maxBytes (413)', async () => {
    const wrong = await post('hello', 'text/plain');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    const large = await post(`x=${'a'.repeat(100)}`, 'application/x-www-form-urlencoded');
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('lists the media types in the OpenAPI document; JSON routes still parse JSON', async () => {
    const doc = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    expect(Object.keys(doc.paths['/plugins/echo/raw']!.post!.requestBody!.content).sort()).toEqual([
      'application/json',
      'application/x-www-form-urlencoded',
    ]);
    const created = await fetch(`${s.url}/api/v1/messages`, {
      method: 'POST',
      headers: { ...s.agent, 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: s.channelId, text: 'still JSON' }),
    });
    expect(created.status).toBe(201);
  });
});
