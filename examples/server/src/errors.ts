import { isPlacetError, isServiceUnavailable, type Logger, PlacetError, toErrorBody } from '@placet/core';
import { mapHttpError } from '@placet/express';
import type { NextFunction, Request, Response } from 'express';

/** Paths answered with the JSON error body; any other unmatched path gets a plain-text 404. */
const API_PATH = /^\/api(\/|$)/i;

/**
 * The example server's error middleware (its last one, and the one of its sign-in routes): answers the
 * JSON error body of CONVENTIONS.md, never a stack or a file path. Errors are mapped as the `/api/v1`
 * router maps them (`mapHttpError` of `@placet/express`): a PlacetError as it is; a body over the limit
 * → 413; invalid JSON, an unsupported charset or content encoding, a body that does not inflate → 400;
 * anything else → a 500 that says nothing, logged once (method, path without the query, the error and
 * its stack — never headers, cookies or bodies). `message` names the log line.
 */
export function errorResponder(logger: Logger, message = 'request failed') {
  return (thrown: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = mapHttpError(thrown);
    const body = toErrorBody(error);
    // An unreachable database (503) is logged once per outage by the engine, never once per request.
    if (body.statusCode >= 500 && body.statusCode !== 501 && !isServiceUnavailable(error)) {
      logger.error(message, {
        method: req.method,
        path: `${req.baseUrl}${req.path}`.slice(0, 200),
        error: String(error),
        stack: error instanceof Error ? error.stack : undefined,
      });
    }
    if (res.headersSent) {
      // Part of an answer is out: nothing sensible can follow it. End the connection (never hand the
      // error to Express's default handler, which prints stacks).
      res.destroy();
      return;
    }
    const retryAfter = isPlacetError(error) ? error.retryAfterSeconds : undefined;
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  };
}

/**
 * The example server's answer to a path nobody serves: under `/api`, the JSON 404 of the router
 * (`NOT_FOUND`); elsewhere a plain-text 404 (instead of Express's HTML page).
 */
export function notFoundResponder(req: Request, res: Response): void {
  const path = `${req.baseUrl}${req.path}`;
  if (API_PATH.test(path)) {
    res
      .status(404)
      .json(toErrorBody(new PlacetError('NOT_FOUND', `Cannot ${req.method} ${path.slice(0, 200)}`)));
    return;
  }
  res
    .status(404)
    .set({ 'Content-Security-Policy': "default-src 'none'", 'X-Content-Type-Options': 'nosniff' })
    .type('text/plain')
    .send('Not Found');
}
