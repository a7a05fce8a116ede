import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PlacetError, type PluginManifest } from '@placet/core';
import type { Request, Router } from 'express';
import type { RouteContext } from '../context.js';

/** The URL path (under the router's mount path) of the UI module of review type `type` of plugin `name`. */
export function uiModulePath(req: Request, name: string, type: string): string {
  return `${req.baseUrl}/plugins/${encodeURIComponent(name)}/ui/${encodeURIComponent(type)}`;
}

/** A manifest with each review type's `ui.module` pointing at the module this router serves. */
export function withUiModules(req: Request, manifest: PluginManifest): PluginManifest {
  return {
    ...manifest,
    reviewTypes: manifest.reviewTypes.map((t) =>
      t.ui ? { ...t, ui: { element: t.ui.element, module: uiModulePath(req, manifest.name, t.type) } } : t,
    ),
  };
}

/**
 * `GET /plugins/:name/ui/:type`: the self-contained ES module that defines the review type's custom
 * element, read from the plugin's `ui.module` file. Public (it is code, not data), revalidated on each
 * load so a plugin upgrade shows without a hard refresh.
 */
export function pluginUiRoutes(router: Router, { placet }: RouteContext): void {
  router.get('/plugins/:name/ui/:type', async (req, res) => {
    const { name, type } = req.params;
    const ui = placet.plugins.ui(name, type);
    if (!ui)
      throw new PlacetError('NOT_FOUND', `Plugin "${name}" has no browser UI for review type "${type}"`);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(ui.module);
    } catch {
      // The plugin names a module that is not on disk (not built): the operator must fix the install.
      throw new PlacetError('NOT_FOUND', `The UI module of review type "${type}" is missing on this server`);
    }
    const etag = `W/"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ETag: etag,
    });
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    res.set('Content-Length', String(info.size));
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(ui.module);
      stream.once('error', reject);
      res.once('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  });
}
