import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isPlacetClientError } from '@placet/client';
import type { PlacetMcpOptions } from './options.js';
import { createPlacetMcpServer } from './server.js';

/** Options of {@link placetMcpHttp}: each session brings its own API key (`x-api-key`). */
export interface PlacetMcpHttpOptions extends Omit<PlacetMcpOptions, 'apiKey'> {
  /** Sessions open at once; a new one beyond it is answered 503. Default 100. */
  maxSessions?: number;
  /** A session without a request for this long is closed. Default 30 minutes. */
  sessionIdleMs?: number;
}

/** A Node `(req, res)` handler of MCP's Streamable HTTP transport, mountable in Express or `node:http`. */
export interface PlacetMcpHttpHandler {
  (req: IncomingMessage & { body?: unknown }, res: ServerResponse): Promise<void>;
  /** Sessions open now (the original's `GET /health` reports it). */
  sessions(): number;
  /** Closes every session. */
  close(): Promise<void>;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  apiKey: string;
  idle: ReturnType<typeof setTimeout> | undefined;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The JSON-RPC error body MCP clients expect from a refused HTTP request. */
function rpcError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

function sameKey(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Placet's MCP server over Streamable HTTP, as the original serves it: a session starts with an
 * `initialize` POST that carries the agent's API key in `x-api-key` (401 `x-api-key header required`
 * otherwise), gets an `mcp-session-id`, and is served by its own MCP server and client for that key.
 * Later requests of the session must carry the same key when they carry one (403 otherwise).
 *
 * ```ts
 * const mcp = placetMcpHttp({ url: 'http://127.0.0.1:3000' });
 * app.all('/mcp', (req, res) => mcp(req, res));
 * ```
 */
export function placetMcpHttp(options: PlacetMcpHttpOptions): PlacetMcpHttpHandler {
  const sessions = new Map<string, Session>();
  const maxSessions = options.maxSessions ?? 100;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;

  function touch(id: string, session: Session): void {
    if (session.idle) clearTimeout(session.idle);
    session.idle = setTimeout(() => void session.transport.close(), idleMs);
    session.idle.unref();
    sessions.set(id, session);
  }

  async function open(apiKey: string, req: IncomingMessage & { body?: unknown }, res: ServerResponse) {
    if (sessions.size >= maxSessions) return rpcError(res, 503, 'Too many MCP sessions; try again later');
    let server: McpServer;
    try {
      server = await createPlacetMcpServer({ ...options, apiKey });
    } catch (error) {
      // The manifests are read as the session opens: a key the Placet server refuses opens none.
      const cause = error instanceof Error ? error.cause : undefined;
      if (isPlacetClientError(cause) && cause.status === 401) {
        return rpcError(res, 401, 'The Placet server refused this API key');
      }
      return rpcError(res, 502, error instanceof Error ? error.message : String(error));
    }
    const session: Session = { server, apiKey, idle: undefined, transport: undefined as never };
    session.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => touch(id, session),
    });
    session.transport.onclose = () => {
      const id = session.transport.sessionId;
      if (session.idle) clearTimeout(session.idle);
      if (id) sessions.delete(id);
      void server.close();
    };
    await server.connect(session.transport);
    await session.transport.handleRequest(req, res, req.body);
    // Not an `initialize` request: the transport refused it and no session exists.
    if (!session.transport.sessionId) await server.close();
  }

  const handler = (async (req, res) => {
    const header = req.headers['x-api-key'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    const sessionId = req.headers['mcp-session-id'];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    if (!id) {
      if (req.method !== 'POST')
        return rpcError(res, 400, 'No MCP session: start one with an initialize POST');
      if (!apiKey) return rpcError(res, 401, 'x-api-key header required');
      return open(apiKey, req, res);
    }
    const session = sessions.get(id);
    if (!session) return rpcError(res, 404, 'Unknown or closed MCP session: start a new one');
    if (apiKey !== undefined && !sameKey(apiKey, session.apiKey)) {
      return rpcError(res, 403, 'This MCP session belongs to another API key');
    }
    touch(id, session);
    await session.transport.handleRequest(req, res, req.body);
  }) as PlacetMcpHttpHandler;
  handler.sessions = () => sessions.size;
  handler.close = async () => {
    await Promise.all([...sessions.values()].map((session) => session.transport.close()));
    sessions.clear();
  };
  return handler;
}
