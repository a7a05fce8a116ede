import { type Placet, PlacetError } from '@placet/core';
import express, { type Router } from 'express';
import { authenticate } from './auth.js';
import type { RouteContext } from './context.js';
import { errorHandler, notFound } from './errors.js';
import { openApiHandler } from './openapi/index.js';
import { type PlacetRouterOptions, RouterOptionsSchema } from './options.js';
import { rateLimit } from './rate-limit.js';
import { agentRoutes } from './routes/agents.js';
import { fileRoutes } from './routes/files.js';
import { humanRoutes } from './routes/human.js';
import { messageRoutes } from './routes/messages.js';
import { miscRoutes } from './routes/misc.js';
import { pluginUiRoutes } from './routes/plugin-ui.js';
import { reviewRoutes } from './routes/reviews.js';

/**
 * The `/api/v1` router: `app.use('/api/v1', placetRouter(placet, { authenticateUser }))`. It parses JSON
 * itself (with a size limit), authenticates agents by API key and humans through the host, validates
 * every input, and answers errors as `{ statusCode, error, code, message, issues }`.
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
  const router = express.Router();
  router.use(
    express.json({ limit: ctx.options.limits.jsonBytes, type: ['application/json', 'application/*+json'] }),
  );

  // The OAuth relay of the original is public and unsupported: say so instead of a 401.
  router.get('/oauth/callback', () => {
    throw new PlacetError('NOT_IMPLEMENTED', 'The OAuth relay is not supported by this server');
  });

  // The API description is public; its server URL is the router's mount path (req.baseUrl).
  router.get('/openapi.json', openApiHandler());
  // Review-type UI modules are public code, loaded by the dashboard with `import()`.
  pluginUiRoutes(router, ctx);

  router.use(authenticate(ctx));
  router.use(rateLimit(ctx));
  humanRoutes(router, ctx);
  messageRoutes(router, ctx);
  reviewRoutes(router, ctx);
  agentRoutes(router, ctx);
  fileRoutes(router, ctx);
  miscRoutes(router, ctx);
  router.use(notFound);
  router.use(errorHandler(ctx));
  return router;
}
