import { CONSTRAINTS } from '@placet/core/adapter';
import { UNIQUE_INDEXES } from './migrations.js';

/**
 * Primary keys that are Placet constraints of their own (a primary key elsewhere is `primary_key`): a
 * second vote of one user on one review is `review_votes`, a taken group name `groups_name`, not a
 * duplicate row id.
 */
export const CONSTRAINT_PRIMARY_KEYS = {
  placet_review_votes_pkey: {
    table: 'placet_review_votes',
    columns: ['message_id', 'user_id'],
    constraint: CONSTRAINTS.reviewVote,
  },
  placet_groups_pkey: {
    table: 'placet_groups',
    columns: ['name'],
    constraint: CONSTRAINTS.groupName,
  },
} as const;

/**
 * Placet's constraint name for a unique index name (`placet_messages_channel_client` →
 * `messages_channel_client`) or a primary key of `CONSTRAINT_PRIMARY_KEYS` (`placet_review_votes_pkey` →
 * `review_votes`).
 */
export function constraintOfIndex(indexName: string): string | undefined {
  if (indexName in UNIQUE_INDEXES) return indexName.replace(/^placet_/, '');
  return Object.hasOwn(CONSTRAINT_PRIMARY_KEYS, indexName)
    ? CONSTRAINT_PRIMARY_KEYS[indexName as keyof typeof CONSTRAINT_PRIMARY_KEYS].constraint
    : undefined;
}

/** Placet's constraint name for a table and the columns a unique violation names. */
export function constraintOfColumns(table: string, columns: readonly string[]): string | undefined {
  const wanted = [...columns].sort().join(',');
  for (const [name, index] of Object.entries(UNIQUE_INDEXES)) {
    if (index.table === table && [...index.columns].sort().join(',') === wanted)
      return name.replace(/^placet_/, '');
  }
  for (const key of Object.values(CONSTRAINT_PRIMARY_KEYS)) {
    if (key.table === table && [...key.columns].sort().join(',') === wanted) return key.constraint;
  }
  return undefined;
}
