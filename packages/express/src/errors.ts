import { isPlacetError, isServiceUnavailable, PlacetError, toErrorBody } from '@placet/core/adapter';
import type { NextFunction, Request, Response } from 'express';
import type { RouteContext } from './router.js';

/**
 * The failures of Express's HTTP libraries as Placet errors with the right status: body-parser (a body
 * over the limit → 413, invalid JSON → 400, an unsupported charset or content encoding → 400), multer
 * (`LIMIT_*`), and any other http-errors 4xx (a compressed body that does not inflate, a path parameter
 * that is not valid percent-encoding, …) → 400. PlacetErrors and anything else are returned unchanged
 * (`toErrorBody` makes the latter a 500 that says nothing). Hosts use it in their own error middleware,
 * so that a route outside the router answers these as the router does.
 */
export function mapHttpError(error: unknown): unknown {
  if (isPlacetError(error)) return error;
  const e = error as { type?: string; code?: string; status?: number; field?: string };
  if (e?.type === 'entity.too.large') return new PlacetError('PAYLOAD_TOO_LARGE', 'Request body too large');
  if (e?.type === 'entity.parse.failed') {
    return new PlacetError('VALIDATION_FAILED', 'Invalid JSON body', {
      issues: [{ path: '', message: 'body is not valid JSON' }],
    });
  }
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return new PlacetError('VALIDATION_FAILED', 'Unsupported body encoding');
  }
  if (typeof e?.code === 'string' && e.code.startsWith('LIMIT_')) {
    const tooLarge = e.code === 'LIMIT_FILE_SIZE' || e.code === 'LIMIT_FIELD_VALUE';
    const message = `Upload rejected: ${e.code.toLowerCase().replace(/_/g, ' ')}`;
    const issues = e.field ? { issues: [{ path: e.field, message: e.code }] } : {};
    return new PlacetError(tooLarge ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED', message, issues);
  }
  const status = typeof e?.status === 'number' ? e.status : (e as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return status === 413
      ? new PlacetError('PAYLOAD_TOO_LARGE', 'Request body too large')
      : new PlacetError('VALIDATION_FAILED', 'Malformed request');
  }
  return error;
}

/**
 * Writes PlacetErrors as the JSON error body `{ statusCode, error, code, message, issues? }` (with
 * `Retry-After` for 429 and 503); anything else becomes a logged 500.
 */
export function errorHandler(ctx: RouteContext) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const err = mapHttpError(error);
    const body = toErrorBody(err);
    // 501 is an answer, not a failure; an unreachable store (503) is logged once per outage by the
    // engine's availability tracker, never once per request.
    if (body.statusCode >= 500 && body.statusCode !== 501 && !isServiceUnavailable(err)) {
      if (ctx.options.onError) ctx.options.onError(err, req);
      else
        ctx.placet.options.logger.error('request failed', {
          method: req.method,
          path: req.path,
          error: String(err),
          stack: (err as Error)?.stack,
        });
    }
    const retryAfter = isPlacetError(err) ? err.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  };
}

/** Unknown paths under the router answer a JSON 404 (never the host's HTML page). */
export function notFound(req: Request, res: Response) {
  res
    .status(404)
    .json(toErrorBody(new PlacetError('NOT_FOUND', `Cannot ${req.method} ${req.baseUrl}${req.path}`)));
}
