import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Placet } from '@placet/core';
import {
  type AnyOperation,
  createOperationEnv,
  DEFAULT_RAW_BODY_BYTES,
  type OperationEnv,
  type OperationRequest,
  PlacetError,
  type Reply,
  runOperation,
  type UploadInput,
} from '@placet/core/adapter';
import type { Attachment } from '@placet/core/contract';
import express, { type Request, type Response, type Router } from 'express';
import { authenticate } from './auth.js';
import { errorHandler, notFound } from './errors.js';
import { type PlacetRouterOptions, type ResolvedRouterOptions, RouterOptionsSchema } from './options.js';
import { rateLimit } from './rate-limit.js';
import { uploadMiddleware } from './uploads.js';

/** What the middleware of one mounted router shares. */
export interface RouteContext {
  placet: Placet;
  options: ResolvedRouterOptions;
}

/**
 * The `/api/v1` router: `app.use('/api/v1', placetRouter(placet, { authenticateUser }))`. Every route is
 * an operation of `placet.api` (the core's `OPERATIONS` and the plugins' routes), mounted as declared; this adapter parses
 * JSON (with a size limit) and multipart bodies, authenticates agents by API key and humans through the
 * host, and writes replies and errors (`{ statusCode, error, code, message, issues }`).
 */
export function placetRouter(placet: Placet, input: PlacetRouterOptions = {}): Router {
  const parsed = RouterOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new PlacetError(
      'INVALID_OPTIONS',
      `Invalid placetRouter() options: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  const ctx: RouteContext = { placet, options: parsed.data };
  const env = createOperationEnv({
    listCap: ctx.options.limits.listCap,
    concurrentWaits: ctx.options.concurrentWaits,
    // What the upload routes accept (see `uploadMiddleware`), told to the dashboard by `GET /me`.
    ...(ctx.options.limits.fileBytes !== undefined ? { fileBytes: ctx.options.limits.fileBytes } : {}),
  });
  const router = express.Router();
  // Raw operations read their body's bytes first (unparsed: a signature may cover them), so that the
  // JSON parser below leaves it alone; the operation itself runs where its `auth` mounts it.
  const { operations } = placet.api;
  for (const op of operations) if (op.body?.kind === 'raw') mountRawBody(router, op);
  router.use(
    express.json({ limit: ctx.options.limits.jsonBytes, type: ['application/json', 'application/*+json'] }),
  );
  // Public operations answer without credentials; every other route (and an unknown path) needs them.
  for (const op of operations) if (op.auth === 'public') mount(router, ctx, env, op);
  router.use(authenticate(ctx));
  router.use(rateLimit(ctx));
  for (const op of operations) if (op.auth !== 'public') mount(router, ctx, env, op);
  router.use(notFound);
  router.use(errorHandler(ctx));
  return router;
}

/** Whether the client went away before the response was complete. */
const clientLeft = (res: Response) => res.closed && !res.writableFinished;

/**
 * A signal aborted when the client goes away before the response is complete — made only for an
 * operation that asks for it (a wait): most requests never need one, and aborting one on every
 * response would build a `DOMException` (a stack trace) each time.
 */
function clientGone(res: Response): AbortSignal {
  const made = res.locals.placetAbort as AbortController | undefined;
  if (made) return made.signal;
  const controller = new AbortController();
  res.locals.placetAbort = controller;
  if (clientLeft(res)) controller.abort();
  else res.once('close', () => clientLeft(res) && controller.abort());
  return controller.signal;
}

/** The request as the operation sees it; `signal` is aborted when the client goes away. */
function requestOf(req: Request, res: Response, body: unknown = req.body): OperationRequest {
  return {
    principal: res.locals.placetPrincipal,
    params: req.params as Record<string, string>,
    query: req.query,
    body,
    header: (name) => req.get(name),
    baseUrl: req.baseUrl,
    get signal() {
      return clientGone(res);
    },
  };
}

/**
 * Reads the body of a `raw` operation as bytes (up to its `maxBytes`; a larger one is 413) into
 * `res.locals.placetRawBody`, and passes on to the rest of the router.
 */
function mountRawBody(router: Router, op: AnyOperation): void {
  if (op.body?.kind !== 'raw') return;
  const parse = express.raw({ type: () => true, limit: op.body.maxBytes ?? DEFAULT_RAW_BODY_BYTES });
  router[op.method](op.path, parse, (req, res, next) => {
    if (Buffer.isBuffer(req.body)) res.locals.placetRawBody = new Uint8Array(req.body);
    req.body = undefined;
    next();
  });
}

function mount(router: Router, ctx: RouteContext, env: OperationEnv, op: AnyOperation): void {
  const run = (req: Request, res: Response, body?: unknown) =>
    runOperation(ctx.placet, op, env, requestOf(req, res, body));
  const handlers: express.RequestHandler[] = [];
  if (op.body?.kind === 'multipart') {
    // The operation runs inside the multipart parser, as soon as the file's channel is known.
    handlers.push(
      uploadMiddleware(
        ctx,
        async (req, res, file: UploadInput) => {
          const result = await run(req, res, file);
          res.locals.placetReply = result;
          return result.json as Attachment;
        },
        op.body.channelParam !== undefined ? { channelParam: op.body.channelParam } : {},
      ),
    );
  }
  router[op.method](op.path, ...handlers, async (req, res) => {
    const result: Reply =
      res.locals.placetReply ??
      (await (op.body?.kind === 'raw' ? run(req, res, res.locals.placetRawBody) : run(req, res)));
    await send(ctx, req, res, op, result);
  });
}

async function send(ctx: RouteContext, req: Request, res: Response, op: AnyOperation, result: Reply) {
  if (clientLeft(res) || res.writableEnded) {
    if (result.stream) discard(result.stream);
    return;
  }
  res.status(result.status).set(result.headers);
  if (result.next) {
    const search = new URLSearchParams(result.next).toString();
    const url = `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${op.path}?${search}`;
    res.set('Link', `<${url}>; rel="next"`);
  }
  if (result.stream) {
    // Once the bytes flow, a failure cannot become an error body: a client that hung up is nothing to
    // report; a store that failed mid-file is logged, and the response is cut off.
    await pipeline(Readable.from(result.stream), res).catch((error: unknown) => {
      if (clientLeft(res)) return;
      ctx.placet.options.logger.warn('response stream failed', {
        operation: op.operationId,
        error: error instanceof Error ? error.message : String(error),
      });
      res.destroy();
    });
  } else if (result.json !== undefined) res.json(result.json);
  else res.end();
}

/** Releases a byte stream that will not be sent (an open file, a store's download). */
function discard(stream: AsyncIterable<Uint8Array>): void {
  const destroyable = stream as { destroy?: () => void };
  if (typeof destroyable.destroy === 'function') destroyable.destroy();
  else void stream[Symbol.asyncIterator]().return?.();
}
