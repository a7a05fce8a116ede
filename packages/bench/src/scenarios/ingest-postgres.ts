import { randomBytes } from 'node:crypto';
import { createPlacet, silentLogger } from '@placet/core';
import { postgresStore } from '@placet/db-postgres';
import { approval } from '@placet/plugin-approval';
import { seedAgent } from '@placet/test-utils';
import { Child, runJsonChild } from '../child.js';
import { postgresSandbox } from '../postgres.js';
import { type Reporter, slowWhen } from '../report.js';
import type { LoadResult } from './ingest.js';
import type { Settings } from './settings.js';

const SCENARIO = 'Postgres ingest';

/**
 * `POST /api/v1/messages` on Postgres against the bare Express JSON echo of the same processes: one
 * process, then two processes behind one port (a cluster, round robin) on one schema, both driven by
 * autocannon from another process. Needs PLACET_TEST_POSTGRES_URL.
 */
export async function ingestPostgres(reporter: Reporter, settings: Settings): Promise<void> {
  const baseUrl = process.env.PLACET_TEST_POSTGRES_URL;
  if (!baseUrl) {
    reporter.progress(SCENARIO, 'skipped: PLACET_TEST_POSTGRES_URL is not set');
    return;
  }
  const sandbox = await postgresSandbox(baseUrl);
  try {
    // The schema, an owner, a key and a channel, made once (the servers find them there).
    const setup = createPlacet({
      plugins: [approval()],
      store: postgresStore({ connectionString: sandbox.url }),
      logger: silentLogger(),
      sweepIntervalMs: 3_600_000,
    });
    await setup.start();
    const { key, channelId } = await seedAgent(setup, { channelName: 'bench-bot' });
    await setup.stop();

    const body = JSON.stringify({ channelId, text: 'Build 1234 finished: all green.' });
    const { connections, durationSec, warmupSec } = settings.ingest;
    for (const workers of [1, 2]) {
      const server = Child.start('pg-ingest-server.ts', {
        url: sandbox.url,
        notifyChannel: `placet_bench_${randomBytes(5).toString('hex')}`,
        workers,
      });
      try {
        const { port } = await server.next<{ type: 'ready'; port: number }>('ready', 60_000);
        const load = (path: string, headers: Record<string, string>) =>
          runJsonChild<LoadResult>(
            'ingest-load.ts',
            {
              url: `http://127.0.0.1:${port}${path}`,
              headers: { 'content-type': 'application/json', ...headers },
              body,
              connections,
              durationSec,
              warmupSec,
            },
            (durationSec + warmupSec) * 1000 + 30_000,
          );
        const label = workers === 1 ? '1 process' : `${workers} processes, one port`;
        reporter.progress(
          SCENARIO,
          `${label}: bare Express echo, ${connections} connections, ${durationSec} s`,
        );
        const bare = await load('/bare/echo', {});
        reporter.progress(SCENARIO, `${label}: POST /api/v1/messages`);
        const placet = await load('/api/v1/messages', { 'x-api-key': key });
        const failures = placet.non2xx + placet.errors + placet.timeouts;
        const ratio = placet.rps / bare.rps;
        reporter.add({
          id: `ingest.postgres.${workers}`,
          scenario: SCENARIO,
          label: `POST /api/v1/messages throughput, ${label}`,
          value: placet.rps,
          unit: 'req/s',
          baseline: {
            label: `bare Express JSON echo, ${label}`,
            value: bare.rps,
            unit: 'req/s',
            measured: true,
          },
          better: 'higher',
          note: `${placet.total.toLocaleString('en-US')} messages in ${durationSec} s; p99 ${placet.p99} ms (bare ${bare.p99} ms); ${failures} failed`,
          ...slowWhen(
            ratio < 0.3 && `Postgres ingest (${label}) at ${(ratio * 100).toFixed(0)} % of the bare route`,
            failures > 0 && `${failures} Postgres ingest requests failed`,
          ),
        });
      } finally {
        await server.stop(5_000);
      }
    }
  } finally {
    await sandbox.drop();
  }
}
