import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlacet, type Placet, silentLogger } from '@placet/core';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, postgresStore } from '../src/index.js';
import { freshSchema, PG_URL, pgEnabled } from './pg-env.js';

/**
 * Restoring a `pg_dump` rewinds the event sequence. The event table of the restored dump is a new
 * table, so the next start begins a new outbox epoch, and a client that kept the old epoch is told to
 * resync even when its seq is one the restored database will hand out again.
 */
describe.skipIf(!pgEnabled)('Postgres: a restored dump starts a new outbox epoch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'placet-restore-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function placetOn(schema: string): Promise<{ placet: Placet; pool: pg.Pool }> {
    const url = new URL(PG_URL!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const pool = createPool(url.toString(), 5);
    const placet = createPlacet({ store: postgresStore({ pool }), logger: silentLogger() });
    await placet.start();
    return { placet, pool };
  }

  it('pg_dump, more events, pg_restore: a new epoch, and a client of the old epoch resyncs', async () => {
    const { schema, drop } = await freshSchema();
    try {
      const first = await placetOn(schema);
      const owner = await first.placet.users.create({
        email: 'o@example.test',
        displayName: 'O',
        password: 'pw-12345678',
      });
      const agent = (await first.placet.authenticate({
        apiKey: (await first.placet.apiKeys.create(owner.id)).key,
      }))!;
      const channel = await first.placet.channels.create(agent, { name: 'bot' });
      await first.placet.messages.create(agent, { channelId: channel.id, text: 'in the backup' });
      const epoch = await first.placet.events.epoch();
      const dumped = await first.placet.events.committedSeq();
      execFileSync('pg_dump', [
        '--format=custom',
        `--schema=${schema}`,
        `--file=${join(dir, 'placet.dump')}`,
        PG_URL!,
      ]);
      for (let i = 0; i < 3; i++)
        await first.placet.messages.create(agent, { channelId: channel.id, text: `lost ${i}` });
      const seen = await first.placet.events.committedSeq();
      await first.placet.stop();
      await first.pool.end();

      // Restore: the schema as it was at the dump.
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
      execFileSync('pg_restore', [`--dbname=${PG_URL}`, join(dir, 'placet.dump')]);

      const second = await placetOn(schema);
      expect(await second.placet.events.committedSeq()).toBe(dumped);
      const renewed = await second.placet.events.epoch();
      expect(renewed).not.toBe(epoch);
      // A client that saw `seen` in the old epoch: told to resync, also once the sequence passes `seen`.
      expect((await second.placet.events.checkResume({ fromSeq: seen, epoch })).resync?.reason).toBe('epoch');
      for (let i = 0; i < 5; i++)
        await second.placet.messages.create(agent, { channelId: channel.id, text: `new ${i}` });
      expect((await second.placet.events.checkResume({ fromSeq: seen, epoch })).resync?.reason).toBe('epoch');
      expect(await second.placet.events.checkResume({ fromSeq: seen, epoch: renewed })).toEqual({
        epoch: renewed,
      });
      await second.placet.stop();
      await second.pool.end();
    } finally {
      await drop();
    }
  }, 60_000);
});
