import { PlacetError } from '@placet/core';
import type { Router } from 'express';
import { principalOf, type RouteContext } from '../context.js';
import { withUiModules } from './plugin-ui.js';

export function miscRoutes(router: Router, { placet }: RouteContext): void {
  router.post('/status/ping', async (req, res) => {
    res.status(201).json(await placet.status.ping(principalOf(res), req.body));
  });
  router.get('/plugins', async (req, res) => {
    principalOf(res);
    res.json(placet.plugins.list().map((manifest) => withUiModules(req, manifest)));
  });
  router.get('/plugins/:name', async (req, res) => {
    principalOf(res);
    const manifest = placet.plugins.get(req.params.name);
    if (!manifest) throw new PlacetError('NOT_FOUND', `Plugin "${req.params.name}" not found`);
    res.json(withUiModules(req, manifest));
  });
}
