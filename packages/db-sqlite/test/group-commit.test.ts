import { createPlacet } from '@placet/core';
import { seedAgent } from '@placet/test-utils';
import Database from 'better-sqlite3';
import { Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { PlacetSqliteDialect } from '../src/sqlite-driver.js';
import { sqliteStore } from '../src/sqlite-store.js';

interface Tables {
  parent: { id: number };
  child: { id: number; parent_id: number };
}

/** A database whose statements are logged, with a foreign key checked at COMMIT (to make one fail). */
function open(options?: { groupCommit: boolean }) {
  const log: string[] = [];
  const database = new Database(':memory:', {
    verbose: (statement) => log.push(String(statement).toLowerCase()),
  });
  database.pragma('foreign_keys = ON');
  database.exec(`create table parent (id integer primary key);
    create table child (id integer primary key,
      parent_id integer not null references parent (id) deferrable initially deferred);`);
  const db = new Kysely<Tables>({ dialect: new PlacetSqliteDialect(database, options) });
  log.length = 0;
  return { db, log, commits: () => log.filter((s) => s === 'commit').length };
}

let db: Kysely<Tables> | undefined;
afterEach(async () => db?.destroy());

const insertParent = (k: Kysely<Tables>, id: number) =>
  k.transaction().execute(async (tx) => {
    await tx.insertInto('parent').values({ id }).execute();
    return id;
  });

describe('group commit on SQLite', () => {
  it('carries concurrent transactions in one COMMIT, acknowledging none before it', async () => {
    const t = open();
    db = t.db;
    const acks = Array.from({ length: 10 }, (_, i) =>
      insertParent(t.db, i).then((id) => {
        t.log.push(`ack ${id}`);
        return id;
      }),
    );
    expect(await Promise.all(acks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Each ended while the next waited: one COMMIT carried all ten, and every ack came after it.
    expect(t.commits()).toBe(1);
    expect(t.log.filter((s) => s === 'begin')).toHaveLength(1);
    expect(t.log.slice(t.log.indexOf('commit') + 1).sort()).toEqual(acks.map((_, i) => `ack ${i}`));
    const rows = await t.db.selectFrom('parent').select('id').orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('a transaction that fails undoes only its own work: the others of its group commit', async () => {
    const t = open();
    db = t.db;
    const results = await Promise.allSettled([
      insertParent(t.db, 1),
      insertParent(t.db, 2),
      t.db.transaction().execute(async (tx) => {
        await tx.insertInto('parent').values({ id: 3 }).execute();
        await tx.insertInto('parent').values({ id: 2 }).execute(); // taken: fails
      }),
      insertParent(t.db, 4),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const rows = await t.db.selectFrom('parent').select('id').orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual([1, 2, 4]);
  });

  it('the first transaction of a group runs without a savepoint; when it fails, the ones after it still commit', async () => {
    const t = open();
    db = t.db;
    await insertParent(t.db, 2);
    t.log.length = 0;
    const results = await Promise.allSettled([
      t.db.transaction().execute(async (tx) => {
        await tx.insertInto('parent').values({ id: 1 }).execute();
        await tx.insertInto('parent').values({ id: 2 }).execute(); // taken: fails
      }),
      insertParent(t.db, 3),
      insertParent(t.db, 4),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(t.log[0]).toBe('begin');
    expect(t.log[1]).toMatch(/^insert/);
    const rows = await t.db.selectFrom('parent').select('id').orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual([2, 3, 4]);
  });

  it('a read waiting behind a group commits it first, and sees only what is committed', async () => {
    const t = open();
    db = t.db;
    const writes = [insertParent(t.db, 1), insertParent(t.db, 2)];
    const read = t.db.selectFrom('parent').select('id').orderBy('id').execute();
    const later = insertParent(t.db, 3);
    expect((await read).map((r) => r.id)).toEqual([1, 2]);
    await Promise.all([...writes, later]);
    const select = t.log.findIndex((s) => s.startsWith('select'));
    expect(t.log.slice(0, select)).toContain('commit');
    expect(t.log.slice(0, select).filter((s) => s.includes('parent')).length).toBe(2);
  });

  it('a COMMIT that fails fails every transaction it carried, and writes nothing of them', async () => {
    const t = open();
    db = t.db;
    await insertParent(t.db, 1);
    const before = t.commits();
    const results = await Promise.allSettled([
      insertParent(t.db, 10),
      insertParent(t.db, 11),
      // Its foreign key is checked at COMMIT: the group's COMMIT fails.
      t.db.transaction().execute(async (tx) => {
        await tx.insertInto('child').values({ id: 1, parent_id: 999 }).execute();
      }),
      insertParent(t.db, 12),
    ]);
    // All four shared the COMMIT that failed (each ended while the next waited).
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    for (const result of results)
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/i);
    expect(t.commits()).toBe(before + 1);
    const rows = await t.db.selectFrom('parent').select('id').orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual([1]);
    // The connection is usable afterwards.
    await insertParent(t.db, 20);
    expect((await sql<{ n: number }>`select count(*) as n from parent`.execute(t.db)).rows[0]?.n).toBe(2);
  });

  it('is off when asked (a handle the host owns): every transaction commits alone', async () => {
    const t = open({ groupCommit: false });
    db = t.db;
    await Promise.all(Array.from({ length: 10 }, (_, i) => insertParent(t.db, i)));
    expect(t.commits()).toBe(10);
  });

  it('concurrent message creates through the engine: each answered with its own message, all stored', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    const placet = createPlacet({ store });
    await placet.start();
    try {
      const { agent, channelId } = await seedAgent(placet);
      const texts = Array.from({ length: 20 }, (_, i) => `message ${i}`);
      const created = await Promise.all(
        texts.map((text) => placet.messages.create(agent, { channelId, text })),
      );
      expect(created.map((m) => m.text)).toEqual(texts);
      const listed = await placet.messages.list(agent, { channel: channelId, limit: 50 });
      expect(listed.data.map((m) => m.text).sort()).toEqual([...texts].sort());
    } finally {
      await placet.stop();
      await store.close();
    }
  });
});
