import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ElicitRequestFormParams, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { FakeClock } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { placetElicitation } from '../src/index.js';
import { type PlacetServer, respond, startPlacet } from './harness.js';

/** Every field kind MCP elicitation has. */
const EVERY_KIND: ElicitRequestFormParams['requestedSchema'] = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Your name', minLength: 2, maxLength: 40 },
    email: { type: 'string', format: 'email', title: 'E-mail' },
    homepage: { type: 'string', format: 'uri' },
    birthday: { type: 'string', format: 'date' },
    meetingAt: { type: 'string', format: 'date-time', default: '2026-12-08T09:30:00Z' },
    age: { type: 'integer', minimum: 18, maximum: 120 },
    budget: { type: 'number', minimum: 0, default: 2.5 },
    newsletter: { type: 'boolean', default: true },
    size: { type: 'string', enum: ['s', 'm', 'l'] },
    legacyColour: { type: 'string', enum: ['r', 'g'], enumNames: ['Red', 'Green'] },
    plan: {
      type: 'string',
      oneOf: [
        { const: 'free', title: 'Free' },
        { const: 'pro', title: 'Pro' },
      ],
    },
    tags: { type: 'array', items: { type: 'string', enum: ['a', 'b', 'c'] }, minItems: 1, maxItems: 2 },
    regions: {
      type: 'array',
      items: {
        anyOf: [
          { const: 'eu', title: 'Europe' },
          { const: 'us', title: 'Americas' },
        ],
      },
    },
  },
  required: ['name', 'email', 'age', 'plan', 'tags'],
};

let placet: PlacetServer | undefined;
afterEach(async () => {
  await placet?.close();
  placet = undefined;
});

/**
 * An MCP server (in the test) that elicits through its client, and a headless MCP client whose
 * elicitations the bridge sends to Placet. Real SDK on both ends, linked in memory.
 */
async function linked(server: PlacetServer, expiresInSeconds?: number) {
  const mcpServer = new McpServer({ name: 'deploy-bot', version: '1.0.0' });
  const client = new Client({ name: 'headless-agent', version: '1.0.0' });
  placetElicitation({
    url: server.url,
    apiKey: server.apiKey,
    channel: server.channelId,
    ...(expiresInSeconds ? { expiresInSeconds } : {}),
  }).install(client);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await mcpServer.connect(serverSide);
  await client.connect(clientSide);
  return {
    elicit: (params: Parameters<typeof mcpServer.server.elicitInput>[0]) =>
      mcpServer.server.elicitInput(params),
    close: () => client.close(),
  };
}

