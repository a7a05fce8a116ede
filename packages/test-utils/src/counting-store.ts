import { REPOSITORY_NAMES, type Store } from '@placet/core/adapter';

/**
 * Wraps a store so that every repository call (outside and inside transactions) is counted per
 * `repo.method` (`tx.repo.method` inside a transaction): for tests that prove "no store reads while …".
 */
export function countingStore(inner: Store): { store: Store; calls: Map<string, number>; total(): number } {
  const calls = new Map<string, number>();
  const wrapRepo = (name: string, repo: object) =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          const key = `${name}.${String(prop)}`;
          calls.set(key, (calls.get(key) ?? 0) + 1);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  const repos = REPOSITORY_NAMES;
  const store = {
    ...inner,
    capabilities: inner.capabilities,
    migrate: () => inner.migrate(),
    close: () => inner.close(),
    transaction: <T>(fn: Parameters<Store['transaction']>[0]) =>
      inner.transaction((tx) =>
        fn(Object.fromEntries(repos.map((r) => [r, wrapRepo(`tx.${r}`, tx[r])])) as never),
      ) as Promise<T>,
  } as Store;
  for (const r of repos) (store as unknown as Record<string, object>)[r] = wrapRepo(r, inner[r]);
  return { store, calls, total: () => [...calls.values()].reduce((a, b) => a + b, 0) };
}
