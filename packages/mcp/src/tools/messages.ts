import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { MAX_MESSAGE_PAGE_SIZE, MessageCreate, z } from '@placet/core/contract';
import type { ToolContext } from '../options.js';
import { attempt, jsonResult } from '../result.js';
import { channelArg, channelOf, messageIdArg } from './channel-arg.js';

const fields = MessageCreate.shape;

/** `send_message`, `get_messages`, `get_message`, `delete_message`, `get_iteration_chain`. */
export function registerMessageTools(server: McpServer, ctx: ToolContext): void {
  const { client } = ctx;

  server.registerTool(
    'send_message',
    {
      title: 'Send a message',
      description:
        'Sends a message (markdown) to the human in a channel, without waiting for an answer. Use send_review_message or ask_human to ask for a decision.',
      inputSchema: {
        channelId: channelArg(ctx),
        text: fields.text.describe('The message, in markdown.'),
        status: fields.status.describe('How the message is shown: info, success, warning or error.'),
        metadata: fields.metadata.describe('Any JSON object kept with the message.'),
        iterationOf: fields.iterationOf.describe('The id of a message this one is a new version of.'),
      },
    },
    ({ channelId, ...body }) =>
      attempt(async () => {
        const message = await client.messages.send({ channelId: channelOf(ctx, channelId), ...body });
        // As the original's tool: the agent has what it sent.
        await client.messages.ack(message.id, message.channelId);
        return jsonResult(message);
      }),
  );

  server.registerTool(
    'get_messages',
    {
      title: 'List messages',
      description: 'Lists the messages of a channel, newest first, a page at a time (nextCursor).',
      inputSchema: {
        channelId: channelArg(ctx),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_MESSAGE_PAGE_SIZE)
          .optional()
          .describe('Page size (default 50).'),
        cursor: z.string().optional().describe('nextCursor of the previous page.'),
        search: z.string().max(500).optional().describe('Only messages whose text contains this.'),
      },
      annotations: { readOnlyHint: true },
    },
    ({ channelId, ...query }) =>
      attempt(async () =>
        jsonResult(await client.messages.list({ channel: channelOf(ctx, channelId), ...query })),
      ),
  );

  server.registerTool(
    'get_message',
    {
      title: 'Get a message',
      description: 'One message with its review (status, response) and attachments.',
      inputSchema: { messageId: messageIdArg, channelId: channelArg(ctx) },
      annotations: { readOnlyHint: true },
    },
    ({ messageId, channelId }) =>
      attempt(async () => jsonResult(await client.messages.get(messageId, channelOf(ctx, channelId)))),
  );

  server.registerTool(
    'delete_message',
    {
      title: 'Delete a message',
      description: 'Deletes a message (and its review). A message with later iterations cannot be deleted.',
      inputSchema: { messageId: messageIdArg, channelId: channelArg(ctx) },
      annotations: { destructiveHint: true, idempotentHint: true },
    },
    ({ messageId, channelId }) =>
      attempt(async () => jsonResult(await client.messages.delete(messageId, channelOf(ctx, channelId)))),
  );

  server.registerTool(
    'get_iteration_chain',
    {
      title: 'Get the versions of a message',
      description: 'Every version of a message (iterationOf), oldest first, with each one’s review.',
      inputSchema: { messageId: messageIdArg, channelId: channelArg(ctx) },
      annotations: { readOnlyHint: true },
    },
    ({ messageId, channelId }) =>
      attempt(async () => jsonResult(await client.messages.iterations(messageId, channelOf(ctx, channelId)))),
  );
}
