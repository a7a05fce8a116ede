import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgEnabled } from './pg-env.js';
import { type IsolatedSchema, isolatedSchema, requireBuild, until } from './process-helpers.js';
import { RpcChild } from './rpc-child.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/placet-process.mjs', import.meta.url));

interface Setup {
  userId: string;
  apiKey: string;
  channelId: string;
}
interface Stats {
  queries: number;
  lastSeq: number;
  eventCounts: Record<string, number>;
  expiredSubjects: string[];
  waiters: number;
}
interface WaitReply {
  status: string;
  reviewStatus: string | null;
  queriesAtWaiting: number | null;
  queriesAtWake: number | null;
  queriesAfter: number;
  wakeSeq: number | null;
  queriesWhileAsleep: string[] | null;
  elapsedMs: number;
}

/**
 * Two Node processes, each with its own Placet, store pool and LISTEN/NOTIFY transport, on one schema
 * and one notify channel: what a horizontally scaled deployment looks like.
 */
describe.skipIf(!pgEnabled)('Two processes, one Postgres', () => {
  let db: IsolatedSchema | undefined;
  let a: RpcChild | undefined;
  let b: RpcChild | undefined;
  let setup: Setup;

  const count = async (text: string, values: unknown[] = []) => {
    const { rows } = await db!.pool.query<{ n: number }>(text, values);
    return rows[0]?.n ?? Number.NaN;
  };

  beforeAll(async () => {
    requireBuild(['packages/core', 'packages/db-sql', 'packages/db-postgres', 'plugins/approval']);
    db = await isolatedSchema();
    const url = db.url;
    const channel = `placet_t_${randomBytes(5).toString('hex')}`;
    const t0 = Date.now();
    // A first: it runs the migrations; B starts on the migrated schema.
    a = await RpcChild.start('A', SCRIPT, [url, channel, 'A']);
    setup = await a.call<Setup>('setup', { email: `owner-${randomBytes(4).toString('hex')}@example.com` });
    b = await RpcChild.start('B', SCRIPT, [url, channel, 'B']);
    await b.call('login', { apiKey: setup.apiKey, userId: setup.userId });
    await a.call('subscribe', { ownerId: setup.userId });
    await b.call('subscribe', { ownerId: setup.userId });
    console.log(`two processes: A (pid ${a.pid}) and B (pid ${b.pid}) ready in ${Date.now() - t0} ms`);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.drop();
  });

  it('a wait in A is woken by an answer given in B, with no store query while it sleeps', async () => {
    const { messageId } = await a!.call<{ messageId: string }>('createReview', {
      channelId: setup.channelId,
      text: 'Deploy to production?',
    });

    // A reads the outbox when NOTIFY reaches its LISTEN client, also for its own writes: let it dispatch
    // everything committed so far, so that any query from here on belongs to the wait.
    const maxSeq = await count('select coalesce(max(seq), 0)::int as n from placet_events');
    await until(
      'A to dispatch the whole outbox',
      async () => (await a!.call<Stats>('stats')).lastSeq >= maxSeq,
    );

    let settled = false;
    const waiting = a!.call<WaitReply>('wait', { messageId, timeoutMs: 20_000 }, 30_000);
    void waiting.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    const notice = await a!.notice('waiting', 10_000, (n) => n.messageId === messageId);
    const atWaiting = notice.queries as number;
    const before = await a!.call<Stats>('stats');
    expect(before.waiters).toBe(1);
    expect(before.queries).toBe(atWaiting);
    expect(settled).toBe(false);

    const t0 = Date.now();
    const answer = await b!.call<{ reviewStatus: string }>('respond', { messageId, option: 'ok' });
    expect(answer.reviewStatus).toBe('completed');
    const result = await waiting;
    const wakeMs = Date.now() - t0;

    console.log(
      `wait across processes: A woke ${wakeMs} ms after B's answer (seq ${result.wakeSeq}); A's store ` +
        `queries: ${atWaiting} at "waiting", ${result.queriesAtWake} at the wake-up signal ` +
        `(${(result.queriesAtWake ?? 0) - atWaiting} while asleep), ${result.queriesAfter} after the wait`,
    );
    expect(result.status).toBe('completed');
    expect(result.reviewStatus).toBe('completed');
    expect(result.queriesAtWaiting).toBe(atWaiting);
    // The wake-up came through the transport, not a poll: no store query between sleeping and the signal.
    expect(result.queriesWhileAsleep).toEqual([]);
    expect(result.queriesAtWake).toBe(atWaiting);
    expect(result.wakeSeq).toBeGreaterThan(0);
    // The counter does count: waking reads the outbox and the review.
    expect(result.queriesAfter).toBeGreaterThan(atWaiting);
    expect((await a!.call<Stats>('stats')).waiters).toBe(0);
  }, 60_000);

  it('concurrent sweeps in both processes expire each due review exactly once', async () => {
    const N = 10;
    const K = 5;
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const { messageId } = await a!.call<{ messageId: string }>('createReview', {
        channelId: setup.channelId,
        text: `Expiring ${i}`,
        expiresInSeconds: 1,
      });
      ids.push(messageId);
    }

    // Real time: wait (bounded) until all N are due. Both processes' sweepers also run at that moment
    // (each new review's expiry brings the next sweep forward), so the manual sweeps below race them.
    const dueAfterMs = await until(
      `${N} reviews to be due`,
      async () =>
        (await count(
          `select count(*)::int as n from placet_reviews
           where message_id = any($1) and expires_at <= $2`,
          [ids, new Date()],
        )) === N,
      { timeoutMs: 2_500 },
    );

    const t0 = Date.now();
    const [sweptA, sweptB] = await Promise.all([
      a!.call<{ elapsedMs: number }>('sweep', { k: K }, 30_000),
      b!.call<{ elapsedMs: number }>('sweep', { k: K }, 30_000),
    ]);
    const sweepMs = Date.now() - t0;

    const expiredRows = await count(
      `select count(*)::int as n from placet_events where type = 'review:expired'`,
    );
    const expiredSubjects = await count(
      `select count(distinct subject_id)::int as n from placet_events
       where type = 'review:expired' and subject_id = any($1)`,
      [ids],
    );
    const expiredReviews = await count(
      `select count(*)::int as n from placet_reviews where message_id = any($1) and status = 'expired'`,
      [ids],
    );

    // Every event committed so far has reached both processes (through the outbox and NOTIFY).
    const maxSeq = await count('select coalesce(max(seq), 0)::int as n from placet_events');
    let statsA: Stats | undefined;
    let statsB: Stats | undefined;
    await until('both processes to dispatch the whole outbox', async () => {
      [statsA, statsB] = await Promise.all([a!.call<Stats>('stats'), b!.call<Stats>('stats')]);
      return statsA.lastSeq >= maxSeq && statsB.lastSeq >= maxSeq;
    });

    console.log(
      `sweep race: ${N} reviews due ${dueAfterMs} ms after creation; ${K} sweeps in A (${sweptA.elapsedMs} ms) ` +
        `and ${K} in B (${sweptB.elapsedMs} ms) concurrently, ${sweepMs} ms in all; review:expired rows ` +
        `${expiredRows}, events seen by A ${statsA?.eventCounts['review:expired'] ?? 0}, ` +
        `by B ${statsB?.eventCounts['review:expired'] ?? 0}`,
    );
    expect(expiredRows).toBe(N);
    expect(expiredSubjects).toBe(N);
    expect(expiredReviews).toBe(N);
    expect(statsA!.eventCounts['review:expired']).toBe(N);
    expect([...statsA!.expiredSubjects].sort()).toEqual([...ids].sort());
    expect(statsB!.eventCounts['review:expired']).toBe(N);
    expect([...statsB!.expiredSubjects].sort()).toEqual([...ids].sort());
  }, 60_000);
});
