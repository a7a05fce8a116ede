import type { Router } from 'express';
import { channelParam, principalOf, type RouteContext } from '../context.js';

/** Messages and streams: the original's paths and status codes (201 for creates, 200 otherwise). */
export function messageRoutes(router: Router, { placet }: RouteContext): void {
  router.post('/messages', async (req, res) => {
    res.status(201).json(await placet.messages.create(principalOf(res), req.body));
  });
  router.get('/messages', async (req, res) => {
    res.json(await placet.messages.list(principalOf(res), req.query));
  });
  router.get('/messages/iterations/:id', async (req, res) => {
    res.json(await placet.messages.iterations(principalOf(res), req.params.id, channelParam(req)));
  });
  router.patch('/messages/streams/:streamId', async (req, res) => {
    res.json(await placet.streams.patch(principalOf(res), req.params.streamId, req.body));
  });
  router.post('/messages/streams/:streamId/status', async (req, res) => {
    res.status(201).json(await placet.streams.addStep(principalOf(res), req.params.streamId, req.body));
  });
  router.get('/messages/:id', async (req, res) => {
    res.json(await placet.messages.get(principalOf(res), req.params.id, channelParam(req)));
  });
  router.delete('/messages/:id', async (req, res) => {
    res.json(await placet.messages.delete(principalOf(res), req.params.id, channelParam(req)));
  });
  router.post('/messages/:id/ack', async (req, res) => {
    res.status(200).json(await placet.messages.ack(principalOf(res), req.params.id, channelParam(req)));
  });
}
