import { z } from 'zod';
import { API_KEY_PATTERN } from './contract/common.js';

/**
 * The inputs of the host facade that never come over HTTP (the wire's are in `contract/`): the identity
 * of a user the host authenticated, and an API key a host creates for a user.
 */

/**
 * A user of the host application (its own sign-in, SSO, …), made a Placet user by `placet.users.ensure`
 * on first sight, keyed by `externalId`. What a host's `authenticateUser` hook returns, for the router and
 * the realtime endpoints alike (or a `UserPrincipal` it already has).
 */
export const HostIdentity = z.object({
  externalId: z.string().min(1).max(200),
  email: z.email().max(320),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(['owner', 'member']).optional(),
});
export type HostIdentity = z.input<typeof HostIdentity>;

/** `placet.apiKeys.create(userId, input)`: a label, an optional channel scope, optionally the raw key. */
export const ApiKeyCreate = z.object({
  label: z.string().trim().min(1).max(64).default('Default'),
  channelId: z.string().min(1).max(200).nullable().optional(),
  /** Pin the raw key instead of generating one (a self-hoster's configured first key). */
  key: z.string().regex(API_KEY_PATTERN, 'must be hp_ followed by 48 hex characters').optional(),
});
export type ApiKeyCreateInput = z.input<typeof ApiKeyCreate>;
