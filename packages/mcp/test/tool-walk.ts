import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import type { PlacetServer } from './harness.js';
import { respond, toolJson } from './harness.js';

/** The original's twelve tools, `ask_human`, and the plugin tool of the harness's bar-chart plugin. */
export const ALL_TOOLS = [
  'list_channels',
  'create_channel',
  'send_message',
  'send_review_message',
  'wait_for_review',
  'get_messages',
  'get_message',
  'delete_message',
  'get_iteration_chain',
  'get_pending_reviews',
  'ping_status',
  'list_plugins',
  'ask_human',
  'send_bar_chart_message',
] as const;

type Json = Record<string, any>;

/**
 * Runs every tool once against the real server behind `placet` through `client` (whatever its transport),
 * checking what each answers and what it changed on the server. A fake human answers reviews whose
 * text does not say "(later)".
 */
export async function exerciseEveryTool(client: Client, placet: PlacetServer): Promise<void> {
  const call = async (name: string, args: Json = {}) => {
    const result = toolJson(await client.callTool({ name, arguments: args }));
    expect(result.isError, `${name}: ${result.text}`).toBe(false);
    return result.value as Json;
  };
  const channelId = placet.channelId;
  placet.answer((review, message) => {
    if (message.text?.includes('(later)')) return undefined;
    if (review.type === 'approval') return respond({ selectedOption: 'yes' });
    if (review.type === 'form') return respond({ name: 'Ada', seats: 3 });
    return undefined;
  });

  expect((await call('list_channels')) as unknown as Json[]).toEqual(
    expect.arrayContaining([expect.objectContaining({ id: channelId, name: 'mcp-bot' })]),
  );
  const created = await call('create_channel', { name: 'second-bot', description: 'made by MCP' });
  expect(created).toMatchObject({ name: 'second-bot', description: 'made by MCP' });
  expect(
    await call('ping_status', { agentId: created.id, status: 'busy', message: 'indexing' }),
  ).toMatchObject({
    id: created.id,
    status: 'busy',
    statusMessage: 'indexing',
  });
  const plugins = (await call('list_plugins')) as unknown as Json[];
  expect(plugins.find((p) => p.name === 'bar-chart')?.inputSchema).toMatchObject({ type: 'object' });

  const hello = await call('send_message', { channelId, text: 'Hello **human**', status: 'info' });
  expect(hello).toMatchObject({ text: 'Hello **human**', status: 'info', senderType: 'agent' });
  expect(await call('get_message', { messageId: hello.id, channelId })).toMatchObject({
    id: hello.id,
    deliveryStatus: 'agent_received',
  });
  const page = await call('get_messages', { channelId, limit: 10, search: 'human**' });
  expect(page.data.map((m: Json) => m.id)).toEqual([hello.id]);
  const doomed = await call('send_message', { channelId, text: 'to delete' });
  expect(await call('delete_message', { messageId: doomed.id, channelId })).toEqual({ deleted: true });
  const gone = toolJson(
    await client.callTool({ name: 'get_message', arguments: { messageId: doomed.id, channelId } }),
  );
  expect(gone.isError).toBe(true);
  expect(gone.text).toMatch(/^NOT_FOUND: /);

  const yesNo = {
    options: [
      { id: 'yes', label: 'Yes' },
      { id: 'no', label: 'No' },
    ],
  };
  const pending = await call('send_review_message', {
    channelId,
    text: 'Merge PR #12? (later)',
    reviewType: 'approval',
    reviewPayload: yesNo,
    expiresInSeconds: 600,
  });
  expect(pending).toMatchObject({ status: 'pending', messageId: expect.any(String), channelId });
  const listed = (await call('get_pending_reviews', { channelId })) as unknown as Json[];
  expect(listed.map((m) => m.id)).toContain(pending.messageId);
  await placet.placet.reviews.respond(placet.human, pending.messageId, {
    response: { selectedOption: 'no' },
  });
  expect(await call('wait_for_review', { messageId: pending.messageId, channelId })).toMatchObject({
    status: 'completed',
    response: { selectedOption: 'no' },
    message: { id: pending.messageId },
  });

  // A new version of the answered review: the chain holds both.
  const v2 = await call('send_review_message', {
    channelId,
    text: 'Merge PR #12, rebased? (later)',
    reviewType: 'approval',
    reviewPayload: yesNo,
    iterationOf: pending.messageId,
  });
  const chain = JSON.stringify(await call('get_iteration_chain', { messageId: v2.messageId, channelId }));
  expect(chain).toContain(pending.messageId);
  expect(chain).toContain(v2.messageId);

  expect(
    await call('send_review_message', {
      channelId,
      text: 'Deploy now?',
      reviewType: 'approval',
      reviewPayload: yesNo,
      waitInline: true,
    }),
  ).toMatchObject({ status: 'completed', response: { selectedOption: 'yes' } });

  const chart = await call('send_bar_chart_message', {
    channelId,
    text: 'Latency this week (later)',
    pluginData: { title: 'p99', values: [12, 15, 9] },
  });
  expect(chart.status).toBe('pending');
  expect(await call('get_message', { messageId: chart.messageId, channelId })).toMatchObject({
    review: { type: 'freeform', payload: { plugin: 'bar-chart', title: 'p99', values: [12, 15, 9] } },
  });

  expect(
    await call('ask_human', { channelId, text: 'Go?', review: { type: 'approval', payload: yesNo } }),
  ).toMatchObject({ status: 'completed', dismissed: false, response: { selectedOption: 'yes' } });
  expect(
    await call('ask_human', {
      channelId,
      text: 'Who is coming?',
      review: {
        type: 'form',
        payload: {
          fields: [
            { name: 'name', type: 'text', label: 'Name', required: true },
            { name: 'seats', type: 'number', label: 'Seats', min: 1 },
          ],
        },
      },
    }),
  ).toMatchObject({ status: 'completed', response: { name: 'Ada', seats: 3 } });

  // The server's validation reaches the model with its code and the path of the problem.
  const invalid = toolJson(
    await client.callTool({
      name: 'send_review_message',
      arguments: { channelId, reviewType: 'approval', reviewPayload: { options: 'yes' } },
    }),
  );
  expect(invalid.isError).toBe(true);
  expect(invalid.text).toMatch(/^INVALID_REVIEW_PAYLOAD: [\s\S]*review\.payload\.options/);
}
