import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type PlacetServer, respond, startPlacet } from './harness.js';

/**
 * The `ts` blocks of docs/guides/agents.md, run as one program, in order (written to test/.docs-run/, so
 * that the packages resolve as from this package, and removed after), against a real server where a fake
 * human answers. The elicitation block's `deployServer` is an MCP server of this test that elicits.
 */
const GUIDE = fileURLToPath(new URL('../../../docs/guides/agents.md', import.meta.url));
const WORK = fileURLToPath(new URL('./.docs-run/', import.meta.url));

function tsBlocks(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/\n```ts\n([\s\S]*?)\n```\n/g)].map((m) => m[1] ?? '');
}

/** The blocks as one module: imports hoisted (deduplicated), the rest in order. */
function program(blocks: string[]): string {
  const imports = new Set<string>();
  const body = blocks.join('\n').replace(/^import [^;]+;\n/gm, (line) => {
    imports.add(line.trim());
    return '';
  });
  const prelude = `import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';\nconst deployServer = (globalThis as { placetDocsServer?: Transport }).placetDocsServer!;\n`;
  return `${[...imports].join('\n')}\n${prelude}${body}\nexport {};\n`;
}

let placet: PlacetServer;
beforeAll(async () => {
  placet = await startPlacet();
  mkdirSync(WORK, { recursive: true });
});
afterAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  await placet.close();
});

/** An MCP server whose `deploy` tool elicits where to deploy. */
async function deployer() {
  const server = new McpServer({ name: 'deployer', version: '1.0.0' });
  server.registerTool('deploy', { description: 'Deploys' }, async () => {
    const answer = await server.server.elicitInput({
      message: 'Where to?',
      requestedSchema: {
        type: 'object',
        properties: { environment: { type: 'string', enum: ['staging', 'production'] } },
        required: ['environment'],
      },
    });
    const where = answer.action === 'accept' ? String(answer.content?.environment) : answer.action;
    return { content: [{ type: 'text', text: `deployed to ${where}` }] };
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return clientSide;
}

describe('docs/guides/agents.md', () => {
  it('its MCP client configuration is the one examples/agents/mcp.json holds (run by the example tests)', () => {
    const [block] = [...readFileSync(GUIDE, 'utf8').matchAll(/\n```json\n([\s\S]*?)\n```\n/g)].map(
      (m) => m[1] ?? '',
    );
    const example = fileURLToPath(new URL('../../../examples/agents/mcp.json', import.meta.url));
    const shown = JSON.parse(block ?? '{}').mcpServers.placet;
    const tested = JSON.parse(readFileSync(example, 'utf8')).mcpServers.placet;
    expect({ command: shown.command, args: shown.args }).toEqual({
      command: tested.command,
      args: tested.args,
    });
    expect(Object.keys(tested.env)).toEqual(expect.arrayContaining(Object.keys(shown.env)));
  });

  it('every ts block runs, as one program, against a real server', { timeout: 60_000 }, async () => {
    const blocks = tsBlocks(GUIDE);
    expect(blocks.length).toBe(3);
    const file = join(WORK, 'guide.ts');
    writeFileSync(file, program(blocks));
    (globalThis as { placetDocsServer?: unknown }).placetDocsServer = await deployer();
    placet.answer((review) => {
      if (review.type === 'approval') {
        const [first] = review.payload.options as { id: string }[];
        return respond({ selectedOption: first?.id });
      }
      if (review.type === 'form') return respond({ environment: 'production' });
      return undefined;
    });
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      logged.push(args.join(' '));
    });
    vi.stubEnv('PLACET_URL', placet.url);
    vi.stubEnv('PLACET_API_KEY', placet.apiKey);
    vi.stubEnv('PLACET_CHANNEL_ID', placet.channelId);
    vi.stubEnv('MCP_PORT', '0');
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      log.mockRestore();
      vi.unstubAllEnvs();
      delete (globalThis as { placetDocsServer?: unknown }).placetDocsServer;
    }
    expect(logged).toEqual([
      'the human chose deploy',
      '14 tools, ask_human among them: true',
      'completed: publish',
      'deployed to production',
    ]);
  });
});
