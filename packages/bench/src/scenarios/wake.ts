import { randomBytes } from 'node:crypto';
import { type AgentPrincipal, createPlacet, silentLogger } from '@placet/core';
import { postgresStore, postgresTransport } from '@placet/db-postgres';
import { approval } from '@placet/plugin-approval';
import { Child } from '../child.js';
import { postgresSandbox } from '../postgres.js';
import { type Reporter, slowWhen } from '../report.js';
import { summarize, wallNow, within } from '../stats.js';
import { ANSWER, REVIEW, startWorld } from '../world.js';
import { ORIGINAL_POLL_MS, type Settings } from './settings.js';

const SCENARIO = 'Wake latency';
const WAIT_MS = 20_000;

/** A 2 s poll finds an answer that lands at a uniformly random moment after 0…2,000 ms. */
const POLL_P50 = ORIGINAL_POLL_MS / 2;
const POLL_P99 = ORIGINAL_POLL_MS * 0.99;

/** The goal for the wake p99 in one process. */
const IN_PROCESS_P99_GOAL_MS = 10;

function addFigures(
  reporter: Reporter,
  id: string,
  where: string,
  samples: number[] | string,
  extra: string,
  /** The goal for the p99, where there is one. */
  goalMs?: number,
): void {
  const skipped = typeof samples === 'string' ? samples : undefined;
  const s = typeof samples === 'string' ? undefined : summarize(samples);
  const note = s
    ? `${s.n} reviews${extra}; mean ${s.mean.toFixed(2)} ms, max ${s.max.toFixed(1)} ms`
    : undefined;
  for (const [key, value, baseline, label] of [
    ['p50', s?.p50, POLL_P50, 'p50'],
    ['p99', s?.p99, POLL_P99, 'p99'],
  ] as const) {
    reporter.add({
      id: `${id}.${key}`,
      scenario: SCENARIO,
      label: `answer → wait returns, ${where}, ${label}`,
      value: value ?? null,
      unit: 'ms',
      baseline: {
        label: `original: DB poll every 2 s`,
        value: baseline,
        unit: 'ms',
        measured: false,
      },
      better: 'lower',
      ...(key === 'p50' && note ? { note } : {}),
      ...(skipped ? { skipped } : {}),
      ...slowWhen(
        key === 'p99' &&
          goalMs !== undefined &&
          value !== undefined &&
          value > goalMs &&
          `wake p99 ${value.toFixed(1)} ms, ${where} (goal ≤ ${goalMs} ms)`,
      ),
    });
  }
}

/**
 * Human answers → the agent's long-poll returns. In one process on SQLite (`reviews.wait` and
 * `reviews.respond`), and — with PLACET_TEST_POSTGRES_URL — across two processes on Postgres, the
 * answer given in A waking the wait held in B through LISTEN/NOTIFY.
 */
export async function wake(reporter: Reporter, settings: Settings): Promise<void> {
  const world = await startWorld();
  try {
    const { placet } = world;
    const samples: number[] = [];
    const n = settings.wake.reviews;
    reporter.progress(SCENARIO, `in-process, SQLite: ${n} reviews, one at a time`);
    for (let i = 0; i < n; i++) {
      const message = await placet.messages.create(world.agent, {
        channelId: world.channelId,
        text: `wake ${i}`,
        review: REVIEW,
      });
      const asleep = new Promise<void>((resolve) => {
        world.onTimer = (ms) => {
          if (ms === WAIT_MS) resolve();
        };
      });
      let wokeAt = 0;
      const waiting = placet.reviews.wait(world.agent, message.id, { timeoutMs: WAIT_MS }).then((r) => {
        wokeAt = performance.now();
        return r;
      });
      await within(asleep, 5_000, 'the waiter to go to sleep');
      world.onTimer = undefined;
      const t0 = performance.now();
      await placet.reviews.respond(world.human, message.id, ANSWER);
      const result = await within(waiting, 5_000, 'the wait to return');
      if (result.status !== 'completed') throw new Error(`wait returned ${result.status}`);
      samples.push(wokeAt - t0);
      if ((i + 1) % Math.ceil(n / 4) === 0) reporter.progress(SCENARIO, `${i + 1}/${n} reviews`);
    }
    addFigures(reporter, 'wake.inProcess', '1 process SQLite', samples, '', IN_PROCESS_P99_GOAL_MS);
  } finally {
    await world.close();
  }

  const url = process.env.PLACET_TEST_POSTGRES_URL;
  if (!url) {
    addFigures(reporter, 'wake.postgres', '2 processes Postgres', 'PLACET_TEST_POSTGRES_URL not set', '');
    return;
  }
  addFigures(
    reporter,
    'wake.postgres',
    '2 processes Postgres',
    await acrossProcesses(reporter, url, settings),
    ' (answer in A, wait in B)',
  );
}

async function acrossProcesses(reporter: Reporter, baseUrl: string, settings: Settings): Promise<number[]> {
  const sandbox = await postgresSandbox(baseUrl);
  const notifyChannel = `placet_bench_${randomBytes(5).toString('hex')}`;
  const placet = createPlacet({
    plugins: [approval()],
    store: postgresStore({ connectionString: sandbox.url }),
    transport: postgresTransport({ connectionString: sandbox.url, channel: notifyChannel }),
    logger: silentLogger(),
    sweepIntervalMs: 3_600_000,
  });
  let peer: Child | undefined;
  try {
    await placet.start();
    const owner = await placet.users.create({
      email: 'owner@bench.test',
      displayName: 'Bench owner',
      password: 'bench-owner-password',
      role: 'owner',
    });
    const { key } = await placet.apiKeys.create(owner.id, { label: 'bench' });
    const agent = (await placet.authenticate({ apiKey: key })) as AgentPrincipal;
    const channel = await placet.channels.create(agent, { name: 'bench-bot' });
    const human = placet.userPrincipal(owner);
    peer = Child.start('wake-peer.ts', { url: sandbox.url, notifyChannel, apiKey: key, timeoutMs: WAIT_MS });
    await peer.next('ready', 30_000);
    const n = settings.wake.postgresReviews;
    reporter.progress(SCENARIO, `two processes, Postgres: ${n} reviews (answer in A, wait in B)`);
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const message = await placet.messages.create(agent, {
        channelId: channel.id,
        text: `wake ${i}`,
        review: REVIEW,
      });
      peer.send({ type: 'wait', messageId: message.id });
      await peer.next('asleep', 10_000);
      const t0 = wallNow();
      await placet.reviews.respond(human, message.id, ANSWER);
      const woke = await peer.next<{ type: 'woke'; at: number; status: string }>('woke', 10_000);
      if (woke.status !== 'completed') throw new Error(`wait in B returned ${woke.status}`);
      samples.push(woke.at - t0);
      if ((i + 1) % Math.ceil(n / 4) === 0) reporter.progress(SCENARIO, `${i + 1}/${n} reviews`);
    }
    return samples;
  } finally {
    await peer?.stop(5_000);
    await placet.stop();
    await sandbox.drop();
  }
}
