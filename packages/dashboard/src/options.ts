import { PlacetError, z } from '@placet/core/adapter';

/** A URL path on this origin: `/api/v1`, never a full URL (the dashboard talks only to its own origin). */
const Path = z
  .string()
  .regex(/^\/[A-Za-z0-9._~\-/]*$/, 'must be a path on this origin, like /api/v1')
  .transform((path) => (path.length > 1 ? path.replace(/\/+$/, '') : path));

export const DashboardOptionsSchema = z.object({
  /** Where the host mounted `placetRouter()`. */
  apiBase: Path.default('/api/v1'),
  /**
   * The example server's sign-in routes (`/login`, `/logout`, `/me`, `/change-password`). `false` when the
   * host authenticates people itself: the dashboard then skips its sign-in screen and, when a request is
   * refused with 401, sends the browser to `loginUrl`.
   */
  authBase: z.union([Path, z.literal(false)]).default('/api/auth'),
  /**
   * Where to send a signed-out person when `authBase` is false. A `{returnTo}` in it is replaced with the
   * page they were on (path, query and hash on this origin, URL-encoded), for the host to send them back
   * after signing in: `'/login?next={returnTo}'`. Without it the URL is used as it is.
   */
  loginUrl: z.string().max(2000).optional(),
  /** The native WebSocket endpoint of `attachRealtime()`. */
  wsPath: Path.default('/ws'),
  /** The page title. */
  title: z.string().min(1).max(100).default('Placet'),
});
export type PlacetDashboardOptions = z.input<typeof DashboardOptionsSchema>;
export type ResolvedDashboardOptions = z.output<typeof DashboardOptionsSchema>;

export function parseDashboardOptions(input: unknown): ResolvedDashboardOptions {
  const parsed = DashboardOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    throw new PlacetError(
      'INVALID_OPTIONS',
      `Invalid placetDashboard() options: ${parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ')}`,
    );
  }
  return Object.freeze(parsed.data);
}
