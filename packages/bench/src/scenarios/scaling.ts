import { sql } from 'kysely';
import type { Reporter } from '../report.js';
import { type Summary, summarize } from '../stats.js';
import { startWorld, type World } from '../world.js';
import type { Settings } from './settings.js';

const SCENARIO = 'List scaling';
const PAGE = 50;

/** Message i of the seeded channel: `b` + 24 digits, created one second after message i-1. */
const seededId = (i: number) => `b${String(i).padStart(24, '0')}`;
const short = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : n >= 1e3 ? `${n / 1e3}k` : String(n));

/** N messages in the world's channel, inserted set-based in one statement (no ANALYZE, as in production). */
async function seed(world: World, count: number): Promise<void> {
  const t0 = Date.now() - count * 1000;
  await sql
    .raw(`
      with recursive n(i) as (select 1 union all select i + 1 from n where i < ${count})
      insert into placet_messages (id, channel_id, owner_id, sender_type, sender_id, text, status, metadata,
        client_id, stream_id, stream_state, delivery_status, iteration_group_id, iteration, attachment_count,
        created_at, updated_at)
      select 'b' || printf('%024d', i), '${world.channelId}', '${world.ownerId}', 'agent', '${world.channelId}',
             'Seeded message number ' || i || ': build finished, all checks green.', null, null, null, null,
             null, 'sent', null, null, 0, ${t0} + i * 1000, ${t0} + i * 1000
      from n`)
    .execute(world.sql.db);
}

/** The two list calls of one seeded channel, each checked to return a full page. */
function calls(world: World, count: number) {
  const { placet, agent, channelId } = world;
  const cursor = seededId(Math.floor(count / 2));
  const check = (what: string, n: number) => {
    if (n !== PAGE) throw new Error(`${what} page of ${count} has ${n} messages`);
  };
  return {
    first: async () =>
      check('first', (await placet.messages.list(agent, { channel: channelId, limit: PAGE })).data.length),
    deep: async () =>
      check(
        'deep',
        (await placet.messages.list(agent, { channel: channelId, limit: PAGE, cursor })).data.length,
      ),
  };
}

async function timed(fn: () => Promise<void>, into: number[]): Promise<void> {
  const t0 = performance.now();
  await fn();
  into.push(performance.now() - t0);
}

/**
 * `placet.messages.list` (first page, and a keyset page halfway down the channel) on a small and a large
 * SQLite channel. Both databases stay open and the calls alternate between them, so that the load of
 * the machine weighs on both alike: a cursor-paginated list should cost the same whatever the size.
 */
export async function scaling(reporter: Reporter, settings: Settings): Promise<void> {
  const { small, large, samples } = settings.scaling;
  const worlds: World[] = [];
  try {
    const sizes = [small, large];
    const seeded: ReturnType<typeof calls>[] = [];
    for (const count of sizes) {
      const world = await startWorld();
      worlds.push(world);
      reporter.progress(SCENARIO, `seeding ${count.toLocaleString('en-US')} messages in one channel`);
      const t0 = performance.now();
      await seed(world, count);
      reporter.progress(
        SCENARIO,
        `seeded ${short(count)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
      seeded.push(calls(world, count));
    }
    reporter.progress(
      SCENARIO,
      `${samples} calls of each kind, alternating ${short(small)} and ${short(large)}`,
    );
    const times = sizes.map(() => ({ first: [] as number[], deep: [] as number[] }));
    for (let i = 0; i < 10; i++) for (const c of seeded) await Promise.all([c.first(), c.deep()]);
    for (let i = 0; i < samples; i++) {
      for (const kind of ['first', 'deep'] as const) {
        for (const [j, c] of seeded.entries()) await timed(c[kind], times[j]![kind]);
      }
    }
    const [s, l] = times.map((t) => ({ first: summarize(t.first), deep: summarize(t.deep) })) as [
      { first: Summary; deep: Summary },
      { first: Summary; deep: Summary },
    ];
    for (const [key, label] of [
      ['first', 'first page'],
      ['deep', 'keyset page halfway'],
    ] as const) {
      const ratio = l[key].p50 / s[key].p50;
      reporter.add({
        id: `scaling.${key}Page`,
        scenario: SCENARIO,
        label: `list ${label}, ${short(large)} msgs, p50`,
        value: l[key].p50,
        unit: 'ms',
        baseline: {
          label: `same with ${short(small)} messages`,
          value: s[key].p50,
          unit: 'ms',
          measured: true,
        },
        better: 'lower',
        note: `${PAGE} per page, ${samples} calls each; p99 ${l[key].p99.toFixed(2)} ms (${short(small)}: ${s[key].p99.toFixed(2)} ms)`,
        ...(ratio > 1.5 && l[key].p50 - s[key].p50 > 0.3
          ? {
              slow: `list latency grows with the table: ${s[key].p50.toFixed(2)} ms at ${short(small)} → ${l[key].p50.toFixed(2)} ms at ${short(large)}`,
            }
          : {}),
      });
    }
  } finally {
    for (const world of worlds) await world.close();
  }
}
