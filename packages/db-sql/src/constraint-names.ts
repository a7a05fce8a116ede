import { UNIQUE_INDEXES } from './migrations.js';

/** Placet's constraint name for a unique index name (`placet_messages_channel_client` → `messages_channel_client`). */
export function constraintOfIndex(indexName: string): string | undefined {
  return indexName in UNIQUE_INDEXES ? indexName.replace(/^placet_/, '') : undefined;
}

/** Placet's constraint name for a table and the columns a unique violation names. */
export function constraintOfColumns(table: string, columns: readonly string[]): string | undefined {
  const wanted = [...columns].sort().join(',');
  for (const [name, index] of Object.entries(UNIQUE_INDEXES)) {
    if (index.table === table && [...index.columns].sort().join(',') === wanted)
      return name.replace(/^placet_/, '');
  }
  return undefined;
}
