/**
 * Compiled, never run: what a host writes with the published types, checked with `strict`,
 * `exactOptionalPropertyTypes` and `skipLibCheck: false` (so every published `.d.ts` reached from here is
 * checked too). The scenario uses the rest of the packages; the ones it does not use are reached here.
 */
import type { PlacetPlugin } from '@placet/core/plugin';
import type { PostgresTransportOptions } from '@placet/db-postgres';
import type { createSqlStore } from '@placet/db-sql';
import type { AuthenticateUser, PlacetRouterOptions } from '@placet/express';
import { approval } from '@placet/plugin-approval';
import { selection } from '@placet/plugin-selection';
import type { s3FileStore } from '@placet/storage-s3';
import type { AuthenticateUpgrade, RealtimeOptions } from '@placet/ws';
import { priority } from './plugins.js';
import { Sessions } from './sessions.js';

export type Unused = [typeof createSqlStore, typeof s3FileStore, PostgresTransportOptions, RealtimeOptions];

// The router and the WebSocket take the same hook: a host identity (or a user principal, or null).
const sessions = new Sessions();
export const routerAuth: AuthenticateUser = sessions.forRouter;
export const upgradeAuth: AuthenticateUpgrade = sessions.forUpgrade;
export const routerOptions: PlacetRouterOptions = {
  authenticateUser: routerAuth,
  limits: { jsonBytes: 2 ** 20 },
};

// Plugins from `definePlugin` in one array literal: each keeps its literal type, the array is their union.
export const pair = [approval(), priority()];
export const asPlugins: PlacetPlugin[] = [approval(), selection(), priority()];

// A list typed from one plugin's literal type takes no other plugin (the guide says: type it PlacetPlugin[]).
// If this ever compiles, `definePlugin` was widened: update docs/guides/embedding-express.md and drop it.
export function growInferred() {
  const inferred = [approval()];
  // @ts-expect-error Type '"priority"' is not assignable to type '"approval"'.
  inferred.push(priority());
  const typed: PlacetPlugin[] = [approval()];
  typed.push(priority());
  return [inferred, typed];
}
