import { makeChannel, makeMessage, makeUser } from '@placet/test-utils';
import { describe, expect, it } from 'vitest';
import { createPool, postgresStore } from '../src/index.js';
import { freshSchema, PG_URL, pgEnabled } from './pg-env.js';

/**
 * Placet's queries run as named prepared statements (parsed and planned once per connection), unless
 * turned off for a pooler that cannot keep them. One connection, so that `pg_prepared_statements` (which
 * lists the statements of the session that asks) sees the store's.
 */
describe.skipIf(!pgEnabled)('prepared statements (Postgres)', () => {
  for (const preparedStatements of [true, false]) {
    it(`preparedStatements: ${preparedStatements}`, async () => {
      const { schema, drop } = await freshSchema();
      const url = new URL(PG_URL!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const pool = createPool(url.toString(), 1);
      const store = postgresStore({ pool, preparedStatements });
      try {
        await store.migrate();
        const user = makeUser();
        await store.users.insert(user);
        const channel = makeChannel(user.id);
        await store.channels.insert(channel);
        const written = [makeMessage(channel, { text: 'one' }), makeMessage(channel, { text: 'two' })];
        for (const message of written) await store.messages.insert(message);
        const read = await Promise.all(written.map((message) => store.messages.findById(message.id)));
        expect(read.map((message) => message?.text)).toEqual(['one', 'two']);

        const { rows } = await pool.query<{ statement: string }>(
          "select statement from pg_prepared_statements where name like 'placet\\_%'",
        );
        const statements = rows.map((row) => row.statement);
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
      } finally {
        await store.close();
        await pool.end();
        await drop();
      }
    });
  }
});
