// Load generator of the ingest scenario, in its own process: runs autocannon against one route
// (a short warm-up, then the measured run) and prints one JSON line with the result.
// Usage: node --import tsx ingest-load.ts '<json args>'
import autocannon from 'autocannon';

interface Args {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  durationSec: number;
  warmupSec: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const run = (duration: number) =>
  autocannon({
    url: args.url,
    method: 'POST',
    headers: args.headers,
    body: args.body,
    connections: args.connections,
    pipelining: 1,
    duration,
  });

if (args.warmupSec > 0) await run(args.warmupSec);
const result = await run(args.durationSec);
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
