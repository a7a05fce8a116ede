import type { Transport, TransportSignal } from '@placet/core/adapter';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settle, waitFor } from './helpers.js';

export interface TransportHarness {
  /**
   * Two handles on the same bus: two instances connected to one broker/database for cross-process
   * transports, or the same instance twice for the in-process one.
   */
  transports: [Transport, Transport];
  /** Called after each test; when absent the suite closes both handles. */
  cleanup?: () => Promise<void>;
}

export interface TransportSuiteOptions {
  /** Shown in the describe titles. */
  name: string;
  /** Called before every test. */
  create: () => Promise<TransportHarness>;
  /** How long to wait for a delivery before failing. Default 5000 ms. */
  timeoutMs?: number;
}

function useTransports(options: TransportSuiteOptions): () => [Transport, Transport] {
  let current: TransportHarness | undefined;
  beforeEach(async () => {
    current = await options.create();
    for (const transport of new Set(current.transports)) await transport.start?.();
  });
  afterEach(async () => {
    const harness = current;
    current = undefined;
    if (harness === undefined) return;
    if (harness.cleanup) await harness.cleanup();
    else for (const transport of new Set(harness.transports)) await transport.close();
  });
  return () => {
    if (current === undefined) throw new Error('transport harness used outside a test');
    return current.transports;
  };
}

/** Records what a listener received. */
function recorder(): { listener: (signal: TransportSignal) => void; seqs: number[]; max(): number } {
  const seqs: number[] = [];
  return {
    seqs,
    listener: (signal) => {
      seqs.push(signal.seq);
    },
    max: () => (seqs.length === 0 ? Number.NEGATIVE_INFINITY : Math.max(...seqs)),
  };
}

let seqBase = 1000;
/** Seqs grow across tests so that a late signal from another test can never satisfy a wait. */
function nextSeq(): number {
  seqBase += 1000;
  return seqBase;
}

/** Delivery: every subscriber on either handle eventually gets a signal with seq ≥ the published one. */
export function transportDeliveryGroup(options: TransportSuiteOptions): void {
  describe(`Transport delivery: ${options.name}`, () => {
    const handles = useTransports(options);
    const wait = (predicate: () => boolean, message: string) =>
      waitFor(predicate, { timeoutMs: options.timeoutMs ?? 5000, message });

    it('declares capabilities', () => {
      for (const transport of handles()) {
        expect(typeof transport.capabilities.name).toBe('string');
        expect(typeof transport.capabilities.crossProcess).toBe('boolean');
      }
    });

    it('a published signal reaches subscribers on both handles, with seq >= the published one', async () => {
      const [a, b] = handles();
      const onA = recorder();
      const onB = recorder();
      const onA2 = recorder();
      a.subscribe(onA.listener);
      a.subscribe(onA2.listener);
      b.subscribe(onB.listener);
      const seq = nextSeq();
      await a.publish({ seq });
      await wait(() => onA.max() >= seq && onA2.max() >= seq && onB.max() >= seq, 'published on A');

      const seq2 = seq + 1;
      await b.publish({ seq: seq2 });
      await wait(() => onA.max() >= seq2 && onB.max() >= seq2, 'published on B');
    });

    it('a burst of publishes is eventually delivered up to the highest seq', async () => {
      const [a, b] = handles();
      const onB = recorder();
      b.subscribe(onB.listener);
      const base = nextSeq();
      await Promise.all(Array.from({ length: 25 }, (_, i) => a.publish({ seq: base + i })));
      await wait(() => onB.max() >= base + 24, 'burst');
      expect(onB.seqs.every((s) => Number.isInteger(s))).toBe(true);
    });
  });
}

/** Listener semantics: asynchronous calls, isolation from throwing listeners, unsubscribe. */
export function transportListenerGroup(options: TransportSuiteOptions): void {
  describe(`Transport listeners: ${options.name}`, () => {
    const handles = useTransports(options);
    const wait = (predicate: () => boolean, message: string) =>
      waitFor(predicate, { timeoutMs: options.timeoutMs ?? 5000, message });

    it('listeners are called asynchronously, never during publish', async () => {
      const [a, b] = handles();
      let publishing = false;
      const calledDuringPublish: number[] = [];
      const received = recorder();
      const listener = (signal: TransportSignal): void => {
        if (publishing) calledDuringPublish.push(signal.seq);
        received.listener(signal);
      };
      a.subscribe(listener);
      b.subscribe(listener);
      const seq = nextSeq();
      publishing = true;
      const published = a.publish({ seq });
      publishing = false;
      await published;
      await wait(() => received.max() >= seq, 'delivery');
      expect(calledDuringPublish).toEqual([]);
    });

    it('a throwing listener does not affect the others', async () => {
      const [a, b] = handles();
      let thrown = 0;
      const throwing = (): void => {
        thrown++;
        throw new Error('listener failure (expected by the test)');
      };
      const onA = recorder();
      const onB = recorder();
      a.subscribe(throwing);
      a.subscribe(onA.listener);
      b.subscribe(throwing);
      b.subscribe(onB.listener);
      const seq = nextSeq();
      await a.publish({ seq });
      await wait(
        () => onA.max() >= seq && onB.max() >= seq && thrown > 0,
        'delivery past a throwing listener',
      );
      const seq2 = seq + 1;
      await a.publish({ seq: seq2 });
      await wait(() => onA.max() >= seq2 && onB.max() >= seq2, 'second delivery past a throwing listener');
    });

    it('after unsubscribe a listener is never called again (even for a publish already in flight)', async () => {
      const [a, b] = handles();
      const kept = recorder();
      const dropped = recorder();
      const droppedEarly = recorder();
      b.subscribe(kept.listener);
      const unsubscribe = b.subscribe(dropped.listener);
      const unsubscribeEarly = a.subscribe(droppedEarly.listener);

      const seq = nextSeq();
      await a.publish({ seq });
      await wait(() => dropped.max() >= seq && kept.max() >= seq, 'first delivery');
      unsubscribe();
      unsubscribe();
      const callsAtUnsubscribe = dropped.seqs.length;

      const seq2 = seq + 1;
      const inFlight = a.publish({ seq: seq2 });
      unsubscribeEarly();
      const earlyCalls = droppedEarly.seqs.length;
      await inFlight;
      await wait(() => kept.max() >= seq2, 'delivery to the listener still subscribed');
      await settle(10);
      expect(dropped.seqs.length).toBe(callsAtUnsubscribe);
      expect(droppedEarly.seqs.length).toBe(earlyCalls);
      expect(droppedEarly.seqs.every((s) => s < seq2)).toBe(true);
    });
  });
}

/** close(): idempotent; publish after close resolves without effect. */
export function transportLifecycleGroup(options: TransportSuiteOptions): void {
  describe(`Transport lifecycle: ${options.name}`, () => {
    const handles = useTransports(options);

    it('close() is idempotent and publish() after close resolves', async () => {
      const [a, b] = handles();
      const onA = recorder();
      a.subscribe(onA.listener);
      await a.close();
      await a.close();
      await expect(a.publish({ seq: nextSeq() })).resolves.toBeUndefined();
      await b.close();
      await b.close();
      await expect(b.publish({ seq: nextSeq() })).resolves.toBeUndefined();
      await settle(10);
      expect(onA.seqs).toEqual([]);
    });
  });
}

/** Registers the whole Transport conformance suite. */
export function transportConformance(options: TransportSuiteOptions): void {
  describe(`Transport conformance: ${options.name}`, () => {
    transportDeliveryGroup(options);
    transportListenerGroup(options);
    transportLifecycleGroup(options);
  });
}
