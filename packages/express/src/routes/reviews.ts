import { PlacetError, parseOrThrow, WaitQuery } from '@placet/core';
import type { Router } from 'express';
import { channelParam, linkTo, principalOf, queryString, type RouteContext } from '../context.js';
import { waitSlots } from '../wait-slots.js';

export function reviewRoutes(router: Router, { placet, options }: RouteContext): void {
  const slots = waitSlots(options.concurrentWaits);

  // A bare array as in the original, capped; a `Link: rel="next"` says when there is more.
  router.get('/reviews/pending', async (req, res) => {
    const cap = options.limits.listCap;
    const channelId = queryString(req, 'channel');
    const cursor = queryString(req, 'cursor');
    const pending = await placet.reviews.listPending(principalOf(res), {
      ...(channelId ? { channelId } : {}),
      ...(cursor ? { cursor } : {}),
      limit: cap + 1,
    });
    if (pending.length > cap) {
      const query = {
        ...(channelId ? { channel: channelId } : {}),
        cursor: pending[cap - 1]!.id,
        limit: String(cap),
      };
      res.set('Link', `<${linkTo(req, '/reviews/pending', query)}>; rel="next"`);
    }
    res.json(pending.slice(0, cap));
  });

  router.get('/reviews/:id/wait', async (req, res) => {
    const query = parseOrThrow(WaitQuery, req.query);
    const principal = principalOf(res);
    // Waits held at once are capped per API key and per user: over the cap, a 429 before any work.
    const slot = slots.acquire(principal, Math.min(query.timeout, placet.options.maxWaitMs));
    if (!slot.ok) {
      res.set('Retry-After', String(slot.retryAfterSeconds));
      throw new PlacetError('RATE_LIMITED', slot.message);
    }
    // The client hanging up releases the waiter at once (also when it hung up before this ran).
    const controller = new AbortController();
    const abort = () => controller.abort();
    res.on('close', abort);
    if (res.closed) abort();
    try {
      const result = await placet.reviews.wait(principal, req.params.id, {
        channelId: query.channel,
        timeoutMs: query.timeout,
        signal: controller.signal,
      });
      if (!res.writableEnded && !controller.signal.aborted) res.json(result);
    } finally {
      // Every path — answer, timeout, hang-up, error — gives the slot back.
      res.off('close', abort);
      slot.release();
    }
  });

  router.get('/reviews/:id', async (req, res) => {
    res.json(await placet.reviews.get(principalOf(res), req.params.id, channelParam(req)));
  });

  // The human's answer (200 with the message; 409 when already answered or expired).
  router.post('/reviews/:id/respond', async (req, res) => {
    res.status(200).json(await placet.reviews.respond(principalOf(res), req.params.id, req.body));
  });
}
