import { outageStore } from '@placet/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceUnavailable } from '../src/adapter.js';
import {
  createPlacet,
  type EventRecord,
  type LogFields,
  type Logger,
  memoryStore,
  memoryTransport,
  type Placet,
  silentLogger,
  toErrorBody,
} from '../src/index.js';
import { codeOf, testPlugin, type World, world } from './fixtures.js';

function recordingLogger(): Logger & { lines: { level: string; message: string; fields?: LogFields }[] } {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let w: World | undefined;
const others: Placet[] = [];
afterEach(async () => {
  await w?.placet.stop();
  w = undefined;
  for (const p of others.splice(0)) await p.stop();
});

describe('an unreachable store', () => {
  it('is SERVICE_UNAVAILABLE (503, Retry-After, a message a client may read), never INTERNAL', () => {
    const error = serviceUnavailable(undefined, { cause: new Error('connect ECONNREFUSED 10.0.0.5:5432') });
    expect(error.status).toBe(503);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    const body = toErrorBody(error);
    expect(body).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      code: 'SERVICE_UNAVAILABLE',
    });
    // The driver's text (an internal address) stays in the cause, out of the body.
    expect(JSON.stringify(body)).not.toContain('10.0.0.5');
  });

  it('logs one line when it goes away and one when it is back, however many calls fail meanwhile', async () => {
    const logger = recordingLogger();
    const outage = outageStore(memoryStore());
    const { store } = outage;
    w = await world({ store, placet: { logger } });
    const before = logger.lines.length;

    outage.down();
    for (let i = 0; i < 20; i++) {
      expect(await codeOf(w.placet.channels.list(w.agent))).toBe('SERVICE_UNAVAILABLE');
      expect(await codeOf(w.placet.authenticate({ apiKey: w.key }))).toBe('SERVICE_UNAVAILABLE');
    }
    await w.placet.sweep();
    await w.clock.advance(30_000);
    const during = logger.lines.slice(before).filter((l) => l.level !== 'debug');
    expect(during).toEqual([
      {
        level: 'error',
        message: 'store unavailable: requests answer 503 until it is back',
        fields: { error: 'connect ECONNREFUSED 127.0.0.1:5432' },
      },
    ]);
    const health = await w.placet.health();
    expect(health).toMatchObject({
      ready: false,
      state: 'started',
      store: { ok: false, problem: 'unavailable' },
    });
    expect(health.store.downSince).toEqual(expect.any(String));

    outage.up();
    // The tracker probes with backoff (at most 5 s apart): "back" is noticed without any request.
    await w.clock.advance(5_000);
    const after = logger.lines.slice(before).filter((l) => l.level !== 'debug');
    expect(after.map((l) => l.message)).toEqual([
      'store unavailable: requests answer 503 until it is back',
      'store available again',
    ]);
    expect(after[1]!.fields?.downForMs).toBeGreaterThan(0);
    expect(await w.placet.health()).toMatchObject({ ready: true, store: { ok: true } });
    expect(await w.placet.channels.list(w.agent)).toHaveLength(1);
  });

  it('the event hub retries with backoff (no tight loop) and dispatches what was committed once it is back', async () => {
    const logger = recordingLogger();
    const inner = memoryStore();
    const transport = memoryTransport();
    const outage = outageStore(inner);
    const { store } = outage;
    w = await world({ store, placet: { logger, transport } });
    // Another process on the same database (and bus), which can still reach it.
    const other = createPlacet({ plugins: [testPlugin()], store: inner, transport, logger: silentLogger() });
    others.push(other);
    await other.start();
    const seen: EventRecord[] = [];
    w.placet.events.subscribe({ ownerId: w.owner.id }, (e) => seen.push(e));

    outage.down();
    const agent = (await other.authenticate({ apiKey: w.key }))!;
    const sent = await other.messages.create(agent, { channelId: w.channelId, text: 'while away' });
    const reads = () => outage.calls.get('events.after') ?? 0;
    const readsBefore = reads();
    await w.clock.advance(10_000);
    // Backoff from 100 ms doubling to 5 s: a handful of reads in 10 s, not thousands.
    expect(reads() - readsBefore).toBeLessThanOrEqual(8);
    expect(seen).toEqual([]);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);

    outage.up();
    await w.clock.advance(5_000);
    expect(seen.map((e) => [e.type, e.subjectId])).toEqual([['message:created', sent.id]]);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });

  it('stats(): engine counters, and store values null (not a hang, not a throw) while it is away', async () => {
    const outage = outageStore(memoryStore());
    const { store } = outage;
    w = await world({ store });
    await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'x' });
    await w.placet.sweep();
    const up = await w.placet.stats();
    expect(up).toMatchObject({
      state: 'started',
      store: { dialect: 'memory', available: true, pool: null },
      transport: { name: 'memory', connected: true },
      waiters: { open: 0 },
      deliveries: { pending: 0, delivered: 0, retried: 0, failed: 0 },
      sweeper: { failedRuns: 0 },
    });
    expect(up.events.committedSeq).toBeGreaterThan(0);
    expect(up.events.lag).toBe(up.events.committedSeq! - up.events.dispatchedSeq);
    expect(up.sweeper.runs).toBeGreaterThanOrEqual(1);

    outage.down();
    await w.placet.sweep();
    const down = await w.placet.stats();
    expect(down.store.available).toBe(false);
    expect(down.events).toMatchObject({ committedSeq: null, lag: null });
    expect(down.deliveries.pending).toBeNull();
    expect(down.sweeper.failedRuns).toBe(1);
  });

  it('health(): not ready before start and once stopping', async () => {
    const placet = createPlacet({ logger: silentLogger() });
    expect(await placet.health()).toMatchObject({ ready: false, state: 'new', store: { ok: true } });
    await placet.start();
    expect(await placet.health()).toMatchObject({
      ready: true,
      state: 'started',
      transport: { ok: true, name: 'memory' },
    });
    await placet.stop();
    expect((await placet.health()).ready).toBe(false);
  });
});
