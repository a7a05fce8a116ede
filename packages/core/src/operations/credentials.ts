import type { UserPrincipal } from '../domain/principal.js';
import type { HostIdentity } from '../host-inputs.js';
import type { Placet } from '../placet.js';

/** What a host's user-auth hook answers: a user principal, a host identity, or nobody signed in. */
export type HostUser = UserPrincipal | HostIdentity | null | undefined;

/**
 * The host's user auth for a request of its framework (`Request` of Express, `IncomingMessage` of an
 * upgrade): the same hook shape for the router and the realtime endpoints.
 */
export type AuthenticateHostUser<Req> = (req: Req) => HostUser | Promise<HostUser>;

/** The raw API key of a request: `x-api-key`, or `Authorization: Bearer hp_…` (the original before 0.4). */
export function apiKeyFromHeaders(header: (name: string) => string | undefined): string | undefined {
  const key = header('x-api-key');
  if (key !== undefined) return key.trim();
  return header('authorization')?.match(/^Bearer\s+(hp_\S+)$/i)?.[1];
}

/** The principal of what a host's `authenticateUser` returned: a host identity becomes a Placet user. */
export async function hostUserPrincipal(placet: Placet, user: HostUser): Promise<UserPrincipal | null> {
  if (!user) return null;
  return 'kind' in user ? user : placet.userPrincipal(await placet.users.ensure(user));
}
