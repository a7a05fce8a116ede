import {
  CONSTRAINTS,
  type DeliveryAttemptRecord,
  type DeliveryRecord,
  isUniqueViolation,
  newId,
  type Repositories,
} from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import { deferred, makeDelivery } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  ids,
  rejectionOf,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  sorted,
  track,
  useStoreHarness,
  waitBounded,
} from './store-harness.js';

/** The second argument of `deliveries.recordAttempt` (derived from the port, not imported by name). */
type AttemptOutcome = Parameters<Repositories['deliveries']['recordAttempt']>[1];

const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzzunknown';

/** A body that only survives byte-exact storage: non-canonical JSON, NFD, astral, separators, CRLF. */
const TRICKY_BODY =
  '{"b": 1,  "a":[1,2 ], "b": 2, "text": "Grüße, ça va? e\u0301 ﬁ 日本語 مرحبا 🚀👩‍💻 \u2028\u2029",\r\n\t"esc": "\\u00e9 \\" \\\\"}  \n';

function attemptOf(
  delivery: Pick<DeliveryRecord, 'id'>,
  attempt: number,
  overrides: Partial<DeliveryAttemptRecord> = {},
): DeliveryAttemptRecord {
  return {
    id: newId(),
    deliveryId: delivery.id,
    attempt,
    at: at(attempt * 1_000 + 7),
    status: 503,
    error: null,
    durationMs: 42,
    ...overrides,
  };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The delivery queue: round-trips, claiming with leases, attempts, redrive, nextDue, cascades, races. */
export function storeDeliveriesGroup(options: StoreSuiteOptions): void {
  describe(`Store deliveries: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('insert and findById round-trip every field (headers JSON, body byte-exact, signed, nullable dates)', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel);
      const full = makeDelivery(channel, {
        messageId: message.id,
        event: 'review:responded',
        url: 'https://agent.example.test/hooks/placet?x=1&y=%C3%A9',
        method: 'PUT',
        headers: {
          Authorization: 'Basic dXNlcjpwYXNz',
          'X-Mixed-Case': 'Wert mit Umlaut ä, "quotes": and; semis',
          'x-empty': '',
        },
        body: TRICKY_BODY,
        signed: true,
        state: 'pending',
        attempts: 3,
        nextAttemptAt: at(61_001),
        lockedUntil: at(90_123),
        lastStatus: 503,
        lastError: 'Service Unavailable — retry ↻',
        createdAt: at(1_001),
        updatedAt: at(30_017),
      });
      const bare = makeDelivery(channel, {
        messageId: null,
        headers: {},
        body: '',
        signed: false,
        state: 'failed',
        attempts: 0,
        nextAttemptAt: null,
        lockedUntil: null,
        lastStatus: null,
        lastError: null,
        createdAt: at(2_002),
        updatedAt: at(2_003),
      });
      await store.deliveries.insert(full);
      await store.deliveries.insert(bare);

      const foundFull = await store.deliveries.findById(full.id);
      expectSameRecord(foundFull, full);
      expect(foundFull?.signed).toBe(true);
      expect(foundFull?.nextAttemptAt).toBeInstanceOf(Date);
      expect(foundFull?.lockedUntil).toBeInstanceOf(Date);
      expect(foundFull?.createdAt).toBeInstanceOf(Date);
      expect(foundFull?.body).toBe(TRICKY_BODY);
      expect(Buffer.from(foundFull?.body ?? '', 'utf8').equals(Buffer.from(TRICKY_BODY, 'utf8'))).toBe(true);

      const foundBare = await store.deliveries.findById(bare.id);
      expectSameRecord(foundBare, bare);
      expect(foundBare?.signed).toBe(false);
      expect(foundBare?.body).toBe('');
      expect(foundBare?.headers).toStrictEqual({});

      expect(await store.deliveries.findById(UNKNOWN)).toBeUndefined();
      expect(await inspect.count('channels')).toBe(1);
    });

    it('insert rejects a duplicate id with UniqueViolation; stored rows are not live references', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0) });
      const expected = structuredClone(delivery);
      await store.deliveries.insert(delivery);
      const dup = await rejectionOf(store.deliveries.insert(makeDelivery(channel, { id: delivery.id })));
      expect(isUniqueViolation(dup, CONSTRAINTS.primaryKey), String(dup)).toBe(true);

      // Mutating the inserted object or a returned row must not change what is stored.
      delivery.headers['x-test'] = 'mutated after insert';
      delivery.body = 'mutated';
      const found = await store.deliveries.findById(delivery.id);
      if (found) found.headers['x-test'] = 'mutated after read';
      expectSameRecord(await store.deliveries.findById(delivery.id), expected);
    });

    it('listByMessage: only that message, every state, oldest first', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel);
      const other = await seedMessage(store, channel);
      const second = makeDelivery(channel, { messageId: message.id, createdAt: at(2_000), state: 'failed' });
      const third = makeDelivery(channel, {
        messageId: message.id,
        createdAt: at(3_000),
        state: 'delivered',
      });
      const first = makeDelivery(channel, { messageId: message.id, createdAt: at(1_000) });
      for (const d of [third, first, second]) await store.deliveries.insert(d);
      await store.deliveries.insert(makeDelivery(channel, { messageId: other.id, createdAt: at(500) }));
      await store.deliveries.insert(makeDelivery(channel, { messageId: null, createdAt: at(600) }));

      const listed = await store.deliveries.listByMessage(message.id);
      expect(ids(listed)).toEqual([first.id, second.id, third.id]);
      expectSameRecord(listed[1], second);
      expect(ids(await store.deliveries.listByMessage(other.id))).toHaveLength(1);
      expect(await store.deliveries.listByMessage(UNKNOWN)).toEqual([]);
    });

    it('listByChannel: only that channel, every state, newest first by (createdAt, id), limit and before', async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const message = await seedMessage(store, channel);
      const oldest = makeDelivery(channel, { messageId: message.id, createdAt: at(1_000), state: 'failed' });
      const middle = makeDelivery(channel, { messageId: null, createdAt: at(2_000), state: 'delivered' });
      const newest = makeDelivery(channel, { messageId: message.id, createdAt: at(3_000) });
      for (const d of [middle, newest, oldest]) await store.deliveries.insert(d);
      await store.deliveries.insert(makeDelivery(other, { createdAt: at(2_500) }));

      const all = await store.deliveries.listByChannel(channel.id, { limit: 10 });
      expect(ids(all)).toEqual([newest.id, middle.id, oldest.id]);
      expectSameRecord(all[1], middle);
      expect(ids(await store.deliveries.listByChannel(channel.id, { limit: 2 }))).toEqual([
        newest.id,
        middle.id,
      ]);
      const after = await store.deliveries.listByChannel(channel.id, {
        limit: 10,
        before: { createdAt: middle.createdAt, id: middle.id },
      });
      expect(ids(after)).toEqual([oldest.id]);
      expect(ids(await store.deliveries.listByChannel(other.id, { limit: 10 }))).toHaveLength(1);
      expect(await store.deliveries.listByChannel(UNKNOWN, { limit: 10 })).toEqual([]);
    });

    it('listByChannel: a keyset page walk over 45 deliveries (many with one createdAt) visits each once, in order', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      // Groups of five share a millisecond, so that the id breaks the ties.
      const all = range(45).map((n) => makeDelivery(channel, { createdAt: at(Math.floor(n / 5) * 1_000) }));
      for (const d of all) await store.deliveries.insert(d);
      const expected = [...all]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
        .map((d) => d.id);

      const seen: string[] = [];
      let before: { createdAt: Date; id: string } | undefined;
      for (let page = 0; page < 20; page++) {
        const rows = await store.deliveries.listByChannel(channel.id, {
          limit: 7,
          ...(before ? { before } : {}),
        });
        seen.push(...ids(rows));
        const last = rows.at(-1);
        if (rows.length < 7 || !last) break;
        before = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen).toEqual(expected);
    });

    it('claimDue: only pending, due and unheld deliveries; sets lockedUntil and changes nothing else', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const now = at(60_000);
      const lease = at(90_000);
      const seed = async (overrides: Partial<DeliveryRecord>) => {
        const d = makeDelivery(channel, { createdAt: at(0), ...overrides });
        await store.deliveries.insert(d);
        return d;
      };
      const due = await seed({ nextAttemptAt: at(10_000), signed: true, attempts: 2, lastStatus: 500 });
      const dueAtNow = await seed({ nextAttemptAt: now });
      const leaseOver = await seed({ nextAttemptAt: at(20_000), lockedUntil: at(59_999) });
      const held = await seed({ nextAttemptAt: at(5_000), lockedUntil: at(60_001) });
      const future = await seed({ nextAttemptAt: at(60_001) });
      const unscheduled = await seed({ nextAttemptAt: null });
      const delivered = await seed({ state: 'delivered', nextAttemptAt: at(1_000) });
      const failed = await seed({ state: 'failed', nextAttemptAt: at(1_000) });

      const claimed = await store.deliveries.claimDue(now, lease, 100);
      expect(sorted(ids(claimed))).toEqual(sorted([due.id, dueAtNow.id, leaseOver.id]));
      for (const original of [due, dueAtNow, leaseOver]) {
        const expected = { ...original, lockedUntil: lease };
        expectSameRecord(
          claimed.find((d) => d.id === original.id),
          expected,
        );
        expectSameRecord(await store.deliveries.findById(original.id), expected);
      }
      for (const untouched of [held, future, unscheduled, delivered, failed]) {
        expectSameRecord(await store.deliveries.findById(untouched.id), untouched);
      }
      // Everything due is held now.
      expect(await store.deliveries.claimDue(now, lease, 100)).toEqual([]);
    });

    it('claimDue: respects the limit, earliest nextAttemptAt first', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const now = at(60_000);
      const lease = at(90_000);
      // Inserted out of order; the order of nextAttemptAt disagrees with createdAt and id.
      const offsets = [40_000, 10_000, 50_000, 20_000, 30_000];
      const byOffset = new Map<number, DeliveryRecord>();
      for (const [i, offset] of offsets.entries()) {
        const d = makeDelivery(channel, { createdAt: at(i), nextAttemptAt: at(offset) });
        byOffset.set(offset, d);
        await store.deliveries.insert(d);
      }
      const idAt = (offset: number) => byOffset.get(offset)?.id ?? '';

      expect(sorted(ids(await store.deliveries.claimDue(now, lease, 2)))).toEqual(
        sorted([idAt(10_000), idAt(20_000)]),
      );
      expect(sorted(ids(await store.deliveries.claimDue(now, lease, 2)))).toEqual(
        sorted([idAt(30_000), idAt(40_000)]),
      );
      expect(ids(await store.deliveries.claimDue(now, lease, 2))).toEqual([idAt(50_000)]);
      expect(await store.deliveries.claimDue(now, lease, 2)).toEqual([]);
    });

    it('claimDue and nextDue with a urlPrefix: only deliveries whose url starts with it (LIKE characters literal)', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const now = at(60_000);
      const lease = at(90_000);
      const webhook = makeDelivery(channel, {
        url: 'https://hooks.example.test/x',
        nextAttemptAt: at(10_000),
      });
      const notification = makeDelivery(channel, { url: 'notifier:mail', nextAttemptAt: at(20_000) });
      // `_` and `%` in the prefix are literal: `notifier_…` does not start with `notifier:`.
      const lookalike = makeDelivery(channel, { url: 'notifier_mail', nextAttemptAt: at(5_000) });
      for (const d of [webhook, notification, lookalike]) await store.deliveries.insert(d);
      expect((await store.deliveries.nextDue({ urlPrefix: 'notifier:' }))?.getTime()).toBe(
        at(20_000).getTime(),
      );
      expect((await store.deliveries.nextDue())?.getTime()).toBe(at(5_000).getTime());
      expect(ids(await store.deliveries.claimDue(now, lease, 10, { urlPrefix: 'notifier:' }))).toEqual([
        notification.id,
      ]);
      expect(await store.deliveries.claimDue(now, lease, 10, { urlPrefix: 'notif%' })).toEqual([]);
      expect(sorted(ids(await store.deliveries.claimDue(now, lease, 10)))).toEqual(
        sorted([webhook.id, lookalike.id]),
      );
    });

    it('claimDue: a held delivery is not claimed again before its lease ends, and is after', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(1_000) });
      await store.deliveries.insert(delivery);

      expect(ids(await store.deliveries.claimDue(at(10_000), at(40_000), 10))).toEqual([delivery.id]);
      expect(await store.deliveries.claimDue(at(10_000), at(70_000), 10)).toEqual([]);
      expect(await store.deliveries.claimDue(at(39_999), at(70_000), 10)).toEqual([]);
      // A failed claim leaves the lease as it was.
      expect((await store.deliveries.findById(delivery.id))?.lockedUntil?.getTime()).toBe(
        at(40_000).getTime(),
      );

      // The lease ran out (the claimer crashed): another claimer takes it over with a new lease.
      const retaken = await store.deliveries.claimDue(at(40_001), at(70_000), 10);
      expect(ids(retaken)).toEqual([delivery.id]);
      expect(retaken[0]?.lockedUntil?.getTime()).toBe(at(70_000).getTime());
      expectSameRecord(await store.deliveries.findById(delivery.id), {
        ...delivery,
        lockedUntil: at(70_000),
      });
      expect(await store.deliveries.claimDue(at(69_999), at(99_000), 10)).toEqual([]);
    });

    it('recordAttempt: stores the attempt and the new state, releases the claim', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(1_000) });
      await store.deliveries.insert(delivery);
      expect(ids(await store.deliveries.claimDue(at(2_000), at(32_000), 10))).toEqual([delivery.id]);

      // A retryable failure: back in the queue, due later.
      const first = attemptOf(delivery, 1, { at: at(2_500), status: 503, error: null, durationMs: 1234 });
      const retry: AttemptOutcome = {
        state: 'pending',
        attempts: 1,
        nextAttemptAt: at(12_500),
        lastStatus: 503,
        lastError: null,
        updatedAt: at(2_500),
      };
      const afterFirst = { ...delivery, ...retry, lockedUntil: null };
      expectSameRecord(await store.deliveries.recordAttempt(first, retry), afterFirst);
      expectSameRecord(await store.deliveries.findById(delivery.id), afterFirst);
      const attempts = await store.deliveries.listAttemptsFor([delivery.id]);
      expect(attempts).toHaveLength(1);
      expectSameRecord(attempts[0], first);

      // Released, but not due before nextAttemptAt — even though the old lease would still run.
      expect(await store.deliveries.claimDue(at(12_499), at(40_000), 10)).toEqual([]);
      expect(ids(await store.deliveries.claimDue(at(12_500), at(42_500), 10))).toEqual([delivery.id]);

      // A network error with no status, then given up on: failed, never claimed again.
      const second = attemptOf(delivery, 2, {
        at: at(13_000),
        status: null,
        error: 'connect ECONNREFUSED 127.0.0.1:9 — “refused”',
        durationMs: 0,
      });
      const giveUp: AttemptOutcome = {
        state: 'failed',
        attempts: 2,
        nextAttemptAt: null,
        lastStatus: null,
        lastError: second.error,
        updatedAt: at(13_000),
      };
      const afterSecond = { ...delivery, ...giveUp, lockedUntil: null };
      expectSameRecord(await store.deliveries.recordAttempt(second, giveUp), afterSecond);
      expectSameRecord(await store.deliveries.findById(delivery.id), afterSecond);
      expect(await store.deliveries.claimDue(at(10_000_000), at(10_030_000), 10)).toEqual([]);
      const both = await store.deliveries.listAttemptsFor([delivery.id]);
      expect(ids(both)).toEqual([first.id, second.id]);
      expectSameRecord(both[1], second);
    });

    it('recordAttempt: a delivered outcome; attempts of other deliveries stay apart', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      const other = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      await store.deliveries.insert(delivery);
      await store.deliveries.insert(other);
      await store.deliveries.claimDue(at(1_000), at(31_000), 10);
      const otherAttempt = attemptOf(other, 1, { status: 500 });
      await store.deliveries.recordAttempt(otherAttempt, {
        state: 'pending',
        attempts: 1,
        nextAttemptAt: at(5_000),
        lastStatus: 500,
        lastError: 'Internal Server Error',
        updatedAt: at(1_500),
      });
      const ok = attemptOf(delivery, 1, { status: 204 });
      const done: AttemptOutcome = {
        state: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatus: 204,
        lastError: null,
        updatedAt: at(1_200),
      };
      expectSameRecord(await store.deliveries.recordAttempt(ok, done), {
        ...delivery,
        ...done,
        lockedUntil: null,
      });
      expect(ids(await store.deliveries.listAttemptsFor([delivery.id]))).toEqual([ok.id]);
      expect(ids(await store.deliveries.listAttemptsFor([other.id]))).toEqual([otherAttempt.id]);
      expect(await store.deliveries.listAttemptsFor([UNKNOWN])).toEqual([]);
      // Only the retried one comes back.
      expect(ids(await store.deliveries.claimDue(at(5_000), at(35_000), 10))).toEqual([other.id]);
    });

    it('recordAttempt on an unknown delivery returns undefined and stores no attempt', async () => {
      const { store } = h();
      const ghost = attemptOf({ id: UNKNOWN }, 1);
      const result = await store.deliveries
        .recordAttempt(ghost, {
          state: 'delivered',
          attempts: 1,
          nextAttemptAt: null,
          lastStatus: 200,
          lastError: null,
          updatedAt: at(1_000),
        })
        .catch((error: unknown) => ({ rejected: error }));
      expect(result, String((result as { rejected?: unknown } | undefined)?.rejected)).toBeUndefined();
      expect(await store.deliveries.listAttemptsFor([UNKNOWN])).toEqual([]);
    });

    it('listAttemptsFor: a delivery’s attempts by attempt number, not by insertion', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      await store.deliveries.insert(delivery);
      const recorded: DeliveryAttemptRecord[] = [];
      for (const n of [2, 3, 1]) {
        const attempt = attemptOf(delivery, n, { at: at(10_000 - n), status: 500 + n });
        recorded.push(attempt);
        await store.deliveries.recordAttempt(attempt, {
          state: 'pending',
          attempts: n,
          nextAttemptAt: at(20_000),
          lastStatus: 500 + n,
          lastError: null,
          updatedAt: attempt.at,
        });
      }
      const listed = await store.deliveries.listAttemptsFor([delivery.id]);
      expect(listed.map((a) => a.attempt)).toEqual([1, 2, 3]);
      for (const attempt of recorded) {
        expectSameRecord(
          listed.find((a) => a.id === attempt.id),
          attempt,
        );
      }
    });

    it('listAttemptsFor: the attempts of several deliveries in one call, each by attempt number', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const { channel: otherChannel } = await seedOwnerChannel(store);
      const a = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      const b = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      const none = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      const foreign = makeDelivery(otherChannel, { createdAt: at(0), nextAttemptAt: at(0) });
      for (const d of [a, b, none, foreign]) await store.deliveries.insert(d);
      const record = async (d: DeliveryRecord, n: number) => {
        const attempt = attemptOf(d, n, { at: at(10_000 - n), status: 500 + n });
        await store.deliveries.recordAttempt(attempt, {
          state: 'pending',
          attempts: n,
          nextAttemptAt: at(20_000),
          lastStatus: 500 + n,
          lastError: null,
          updatedAt: attempt.at,
        });
        return attempt;
      };
      // Interleaved and out of order, so that neither insertion order nor one delivery's rows pass.
      const b2 = await record(b, 2);
      const a3 = await record(a, 3);
      const a1 = await record(a, 1);
      const f1 = await record(foreign, 1);
      const b1 = await record(b, 1);
      const a2 = await record(a, 2);

      expect(await store.deliveries.listAttemptsFor([])).toEqual([]);
      const listed = await store.deliveries.listAttemptsFor([a.id, none.id, b.id, UNKNOWN, a.id]);
      expect(sorted(ids(listed))).toEqual(sorted(ids([a1, a2, a3, b1, b2])));
      const of = (d: DeliveryRecord) => listed.filter((x) => x.deliveryId === d.id);
      expect(ids(of(a))).toEqual(ids([a1, a2, a3]));
      expect(ids(of(b))).toEqual(ids([b1, b2]));
      for (const attempt of [a1, a2, a3, b1, b2]) {
        expectSameRecord(
          listed.find((x) => x.id === attempt.id),
          attempt,
        );
      }
      expect(ids(await store.deliveries.listAttemptsFor([foreign.id]))).toEqual([f1.id]);
    });

    it('recordAttempt and claimDue inside a rolled-back transaction leave nothing behind', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      await store.deliveries.insert(delivery);
      const failure = new Error('boom after claiming');
      const rejected = await rejectionOf(
        store.transaction(async (tx) => {
          expect(ids(await tx.deliveries.claimDue(at(1_000), at(31_000), 10))).toEqual([delivery.id]);
          await tx.deliveries.recordAttempt(attemptOf(delivery, 1), {
            state: 'delivered',
            attempts: 1,
            nextAttemptAt: null,
            lastStatus: 200,
            lastError: null,
            updatedAt: at(1_100),
          });
          expect((await tx.deliveries.listAttemptsFor([delivery.id])).length).toBe(1);
          throw failure;
        }),
      );
      expect(rejected).toBe(failure);
      expectSameRecord(await store.deliveries.findById(delivery.id), delivery);
      expect(await store.deliveries.listAttemptsFor([delivery.id])).toEqual([]);
      // The rolled-back claim holds nothing.
      expect(ids(await store.deliveries.claimDue(at(1_000), at(31_000), 10))).toEqual([delivery.id]);
    });

    it('redrive: only delivered or failed deliveries, back in the queue due now; history kept', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const seed = async (overrides: Partial<DeliveryRecord>) => {
        const d = makeDelivery(channel, { createdAt: at(0), ...overrides });
        await store.deliveries.insert(d);
        return d;
      };
      const pending = await seed({ nextAttemptAt: at(300_000) });
      const held = await seed({ nextAttemptAt: at(1_000), lockedUntil: at(500_000) });
      const failed = await seed({
        state: 'failed',
        attempts: 8,
        nextAttemptAt: null,
        lastStatus: 410,
        lastError: 'Gone',
        updatedAt: at(50_000),
      });
      const delivered = await seed({
        state: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatus: 200,
        updatedAt: at(40_000),
      });
      const attempt = attemptOf(failed, 8, { status: 410 });
      await store.deliveries.recordAttempt(attempt, {
        state: 'failed',
        attempts: 8,
        nextAttemptAt: null,
        lastStatus: 410,
        lastError: 'Gone',
        updatedAt: at(50_000),
      });

      const now = at(200_000);
      expect(await store.deliveries.redrive(pending.id, now)).toBeUndefined();
      expect(await store.deliveries.redrive(held.id, now)).toBeUndefined();
      expect(await store.deliveries.redrive(UNKNOWN, now)).toBeUndefined();
      expectSameRecord(await store.deliveries.findById(pending.id), pending);
      expectSameRecord(await store.deliveries.findById(held.id), held);

      for (const finished of [failed, delivered]) {
        const requeued = await store.deliveries.redrive(finished.id, now);
        const expected = {
          ...finished,
          state: 'pending',
          nextAttemptAt: now,
          lockedUntil: null,
          updatedAt: now,
        };
        expectSameRecord(requeued, expected);
        expectSameRecord(await store.deliveries.findById(finished.id), expected);
        // Now pending: a second redrive is refused.
        expect(await store.deliveries.redrive(finished.id, at(200_001))).toBeUndefined();
      }
      expectSameRecord((await store.deliveries.listAttemptsFor([failed.id]))[0], attempt);

      // The held delivery is not due before its lease ends (500 s): the requeued ones, due now, come first.
      expect(await store.deliveries.nextDue()).toEqual(now);
      expect(sorted(ids(await store.deliveries.claimDue(now, at(230_000), 10)))).toEqual(
        sorted([failed.id, delivered.id]),
      );
    });

    it("cancelPending: only that channel's pending deliveries to that URL; failed, logged, returned", async () => {
      const { store } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const sibling = await seedChannel(store, owner.id);
      const OLD = 'https://old.example.test/hook';
      const NEW = 'https://new.example.test/hook';
      const REASON = "cancelled: the channel's webhook was removed";
      const seed = async (ch: typeof channel, overrides: Partial<DeliveryRecord>) => {
        const d = makeDelivery(ch, { createdAt: at(0), url: OLD, ...overrides });
        await store.deliveries.insert(d);
        return d;
      };
      const due = await seed(channel, { nextAttemptAt: at(1_000) });
      const retrying = await seed(channel, { nextAttemptAt: at(60_000), attempts: 2, lastStatus: 503 });
      const elsewhere = await seed(channel, { url: NEW, nextAttemptAt: at(1_000) });
      const otherChannel = await seed(sibling, { nextAttemptAt: at(1_000) });
      const delivered = await seed(channel, { state: 'delivered', attempts: 1, nextAttemptAt: null });
      const failed = await seed(channel, {
        state: 'failed',
        attempts: 8,
        nextAttemptAt: null,
        lastError: 'Gone',
      });

      const now = at(5_000);
      const cancelled = await store.deliveries.cancelPending(channel.id, OLD, REASON, now);
      expect(sorted(ids(cancelled))).toEqual(sorted([due.id, retrying.id]));
      for (const d of [due, retrying]) {
        const expected = {
          ...d,
          state: 'failed',
          nextAttemptAt: null,
          lockedUntil: null,
          lastError: REASON,
          updatedAt: now,
        };
        expectSameRecord(
          cancelled.find((c) => c.id === d.id),
          expected,
        );
        expectSameRecord(await store.deliveries.findById(d.id), expected);
        const log = await store.deliveries.listAttemptsFor([d.id]);
        expect(log).toHaveLength(1);
        expect(log[0]).toMatchObject({
          deliveryId: d.id,
          attempt: d.attempts + 1,
          status: null,
          error: REASON,
          durationMs: 0,
        });
        expect(log[0]?.at.getTime()).toBe(now.getTime());
      }
      for (const d of [elsewhere, otherChannel, delivered, failed]) {
        expectSameRecord(await store.deliveries.findById(d.id), d);
        expect(await store.deliveries.listAttemptsFor([d.id])).toEqual([]);
      }
      // Never claimed again; a second cancellation finds nothing.
      expect(sorted(ids(await store.deliveries.claimDue(at(100_000), at(130_000), 10)))).toEqual(
        sorted([elsewhere.id, otherChannel.id]),
      );
      expect(await store.deliveries.cancelPending(channel.id, OLD, REASON, at(6_000))).toEqual([]);
      expect(await store.deliveries.cancelPending(UNKNOWN, OLD, REASON, at(6_000))).toEqual([]);
    });

    it('cancelPending under a lease: the claim is released, never re-claimed; a late recordAttempt does not resurrect it', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const url = 'https://old.example.test/leased';
      const REASON = "cancelled: the channel's webhook URL was changed";
      const delivery = makeDelivery(channel, { url, createdAt: at(0), nextAttemptAt: at(1_000) });
      await store.deliveries.insert(delivery);
      expect(ids(await store.deliveries.claimDue(at(2_000), at(32_000), 10))).toEqual([delivery.id]);

      const [cancelled] = await store.deliveries.cancelPending(channel.id, url, REASON, at(3_000));
      expect(cancelled).toMatchObject({ id: delivery.id, state: 'failed', lockedUntil: null });
      // Nothing is due: not after the old lease either.
      expect(await store.deliveries.nextDue()).toBeUndefined();
      expect(await store.deliveries.claimDue(at(40_000), at(70_000), 10)).toEqual([]);

      // The dispatcher that held the claim reports an attempt that was already in flight: it is logged,
      // but the delivery stays cancelled (not pending, not delivered) and the call returns undefined.
      const late = attemptOf(delivery, 1, { at: at(3_500), status: 200 });
      const result = await store.deliveries.recordAttempt(late, {
        state: 'pending',
        attempts: 1,
        nextAttemptAt: at(13_500),
        lastStatus: 503,
        lastError: null,
        updatedAt: at(3_500),
      });
      expect(result).toBeUndefined();
      expectSameRecord(await store.deliveries.findById(delivery.id), {
        ...delivery,
        state: 'failed',
        nextAttemptAt: null,
        lockedUntil: null,
        lastError: REASON,
        updatedAt: at(3_000),
      });
      expect((await store.deliveries.listAttemptsFor([delivery.id])).map((a) => a.error)).toEqual([
        REASON,
        null,
      ]);
      expect(await store.deliveries.claimDue(at(100_000), at(130_000), 10)).toEqual([]);
      expect(await store.deliveries.nextDue()).toBeUndefined();
    });

    it('cancelPending inside a rolled-back transaction leaves the delivery pending', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const delivery = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      await store.deliveries.insert(delivery);
      const failure = new Error('boom after cancelling');
      const rejected = await rejectionOf(
        store.transaction(async (tx) => {
          expect(
            await tx.deliveries.cancelPending(channel.id, delivery.url, 'cancelled: x', at(1_000)),
          ).toHaveLength(1);
          throw failure;
        }),
      );
      expect(rejected).toBe(failure);
      expectSameRecord(await store.deliveries.findById(delivery.id), delivery);
      expect(await store.deliveries.listAttemptsFor([delivery.id])).toEqual([]);
    });

    it('nextDue: earliest nextAttemptAt of a pending delivery; undefined when none', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      expect(await store.deliveries.nextDue()).toBeUndefined();
      const seed = async (overrides: Partial<DeliveryRecord>) => {
        const d = makeDelivery(channel, { createdAt: at(0), ...overrides });
        await store.deliveries.insert(d);
        return d;
      };
      await seed({ state: 'delivered', nextAttemptAt: at(1_000) });
      await seed({ state: 'failed', nextAttemptAt: at(2_000) });
      await seed({ state: 'pending', nextAttemptAt: null });
      expect(await store.deliveries.nextDue()).toBeUndefined();

      const later = await seed({ nextAttemptAt: at(80_000) });
      const earliest = await seed({ nextAttemptAt: at(50_123) });
      await seed({ nextAttemptAt: at(90_000) });
      const next = await store.deliveries.nextDue();
      expect(next).toBeInstanceOf(Date);
      expect(next?.getTime()).toBe(at(50_123).getTime());

      // Once the earliest is delivered, the next one counts.
      await store.deliveries.recordAttempt(attemptOf(earliest, 1, { status: 200 }), {
        state: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatus: 200,
        lastError: null,
        updatedAt: at(50_200),
      });
      expect((await store.deliveries.nextDue())?.getTime()).toBe(later.nextAttemptAt?.getTime());
    });

    it('countPending: how many deliveries are pending, whatever their due time or lease', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      expect(await store.deliveries.countPending()).toBe(0);
      const seed = async (overrides: Partial<DeliveryRecord>) => {
        const d = makeDelivery(channel, { createdAt: at(0), ...overrides });
        await store.deliveries.insert(d);
        return d;
      };
      await seed({ state: 'delivered', nextAttemptAt: null });
      await seed({ state: 'failed', nextAttemptAt: null });
      const due = await seed({ state: 'pending', nextAttemptAt: at(1_000) });
      await seed({ state: 'pending', nextAttemptAt: at(9_000_000) });
      expect(await store.deliveries.countPending()).toBe(2);
      // A claimed delivery is still pending; a delivered one no longer is.
      expect(ids(await store.deliveries.claimDue(at(2_000), at(32_000), 10))).toEqual([due.id]);
      expect(await store.deliveries.countPending()).toBe(2);
      await store.deliveries.recordAttempt(attemptOf(due, 1, { status: 200 }), {
        state: 'delivered',
        attempts: 1,
        nextAttemptAt: null,
        lastStatus: 200,
        lastError: null,
        updatedAt: at(2_100),
      });
      expect(await store.deliveries.countPending()).toBe(1);
    });

    it('deleting a channel (or its owner) deletes its deliveries and their attempts, nothing else', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const sibling = await seedChannel(store, owner.id);
      const { owner: otherOwner, channel: otherChannel } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel);
      const seedWithAttempt = async (ch: typeof channel, messageId: string | null) => {
        const d = makeDelivery(ch, { messageId, createdAt: at(0), nextAttemptAt: at(0) });
        await store.deliveries.insert(d);
        await store.deliveries.recordAttempt(attemptOf(d, 1), {
          state: 'pending',
          attempts: 1,
          nextAttemptAt: at(10_000),
          lastStatus: 503,
          lastError: null,
          updatedAt: at(1_000),
        });
        return d;
      };
      const gone = await seedWithAttempt(channel, message.id);
      const goneToo = await seedWithAttempt(channel, null);
      const keptSibling = await seedWithAttempt(sibling, null);
      const keptOther = await seedWithAttempt(otherChannel, null);

      expect(await store.channels.delete(channel.id)).toBe(true);
      expect(await inspect.channel(channel.id)).toBeUndefined();
      expect(await inspect.count('channels')).toBe(2);
      for (const d of [gone, goneToo]) {
        expect(await store.deliveries.findById(d.id)).toBeUndefined();
        expect(await store.deliveries.listAttemptsFor([d.id])).toEqual([]);
      }
      expect(await store.deliveries.listByMessage(message.id)).toEqual([]);
      for (const d of [keptSibling, keptOther]) {
        expect((await store.deliveries.findById(d.id))?.attempts).toBe(1);
        expect(await store.deliveries.listAttemptsFor([d.id])).toHaveLength(1);
      }
      // Deleted deliveries are no longer claimed or scheduled.
      expect(sorted(ids(await store.deliveries.claimDue(at(10_000), at(40_000), 10)))).toEqual(
        sorted([keptSibling.id, keptOther.id]),
      );

      // Deleting a user deletes the deliveries of their channels too.
      expect(await store.users.delete(otherOwner.id)).toBe(true);
      expect(await store.deliveries.findById(keptOther.id)).toBeUndefined();
      expect(await store.deliveries.listAttemptsFor([keptOther.id])).toEqual([]);
      expect(await store.deliveries.findById(keptSibling.id)).toBeDefined();
      expect(await inspect.count('channels')).toBe(1);
    });

    const MODES = ['plain calls', 'parallel transactions'] as const;
    for (const mode of MODES) {
      it(`10 parallel claimDue(limit 1) over 5 due deliveries, ${mode}: each claimed exactly once`, async () => {
        const { store } = h();
        const { channel } = await seedOwnerChannel(store);
        const due = range(5).map((n) => makeDelivery(channel, { createdAt: at(n), nextAttemptAt: at(n) }));
        for (const d of due) await store.deliveries.insert(d);
        const now = at(60_000);
        const lease = at(90_000);
        const results = await Promise.all(
          range(10).map(() =>
            mode === 'plain calls'
              ? store.deliveries.claimDue(now, lease, 1)
              : store.transaction((tx) => tx.deliveries.claimDue(now, lease, 1)),
          ),
        );
        const sizes = results.map((r) => r.length).sort();
        expect(sizes).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
        expect(sorted(results.flatMap(ids))).toEqual(sorted(ids(due)));
        for (const d of due) {
          expect((await store.deliveries.findById(d.id))?.lockedUntil?.getTime()).toBe(lease.getTime());
        }
        expect(await store.deliveries.claimDue(now, lease, 10)).toEqual([]);
      });

      it(`8 parallel claimDue(limit 3) over 12 due deliveries, ${mode}: all claimed, none twice`, async () => {
        const { store } = h();
        const { channel } = await seedOwnerChannel(store);
        const due = range(12).map((n) => makeDelivery(channel, { createdAt: at(n), nextAttemptAt: at(n) }));
        for (const d of due) await store.deliveries.insert(d);
        const now = at(60_000);
        const lease = at(90_000);
        const results = await Promise.all(
          range(8).map(() =>
            mode === 'plain calls'
              ? store.deliveries.claimDue(now, lease, 3)
              : store.transaction((tx) => tx.deliveries.claimDue(now, lease, 3)),
          ),
        );
        for (const r of results) expect(r.length).toBeLessThanOrEqual(3);
        expect(sorted(results.flatMap(ids))).toEqual(sorted(ids(due)));
      });
    }

    it('a claim in a still-open transaction is never handed to a concurrent claimer', async () => {
      const { store } = h();
      const { channel } = await seedOwnerChannel(store);
      const a = makeDelivery(channel, { createdAt: at(0), nextAttemptAt: at(0) });
      const b = makeDelivery(channel, { createdAt: at(1), nextAttemptAt: at(1) });
      await store.deliveries.insert(a);
      await store.deliveries.insert(b);
      const now = at(60_000);
      const lease = at(90_000);
      const claimedInside = deferred<DeliveryRecord[]>();
      const release = deferred();
      const holder = store.transaction(async (tx) => {
        claimedInside.resolve(await tx.deliveries.claimDue(now, lease, 1));
        await release.promise;
      });
      const inside = await claimedInside.promise;
      expect(ids(inside)).toEqual([a.id]);

      // Postgres answers at once (SKIP LOCKED); serialising adapters answer after the commit.
      const outside = track(store.deliveries.claimDue(now, lease, 10));
      await waitBounded(() => outside.settled, 200);
      release.resolve();
      await holder;
      expect(ids(await outside.promise)).toEqual([b.id]);
      expect(await store.deliveries.claimDue(now, lease, 10)).toEqual([]);
    });
  });
}
