import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createClient } from '@placet/client';
import {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_PROGRESS_INTERVAL_MS,
  MAX_CONNECTION_TIMEOUT_MS,
  type PlacetMcpOptions,
  type ToolContext,
} from './options.js';
import { registerChannelTools, registerPluginTools } from './tools/channels.js';
import { registerMessageTools } from './tools/messages.js';
import { registerReviewTools } from './tools/reviews.js';

/** The server's name and version in the MCP handshake. */
export const SERVER_INFO = { name: 'placet', version: '0.1.0' } as const;

const INSTRUCTIONS = `Placet is an inbox where humans answer AI agents. Ask a human with ask_human (one call: it waits for the answer), or send_review_message then wait_for_review. Humans may take minutes or hours: a wait that answers { "status": "timeout" } is not an answer; call wait_for_review again with the same messageId. Use send_message for updates that need no answer.`;

/**
 * An MCP server whose tools act on Placet with one API key: the original Placet MCP server's tools, with
 * the same names and arguments (`send_message`, `send_review_message`, `wait_for_review`, …), plus
 * `ask_human` (ask and wait in one call, its `review` argument generated from the server's review types)
 * and a `send_<plugin>_message` tool per plugin that publishes an `inputSchema`. It reads the server's
 * plugin manifests once, here: connect it to any MCP transport (stdio, Streamable HTTP).
 */
export async function createPlacetMcpServer(options: PlacetMcpOptions): Promise<McpServer> {
  const client = createClient({
    url: options.url,
    apiKey: options.apiKey,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const ctx: ToolContext = {
    client,
    defaultChannel: options.defaultChannel || undefined,
    connectionTimeoutMs: Math.min(
      MAX_CONNECTION_TIMEOUT_MS,
      Math.max(1000, options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS),
    ),
    progressIntervalMs: options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
  };
  let manifests: Awaited<ReturnType<typeof client.plugins.list>>;
  try {
    manifests = await client.plugins.list();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Could not read the plugins of the Placet server at ${client.baseUrl}: ${reason}`, {
      cause: error,
    });
  }
  const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
  registerChannelTools(server, ctx);
  registerMessageTools(server, ctx);
  registerReviewTools(server, ctx, manifests);
  // Last: a plugin whose tool name is taken (by a tool above or another plugin) gets none.
  registerPluginTools(server, ctx, manifests);
  return server;
}
