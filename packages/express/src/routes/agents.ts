import type { Router } from 'express';
import { principalOf, type RouteContext } from '../context.js';

/** Agents (= channels), with the original's action endpoints. */
export function agentRoutes(router: Router, { placet }: RouteContext): void {
  router.get('/agents', async (_req, res) => {
    const principal = principalOf(res);
    // Humans also get unread counts and the last message; agents the original's plain list.
    res.json(
      principal.kind === 'user'
        ? await placet.channels.listWithActivity(principal)
        : await placet.channels.list(principal),
    );
  });
  router.post('/agents', async (req, res) => {
    res.status(201).json(await placet.channels.create(principalOf(res), req.body));
  });
  router.post('/agents/setWebhook', async (req, res) => {
    res.status(200).json(await placet.webhooks.setWebhook(principalOf(res), req.body));
  });
  router.post('/agents/deleteWebhook', async (req, res) => {
    res.status(200).json(await placet.webhooks.deleteWebhook(principalOf(res), req.body));
  });
  router.post('/agents/setTag', async (req, res) => {
    res.status(200).json(await placet.channels.setTag(principalOf(res), req.body));
  });
  router.post('/agents/setSubagent', async (req, res) => {
    res.status(200).json(await placet.channels.setSubagent(principalOf(res), req.body));
  });
  router.post('/agents/setManagement', async (req, res) => {
    await placet.webhooks.setManagement(principalOf(res), req.body);
  });
  router.post('/agents/:id/webhook-secret/rotate', async (req, res) => {
    res.status(200).json(await placet.webhooks.rotateSecret(principalOf(res), req.params.id));
  });
  router.put('/agents/:id/commands', async (req, res) => {
    res.status(200).json(await placet.channels.setCommands(principalOf(res), req.params.id, req.body));
  });
  router.get('/agents/:id/status-history', async (req, res) => {
    res.json(await placet.status.history(principalOf(res), req.params.id, req.query));
  });
  router.get('/agents/:id', async (req, res) => {
    res.json(await placet.channels.get(principalOf(res), req.params.id));
  });
  router.patch('/agents/:id', async (req, res) => {
    res.json(await placet.channels.update(principalOf(res), req.params.id, req.body));
  });
  router.delete('/agents/:id', async (req, res) => {
    res.json(await placet.channels.delete(principalOf(res), req.params.id));
  });
}
