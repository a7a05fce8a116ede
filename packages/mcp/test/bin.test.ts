import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mcpClient, type PlacetServer, startPlacet } from './harness.js';
import { ALL_TOOLS, exerciseEveryTool } from './tool-walk.js';

/** The published command, as `npx @placet/mcp` runs it (over dist/, built by `npm install` / `npm run build`). */
const BIN = fileURLToPath(new URL('../bin/placet-mcp.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

let placet: PlacetServer;
/** The newest modification time of the files under `dir`. */
function newest(dir: string): number {
  return Math.max(
    ...readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => statSync(join(entry.parentPath, entry.name)).mtimeMs),
  );
}

beforeAll(async () => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  if (newest(src) > statSync(BUILT).mtimeMs)
    throw new Error(`${BUILT} is older than src/: run npm run build first`);
  placet = await startPlacet();
});
afterAll(() => placet.close());

const bareEnv = () => ({ PATH: process.env.PATH ?? '' });

describe('placet-mcp', () => {
  it('--help prints the usage; a missing PLACET_API_URL exits 2 and says what to set', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { env: bareEnv(), encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('placet-mcp --stdio');
    expect(help.stdout).toContain('PLACET_API_URL');

    const missing = spawnSync(process.execPath, [BIN, '--stdio'], { env: bareEnv(), encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('Set PLACET_API_URL');

    const noKey = spawnSync(process.execPath, [BIN, '--stdio'], {
      env: { ...bareEnv(), PLACET_API_URL: placet.url },
      encoding: 'utf8',
    });
    expect(noKey.status).toBe(2);
    expect(noKey.stderr).toContain('Set PLACET_API_KEY');
  });

  it('over stdio, the real MCP client lists the tools and runs each against a real server', async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, '--stdio'],
      env: { ...bareEnv(), PLACET_API_URL: placet.url, PLACET_API_KEY: placet.apiKey },
      stderr: 'pipe',
    });
    const client = await mcpClient(transport);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'placet' });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual([...ALL_TOOLS].sort());
      await exerciseEveryTool(client, placet);
    } finally {
      await client.close();
    }
  });

  it('over stdio, exits when the client closes its stdin', async () => {
    const child = spawn(process.execPath, [BIN, '--stdio'], {
      env: { ...bareEnv(), PLACET_API_URL: placet.url, PLACET_API_KEY: placet.apiKey },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await expect.poll(() => stderr).toContain('over stdio');
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it('over HTTP: binds to 127.0.0.1, answers /health with the open sessions, serves MCP at MCP_PATH', async () => {
    const child = spawn(process.execPath, [BIN], {
      env: { ...bareEnv(), PLACET_API_URL: placet.url, MCP_PORT: '0', MCP_PATH: '/agents/mcp' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    try {
      const url = await listeningUrl(child);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.pathname).toBe('/agents/mcp');
      expect(await (await fetch(new URL('/health', url))).json()).toEqual({ status: 'ok', sessions: 0 });
      const client = await mcpClient(
        new StreamableHTTPClientTransport(url, { requestInit: { headers: { 'x-api-key': placet.apiKey } } }),
      );
      const channels = await client.callTool({ name: 'list_channels', arguments: {} });
      expect(JSON.stringify(channels)).toContain(placet.channelId);
      expect(await (await fetch(new URL('/health', url))).json()).toEqual({ status: 'ok', sessions: 1 });
      await client.close();
    } finally {
      child.kill();
    }
  });
});

/** The URL the HTTP server prints once it listens. */
function listeningUrl(child: ChildProcess): Promise<URL> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = / at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(new URL(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`placet-mcp exited (${code}): ${output}`)));
  });
}
