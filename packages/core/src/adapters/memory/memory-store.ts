import type { Repositories, Store, StoreInspector, StoreTable } from '../../ports/store.js';
import { autocommitRepositories } from '../autocommit.js';
import { memoryRepositories } from './repositories.js';
import { MemoryState, type Rows, type TableName, View } from './state.js';

const TABLE_OF = {
  users: 'users',
  api_keys: 'apiKeys',
  channels: 'channels',
  messages: 'messages',
  reviews: 'reviews',
  attachments: 'attachments',
  status_steps: 'statusSteps',
  status_history: 'statusHistory',
  review_reads: 'reviewReads',
  events: 'events',
  sessions: 'sessions',
  kv: 'kv',
  review_votes: 'reviewVotes',
  review_assignees: 'reviewAssignees',
  audit_entries: 'auditEntries',
  audit_heads: 'auditHeads',
  groups: 'groups',
  group_members: 'groupMembers',
} as const satisfies Record<StoreTable, TableName>;

/** Reads the committed rows directly, bypassing repository code: the conformance suite's `inspect`. */
export type MemoryInspector = StoreInspector;

export interface MemoryStore extends Store {
  inspect(): MemoryInspector;
}

/**
 * The in-memory Store: for tests, demos and embedded hosts that need no persistence. Transactions are
 * serialised and staged in an overlay that is applied at commit in one synchronous step, so readers
 * never see uncommitted writes and outbox events become visible in seq order.
 */
export function memoryStore(): MemoryStore {
  const state = new MemoryState();
  const committed = memoryRepositories(new View(state, false));

  const transaction = <T>(fn: (tx: Repositories) => Promise<T>): Promise<T> =>
    state.exclusive(async () => {
      const view = new View(state, true);
      const result = await fn(memoryRepositories(view));
      view.commit();
      return result;
    });

  // Outside a transaction, reads see committed rows; each write is its own transaction.
  const autocommit = autocommitRepositories(committed, transaction);

  const peek = <K extends TableName>(table: K, key: string) => {
    const row = state.tables[table].get(key);
    return Promise.resolve(row === undefined ? undefined : structuredClone(row as Rows[K]));
  };

  return {
    ...autocommit,
    capabilities: { dialect: 'memory', multiProcess: false },
    migrate: async () => {},
    transaction,
    close: async () => {},
    inspect: () => ({
      user: (id) => peek('users', id),
      apiKey: (id) => peek('apiKeys', id),
      channel: (id) => peek('channels', id),
      message: (id) => peek('messages', id),
      review: (id) => peek('reviews', id),
      attachment: (id) => peek('attachments', id),
      events: async () =>
        [...state.tables.events.values()].map((e) => structuredClone(e)).sort((a, b) => a.seq - b.seq),
      auditEntries: async (ownerId) =>
        [...state.tables.auditEntries.values()]
          .filter((e) => e.ownerId === ownerId)
          .map((e) => structuredClone(e))
          .sort((a, b) => a.seq - b.seq),
      count: async (table) => state.tables[TABLE_OF[table]].size,
    }),
  };
}
