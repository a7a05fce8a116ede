/** Sizes of every scenario: `--quick` runs everything small in under a minute. */
export interface Settings {
  quick: boolean;
  /**
   * `rounds`: SQLite ingest alternates the bare route and Placet this many times (each `durationSec`),
   * so that a slow spell of a shared machine falls on both; the medians are reported.
   */
  ingest: { connections: number; durationSec: number; warmupSec: number; rounds: number };
  wake: { reviews: number; postgresReviews: number };
  idle: { waiters: number; idleWindowMs: number };
  fanout: { sockets: number; rounds: number };
  streaming: { streams: number; patchesPerSecond: number; durationMs: number };
  scaling: { small: number; large: number; samples: number };
  concurrency: { small: number; large: number; rounds: number };
}

export function settingsFor(quick: boolean): Settings {
  return quick
    ? {
        quick,
        ingest: { connections: 10, durationSec: 2, warmupSec: 1, rounds: 1 },
        wake: { reviews: 200, postgresReviews: 200 },
        idle: { waiters: 500, idleWindowMs: 1_500 },
        fanout: { sockets: 200, rounds: 3 },
        streaming: { streams: 100, patchesPerSecond: 5, durationMs: 5_000 },
        scaling: { small: 10_000, large: 100_000, samples: 100 },
        concurrency: { small: 100, large: 1_000, rounds: 3 },
      }
    : {
        quick,
        ingest: { connections: 10, durationSec: 10, warmupSec: 2, rounds: 3 },
        wake: { reviews: 1_000, postgresReviews: 1_000 },
        idle: { waiters: 5_000, idleWindowMs: 5_000 },
        fanout: { sockets: 1_000, rounds: 10 },
        streaming: { streams: 100, patchesPerSecond: 5, durationMs: 20_000 },
        scaling: { small: 10_000, large: 1_000_000, samples: 200 },
        concurrency: { small: 100, large: 4_000, rounds: 5 },
      };
}

/** The original's long-poll: a database read every 2,000 ms per waiting request. */
export const ORIGINAL_POLL_MS = 2_000;
