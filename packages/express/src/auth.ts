import { PlacetError } from '@placet/core';
import type { NextFunction, Request, Response } from 'express';
import type { RouteContext } from './context.js';

/** The raw API key of a request: `x-api-key`, or `Authorization: Bearer hp_…` (the original before 0.4). */
export function apiKeyOf(req: Request): string | undefined {
  const header = req.get('x-api-key');
  if (header !== undefined) return header.trim();
  const authorization = req.get('authorization');
  const match = authorization?.match(/^Bearer\s+(hp_\S+)$/i);
  return match?.[1];
}

/**
 * Resolves the principal: an agent by API key, else a human through the host's `authenticateUser`.
 * The original's 401 messages: 'Missing or invalid API key' / 'Invalid API key'.
 */
export function authenticate(ctx: RouteContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = apiKeyOf(req);
    if (key !== undefined) {
      if (!key.startsWith('hp_')) throw new PlacetError('UNAUTHORIZED', 'Missing or invalid API key');
      const agent = await ctx.placet.authenticate({ apiKey: key });
      if (!agent) throw new PlacetError('UNAUTHORIZED', 'Invalid API key');
      res.locals.placetPrincipal = agent;
      return next();
    }
    const identity = ctx.options.authenticateUser ? await ctx.options.authenticateUser(req) : null;
    if (!identity) throw new PlacetError('UNAUTHORIZED', 'Missing or invalid API key');
    // A host identity ({ externalId, email, displayName }) becomes a Placet user through users.ensure.
    res.locals.placetPrincipal =
      'kind' in identity ? identity : ctx.placet.userPrincipal(await ctx.placet.users.ensure(identity));
    next();
  };
}
