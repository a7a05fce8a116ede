import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { z } from '@placet/core/contract';
import { definePlugin } from '@placet/core/plugin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlacetMcpServer, pluginToolName } from '../src/index.js';
import { mcpClient, type PlacetServer, respond, startPlacet, toolJson } from './harness.js';

let placet: PlacetServer;
beforeAll(async () => {
  placet = await startPlacet();
});
afterAll(() => placet.close());

/** The MCP server and an SDK client, linked in memory. */
async function connected(options: { defaultChannel?: string; connectionTimeoutMs?: number } = {}) {
  const server = await createPlacetMcpServer({ url: placet.url, apiKey: placet.apiKey, ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return mcpClient(clientSide);
}

describe('the tools', () => {
  it('ask_human takes one variant per registered review type, each with its payload schema', async () => {
    const client = await connected();
    const { tools } = await client.listTools();
    const ask = tools.find((tool) => tool.name === 'ask_human');
    if (!ask) throw new Error('no ask_human tool');
    const review = (ask.inputSchema.properties as Record<string, any>).review;
    const variants = (review.anyOf as any[]).map((variant) => variant.properties.type.const);
    expect(variants.sort()).toEqual(['approval', 'form', 'freeform', 'selection', 'text-input']);
    const approval = (review.anyOf as any[]).find((variant) => variant.properties.type.const === 'approval');
    expect(approval.properties.payload).toMatchObject({
      type: 'object',
      properties: { options: { type: 'array' } },
    });
    expect(ask.inputSchema.required).toEqual(expect.arrayContaining(['channelId', 'text', 'review']));

    // The SDK checks arguments against it: a payload of the wrong shape never reaches the server.
    const refused = await client
      .callTool({
        name: 'ask_human',
        arguments: {
          channelId: placet.channelId,
          text: 'Go?',
          review: { type: 'approval', payload: { options: 3 } },
        },
      })
      .then(toolJson, (error: Error) => ({ isError: true, text: error.message }));
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/review/);
    await client.close();
  });

  it('names plugin tools as the original does; a taken name gets no tool; pluginData cannot re-address', async () => {
    expect(pluginToolName('bar-chart')).toBe('send_bar_chart_message');
    expect(pluginToolName('kroki.diagram')).toBe('send_kroki_diagram_message');

    const renderer = (name: string) =>
      definePlugin({ name, version: '1.0.0', inputSchema: z.object({ text: z.string() }) });
    const crowded = await startPlacet({ plugins: [renderer('review'), renderer('bar_chart')] });
    try {
      const server = await createPlacetMcpServer({ url: crowded.url, apiKey: crowded.apiKey });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await server.connect(serverSide);
      const client = await mcpClient(clientSide);
      const names = (await client.listTools()).tools.map((tool) => tool.name);
      // "review" would be send_review_message, "bar_chart" the bar-chart plugin's tool: neither gets one.
      expect(names.filter((name) => name === 'send_review_message')).toHaveLength(1);
      expect(names.filter((name) => name === 'send_bar_chart_message')).toHaveLength(1);
      const sent = toolJson(
        await client.callTool({
          name: 'send_bar_chart_message',
          arguments: {
            channelId: crowded.channelId,
            pluginData: { title: 'p99', values: [1], plugin: 'someone-else' },
          },
        }),
      ).value as { messageId: string };
      const agent = await crowded.placet.authenticate({ apiKey: crowded.apiKey });
      const stored = await crowded.placet.messages.get(agent!, sent.messageId, crowded.channelId);
      expect(stored.review?.payload).toMatchObject({ plugin: 'bar-chart', title: 'p99' });
      await client.close();
    } finally {
      await crowded.close();
    }
  });

  it('with a default channel, channelId may be left out', async () => {
    const client = await connected({ defaultChannel: placet.channelId });
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'send_message')?.inputSchema.required ?? []).not.toContain(
      'channelId',
    );
    const sent = toolJson(
      await client.callTool({ name: 'send_message', arguments: { text: 'no channel named' } }),
    );
    expect(sent.value).toMatchObject({ channelId: placet.channelId, text: 'no channel named' });
    await client.close();
  });

  it('wait_for_review answers `timeout` when the wait runs out, and a second call resumes it', async () => {
    const client = await connected({ connectionTimeoutMs: 1000 });
    placet.answer(() => undefined);
    const asked = toolJson(
      await client.callTool({
        name: 'ask_human',
        arguments: {
          channelId: placet.channelId,
          text: 'Rotate the keys?',
          review: { type: 'approval', payload: { options: [{ id: 'rotate', label: 'Rotate' }] } },
          idempotencyKey: 'rotate-keys-1',
        },
      }),
    ).value as Record<string, string>;
    expect(asked).toMatchObject({
      status: 'timeout',
      channelId: placet.channelId,
      hint: expect.stringContaining('wait_for_review'),
    });

    // Asking again with the same key finds the same review (no second question in the inbox).
    const again = toolJson(
      await client.callTool({
        name: 'ask_human',
        arguments: {
          channelId: placet.channelId,
          text: 'Rotate the keys?',
          review: { type: 'approval', payload: { options: [{ id: 'rotate', label: 'Rotate' }] } },
          idempotencyKey: 'rotate-keys-1',
        },
      }),
    ).value as Record<string, string>;
    expect(again.messageId).toBe(asked.messageId);

    await placet.placet.reviews.respond(placet.human, asked.messageId as string, {
      response: { selectedOption: 'rotate' },
    });
    const resumed = toolJson(
      await client.callTool({
        name: 'wait_for_review',
        arguments: { messageId: asked.messageId, channelId: placet.channelId },
      }),
    );
    expect(resumed.value).toMatchObject({ status: 'completed', response: { selectedOption: 'rotate' } });
    await client.close();
  });

  it('a dismissed review answers dismissed; an unknown review is NOT_FOUND', async () => {
    const client = await connected();
    placet.answer(() => respond({ _dismissed: true }));
    const dismissed = toolJson(
      await client.callTool({
        name: 'ask_human',
        arguments: {
          channelId: placet.channelId,
          text: 'Anything to add?',
          review: { type: 'text-input', payload: { placeholder: 'Notes', dismissLabel: 'Nothing' } },
        },
      }),
    );
    expect(dismissed.value).toMatchObject({ status: 'completed', dismissed: true });
    const unknown = toolJson(
      await client.callTool({
        name: 'wait_for_review',
        arguments: { messageId: '00000000-0000-4000-8000-000000000000', channelId: placet.channelId },
      }),
    );
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/^NOT_FOUND: /);
    await client.close();
  });
});
