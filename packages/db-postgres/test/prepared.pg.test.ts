import type { ChannelRecord, MessageRecord } from '@placet/core/adapter';
import { makeChannel, makeMessage, makeUser } from '@placet/test-utils';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPool, postgresStore } from '../src/index.js';
import { freshSchema, PG_URL, pgEnabled } from './pg-env.js';

interface OneConnection {
  store: ReturnType<typeof postgresStore>;
  pool: pg.Pool;
  channel: ChannelRecord;
  /** A message written (and read once) before the test body runs. */
  message: MessageRecord;
}

/**
 * Runs `body` against a migrated store over a pool of ONE connection in a fresh schema, so that
 * `pg_prepared_statements` (which lists the statements of the session that asks) sees the store's, and
 * a statement prepared by one call is the one the next call uses.
 */
async function withOneConnection(
  options: { preparedStatements?: boolean },
  body: (world: OneConnection) => Promise<void>,
): Promise<void> {
  const { schema, drop } = await freshSchema();
  const url = new URL(PG_URL!);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const pool = createPool(url.toString(), 1);
  const store = postgresStore({ pool, ...options });
  try {
    await store.migrate();
    const user = makeUser();
    await store.users.insert(user);
    const channel = makeChannel(user.id);
    await store.channels.insert(channel);
    const message = makeMessage(channel, { text: 'kept' });
    await store.messages.insert(message);
    expect((await store.messages.findById(message.id))?.text).toBe('kept');
    await body({ store, pool, channel, message });
  } finally {
    await store.close();
    await pool.end();
    await drop();
  }
}

const placetStatements = async (pool: pg.Pool) =>
  (
    await pool.query<{ statement: string }>(
      "select statement from pg_prepared_statements where name like 'placet\\_%'",
    )
  ).rows.map((row) => row.statement);

/**
 * Placet's queries run as named prepared statements (parsed and planned once per connection), unless
 * turned off for a pooler that cannot keep them.
 */
describe.skipIf(!pgEnabled)('prepared statements (Postgres)', () => {
  it('a statement whose result columns changed under it fails once (one connection), then is prepared again', () =>
    withOneConnection({}, async ({ store, pool, message }) => {
      // What a migration run by another process would do (the upgrade guide rules it out while this runs).
      await pool.query('alter table placet_messages add column later text');
      const attempts = await Promise.allSettled([1, 2, 3].map(() => store.messages.findById(message.id)));
      const failures = attempts.filter((a) => a.status === 'rejected');
      expect(failures).toHaveLength(1);
      for (const failure of failures) expect(String(failure.reason)).toMatch(/cached plan/);
      expect((await store.messages.findById(message.id))?.text).toBe('kept');
    }));

  it('a pooler that loses prepared statements turns naming off for the pool: one query fails, the rest run unnamed', () =>
    withOneConnection({}, async ({ store, pool, channel, message }) => {
      // What a pooler in transaction mode does: the next statement runs on a server connection that never
      // prepared it.
      await pool.query('deallocate all');
      await expect(store.messages.findById(message.id)).rejects.toMatchObject({ code: '26000' });
      expect((await store.messages.findById(message.id))?.text).toBe('kept');
      await store.messages.insert(makeMessage(channel, { text: 'unnamed' }));
      expect(await placetStatements(pool)).toEqual([]);
    }));

  for (const preparedStatements of [true, false]) {
    it(`preparedStatements: ${preparedStatements}`, () =>
      withOneConnection({ preparedStatements }, async ({ store, pool, channel }) => {
        const written = [makeMessage(channel, { text: 'one' }), makeMessage(channel, { text: 'two' })];
        for (const message of written) await store.messages.insert(message);
        const read = await Promise.all(written.map((message) => store.messages.findById(message.id)));
        expect(read.map((message) => message?.text)).toEqual(['one', 'two']);

        const statements = await placetStatements(pool);
        if (preparedStatements) {
          expect(
            statements.some((s) => /^insert into "placet_messages"/.test(s)),
            statements.join('\n'),
          ).toBe(true);
          expect(statements.some((s) => /^select .* from "placet_messages"/.test(s))).toBe(true);
          // One statement per text, however often it ran.
          expect(new Set(statements).size).toBe(statements.length);
        } else {
          expect(statements).toEqual([]);
        }
      }));
  }
});
