// Load generator of the streaming scenario, in its own process: S streams, each sending a PATCH with its
// full accumulated text R times a second (staggered), one request in flight per stream (a tick whose
// previous PATCH has not returned is skipped and counted). Prints one JSON line with the result.
// Usage: node --import tsx stream-load.ts '<json args>'
import http from 'node:http';
import { summarize } from '../stats.js';

interface Args {
  url: string;
  /** `/api/v1/messages/streams/` or `/bare/streams/`; the stream id is appended. */
  prefix: string;
  headers: Record<string, string>;
  channelId: string;
  streamIds: string[];
  patchesPerSecond: number;
  durationMs: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const agent = new http.Agent({ keepAlive: true, maxSockets: args.streamIds.length });
const period = 1000 / args.patchesPerSecond;
const latencies: number[] = [];
let sent = 0;
let ok = 0;
let failed = 0;
let skipped = 0;
const failures = new Map<string, number>();

function patch(streamId: string, text: string): Promise<void> {
  const body = JSON.stringify({ channelId: args.channelId, text });
  const t0 = performance.now();
  sent++;
  return new Promise((resolve) => {
    const req = http.request(
      `${args.url}${args.prefix}${encodeURIComponent(streamId)}`,
      {
        method: 'PATCH',
        agent,
        headers: {
          ...args.headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode === 200) ok++;
          else {
            failed++;
            const key = `HTTP ${res.statusCode}`;
            failures.set(key, (failures.get(key) ?? 0) + 1);
          }
          resolve();
        });
      },
    );
    req.on('error', (error) => {
      failed++;
      failures.set(error.message, (failures.get(error.message) ?? 0) + 1);
      resolve();
    });
    req.end(body);
  });
}

const start = performance.now() + 50;
const end = start + args.durationMs;
const streams = args.streamIds.map((streamId, i) =>
  (async () => {
    let text = 'Thinking';
    let inFlight: Promise<void> | undefined;
    for (let tick = 0; ; tick++) {
      const due = start + (i / args.streamIds.length) * period + tick * period;
      if (due >= end) break;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (inFlight) {
        skipped++;
        continue;
      }
      text += ` token${tick}`;
      inFlight = patch(streamId, text).finally(() => {
        inFlight = undefined;
      });
    }
    await inFlight;
  })(),
);
await Promise.all(streams);
agent.destroy();
const s = summarize(latencies);
process.stdout.write(
  `${JSON.stringify({ sent, ok, failed, skipped, p50: s.p50, p99: s.p99, max: s.max, failures: Object.fromEntries(failures) })}\n`,
);
