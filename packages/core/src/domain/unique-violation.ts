import { PlacetError } from '../errors/placet-error.js';

const BRAND = Symbol.for('@placet/core:UniqueViolation');

/** Thrown by stores when a unique key would be violated; `constraint` names the key. */
export class UniqueViolation extends PlacetError {
  readonly [BRAND] = true;
  readonly constraint: string;

  constructor(constraint: string, cause?: unknown) {
    super('CONFLICT', `Unique constraint ${constraint} violated`, cause === undefined ? {} : { cause });
    this.name = 'UniqueViolation';
    this.constraint = constraint;
  }
}

/** Brand check (works across copies of the core), optionally for one constraint. */
export function isUniqueViolation(value: unknown, constraint?: string): value is UniqueViolation {
  if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[BRAND] !== true)
    return false;
  return constraint === undefined || (value as UniqueViolation).constraint === constraint;
}

/** The unique constraints of the schema, named once for every adapter. */
export const CONSTRAINTS = {
  userEmail: 'users_email',
  userExternalId: 'users_external_id',
  apiKeyHash: 'api_keys_key_hash',
  messageClient: 'messages_channel_client',
  messageStream: 'messages_channel_stream',
  messageIteration: 'messages_iteration',
  statusStepIndex: 'status_steps_stream_index',
  reviewVote: 'review_votes',
  groupName: 'groups_name',
  primaryKey: 'primary_key',
} as const;
