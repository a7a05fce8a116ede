import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { PluginManifest } from '@placet/core/contract';
import { AgentStatus, ChannelCreate, MessageCreate, StatusPing } from '@placet/core/contract';
import type { ToolContext } from '../options.js';
import { attempt, jsonResult, pending } from '../result.js';
import { channelArg, channelOf, expiresInSecondsArg } from './channel-arg.js';
import { argFromJsonSchema } from './json-schema.js';

/** The tool that sends a plugin's freeform message: `send_<name with underscores>_message`, as the original names it. */
export function pluginToolName(plugin: string): string {
  return `send_${plugin.replace(/[^A-Za-z0-9_]/g, '_')}_message`;
}

/** `list_channels`, `create_channel`, `ping_status`, `list_plugins`. */
export function registerChannelTools(server: McpServer, ctx: ToolContext): void {
  const { client } = ctx;
  const create = ChannelCreate.shape;

  server.registerTool(
    'list_channels',
    {
      title: 'List channels',
      description: 'The channels (agents) this API key can use, with their status.',
      annotations: { readOnlyHint: true },
    },
    () => attempt(async () => jsonResult(await client.channels.list())),
  );

  server.registerTool(
    'create_channel',
    {
      title: 'Create a channel',
      description: 'Creates a channel (an agent identity with its own conversation in the inbox).',
      inputSchema: {
        name: create.name.describe('The name the human sees.'),
        description: create.description.describe('What this agent does.'),
        webhookUrl: create.webhookUrl.describe(
          'A URL that receives this channel’s events (signed webhooks).',
        ),
      },
    },
    (body) => attempt(async () => jsonResult(await client.channels.create(body))),
  );

  server.registerTool(
    'ping_status',
    {
      title: 'Report status',
      description:
        'Reports the agent’s status (active, busy, error, offline), shown to humans; also a heartbeat.',
      inputSchema: {
        agentId: StatusPing.shape.agentId.describe('The channel (agent) id.'),
        status: AgentStatus,
        message: StatusPing.shape.message.describe('A short status line.'),
      },
      annotations: { idempotentHint: true },
    },
    ({ agentId, status, message }) =>
      attempt(async () =>
        jsonResult(await client.heartbeat(agentId, status, message === undefined ? {} : { message })),
      ),
  );

  server.registerTool(
    'list_plugins',
    {
      title: 'List plugins',
      description:
        'The review types this server has, each with the JSON Schema of its payload and response, and the renderer plugins with their inputSchema.',
      annotations: { readOnlyHint: true },
    },
    () => attempt(async () => jsonResult(await client.plugins.list())),
  );
}

/**
 * One `send_<plugin>_message` per plugin with an `inputSchema`. Registered after every other tool: a
 * plugin whose tool name is taken (`review` would make `send_review_message`; `a-b` and `a_b` make the
 * same name) gets no tool rather than stopping the server.
 */
export function registerPluginTools(
  server: McpServer,
  ctx: ToolContext,
  manifests: readonly PluginManifest[],
): void {
  const { client } = ctx;
  for (const manifest of manifests) {
    const { inputSchema, name: plugin } = manifest;
    if (!inputSchema) continue;
    const name = pluginToolName(plugin);
    registerUnlessTaken(() =>
      server.registerTool(
        name,
        {
          title: `Send a ${manifest.displayName} message`,
          description: `${manifest.description ?? manifest.displayName}. Sends a freeform review that the "${plugin}" plugin renders from pluginData.`,
          inputSchema: {
            channelId: channelArg(ctx),
            text: MessageCreate.shape.text.describe('A message shown with it, in markdown.'),
            pluginData: argFromJsonSchema(inputSchema, `What the ${plugin} plugin renders.`),
            expiresInSeconds: expiresInSecondsArg,
          },
        },
        ({ channelId, text, pluginData, expiresInSeconds }) =>
          attempt(async () => {
            const review = {
              type: 'freeform',
              // `plugin` last: pluginData cannot address another renderer.
              payload: { ...(pluginData as Record<string, unknown>), plugin },
              ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }),
            };
            const message = await client.messages.send({
              channelId: channelOf(ctx, channelId),
              ...(text === undefined ? {} : { text }),
              review,
            });
            return jsonResult(pending(message));
          }),
      ),
    );
  }
}

/**
 * Registers a tool unless its name is taken by one registered before (the server's own, or another
 * plugin's): the SDK refuses a second tool of a name, and that plugin then gets none.
 */
function registerUnlessTaken(register: () => void): void {
  try {
    register();
  } catch (error) {
    if (!(error instanceof Error && /already registered/.test(error.message))) throw error;
  }
}
