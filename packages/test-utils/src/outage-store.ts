import { type Store, serviceUnavailable } from '@placet/core/adapter';

/** A store wrapper whose database can be "taken away" and "brought back" by a test. */
export interface OutageStore {
  store: Store;
  /** From now on every call rejects as an unreachable database does (`SERVICE_UNAVAILABLE`). */
  down(): void;
  up(): void;
  readonly isDown: boolean;
  /** Calls per `repo.method` (and `transaction`, `ping`), counted whether down or not. */
  calls: Map<string, number>;
}

/**
 * Wraps a store so that a test can simulate an outage: while down, every repository call, transaction
 * and ping rejects with `SERVICE_UNAVAILABLE` (its cause a `connect ECONNREFUSED` error), as the SQL
 * adapters answer when their database is gone. The inner store is untouched: a test may write to it
 * directly, as another process that can still reach the database would.
 */
export function outageStore(inner: Store, cause = 'connect ECONNREFUSED 127.0.0.1:5432'): OutageStore {
  let isDown = false;
  const calls = new Map<string, number>();
  const count = (key: string) => calls.set(key, (calls.get(key) ?? 0) + 1);
  const refuse = () => Promise.reject(serviceUnavailable(undefined, { cause: new Error(cause) }));
  const repos = new Map<PropertyKey, object>();
  const repo = (name: string, target: object) =>
    new Proxy(target, {
      get(t, property, receiver) {
        const value = Reflect.get(t, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          count(`${name}.${String(property)}`);
          return isDown ? refuse() : (value as (...a: unknown[]) => unknown).apply(t, args);
        };
      },
    });
  const store = new Proxy(inner, {
    get(t, property, receiver) {
      if (property === 'transaction') {
        return (fn: Parameters<Store['transaction']>[0]) => {
          count('transaction');
          return isDown ? refuse() : inner.transaction(fn);
        };
      }
      if (property === 'ping') {
        return () => {
          count('ping');
          return isDown ? refuse() : (inner.ping?.() ?? Promise.resolve());
        };
      }
      const value = Reflect.get(t, property, receiver) as unknown;
      if (typeof value === 'object' && value !== null && property !== 'capabilities') {
        if (!repos.has(property)) repos.set(property, repo(String(property), value));
        return repos.get(property);
      }
      return value;
    },
  });
  return {
    store,
    calls,
    down: () => {
      isDown = true;
    },
    up: () => {
      isDown = false;
    },
    get isDown() {
      return isDown;
    },
  };
}
