import { seedAgent } from '@placet/test-utils';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { sqliteStore } from '../src/index.js';
import { FifoLock } from '../src/sqlite-driver.js';

describe('the SQLite driver', () => {
  it('prepares each statement once: repeated queries reuse it', async () => {
    const database = new Database(':memory:');
    const prepare = vi.spyOn(database, 'prepare');
    const store = sqliteStore({ database });
    await store.migrate();
    prepare.mockClear();
    for (let i = 0; i < 50; i++) await store.events.after(i, 10);
    expect(prepare).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i++) await store.users.findById(`u${i}`);
    expect(prepare).toHaveBeenCalledTimes(2);
    await store.close();
    database.close();
  });

  it('hands the connection to waiters first come, first served, waking only the next one', async () => {
    const lock = new FifoLock();
    const order: number[] = [];
    await lock.lock();
    const waiters = Array.from({ length: 5 }, (_, i) =>
      lock.lock().then(() => {
        order.push(i);
        lock.unlock();
      }),
    );
    expect(lock.waiting).toBe(5);
    lock.unlock();
    await Promise.all(waiters);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(lock.waiting).toBe(0);
    // Free again: the next lock is taken at once.
    await lock.lock();
    lock.unlock();
  });

  it('serves many concurrent calls in order, each with its own result', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    await store.migrate();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => store.users.findById(`missing-${i}`)),
    );
    expect(results.every((r) => r === undefined)).toBe(true);
    await store.close();
  });
});

describe('a message with text that is not well-formed UTF-16', () => {
  it('is answered as SQLite stored it (replacement characters for a lone surrogate), as a read shows it later', async () => {
    const { createPlacet, silentLogger } = await import('@placet/core');
    const placet = createPlacet({ store: sqliteStore({ filename: ':memory:' }), logger: silentLogger() });
    await placet.start();
    try {
      const { agent, channelId } = await seedAgent(placet);
      const created = await placet.messages.create(agent, { channelId, text: 'half \uD83D' });
      const read = await placet.messages.get(agent, created.id, channelId);
      // better-sqlite3 stores the lone half as replacement characters.
      expect(read.text).toMatch(/^half \uFFFD+$/);
      expect(created.text).toBe(read.text);
    } finally {
      await placet.stop();
    }
  });
});
