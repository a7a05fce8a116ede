import { apiKeyFromHeaders, hostUserPrincipal, PlacetError } from '@placet/core/adapter';
import type { NextFunction, Request, Response } from 'express';
import type { RouteContext } from './router.js';

/**
 * Resolves the principal: an agent by API key, else a human through the host's `authenticateUser`.
 * The original's 401 messages: 'Missing or invalid API key' / 'Invalid API key'.
 */
export function authenticate(ctx: RouteContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = apiKeyFromHeaders((name) => req.get(name));
    if (key !== undefined) {
      if (!key.startsWith('hp_')) throw new PlacetError('UNAUTHORIZED', 'Missing or invalid API key');
      const agent = await ctx.placet.authenticate({ apiKey: key });
      if (!agent) throw new PlacetError('UNAUTHORIZED', 'Invalid API key');
      res.locals.placetPrincipal = agent;
      return next();
    }
    const user = await hostUserPrincipal(ctx.placet, await ctx.options.authenticateUser?.(req));
    if (!user) throw new PlacetError('UNAUTHORIZED', 'Missing or invalid API key');
    res.locals.placetPrincipal = user;
    next();
  };
}
