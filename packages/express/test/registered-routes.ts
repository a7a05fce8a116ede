import type { Router } from 'express';

interface RouteLayer {
  route?: { path: unknown; methods: Record<string, boolean | undefined> };
  handle: unknown;
}

/**
 * `METHOD /path` of every route registered on the router, read from its layer stack and the stacks of
 * what it mounts (the router mounts its operations behind an index by first path segment).
 */
export function registeredRoutes(router: Router): string[] {
  const routes: string[] = [];
  const walk = (stack: RouteLayer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const { path, methods } = layer.route;
        if (typeof path !== 'string')
          throw new Error(`A route with a non-string path (${String(path)}): a test cannot name it`);
        for (const [method, on] of Object.entries(methods)) {
          if (on) routes.push(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${path}`);
        }
      } else {
        const nested = (layer.handle as { stack?: unknown } | undefined)?.stack;
        if (Array.isArray(nested)) walk(nested as RouteLayer[]);
      }
    }
  };
  walk(router.stack as unknown as RouteLayer[]);
  return routes;
}
