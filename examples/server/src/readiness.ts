import type { Placet } from '@placet/core';
import type { Request, Response } from 'express';

/** How long a load balancer should wait before asking again, when not ready. */
const RETRY_AFTER_SECONDS = 5;

/**
 * `GET /ready`: whether this process should get traffic. 200 when the engine is started, the store
 * answered a round trip (within 2 s) and the transport is connected (Postgres: the `LISTEN` connection);
 * 503 otherwise, and from SIGTERM on (`draining`), so that a load balancer stops sending requests before
 * the process stops accepting them. Unauthenticated; says what failed, never why in detail (no address,
 * no driver message: those are in the log).
 */
export function readinessHandler(placet: Placet, draining: () => boolean) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.set('Cache-Control', 'no-store');
    const timestamp = new Date().toISOString();
    if (draining()) {
      res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ status: 'draining', timestamp });
      return;
    }
    const health = await placet.health();
    const status = health.ready
      ? 'ready'
      : health.state !== 'started'
        ? health.state
        : !health.store.ok
          ? 'store unavailable'
          : 'transport disconnected';
    if (!health.ready) res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS));
    res.json({
      status,
      timestamp,
      checks: {
        store: {
          ok: health.store.ok,
          ...(health.store.latencyMs !== undefined ? { latencyMs: health.store.latencyMs } : {}),
          ...(health.store.problem ? { problem: health.store.problem } : {}),
          ...(health.store.downSince ? { downSince: health.store.downSince } : {}),
        },
        transport: { ok: health.transport.ok, name: health.transport.name },
      },
    });
  };
}
