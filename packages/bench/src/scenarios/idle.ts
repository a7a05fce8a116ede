import { Child, type ChildMessage } from '../child.js';
import { type Reporter, slowWhen } from '../report.js';
import { ORIGINAL_POLL_MS, type Settings } from './settings.js';

const SCENARIO = 'Idle waiters';
const KB = 1024;
const WARM = 100;

interface Ready extends ChildMessage {
  url: string;
  headers: Record<string, string>;
  warmPaths: string[];
  paths: string[];
}
interface Memory extends ChildMessage {
  rss: number;
  heap: number;
}
interface Idle extends ChildMessage {
  calls: number;
  seconds: number;
  byMethod: string[];
  sweepCalls: number;
}
interface Answered extends ChildMessage {
  at: number;
  answersMs: number;
}
interface Done extends ChildMessage {
  lastAt: number;
  statuses: Record<string, number>;
}

interface Calls extends ChildMessage {
  calls: Record<string, number>;
}

/** The goal for RSS per waiter, as a multiple of a request held by a bare route. */
const RSS_GOAL = 2;

interface Run {
  /** Store calls per answered waiter, by method: the answer and the wake it caused. */
  callsPerAnswer: Record<string, number>;
  rssPerWaiter: number;
  heapPerWaiter: number;
  idle?: Idle;
  answered: Answered;
  done: Done;
}

/**
 * One fresh server process (`placet` or `bare`) and one client process holding N requests open.
 * Memory is the server's, before and after the N requests are held (after a warm-up of 100).
 */
async function run(
  reporter: Reporter,
  mode: 'placet' | 'bare',
  n: number,
  idleWindowMs: number,
): Promise<Run> {
  const children: Child[] = [];
  const start = (script: string, input: unknown) => {
    const child = Child.start(script, input);
    children.push(child);
    return child;
  };
  const ask = async <T extends ChildMessage>(child: Child, message: ChildMessage, timeoutMs = 60_000) => {
    child.send(message);
    return child.next<T>(
      message.type === 'held' ? 'held' : message.type === 'answer' ? 'answered' : message.type,
      timeoutMs,
    );
  };
  try {
    const server = start('idle-server.ts', { mode, waiters: n, warm: WARM });
    const ready = await server.next<Ready>('ready', 120_000);
    const clients = (paths: string[]) =>
      start('idle-clients.ts', { url: ready.url, paths, headers: ready.headers, batch: 250 });

    const warm = clients(ready.warmPaths);
    await ask(server, { type: 'held', count: WARM });
    await ask(server, { type: 'answer', which: 'warm' });
    await warm.next('done', 30_000);

    const before = await ask<Memory>(server, { type: 'memory' });
    reporter.progress(SCENARIO, `${mode}: opening ${n} requests from a second process`);
    const main = clients(ready.paths);
    await ask(server, { type: 'held', count: n });
    const after = await ask<Memory>(server, { type: 'memory' });
    let idle: Idle | undefined;
    if (mode === 'placet') {
      reporter.progress(SCENARIO, `${n} waiters asleep; counting store calls for ${idleWindowMs} ms`);
      idle = await ask<Idle>(server, { type: 'idle', windowMs: idleWindowMs });
      reporter.progress(SCENARIO, `answering all ${n} reviews`);
    }
    const answered = await ask<Answered>(server, { type: 'answer', which: 'main' }, 120_000);
    const done = await main.next<Done>('done', 60_000);
    const { calls } = await ask<Calls>(server, { type: 'calls' });
    return {
      callsPerAnswer: Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v / n])),
      rssPerWaiter: (after.rss - before.rss) / n,
      heapPerWaiter: (after.heap - before.heap) / n,
      ...(idle ? { idle } : {}),
      answered,
      done,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop(10_000)));
  }
}

/**
 * N concurrent `GET /api/v1/reviews/:id/wait` held open from a second process: memory added per waiter
 * (beside the same number of requests held by a bare Express route, each in a fresh server process),
 * store calls per second while they all sleep (the sweeper is off during the window and measured on
 * its own), and the time from answering all N reviews until the last long-poll has returned.
 */
