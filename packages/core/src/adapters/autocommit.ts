import type { Repositories } from '../ports/store.js';

/** The Store port's methods that only read; every other method writes. */
export const STORE_READ_METHODS: ReadonlySet<string> = new Set([
  'findById',
  'findByEmail',
  'findByExternalId',
  'findByHash',
  'findByClientId',
  'findByStreamId',
  'findByMessageId',
  'findByMessageIds',
  'findByIds',
  'list',
  'listByUser',
  'listByOwner',
  'listSilent',
  'listPending',
  'listDue',
  'nextExpiry',
  'listStaleStreams',
  'maxIteration',
  'listByIterationGroup',
  'listByMessageIds',
  'listByChannel',
  'listOrphansBefore',
  'listByStreams',
  'countFromAgentSince',
  'lastReadAt',
  'listByMessage',
  'listAttempts',
  'listAttemptsFor',
  'count',
  'readIds',
  'nextDue',
  'after',
  'afterForOwner',
  'lastSeq',
  'get',
]);

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
      wrapped[method] = STORE_READ_METHODS.has(method)
        ? fn
        : (...args) =>
            transaction((tx) => (tx[repoName] as unknown as Record<string, Method>)[method]!(...args));
    }
    out[repoName] = wrapped;
  }
  return out as unknown as Repositories;
}
