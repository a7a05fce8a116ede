#!/usr/bin/env -S npx tsx
// A headless MCP client whose servers' elicitations are answered by a human in Placet.
//
// An MCP server may ask its client for input mid-task (`elicitation/create`: "which environment?").
// A headless agent has nobody at a chat window to answer; with placetElicitation the question becomes a
// form review in the Placet inbox, and the human's answer goes back to the server.
//
// The MCP server here is a small "deployer" in the same process (linked in memory, to keep the example
// one file); with a real one, connect the client to a StdioClientTransport or StreamableHTTPClientTransport.
//
//   PLACET_URL=http://127.0.0.1:3001 PLACET_API_KEY=hp_… PLACET_CHANNEL_ID=… npx tsx elicitation-agent.ts
//
// Exit status: 0 the human answered, 1 a request failed, 2 configuration missing, 3 declined or expired.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { placetElicitation } from '@placet/mcp';

const url = process.env.PLACET_URL;
const apiKey = process.env.PLACET_API_KEY || process.env.API_KEY;
const channel = process.env.PLACET_CHANNEL_ID;

const missing = [
  !url && 'PLACET_URL (e.g. http://127.0.0.1:3001)',
  !apiKey && 'PLACET_API_KEY (or API_KEY): the hp_… key the server printed',
  !channel && 'PLACET_CHANNEL_ID: the id of a channel (POST /api/v1/agents)',
].filter(Boolean);
if (!url || !apiKey || !channel) {
  console.error(
    `elicitation-agent: missing environment variables:\n  ${missing.join('\n  ')}\nSee examples/agents/README.md.`,
  );
  process.exit(2);
}

/** The MCP server: a `deploy` tool that asks its client where and how to deploy before it does. */
function deployer(): McpServer {
  const server = new McpServer({ name: 'deployer', version: '1.0.0' });
  server.registerTool('deploy', { description: 'Deploys the current build' }, async () => {
    // A human may take hours: the elicitation waits as long as its review may stay open (36 h at most).
    const answer = await server.server.elicitInput(
      {
        message: 'Where should build **#4512** go?',
        requestedSchema: {
          type: 'object',
          properties: {
            environment: { type: 'string', title: 'Environment', enum: ['staging', 'production'] },
            replicas: { type: 'integer', title: 'Replicas', minimum: 1, maximum: 10, default: 2 },
            notify: { type: 'boolean', title: 'Notify the team', default: true },
          },
          required: ['environment', 'replicas'],
        },
      },
      { timeout: 36 * 3600_000 },
    );
    if (answer.action !== 'accept')
      return { content: [{ type: 'text', text: `Not deployed (${answer.action}).` }] };
    const { environment, replicas, notify } = answer.content ?? {};
    const text = `Deployed #4512 to ${environment} with ${replicas} replicas${notify ? ', team notified' : ''}.`;
    return { content: [{ type: 'text', text }] };
  });
  return server;
}

async function main(): Promise<number> {
  const client = new Client({ name: 'nightly-agent', version: '1.0.0' });
  placetElicitation({ url: url as string, apiKey: apiKey as string, channel: channel as string }).install(
    client,
  );

  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await deployer().connect(serverSide);
  await client.connect(clientSide);
  try {
    console.log('Calling deploy; its question is waiting in the Placet inbox…');
    // A human may take a while: no request timeout while the server waits for its elicitation.
    const result = await client.callTool({ name: 'deploy', arguments: {} }, undefined, {
      timeout: 36 * 3600_000,
    });
    const text = (result.content as { type: string; text: string }[])[0]?.text ?? '';
    if (result.isError) {
      console.error(`elicitation-agent: ${text}`);
      return 1;
    }
    console.log(text);
    return text.startsWith('Deployed') ? 0 : 3;
  } finally {
    await client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`elicitation-agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
