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
  /** Sessions open at once with one API key. Default 10. */
  maxSessionsPerKey?: number;
  /** A session without a request in flight for this long is closed. Default 30 minutes. */
  sessionIdleMs?: number;
  /**
   * Browser origins allowed to call (the `Origin` header). MCP clients are not browsers and send none;
   * a request from any other origin is refused (403), so a web page cannot reach a server on the
   * loopback by DNS rebinding. Default: none.
   */
  allowedOrigins?: readonly string[];
  /** Told when a session cannot be opened because the Placet server failed (the caller gets a plain 502). */
  onError?: (error: unknown) => void;
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
  /** Requests of the session being served; the idle timer runs only when there are none. */
  inflight: number;
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
 * Every later request of the session carries the same key (401 without, 403 with another one): the
 * session id is not a credential. Requests from browser origins not in `allowedOrigins` are refused.
 *
 * ```ts
 * const mcp = placetMcpHttp({ url: 'http://127.0.0.1:3001' });
 * app.all('/mcp', (req, res) => mcp(req, res));
 * ```
 */
export function placetMcpHttp(options: PlacetMcpHttpOptions): PlacetMcpHttpHandler {
  const sessions = new Map<string, Session>();
  /** Sessions open or opening, in all and per key (a slot is taken before the first `await`). */
  let opening = 0;
  const perKey = new Map<string, number>();
  const maxSessions = options.maxSessions ?? 100;
  const maxPerKey = options.maxSessionsPerKey ?? 10;
  const idleMs = options.sessionIdleMs ?? 30 * 60_000;
  const origins = new Set(options.allowedOrigins ?? []);

  const release = (apiKey: string) => {
    const left = (perKey.get(apiKey) ?? 1) - 1;
    if (left > 0) perKey.set(apiKey, left);
    else perKey.delete(apiKey);
  };

  /** Serves one request of `session`, its idle timer stopped meanwhile. */
  async function serve(session: Session, req: IncomingMessage & { body?: unknown }, res: ServerResponse) {
    session.inflight++;
    if (session.idle) clearTimeout(session.idle);
    session.idle = undefined;
    res.once('close', () => {
      if (--session.inflight > 0) return;
      session.idle = setTimeout(() => void session.transport.close(), idleMs);
      session.idle.unref();
    });
    await session.transport.handleRequest(req, res, req.body);
  }

  async function open(apiKey: string, req: IncomingMessage & { body?: unknown }, res: ServerResponse) {
    if (sessions.size + opening >= maxSessions)
      return rpcError(res, 503, 'Too many MCP sessions; try again later');
    if ((perKey.get(apiKey) ?? 0) >= maxPerKey)
      return rpcError(
        res,
        429,
        `Too many MCP sessions for this API key (at most ${maxPerKey}); close one first`,
      );
    opening++;
    perKey.set(apiKey, (perKey.get(apiKey) ?? 0) + 1);
    let server: McpServer;
    try {
      server = await createPlacetMcpServer({ ...options, apiKey });
    } catch (error) {
      opening--;
      release(apiKey);
      // The manifests are read as the session opens: a key the Placet server refuses opens none.
      const cause = error instanceof Error ? error.cause : undefined;
      if (isPlacetClientError(cause) && cause.status === 401) {
        return rpcError(res, 401, 'The Placet server refused this API key');
      }
      options.onError?.(error);
      return rpcError(res, 502, 'The Placet server could not be reached; try again later');
    }
    const session: Session = { server, apiKey, inflight: 0, idle: undefined, transport: undefined as never };
    session.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, session);
      },
    });
    let released = false;
    session.transport.onclose = () => {
      const id = session.transport.sessionId;
      if (session.idle) clearTimeout(session.idle);
      if (id) sessions.delete(id);
      if (!released) release(apiKey);
      released = true;
      void server.close();
    };
    await server.connect(session.transport);
    try {
      await serve(session, req, res);
    } finally {
      opening--;
    }
    // Not an `initialize` request: the transport refused it and no session exists.
    if (!session.transport.sessionId) await session.transport.close();
  }

  const handler = (async (req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin))
      return rpcError(res, 403, `Origin ${origin} is not allowed`);
    const header = req.headers['x-api-key'];
    const apiKey = Array.isArray(header) ? header[0] : header;
    // Every request carries the key: a session id alone authenticates nothing.
    if (!apiKey) return rpcError(res, 401, 'x-api-key header required');
    const sessionId = req.headers['mcp-session-id'];
    const id = Array.isArray(sessionId) ? sessionId[0] : sessionId;
    if (!id) {
      if (req.method !== 'POST')
        return rpcError(res, 400, 'No MCP session: start one with an initialize POST');
      return open(apiKey, req, res);
    }
    const session = sessions.get(id);
    if (!session) return rpcError(res, 404, 'Unknown or closed MCP session: start a new one');
    if (!sameKey(apiKey, session.apiKey))
      return rpcError(res, 403, 'This MCP session belongs to another API key');
    await serve(session, req, res);
  }) as PlacetMcpHttpHandler;
  handler.sessions = () => sessions.size;
  handler.close = async () => {
    await Promise.all([...sessions.values()].map((session) => session.transport.close()));
    sessions.clear();
    perKey.clear();
  };
  return handler;
}
