import { REPOSITORY_NAMES } from '../adapters/autocommit.js';
import type { Store } from '../ports/store.js';
import type { Availability } from './availability.js';

type Method = (...args: unknown[]) => Promise<unknown>;

/**
 * The store as the engine uses it: every call that fails with `SERVICE_UNAVAILABLE` is reported to
 * `availability` (which logs the outage once) and rethrown unchanged. Calls inside a transaction are
 * reported once, by the transaction. Everything else — capabilities, adapter extras such as `db` or
 * `inspect()` — passes through, and the host's own store object is left as it is.
 */
export function observeStore(store: Store, availability: Availability): Store {
  const fail = (error: unknown): never => {
    availability.reportFailure(error);
    throw error;
  };
  /** A repository whose methods report their failures (wrapped once each, on first use). */
  const observeRepository = (repo: object): object => {
    const methods = new Map<PropertyKey, Method>();
    return new Proxy(repo, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        let method = methods.get(property);
        if (!method) {
          method = (...args) => (value as Method).apply(target, args).catch(fail);
          methods.set(property, method);
        }
        return method;
      },
    });
  };
  const repositories = new Map<PropertyKey, object>(
    REPOSITORY_NAMES.map((name) => [name, observeRepository(store[name])]),
  );
  const transaction: Store['transaction'] = (fn) => store.transaction(fn).catch(fail);
  const migrate = () => store.migrate().catch(fail);
  return new Proxy(store, {
    get(target, property, receiver) {
      const repo = repositories.get(property);
      if (repo) return repo;
      if (property === 'transaction') return transaction;
      if (property === 'migrate') return migrate;
      return Reflect.get(target, property, receiver);
    },
  });
}
