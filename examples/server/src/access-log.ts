import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type pino from 'pino';
import { pinoHttp } from 'pino-http';

/** Query parameters whose values are credentials: never written to a log. */
const SECRET_PARAMETER = /key|token|ticket|secret|password|passwd|auth|session|signature|sig$|code$/i;

/** Paths probed by load balancers and scrapers every few seconds: logged at debug, not info. */
const PROBES = new Set(['/health', '/ready', '/metrics']);

/** A request id from the client (`X-Request-Id`, as proxies set it) is kept when it looks like one. */
const REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The URL as it may be logged: path and query, with the value of every credential-like parameter
 * (`apiKey`, `ticket`, `token`, …) replaced by `[redacted]`. Truncated to 300 characters.
 */
export function redactUrl(url: string | undefined, route?: string): string {
  const raw = redactPath(url ?? '/', route);
  const at = raw.indexOf('?');
  if (at < 0) return raw.slice(0, 300);
  const params = new URLSearchParams(raw.slice(at + 1));
  const shown = [...params]
    .map(
      ([name, value]) =>
        `${encodeURIComponent(name)}=${SECRET_PARAMETER.test(name) ? '[redacted]' : encodeURIComponent(value)}`,
    )
    .join('&');
  return `${raw.slice(0, at)}?${shown}`.slice(0, 300);
}

/**
 * The path with the segments of credential-like route parameters (`:token` of an e-mail's action link)
 * replaced by `[redacted]`: `route` is the matched template (`routeOf`), aligned with the path from the end.
 */
function redactPath(url: string, route: string | undefined): string {
  if (!route?.includes(':')) return url;
  const at = url.indexOf('?');
  const path = at < 0 ? url : url.slice(0, at);
  const segments = path.split('/');
  const template = route.split('/');
  if (segments.length !== template.length) return url;
  const shown = segments.map((segment, i) => {
    const name = /^:(\w+)$/.exec(template[i] ?? '')?.[1];
    return name && SECRET_PARAMETER.test(name) ? '[redacted]' : segment;
  });
  return `${shown.join('/')}${at < 0 ? '' : url.slice(at)}`;
}

/**
 * The route a request matched, as a template (`/api/v1/reviews/:id/wait`): bounded cardinality, fit for
 * metrics labels and for grouping log lines. `/api/v1/*` when a request was answered inside a router
 * before a route matched (a refused credential), `(no route)` when nothing matched (static files, 404s).
 */
export function routeOf(req: IncomingMessage): string {
  const r = req as Partial<Request>;
  const path = r.route?.path;
  // Refused before any route matched (authentication, a 404): the mount point, else nothing.
  if (path === undefined) return r.baseUrl ? `${r.baseUrl}/*` : '(no route)';
  return `${r.baseUrl ?? ''}${typeof path === 'string' ? path : String(path)}`;
}

/** The request id of a request (set by the access log; `X-Request-Id` of the response too). */
export function requestIdOf(req: IncomingMessage): string | undefined {
  const id = (req as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * One access-log line per request, when its response ends: method, route, redacted URL, status,
 * duration and request id (also sent as `X-Request-Id`), plus pid and hostname as on every line. Never
 * headers, cookies or bodies, and never a credential from the query string.
 */
export function accessLog(log: pino.Logger): RequestHandler {
  const fields = (req: IncomingMessage, res: ServerResponse) => ({
    method: req.method,
    route: routeOf(req),
    // Express rewrites `url` inside a router; `originalUrl` is what the client asked for.
    url: redactUrl((req as Partial<Request>).originalUrl ?? req.url, routeOf(req)),
    status: res.statusCode,
    remoteAddress: (req as Partial<Request>).ip ?? req.socket?.remoteAddress,
    // A client that went away before the answer: the status is what would have been sent.
    ...(res.writableFinished ? {} : { aborted: true }),
  });
  return pinoHttp({
    logger: log,
    quietReqLogger: true,
    quietResLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    genReqId(req, res) {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customLogLevel(req, res, error) {
      if (PROBES.has(((req as Partial<Request>).originalUrl ?? req.url ?? '').split('?')[0]!)) return 'debug';
      // 503 is an answer (the store is away, logged once by the engine; the client retries), not a fault.
      return error || (res.statusCode >= 500 && res.statusCode !== 503) ? 'warn' : 'info';
    },
    customSuccessObject: (req, res, value: Record<string, unknown>) => ({
      ...fields(req, res),
      durationMs: value.durationMs,
    }),
    customErrorObject: (req, res, _error, value: Record<string, unknown>) => ({
      ...fields(req, res),
      durationMs: value.durationMs,
    }),
    customSuccessMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${routeOf(req)} ${res.statusCode}`,
  }) as unknown as RequestHandler;
}
