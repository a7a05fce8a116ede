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
    const { durationSec: seconds, rounds, connections } = settings.ingest;
    // Alternated, so that a slow spell of a shared machine falls on both routes; medians reported.
    const bares: LoadResult[] = [];
    const placets: LoadResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      const of = rounds > 1 ? `, round ${round} of ${rounds}` : '';
      reporter.progress(SCENARIO, `bare Express echo, ${connections} connections, ${seconds} s${of}`);
      bares.push(await load('/bare/echo', {}));
      reporter.progress(SCENARIO, `POST /api/v1/messages, ${connections} connections, ${seconds} s${of}`);
      placets.push(await load('/api/v1/messages', { 'x-api-key': world.key }));
    }
    const bare = medianLoad(bares);
    const placet = medianLoad(placets);
    const failures = placets.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0);
    const written = placets.reduce((sum, r) => sum + r.total, 0);
    const perRound = placets.map((r, i) => (r.rps / bares[i]!.rps).toFixed(2)).join(', ');
    const note = `${written.toLocaleString('en-US')} messages written in ${rounds} × ${seconds} s (medians of the rounds shown; ratio per round ${perRound}); p50 ${placet.p50} ms (bare ${bare.p50} ms); ${failures} failed`;
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

/** The median of each figure over the rounds (an odd number of rounds: a round's own figure). */
function medianLoad(results: readonly LoadResult[]): LoadResult {
  const median = (pick: (r: LoadResult) => number) => {
    const sorted = results.map(pick).sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  };
  return {
    rps: median((r) => r.rps),
    p50: median((r) => r.p50),
    p99: median((r) => r.p99),
    total: median((r) => r.total),
    non2xx: median((r) => r.non2xx),
    errors: median((r) => r.errors),
    timeouts: median((r) => r.timeouts),
  };
}
