import { PlacetError, type UserPrincipal, z } from '@placet/core';
import type { Response, Router } from 'express';
import { principalOf, type RouteContext } from '../context.js';

/** The human endpoints: an agent key here is a 403, not a 404 (the route exists, the principal is wrong). */
function userOf(res: Response): UserPrincipal {
  const principal = principalOf(res);
  if (principal.kind !== 'user') {
    throw new PlacetError('FORBIDDEN', 'This endpoint is for signed-in humans, not API keys');
  }
  return principal;
}

function ownerOf(res: Response): UserPrincipal {
  const user = userOf(res);
  if (user.role !== 'owner') throw new PlacetError('FORBIDDEN', 'Owner access required');
  return user;
}

const ApiKeyBody = z.object({
  label: z.string().trim().min(1).max(64).optional(),
  channelId: z.string().min(1).max(200).optional(),
});

export function humanRoutes(router: Router, { placet }: RouteContext): void {
  router.get('/me', async (_req, res) => {
    const user = await placet.users.get(userOf(res).userId);
    if (!user) throw new PlacetError('UNAUTHORIZED', 'User not found');
    res.json({ user });
  });

  // The inbox across channels: ?status=pending|completed|expired|all&channel=&type=&cursor=&limit=
  // Each page also names the reviews on it the caller has read (`readIds`).
  router.get('/reviews', async (req, res) => {
    res.json(await placet.reviews.list(userOf(res), req.query));
  });
  // The inbox badge, with the inbox's filters: { count, unread }. Registered before `/reviews/:id`
  // (in routes/reviews.ts), so that `count` is never taken for a review id.
  router.get('/reviews/count', async (req, res) => {
    res.json(await placet.reviews.count(userOf(res), req.query));
  });
  // Per-user read state of a review: { read: true, readAt } (the first read's time on every call).
  router.post('/reviews/:id/read', async (req, res) => {
    res.json(await placet.reviews.markRead(userOf(res), req.params.id));
  });

  router.post('/agents/:id/read', async (req, res) => {
    res.json(await placet.channels.markRead(userOf(res), req.params.id));
  });

  // The delivery log of a message (every webhook attempt), of a channel (newest first, keyset-paged:
  // ?limit=&cursor=), and the redrive of a finished delivery.
  router.get('/messages/:id/deliveries', async (req, res) => {
    res.json(await placet.deliveries.listForMessage(userOf(res), req.params.id));
  });
  router.get('/agents/:id/deliveries', async (req, res) => {
    res.json(await placet.deliveries.listForChannel(userOf(res), req.params.id, req.query));
  });
  router.post('/deliveries/:id/redrive', async (req, res) => {
    res.json(await placet.deliveries.redrive(userOf(res), req.params.id));
  });

  router.get('/api-keys', async (_req, res) => {
    res.json(await placet.apiKeys.list(userOf(res).userId));
  });
  router.post('/api-keys', async (req, res) => {
    const user = userOf(res);
    const body = ApiKeyBody.safeParse(req.body ?? {});
    if (!body.success) {
      throw new PlacetError('VALIDATION_FAILED', 'Invalid API key request', {
        issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    const { key, apiKey } = await placet.apiKeys.create(user.userId, body.data);
    res.status(201).json({ ...apiKey, key });
  });
  router.delete('/api-keys/:id', async (req, res) => {
    await placet.apiKeys.revoke(userOf(res).userId, req.params.id);
    res.json({ deleted: true });
  });
  router.post('/api-keys/:id/rotate', async (req, res) => {
    const { key, apiKey } = await placet.apiKeys.rotate(userOf(res).userId, req.params.id);
    res.json({ ...apiKey, key });
  });

  router.get('/users', async (_req, res) => {
    ownerOf(res);
    res.json(await placet.users.list());
  });
  router.post('/users', async (req, res) => {
    ownerOf(res);
    res.status(201).json(await placet.users.create(req.body));
  });
  router.delete('/users/:id', async (req, res) => {
    await placet.users.delete(ownerOf(res), req.params.id);
    res.json({ deleted: true });
  });
}
