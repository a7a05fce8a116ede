import { stat } from 'node:fs/promises';
import { PlacetError } from '../errors/placet-error.js';
import type { PlacetPlugin } from './types.js';

/**
 * Checks, at `start()`, that the `ui.module` of every review type is a file on disk (the router serves
 * it from there): `PLUGIN_UI_MODULE_MISSING` naming the plugin, the type and the path otherwise, so that
 * a plugin installed without its build fails at start, not with a 404 in a human's browser. (Relative
 * paths were refused by `createPlacet()` already.)
 */
export async function checkUiModules(plugins: readonly PlacetPlugin[]): Promise<void> {
  for (const plugin of plugins) {
    for (const definition of plugin.reviewTypes ?? []) {
      const module = definition.ui?.module;
      if (module === undefined) continue;
      const isFile = await stat(module).then(
        (info) => info.isFile(),
        () => false,
      );
      if (!isFile) {
        throw new PlacetError(
          'PLUGIN_UI_MODULE_MISSING',
          `Plugin "${plugin.name}": the UI module of review type "${definition.type}" is not a file: ` +
            `${module} (build the plugin package, e.g. npm run build)`,
        );
      }
    }
  }
}
