import { runJsonChild } from '../child.js';
import { type Reporter, slowWhen } from '../report.js';
import { startWorld } from '../world.js';
import type { Settings } from './settings.js';

/** What the load generator (`ingest-load.ts`) reports. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const SCENARIO = 'HTTP ingest';

/**
 * `POST /api/v1/messages` (API key, validation, one write with its outbox event) against a bare Express
 * JSON echo route on the same server, both driven by autocannon from a second process.
 */
export async function ingest(reporter: Reporter, settings: Settings): Promise<void> {
  const world = await startWorld({ http: true });
  try {
    const body = JSON.stringify({ channelId: world.channelId, text: 'Build 1234 finished: all green.' });
    const load = (path: string, headers: Record<string, string>) =>
      runJsonChild<LoadResult>(
        'ingest-load.ts',
        {
          url: `${world.url}${path}`,
          headers: { 'content-type': 'application/json', ...headers },
          body,
          connections: settings.ingest.connections,
          durationSec: settings.ingest.durationSec,
          warmupSec: settings.ingest.warmupSec,
        },
        (settings.ingest.durationSec + settings.ingest.warmupSec) * 1000 + 30_000,
      );
    const seconds = settings.ingest.durationSec;
    reporter.progress(
      SCENARIO,
      `bare Express echo, ${settings.ingest.connections} connections, ${seconds} s`,
    );
    const bare = await load('/bare/echo', {});
    reporter.progress(
      SCENARIO,
      `POST /api/v1/messages, ${settings.ingest.connections} connections, ${seconds} s`,
    );
    const placet = await load('/api/v1/messages', { 'x-api-key': world.key });
    const failures = placet.non2xx + placet.errors + placet.timeouts;
    const note = `${placet.total.toLocaleString('en-US')} messages written in ${seconds} s; p50 ${placet.p50} ms (bare ${bare.p50} ms); ${failures} failed`;
    const ratio = placet.rps / bare.rps;
    reporter.add({
      id: 'ingest.rps',
      scenario: SCENARIO,
      label: 'POST /api/v1/messages throughput',
      value: placet.rps,
      unit: 'req/s',
      baseline: { label: 'bare Express JSON echo', value: bare.rps, unit: 'req/s', measured: true },
      better: 'higher',
      note,
      ...slowWhen(
        ratio < 0.5 &&
          `ingest at ${(ratio * 100).toFixed(0)} % of the bare route (${Math.round(placet.rps)} vs ${Math.round(bare.rps)} req/s)`,
        failures > 0 && `${failures} ingest requests failed`,
      ),
    });
    reporter.add({
      id: 'ingest.p99',
      scenario: SCENARIO,
      label: 'POST /api/v1/messages p99',
      value: placet.p99,
      unit: 'ms',
      baseline: { label: 'bare Express JSON echo p99', value: bare.p99, unit: 'ms', measured: true },
      better: 'lower',
    });
  } finally {
    await world.close();
  }
}
