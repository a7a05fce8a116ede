import { Child, type ChildMessage } from '../child.js';
import { type Reporter, slowWhen } from '../report.js';
import { sleep, summarize, wallNow } from '../stats.js';
import { startWorld } from '../world.js';
import type { Settings } from './settings.js';

const SCENARIO = 'WS fan-out';

interface Round extends ChildMessage {
  round: number;
  times: number[];
}

/**
 * N sockets subscribed to one channel (clients in a second process); one agent message → the time from
 * the agent's `messages.create` call until each socket has the `message:created` frame. Beside it, the
 * same frame written by a bare `ws` server to N sockets on the same HTTP server (one JSON.stringify
 * per socket, as Placet does).
 */
export async function fanout(reporter: Reporter, settings: Settings): Promise<void> {
  const world = await startWorld({ http: true });
  const { sockets: n, rounds } = settings.fanout;
  const wsBase = world.url.replace('http', 'ws');
  const children: Child[] = [];
  try {
    const sample = await world.placet.messages.create(world.agent, {
      channelId: world.channelId,
      text: 'fanout-sample',
    });
    const measure = async (mode: 'placet' | 'bare', emit: (round: number) => Promise<void>) => {
      reporter.progress(SCENARIO, `${mode}: connecting ${n} sockets from a second process`);
      const child = Child.start('fanout-clients.ts', {
        url: mode === 'placet' ? `${wsBase}/ws?apiKey=${world.key}` : `${wsBase}/bare-ws`,
        sockets: n,
        subscribe: mode === 'placet' ? world.channelId : null,
        batch: 100,
      });
      children.push(child);
      await child.next('ready', 120_000);
      reporter.progress(SCENARIO, `${mode}: ${rounds} events to ${n} sockets`);
      const samples: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = wallNow();
        await emit(r);
        const round = await child.next<Round>('round', 30_000);
        if (round.round !== r) throw new Error(`expected round ${r}, got ${round.round}`);
        for (const t of round.times) samples.push(t - t0);
        await sleep(50);
      }
      await child.stop();
      return summarize(samples);
    };

    const placet = await measure('placet', async (r) => {
      await world.placet.messages.create(world.agent, { channelId: world.channelId, text: `fanout-${r}` });
    });
    const bare = await measure('bare', async (r) => {
      const data = { ...sample, text: `fanout-${r}` };
      for (const socket of world.bare.sockets()) {
        socket.send(JSON.stringify({ event: 'message:created', data, seq: r + 1 }));
      }
    });

    for (const key of ['p50', 'p99'] as const) {
      reporter.add({
        id: `fanout.${key}`,
        scenario: SCENARIO,
        label: `one event → ${n.toLocaleString('en-US')} sockets, ${key}`,
        value: placet[key],
        unit: 'ms',
        baseline: { label: `bare ws broadcast, ${key}`, value: bare[key], unit: 'ms', measured: true },
        better: 'lower',
        ...slowWhen(
          placet[key] > 3 * bare[key] &&
            placet[key] - bare[key] > 20 &&
            `fan-out ${key} ${placet[key].toFixed(1)} ms vs ${bare[key].toFixed(1)} ms for a bare broadcast`,
        ),
        ...(key === 'p50'
          ? {
              note: `${rounds} events × ${n} sockets; last socket after ${placet.max.toFixed(1)} ms (bare ${bare.max.toFixed(1)} ms); time from the agent's create call (write included)`,
            }
          : {}),
      });
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()));
    await world.close();
  }
}
