import { createServer, type Server } from 'node:http';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PlacetMcpHttpHandler, placetMcpHttp } from '../src/index.js';
import { listen, mcpClient, type PlacetServer, port, respond, startPlacet, toolJson } from './harness.js';
import { ALL_TOOLS, exerciseEveryTool } from './tool-walk.js';

let placet: PlacetServer;
let mcp: PlacetMcpHttpHandler;
let http: Server;
let endpoint: URL;
const clients: Client[] = [];

beforeAll(async () => {
  placet = await startPlacet();
  mcp = placetMcpHttp({ url: placet.url, progressIntervalMs: 200 });
  http = await listen(createServer((req, res) => void mcp(req, res)));
  endpoint = new URL(`http://127.0.0.1:${port(http)}/mcp`);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});
afterAll(async () => {
  await mcp.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await placet.close();
});

function connect(apiKey = placet.apiKey) {
  const transport = new StreamableHTTPClientTransport(endpoint, {
    requestInit: { headers: { 'x-api-key': apiKey } },
  });
  return mcpClient(transport).then((client) => {
    clients.push(client);
    return client;
  });
}

describe('Streamable HTTP (placetMcpHttp)', () => {
  it('lists the tools and runs each against a real server', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([...ALL_TOOLS].sort());
    await exerciseEveryTool(client, placet);
    expect(mcp.sessions()).toBe(1);
  });

  it('completes a wait longer than the client’s request timeout: progress notifications reset it', async () => {
    const client = await connect();
    const human = placet.answer(() => ({
      kind: 'after',
      ms: 1500,
      answer: respond({ selectedOption: 'ship' }),
    }));
    const sent = toolJson(
      await client.callTool({
        name: 'send_review_message',
        arguments: {
          channelId: placet.channelId,
          text: 'Ship it?',
          reviewType: 'approval',
          reviewPayload: { options: [{ id: 'ship', label: 'Ship' }] },
        },
      }),
    ).value as { messageId: string };
    const wait = {
      name: 'wait_for_review',
      arguments: { messageId: sent.messageId, channelId: placet.channelId },
    };

    // Without resetting on progress, a 500 ms request timeout ends the call: the wait is longer.
    await expect(client.callTool(wait, undefined, { timeout: 500 })).rejects.toThrow(/timed out/i);

    // The human has not answered yet: the same wait again, resetting the timeout on each progress.
    const progress: string[] = [];
    const result = await client.callTool(wait, undefined, {
      timeout: 500,
      resetTimeoutOnProgress: true,
      onprogress: (p) => progress.push(p.message ?? ''),
    });
    expect(toolJson(result).value).toMatchObject({
      status: 'completed',
      response: { selectedOption: 'ship' },
    });
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress[0]).toMatch(/^Waiting for review… \(elapsed: \d+s\)$/);
    expect(human.answered).toHaveLength(1);
  });

  it('refuses a session without an API key, a session of another key, and an unknown session', async () => {
    const initialize = {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl', version: '1' } },
    };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const noKey = await fetch(endpoint, { method: 'POST', headers, body: JSON.stringify(initialize) });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toMatchObject({ error: { message: 'x-api-key header required' } });

    const client = await connect();
    const sessionId = (client.transport as StreamableHTTPClientTransport).sessionId as string;
    const other = await placet.otherKey();
    const stolen = await fetch(endpoint, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': other, 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(stolen.status).toBe(403);

    // The session id alone is not a credential: every request carries the key.
    const keyless = await fetch(endpoint, {
      method: 'POST',
      headers: { ...headers, 'mcp-session-id': sessionId },
      body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
    });
    expect(keyless.status).toBe(401);

    const unknown = await fetch(endpoint, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': placet.apiKey, 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'tools/list' }),
    });
    expect(unknown.status).toBe(404);

    // A web page (DNS rebinding onto the loopback) is refused before anything else.
    const fromPage = await fetch(endpoint, {
      method: 'POST',
      headers: { ...headers, 'x-api-key': placet.apiKey, origin: 'http://attacker.example' },
      body: JSON.stringify(initialize),
    });
    expect(fromPage.status).toBe(403);
  });

  it('bounds the sessions of one key', async () => {
    const bounded = placetMcpHttp({ url: placet.url, maxSessionsPerKey: 1 });
    const server = await listen(createServer((req, res) => void bounded(req, res)));
    const url = new URL(`http://127.0.0.1:${port(server)}/mcp`);
    const open = () =>
      mcpClient(
        new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-api-key': placet.apiKey } } }),
      );
    try {
      const first = await open();
      await expect(open()).rejects.toThrow(/429|Too many MCP sessions for this API key/);
      // Ending the first session (DELETE) frees its slot.
      await (first.transport as StreamableHTTPClientTransport).terminateSession();
      await first.close();
      await expect.poll(() => bounded.sessions()).toBe(0);
      const second = await open();
      expect(bounded.sessions()).toBe(1);
      await second.close();
    } finally {
      await bounded.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('a key the Placet server refuses opens no session (401)', async () => {
    const refused = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'x-api-key': `hp_${'0'.repeat(48)}`,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'curl', version: '1' },
        },
      }),
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({
      error: { message: 'The Placet server refused this API key' },
    });
  });
});

describe('each session has its own key', () => {
  it('another user’s key sees its own channels only', async () => {
    const other = await connect(await placet.otherKey());
    const channels = toolJson(await other.callTool({ name: 'list_channels', arguments: {} })).value;
    expect(channels).toEqual([]);
    const read = toolJson(
      await other.callTool({ name: 'get_pending_reviews', arguments: { channelId: placet.channelId } }),
    );
    expect(read.isError).toBe(true);
    expect(read.text).toMatch(/^NOT_FOUND: /);
  });
});
