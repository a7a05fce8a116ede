// Server side of the idle-waiters scenario, in a fresh process so that the memory it reports belongs to
// the held requests alone. `mode` is `placet` (long-polls on pending reviews) or `bare` (a bare Express
// route that holds each request). Commands arrive over IPC; each gets one reply.
import { childRuntime } from '../child.js';
import { collectGarbage, mapLimit, sleep, until, wallNow } from '../stats.js';
import { ANSWER, createReviews, startWorld } from '../world.js';

/**
 * Answers in flight at once. All N at once would measure kysely's SQLite connection mutex instead: every
 * release wakes every queued caller, so N concurrent calls cost O(N²) (see docs/operations.md).
 */
const ANSWERS_IN_FLIGHT = 100;

interface Input {
  mode: 'placet' | 'bare';
  waiters: number;
  warm: number;
}

const { input, send, on } = childRuntime<Input>();
const args = await input;
const world = await startWorld({ http: true, counting: true });
const { placet } = world;
// The bare server creates the same reviews (unused), so that both start from the same heap.
const ids = await createReviews(world, args.waiters + args.warm, 'idle');
const warmIds = ids.splice(0, args.warm);
const held = () => (args.mode === 'placet' ? placet.reviews.waiterCount() : world.bare.held());
const paths = (list: string[], count: number) =>
  args.mode === 'placet'
    ? list.map((id) => `/api/v1/reviews/${id}/wait?channel=${world.channelId}&timeout=30000`)
    : Array.from({ length: count }, () => '/bare/hold');

const memory = async () => {
  await collectGarbage();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external };
};

on('held', (m) => {
  const count = Number(m.count);
  until(`${count} requests held`, () => held() === count, { timeoutMs: 30_000 }).then(
    () => sleep(200).then(() => send({ type: 'held', count })),
    (error: unknown) => send({ type: 'error', message: String(error) }),
  );
});
on('memory', () => {
  void memory().then((m) => send({ type: 'memory', ...m }));
});
on('idle', (m) => {
  const counting = world.counting!;
  const snapshot = new Map(counting.calls);
  const c0 = counting.total();
  const t0 = performance.now();
  void sleep(Number(m.windowMs)).then(async () => {
    const calls = counting.total() - c0;
    const seconds = (performance.now() - t0) / 1000;
    const byMethod = [...counting.calls]
      .map(([key, value]) => [key, value - (snapshot.get(key) ?? 0)] as const)
      .filter(([, d]) => d > 0)
      .map(([key, d]) => `${key}×${d}`);
    const s0 = counting.total();
    await placet.sweep();
    send({ type: 'idle', calls, seconds, byMethod, sweepCalls: counting.total() - s0 });
  });
});
let answerSnapshot = new Map<string, number>();
on('answer', (m) => {
  const list = m.which === 'warm' ? warmIds : ids;
  answerSnapshot = new Map(world.counting!.calls);
  const at = wallNow();
  const answering =
    args.mode === 'placet'
      ? mapLimit(list, ANSWERS_IN_FLIGHT, (id) => placet.reviews.respond(world.human, id, ANSWER))
      : Promise.resolve(world.bare.releaseHeld());
  answering.then(
    () => send({ type: 'answered', at, answersMs: wallNow() - at }),
    (error: unknown) => send({ type: 'error', message: String(error) }),
  );
});
// Store calls since the last `answer`, per method (answers and the wakes they caused).
on('calls', () => {
  const calls = Object.fromEntries(
    [...world.counting!.calls]
      .map(([key, value]) => [key, value - (answerSnapshot.get(key) ?? 0)] as const)
      .filter(([, d]) => d > 0),
  );
  send({ type: 'calls', calls });
});
on('stop', () => {
  void world.close().finally(() => process.exit(0));
});
send({
  type: 'ready',
  url: world.url,
  headers: args.mode === 'placet' ? { 'x-api-key': world.key } : {},
  warmPaths: paths(warmIds, args.warm),
  paths: paths(ids, args.waiters),
});
