import { PlacetError, type Principal } from '@placet/core';
import type { NextFunction, Request, Response } from 'express';
import type { RouteContext } from './router.js';

/**
 * Fixed-window rate limit per API key or per user — never per IP, which behind a proxy is everyone's.
 * Over the limit: 429 `RATE_LIMITED` with `Retry-After` (seconds) and `RateLimit-*` headers. Every
 * request counts once, on arrival — long-polls too (how long one is held is free; how many are held at
 * once is capped by `wait-slots.ts`).
 */
export function rateLimit(ctx: RouteContext) {
  const config = ctx.options.rateLimit;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();
  return (_req: Request, res: Response, next: NextFunction) => {
    if (config === false) return next();
    const principal = res.locals.placetPrincipal as Principal;
    const key = principal.kind === 'agent' ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
    const now = Date.now();
    if (now - lastSweep > config.windowMs) {
      for (const [k, w] of windows) if (now - w.start >= config.windowMs) windows.delete(k);
      lastSweep = now;
    }
    let window = windows.get(key);
    if (!window || now - window.start >= config.windowMs) {
      window = { start: now, count: 0 };
      windows.set(key, window);
    }
    window.count++;
    const resetSeconds = Math.max(1, Math.ceil((window.start + config.windowMs - now) / 1000));
    res.set({
      'RateLimit-Limit': String(config.max),
      'RateLimit-Remaining': String(Math.max(0, config.max - window.count)),
      'RateLimit-Reset': String(resetSeconds),
    });
    if (window.count > config.max) {
      res.set('Retry-After', String(resetSeconds));
      throw new PlacetError(
        'RATE_LIMITED',
        `Too many requests: at most ${config.max} per ${config.windowMs / 1000} s; retry in ${resetSeconds} s`,
      );
    }
    next();
  };
}
