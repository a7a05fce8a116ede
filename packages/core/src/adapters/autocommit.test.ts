import { describe, expect, it } from 'vitest';
import type { Repositories } from '../ports/store.js';
import { autocommitRepositories, STORE_METHOD_ACCESS } from './autocommit.js';
import { memoryStore } from './memory/memory-store.js';

describe('STORE_METHOD_ACCESS', () => {
  it('classifies exactly the methods a store adapter has, nothing more and nothing less', () => {
    const store = memoryStore();
    for (const repo of Object.keys(STORE_METHOD_ACCESS) as (keyof Repositories)[]) {
      const methods = Object.keys(store[repo]).sort();
      expect(methods, repo).toEqual(Object.keys(STORE_METHOD_ACCESS[repo]).sort());
    }
  });

  it('runs a write outside a transaction in a transaction of its own, and a read directly', async () => {
    const inner = memoryStore();
    let transactions = 0;
    const store = {
      ...inner,
      transaction: <T>(fn: (tx: Repositories) => Promise<T>) => {
        transactions++;
        return inner.transaction(fn);
      },
    };
    const direct = Object.fromEntries(
      Object.keys(STORE_METHOD_ACCESS).map((name) => [name, inner[name as keyof Repositories]]),
    ) as unknown as Repositories;
    const repos = autocommitRepositories(direct, store.transaction);
    await repos.kv.get('ns', 'k', new Date());
    expect(transactions).toBe(0);
    await repos.kv.set({ namespace: 'ns', key: 'k', value: 1, expiresAt: null });
    expect(transactions).toBe(1);
  });
});
