import type { Repositories } from '../ports/store.js';

type Access = 'read' | 'write';

/**
 * Every method of every repository, classified: a `read` goes straight to the store, a `write` runs in
 * a transaction of its own when called outside one. The compiler checks that the table names each
 * method of the port exactly once: a new repository method that is missing here does not compile.
 */
export const STORE_METHOD_ACCESS = {
  users: {
    insert: 'write',
    findById: 'read',
    findByEmail: 'read',
    findByExternalId: 'read',
    list: 'read',
    update: 'write',
    delete: 'write',
  },
  sessions: {
    insert: 'write',
    findById: 'read',
    delete: 'write',
    deleteByUser: 'write',
    deleteExpired: 'write',
  },
  apiKeys: {
    insert: 'write',
    findById: 'read',
    findByHash: 'read',
    listByUser: 'read',
    update: 'write',
    touch: 'write',
    delete: 'write',
  },
  channels: {
    insert: 'write',
    findById: 'read',
    listByOwner: 'read',
    listSilent: 'read',
    markOffline: 'write',
    update: 'write',
    delete: 'write',
  },
  messages: {
    insert: 'write',
    findById: 'read',
    findByIds: 'read',
    findByClientId: 'read',
    findByStreamId: 'read',
    updateStream: 'write',
    updateStreamOf: 'write',
    listStaleStreams: 'read',
    maxIteration: 'read',
    countFromAgentSince: 'read',
    listByIterationGroup: 'read',
    list: 'read',
    update: 'write',
    setDeliveryStatus: 'write',
    delete: 'write',
  },
  reviews: {
    insert: 'write',
    findByMessageId: 'read',
    findByMessageIds: 'read',
    complete: 'write',
    expire: 'write',
    list: 'read',
    count: 'read',
    listDue: 'read',
    nextExpiry: 'read',
    listPendingCreated: 'read',
    completeDue: 'write',
    lockForVote: 'write',
    listEscalationDue: 'read',
    nextEscalation: 'read',
    escalate: 'write',
  },
  reviewVotes: {
    insert: 'write',
    listByMessageIds: 'read',
  },
  reviewAssignees: {
    insert: 'write',
    listReviews: 'read',
    count: 'read',
  },
  groups: {
    insert: 'write',
    find: 'read',
    list: 'read',
    update: 'write',
    delete: 'write',
    setMembers: 'write',
    members: 'read',
  },
  attachments: {
    insert: 'write',
    findById: 'read',
    findByIds: 'read',
    listByMessageIds: 'read',
    listByChannel: 'read',
    listOrphansBefore: 'read',
    deleteOrphan: 'write',
    linkOrphans: 'write',
    delete: 'write',
  },
  statusSteps: { append: 'write', listByStreams: 'read' },
  statusHistory: { insert: 'write', listByChannel: 'read' },
  channelReads: { markRead: 'write', lastReadAt: 'read' },
  reviewReads: { mark: 'write', markMatching: 'write', readIds: 'read' },
  deliveries: {
    insert: 'write',
    findById: 'read',
    listByMessage: 'read',
    listByChannel: 'read',
    claimDue: 'write',
    recordAttempt: 'write',
    listAttemptsFor: 'read',
    cancelPending: 'write',
    redrive: 'write',
    nextDue: 'read',
    countPending: 'read',
  },
  events: { append: 'write', after: 'read', afterForOwner: 'read', pruneBefore: 'write', lastSeq: 'read' },
  kv: { get: 'read', set: 'write', insertIfAbsent: 'write', delete: 'write', deleteExpired: 'write' },
  audit: { lockHead: 'write', append: 'write', list: 'read' },
} as const satisfies { [R in keyof Repositories]: { [M in keyof Repositories[R]]-?: Access } };

/** The names of the Store port's repositories, from the table above. */
export const REPOSITORY_NAMES = Object.keys(STORE_METHOD_ACCESS) as readonly (keyof Repositories)[];

type Method = (...args: unknown[]) => Promise<unknown>;

/**
 * The repositories a store exposes outside a transaction: reads go straight to `direct`; each write runs
 * in a transaction of its own, so that a multi-statement write (an insert and a counter) is atomic too.
 * Adapters share this instead of each wrapping their repositories by hand.
 */
export function autocommitRepositories(
  direct: Repositories,
  transaction: <T>(fn: (tx: Repositories) => Promise<T>) => Promise<T>,
): Repositories {
  const out: Record<string, Record<string, Method>> = {};
  for (const [repoName, repo] of Object.entries(direct) as [keyof Repositories, Record<string, Method>][]) {
    const wrapped: Record<string, Method> = {};
    for (const [method, fn] of Object.entries(repo)) {
      const access = (STORE_METHOD_ACCESS[repoName] as Record<string, Access | undefined>)[method];
      wrapped[method] =
        access === 'read'
          ? fn
          : (...args) =>
              transaction((tx) => (tx[repoName] as unknown as Record<string, Method>)[method]!(...args));
    }
    out[repoName] = wrapped;
  }
  return out as unknown as Repositories;
}
