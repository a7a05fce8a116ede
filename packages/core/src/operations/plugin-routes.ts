import { PlacetError } from '../errors/placet-error.js';
import type { PluginContext } from '../plugins/context.js';
import type { PlacetPlugin } from '../plugins/types.js';
import { buildOpenApiDocument } from './openapi.js';
import type { AnyOperation } from './operation.js';
import { ERROR_BODY, OPERATIONS, TAGS } from './table.js';

/** The operations an instance serves (the core's, then its plugins' routes) and their OpenAPI tags. */
export interface OperationTable {
  readonly operations: readonly AnyOperation[];
  /** Tag name → description, in document order. */
  readonly tags: Readonly<Record<string, string>>;
}

const camel = (name: string) =>
  name.replace(/[^a-zA-Z0-9]+(.)?/g, (_m, next: string | undefined) => (next ?? '').toUpperCase());

/**
 * The table of an instance: `OPERATIONS`, then each plugin's `routes(ctx)` mounted under
 * `/plugins/<name>` (`/entries` → `/plugins/audit/entries`), tagged with the plugin's name, their ids
 * prefixed with it (`listEntries` → `auditListEntries`) so that two plugins never clash. A route whose
 * path does not start with `/`, takes the `ui/` segment the review-type modules use, or repeats another
 * route is refused with `INVALID_PLUGIN` at `createPlacet()`.
 */
export function operationTable(
  plugins: readonly PlacetPlugin[],
  contextOf: (plugin: PlacetPlugin) => PluginContext,
): OperationTable {
  const operations: AnyOperation[] = [...OPERATIONS];
  const tags: Record<string, string> = { ...TAGS };
  const seen = new Set(operations.map((op) => `${op.method} ${op.path.replace(/:\w+/g, ':')}`));
  const ids = new Set(operations.map((op) => op.operationId));
  for (const plugin of plugins) {
    if (!plugin.routes) continue;
    const fail = (problem: string): never => {
      throw new PlacetError('INVALID_PLUGIN', `Plugin "${plugin.name}": ${problem}`);
    };
    // The name becomes a path segment: nothing Express would read as a parameter or a pattern.
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(plugin.name))
      fail('a plugin with routes needs a name of a-z, 0-9, ".", "_" and "-" (it is a path segment)');
    const routes = plugin.routes(contextOf(plugin));
    if (!Array.isArray(routes)) fail('routes(ctx) must return an array of operations (defineOperation)');
    for (const route of routes as readonly AnyOperation[]) {
      if (!route.path.startsWith('/') || route.path === '/')
        fail(`route path "${route.path}" must start with "/" and name something`);
      if (/^\/ui(\/|$)/.test(route.path))
        fail(`route path "${route.path}": "ui/" serves review-type modules`);
      const path = `/plugins/${plugin.name}${route.path}`;
      const operationId = camel(`${plugin.name}-${route.operationId}`);
      // `/:a` and `/:b` are the same route.
      const key = `${route.method} ${path.replace(/:\w+/g, ':')}`;
      if (seen.has(key)) fail(`two routes answer ${route.method.toUpperCase()} ${path}`);
      if (ids.has(operationId)) fail(`the operation id ${operationId} is taken`);
      seen.add(key);
      ids.add(operationId);
      operations.push({ ...route, path, operationId, tag: plugin.name });
    }
    tags[plugin.name] = plugin.description ?? plugin.displayName ?? `The ${plugin.name} plugin.`;
  }
  // What the OpenAPI document needs (every :param described, registered error codes, one schema per
  // name) is checked now: a mistake fails createPlacet(), not every GET /openapi.json.
  if (operations.length > OPERATIONS.length) {
    try {
      buildOpenApiDocument(operations, tags, ERROR_BODY);
    } catch (error) {
      throw new PlacetError('INVALID_PLUGIN', `Plugin routes: ${(error as Error).message}`);
    }
  }
  return Object.freeze({ operations: Object.freeze(operations), tags: Object.freeze(tags) });
}