export async function idle(reporter: Reporter, settings: Settings): Promise<void> {
  const n = settings.idle.waiters;
  const placet = await run(reporter, 'placet', n, settings.idle.idleWindowMs);
  const bare = await run(reporter, 'bare', n, 0);
  const idle = placet.idle!;

  reporter.add({
    id: 'idle.rssPerWaiter',
    scenario: SCENARIO,
    label: `RSS added per waiter (${n.toLocaleString('en-US')} long-polls)`,
    value: placet.rssPerWaiter / KB,
    unit: 'KB',
    baseline: {
      label: 'bare Express route holding the request',
      value: bare.rssPerWaiter / KB,
      unit: 'KB',
      measured: true,
    },
    better: 'lower',
    note: `JS heap + external per waiter ${(placet.heapPerWaiter / KB).toFixed(2)} KB (bare ${(bare.heapPerWaiter / KB).toFixed(2)} KB)${n < 2_000 ? '; with this few waiters RSS is mostly noise (pages already committed): read the heap figures' : ''}`,
    ...slowWhen(
      n >= 2_000 &&
        placet.rssPerWaiter > RSS_GOAL * bare.rssPerWaiter &&
        `RSS per waiter ${(placet.rssPerWaiter / bare.rssPerWaiter).toFixed(2)}× a bare held request (goal ≤ ${RSS_GOAL}×)`,
    ),
  });
  reporter.add({
    id: 'idle.storeQueriesPerSecond',
    scenario: SCENARIO,
    label: 'store calls per second while all sleep',
    value: idle.calls / idle.seconds,
    unit: 'q/s',
    baseline: {
      label: `original: ${n.toLocaleString('en-US')} waiters polling every 2 s`,
      value: n / (ORIGINAL_POLL_MS / 1000),
      unit: 'q/s',
      measured: false,
    },
    better: 'lower',
    note: `${idle.calls} calls in ${idle.seconds.toFixed(1)} s${idle.byMethod.length ? ` (${idle.byMethod.join(', ')})` : ''}; sweeper (excluded, every 5 s by default): ${idle.sweepCalls} calls per pass, whatever the number of waiters`,
    ...(idle.calls > 0
      ? { slow: `${idle.calls} store calls while ${n} waiters slept: ${idle.byMethod.join(', ')}` }
      : {}),
  });
  const wakeAllMs = placet.done.lastAt - placet.answered.at;
  const statuses = Object.entries(placet.done.statuses)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  const missed = n - (placet.done.statuses.completed ?? 0);
  const perAnswer = Object.values(placet.callsPerAnswer).reduce((a, b) => a + b, 0);
  const wakeReads = Object.entries(placet.callsPerAnswer)
    .filter(([k]) => !k.startsWith('tx.'))
    .map(([k, v]) => `${k}×${Number(v.toPrecision(2))}`)
    .join(', ');
  reporter.add({
    id: 'idle.wakeAllMs',
    scenario: SCENARIO,
    label: `answer all ${n.toLocaleString('en-US')} → last long-poll returned`,
    value: wakeAllMs,
    unit: 'ms',
    baseline: {
      label: 'original: same answers + up to one 2 s poll',
      value: placet.answered.answersMs + ORIGINAL_POLL_MS,
      unit: 'ms',
      measured: false,
    },
    better: 'lower',
    note: `answered 100 at a time; the ${n} answers themselves took ${placet.answered.answersMs.toFixed(0)} ms; long-polls returned: ${statuses}; ${perAnswer.toFixed(1)} store calls per answer + wake (outside transactions: ${wakeReads}); bare route releasing ${n}: ${(bare.done.lastAt - bare.answered.at).toFixed(0)} ms`,
    ...(missed > 0 ? { slow: `${missed} of ${n} long-polls did not return completed (${statuses})` } : {}),
  });
}
