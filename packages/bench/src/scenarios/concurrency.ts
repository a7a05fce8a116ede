import { performance } from 'node:perf_hooks';
import { type Reporter, slowWhen } from '../report.js';
import { summarize } from '../stats.js';
import { startWorld } from '../world.js';
import type { Settings } from './settings.js';

const SCENARIO = 'Concurrency';

/**
 * N message creates started at once through the facade on SQLite (one connection: they queue for it),
 * for a small and a large N: the cost per call should not grow with the queue. Each N is run `rounds`
 * times, alternating, and the median round counts.
 */
export async function concurrency(reporter: Reporter, settings: Settings): Promise<void> {
  const { small, large, rounds } = settings.concurrency;
  const world = await startWorld();
  try {
    const create = (i: number) =>
      world.placet.messages.create(world.agent, { channelId: world.channelId, text: `Step ${i} done.` });
    // Warm-up: statements prepared, JIT settled.
    await Promise.all(Array.from({ length: small }, (_, i) => create(i)));
    const perCall: Record<number, number[]> = { [small]: [], [large]: [] };
    for (let round = 0; round < rounds; round++) {
      reporter.progress(
        SCENARIO,
        `round ${round + 1} of ${rounds}: ${small} and ${large} concurrent creates`,
      );
      for (const n of [small, large]) {
        const started = performance.now();
        await Promise.all(Array.from({ length: n }, (_, i) => create(i)));
        perCall[n]!.push(((performance.now() - started) * 1000) / n);
      }
    }
    const smallCost = summarize(perCall[small]!).p50;
    const largeCost = summarize(perCall[large]!).p50;
    const ratio = largeCost / smallCost;
    reporter.add({
      id: 'concurrency.per-call',
      scenario: SCENARIO,
      label: `cost per create, ${large.toLocaleString('en-US')} concurrent (SQLite)`,
      value: largeCost,
      unit: 'µs',
      baseline: {
        label: `same, ${small.toLocaleString('en-US')} concurrent`,
        value: smallCost,
        unit: 'µs',
        measured: true,
      },
      better: 'lower',
      note: `median of ${rounds} rounds; a queue that costs more per caller as it grows would show here`,
      ...slowWhen(ratio > 1.2 && `per-call cost grows with the queue: ${ratio.toFixed(2)}× at ${large}`),
    });
  } finally {
    await world.close();
  }
}