describe('placetElicitation', () => {
  it('turns every field kind into a form review; the human’s answer comes back as accept with typed content', async () => {
    placet = await startPlacet();
    const asked: unknown[] = [];
    placet.answer((review, message) => {
      asked.push({ type: review.type, payload: review.payload, text: message.text });
      return respond({
        name: 'Ada',
        email: 'ada@example.test',
        homepage: 'https://ada.example.test',
        birthday: '1815-12-10',
        meetingAt: '2026-12-08T10:00',
        age: 36,
        budget: 12.5,
        newsletter: false,
        size: 'm',
        legacyColour: 'g',
        plan: 'pro',
        tags: ['a', 'c'],
        regions: null,
      });
    });
    const { elicit, close } = await linked(placet);
    const result: ElicitResult = await elicit({ message: 'Who are you?', requestedSchema: EVERY_KIND });
    await close();

    expect(result).toEqual({
      action: 'accept',
      content: {
        name: 'Ada',
        email: 'ada@example.test',
        homepage: 'https://ada.example.test',
        birthday: '1815-12-10',
        meetingAt: '2026-12-08T10:00:00Z',
        age: 36,
        budget: 12.5,
        newsletter: false,
        size: 'm',
        legacyColour: 'g',
        plan: 'pro',
        tags: ['a', 'c'],
      },
    });
    expect(asked).toEqual([
      {
        type: 'form',
        text: '**deploy-bot** asks:\n\nWho are you?',
        payload: expect.objectContaining({ submitLabel: 'Submit', dismissLabel: 'Decline' }),
      },
    ]);
    const fields = (asked[0] as { payload: { fields: Record<string, unknown>[] } }).payload.fields;
    expect(fields.map((field) => [field.name, field.type])).toEqual([
      ['name', 'text'],
      ['email', 'email'],
      ['homepage', 'url'],
      ['birthday', 'date'],
      ['meetingAt', 'datetime'],
      ['age', 'number'],
      ['budget', 'number'],
      ['newsletter', 'checkbox'],
      ['size', 'select'],
      ['legacyColour', 'select'],
      ['plan', 'select'],
      ['tags', 'multiselect'],
      ['regions', 'multiselect'],
    ]);
    expect(fields).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'name',
          label: 'Your name',
          required: true,
          minLength: 2,
          maxLength: 40,
        }),
        expect.objectContaining({ name: 'meetingAt', defaultValue: '2026-12-08T09:30', required: false }),
        expect.objectContaining({ name: 'age', min: 18, max: 120, step: 1, required: true }),
        expect.objectContaining({ name: 'newsletter', defaultValue: true }),
        expect.objectContaining({
          name: 'legacyColour',
          options: [
            { value: 'r', label: 'Red' },
            { value: 'g', label: 'Green' },
          ],
        }),
        expect.objectContaining({
          name: 'plan',
          options: [
            { value: 'free', label: 'Free' },
            { value: 'pro', label: 'Pro' },
          ],
        }),
        expect.objectContaining({ name: 'tags', min: 1, max: 2, required: true }),
        expect.objectContaining({
          name: 'regions',
          options: [
            { value: 'eu', label: 'Europe' },
            { value: 'us', label: 'Americas' },
          ],
        }),
      ]),
    );
  });

  it('an answer the form refuses is not accepted: the human must answer validly', async () => {
    placet = await startPlacet();
    const human = placet.answer(() =>
      respond({ name: 'A', email: 'ada@example.test', age: 36, plan: 'pro', tags: ['a'] }),
    );
    const { elicit, close } = await linked(placet);
    const pending = elicit({ message: 'Who are you?', requestedSchema: EVERY_KIND });
    // "A" is shorter than minLength 2: the engine refused the answer, the review is still pending.
    await expect.poll(() => human.errors.length).toBe(1);
    expect(human.answered).toHaveLength(0);
    const [messageId] = human.seen;
    await placet.placet.reviews.respond(placet.human, messageId as string, {
      response: { name: 'Ada', email: 'ada@example.test', age: 36, plan: 'free', tags: ['b'] },
    });
    expect(await pending).toEqual({
      action: 'accept',
      content: { name: 'Ada', email: 'ada@example.test', age: 36, plan: 'free', tags: ['b'] },
    });
    await close();
  });

  it('a declined form answers decline', async () => {
    placet = await startPlacet();
    placet.answer(() => respond({ _dismissed: true }));
    const { elicit, close } = await linked(placet);
    expect(
      await elicit({
        message: 'Your name?',
        requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
      }),
    ).toEqual({
      action: 'decline',
    });
    await close();
  });

  it('an expired review answers cancel', async () => {
    const clock = new FakeClock();
    placet = await startPlacet({ clock });
    const human = placet.answer(() => undefined);
    const { elicit, close } = await linked(placet, 60);
    const pending = elicit({
      message: 'Your name?',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' } } },
    });
    await expect.poll(() => human.seen.length).toBe(1);
    await clock.advance(61_000);
    expect(await pending).toEqual({ action: 'cancel' });
    await close();
  });

  it('URL mode: a message with the link; Done → accept, Decline → decline', async () => {
    placet = await startPlacet();
    const texts: string[] = [];
    let choice = 'done';
    placet.answer((_review, message) => {
      texts.push(message.text ?? '');
      return respond({ selectedOption: choice });
    });
    const { elicit, close } = await linked(placet);
    const params = {
      mode: 'url' as const,
      message: 'Sign in to GitHub to continue',
      url: 'https://github.example.test/login/oauth?state=1',
      elicitationId: 'e-1',
    };
    expect(await elicit(params)).toEqual({ action: 'accept' });
    choice = 'decline';
    expect(await elicit({ ...params, elicitationId: 'e-2' })).toEqual({ action: 'decline' });
    expect(texts[0]).toBe(
      '**deploy-bot** asks:\n\nSign in to GitHub to continue\n\n<https://github.example.test/login/oauth?state=1>',
    );
    await close();
  });

  it('refuses what a form cannot express, with a clear error, and asks nobody', async () => {
    placet = await startPlacet();
    const human = placet.answer(() => undefined);
    const { elicit, close } = await linked(placet);
    await expect(
      elicit({
        message: 'Pick',
        requestedSchema: { type: 'object', properties: { n: { type: 'integer', minimum: 0.5 } } },
      }),
    ).rejects.toThrow(/Placet cannot ask this: "n": an integer with a fractional minimum is not supported/);
    await expect(
      elicit({
        message: 'Pick',
        requestedSchema: { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] },
      }),
    ).rejects.toThrow(/"b" is required but not a property/);
    await expect(
      elicit({ mode: 'url', message: 'Open', url: 'javascript:alert(1)', elicitationId: 'x' }),
    ).rejects.toThrow(/Only http\(s\) links/);
    await human.idle();
    expect(human.seen).toEqual([]);
    await close();
  });
});
