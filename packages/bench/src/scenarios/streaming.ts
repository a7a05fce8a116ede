import { runJsonChild } from '../child.js';
import { type Reporter, slowWhen } from '../report.js';
import { sleep } from '../stats.js';
import { startWorld } from '../world.js';
import type { Settings } from './settings.js';

/** The goal for the PATCH p99, as a multiple of the bare PATCH echo's. */
const P99_GOAL = 3;
const SCENARIO = 'Streaming';

interface LoadResult {
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  p50: number;
  p99: number;
  max: number;
  failures: Record<string, number>;
}

/**
 * S concurrent streamed replies, each PATCHed with its full text R times a second from a second process
 * (`PATCH /api/v1/messages/streams/:streamId`), beside a bare Express PATCH echo under the same load;
 * and the `message:updated` events the engine delivered to a subscriber, against the PATCHes accepted.
 */
export async function streaming(reporter: Reporter, settings: Settings): Promise<void> {
  const world = await startWorld({ http: true });
  const { streams, patchesPerSecond, durationMs } = settings.streaming;
  let unsubscribe: (() => void) | undefined;
  try {
    const streamIds = Array.from({ length: streams }, (_, i) => `bench-stream-${i}`);
    const drafts = new Set<string>();
    for (const streamId of streamIds) {
      const draft = await world.placet.messages.create(world.agent, {
        channelId: world.channelId,
        streamId,
        text: 'Thinking',
      });
      drafts.add(draft.id);
    }
    let delivered = 0;
    unsubscribe = world.placet.events.subscribe(
      { ownerId: world.ownerId, channelIds: [world.channelId] },
      (event) => {
        if (event.type === 'message:updated' && event.subjectId !== null && drafts.has(event.subjectId))
          delivered++;
      },
    );
    const load = (prefix: string, headers: Record<string, string>) =>
      runJsonChild<LoadResult>(
        'stream-load.ts',
        {
          url: world.url,
          prefix,
          headers,
          channelId: world.channelId,
          streamIds,
          patchesPerSecond,
          durationMs,
        },
        durationMs + 60_000,
      );
    const what = `${streams} streams × ${patchesPerSecond} PATCH/s for ${durationMs / 1000} s`;
    reporter.progress(SCENARIO, `bare Express PATCH echo: ${what}`);
    const bare = await load('/bare/streams/', {});
    reporter.progress(SCENARIO, `PATCH /api/v1/messages/streams/:id: ${what}`);
    const placet = await load('/api/v1/messages/streams/', { 'x-api-key': world.key });
    for (let i = 0; i < 200 && delivered < placet.ok; i++) await sleep(10);

    const failures = Object.entries(placet.failures)
      .map(([k, v]) => `${v}× ${k}`)
      .join(', ');
    reporter.add({
      id: 'streaming.patchP99',
      scenario: SCENARIO,
      label: `PATCH p99 (${streams} streams × ${patchesPerSecond}/s)`,
      value: placet.p99,
      unit: 'ms',
      baseline: {
        label: 'bare Express PATCH echo, same load, p99',
        value: bare.p99,
        unit: 'ms',
        measured: true,
      },
      better: 'lower',
      note: `${placet.ok}/${placet.sent} PATCHes accepted, ${placet.skipped} ticks skipped (previous PATCH still in flight; bare: ${bare.skipped}); p50 ${placet.p50.toFixed(1)} ms (bare ${bare.p50.toFixed(1)} ms)${failures ? `; failed: ${failures}` : ''}`,
      ...slowWhen(
        placet.p99 > P99_GOAL * bare.p99 &&
          `PATCH p99 ${(placet.p99 / bare.p99).toFixed(1)}× the bare echo (goal ≤ ${P99_GOAL}×)`,
        placet.failed > 0 && `${placet.failed} PATCHes failed: ${failures}`,
        placet.skipped > placet.sent * 0.01 &&
          `${placet.skipped} of ${placet.sent + placet.skipped} PATCH ticks skipped: the server kept up with ${Math.round(placet.ok / (durationMs / 1000))} of ${streams * patchesPerSecond} PATCH/s`,
      ),
    });
    reporter.add({
      id: 'streaming.eventsDelivered',
      scenario: SCENARIO,
      label: 'message:updated events delivered',
      value: delivered,
      unit: 'events',
      baseline: { label: 'PATCHes accepted', value: placet.ok, unit: 'events', measured: true },
      better: 'higher',
      ...(delivered !== placet.ok ? { slow: `${delivered} events for ${placet.ok} accepted PATCHes` } : {}),
    });
  } finally {
    unsubscribe?.();
    await world.close();
  }
}
