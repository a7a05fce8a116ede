import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { placetMcpHttp } from './http.js';
import { DEFAULT_CONNECTION_TIMEOUT_MS, MAX_CONNECTION_TIMEOUT_MS } from './options.js';
import { createPlacetMcpServer } from './server.js';

export const USAGE = `placet-mcp — Placet's MCP server: agents ask humans through Placet from any MCP client.

Usage:
  placet-mcp --stdio        serve one client over stdin/stdout (the key comes from PLACET_API_KEY)
  placet-mcp                serve MCP over Streamable HTTP at http://MCP_HOST:MCP_PORT/MCP_PATH
                            (each session sends its API key in the x-api-key header)
  placet-mcp --help

Environment:
  PLACET_API_URL             the Placet server (required), e.g. http://127.0.0.1:3001
  PLACET_API_KEY             the agent's API key (hp_…), required with --stdio
  PLACET_DEFAULT_CHANNEL     the channel tools use when a call names none
  MCP_TRANSPORT              "stdio" is the same as --stdio
  MCP_HOST                   HTTP address to bind (default 127.0.0.1)
  MCP_PORT                   HTTP port (default 3002)
  MCP_PATH                   HTTP path (default /mcp); GET /health answers { status, sessions }
  MCP_CONNECTION_TIMEOUT_MS  how long a tool waits for a human before answering "timeout" (default ${DEFAULT_CONNECTION_TIMEOUT_MS}, at most ${MAX_CONNECTION_TIMEOUT_MS})

An MCP client configuration (stdio):
  { "mcpServers": { "placet": { "command": "npx", "args": ["-y", "@placet/mcp", "--stdio"],
      "env": { "PLACET_API_URL": "http://127.0.0.1:3001", "PLACET_API_KEY": "hp_…" } } } }`;

/** What `placet-mcp` serves, and how. */
export interface ServeConfig {
  mode: 'stdio' | 'http';
  url: string;
  apiKey: string | undefined;
  defaultChannel: string | undefined;
  connectionTimeoutMs: number;
  host: string;
  port: number;
  path: string;
}

export type CliConfig = { mode: 'help' } | ServeConfig;

/** The configuration from arguments and environment, or an error that says what to set. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliConfig {
  if (argv.includes('--help') || argv.includes('-h')) return { mode: 'help' };
  const unknown = argv.filter((arg) => arg !== '--stdio');
  if (unknown.length > 0) throw new Error(`Unknown argument ${unknown[0]}; see placet-mcp --help`);
  const mode = argv.includes('--stdio') || env.MCP_TRANSPORT === 'stdio' ? 'stdio' : 'http';
  const url = env.PLACET_API_URL;
  if (!url)
    throw new Error('Set PLACET_API_URL to your Placet server, e.g. PLACET_API_URL=http://127.0.0.1:3001');
  try {
    new URL(url);
  } catch {
    throw new Error(`PLACET_API_URL is not a URL: ${url}`);
  }
  const apiKey = env.PLACET_API_KEY || undefined;
  if (mode === 'stdio' && !apiKey)
    throw new Error('Set PLACET_API_KEY to the agent’s API key (hp_…) for --stdio');
  const number = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
      throw new Error(`${name} must be an integer from ${min} to ${max}, not "${raw}"`);
    return value;
  };
  const path = env.MCP_PATH || '/mcp';
  if (!path.startsWith('/')) throw new Error(`MCP_PATH must start with "/", not "${path}"`);
  return {
    mode,
    url,
    apiKey,
    defaultChannel: env.PLACET_DEFAULT_CHANNEL || undefined,
    connectionTimeoutMs: number(
      'MCP_CONNECTION_TIMEOUT_MS',
      DEFAULT_CONNECTION_TIMEOUT_MS,
      1000,
      MAX_CONNECTION_TIMEOUT_MS,
    ),
    host: env.MCP_HOST || '127.0.0.1',
    port: number('MCP_PORT', 3002, 0, 65_535),
    path,
  };
}

/** Serves MCP over stdio until stdin closes. Logs go to stderr: stdout carries the protocol. */
export async function serveStdio(config: ServeConfig): Promise<void> {
  const server = await createPlacetMcpServer({
    url: config.url,
    apiKey: config.apiKey as string,
    connectionTimeoutMs: config.connectionTimeoutMs,
    ...(config.defaultChannel ? { defaultChannel: config.defaultChannel } : {}),
  });
  await server.connect(new StdioServerTransport());
  // The client went away: stop waiting (nobody reads the answers) and exit.
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.once('end', shutdown).once('close', shutdown);
  process.stdout.on('error', shutdown);
  process.stderr.write(`placet-mcp: serving ${config.url} over stdio\n`);
}

/** Serves MCP over Streamable HTTP (and `GET /health`); resolves with the listening server. */
export async function serveHttp(config: ServeConfig): Promise<Server> {
  const mcp = placetMcpHttp({
    url: config.url,
    connectionTimeoutMs: config.connectionTimeoutMs,
    onError: (error) =>
      process.stderr.write(`placet-mcp: ${error instanceof Error ? error.message : String(error)}\n`),
    ...(config.defaultChannel ? { defaultChannel: config.defaultChannel } : {}),
  });
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/health' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', sessions: mcp.sessions() }));
      return;
    }
    if (path !== config.path) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    mcp(req, res).catch((error: unknown) => {
      process.stderr.write(`placet-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('close', () => void mcp.close());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  process.stderr.write(`placet-mcp: serving ${config.url} at http://${address}:${port}${config.path}\n`);
  return server;
}

/** `placet-mcp`: parses the configuration and serves; a configuration error exits 2 with what to do. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCli(argv, env);
  } catch (error) {
    process.stderr.write(`placet-mcp: ${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  if (config.mode === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    if (config.mode === 'stdio') await serveStdio(config);
    else await serveHttp(config);
  } catch (error) {
    process.stderr.write(`placet-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
