import { ChannelQuery, type Placet, PlacetError, type Principal, parseOrThrow } from '@placet/core';
import type { Request, Response } from 'express';
import type { ResolvedRouterOptions } from './options.js';

/** What every route handler gets. */
export interface RouteContext {
  placet: Placet;
  options: ResolvedRouterOptions;
}

/** The principal the auth middleware put on the response (every route below it has one). */
export function principalOf(res: Response): Principal {
  const principal = res.locals.placetPrincipal as Principal | undefined;
  if (!principal) throw new PlacetError('UNAUTHORIZED', 'Missing or invalid API key');
  return principal;
}

/** A single string query parameter, or undefined (arrays and objects are ignored, never a 500). */
export function queryString(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** The absolute URL of this router's `path` with a query, for `Link` headers. */
export function linkTo(req: Request, path: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}${path}${search ? `?${search}` : ''}`;
}

/** The required `?channel=` of the original's agent endpoints (400 with path `channel` when missing). */
export function channelParam(req: Request): string {
  return parseOrThrow(ChannelQuery, req.query).channel;
}
