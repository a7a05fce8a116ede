/**
 * Internal plumbing of the Store conformance groups: fresh harness per test, record comparison, seeding.
 * Not exported from the package entry.
 */
import type {
  ChannelRecord,
  MessageRecord,
  Repositories,
  ReviewRecord,
  Store,
  UserRecord,
} from '@placet/core/adapter';
import { afterEach, beforeEach, expect } from 'vitest';
import { makeChannel, makeMessage, makeReview, makeUser } from './helpers.js';
import type { StoreHarness, StoreSuiteOptions } from './store-conformance.js';

/** Registers before/after hooks creating a fresh harness per test; call inside a describe. */
export function useStoreHarness(options: StoreSuiteOptions): () => StoreHarness {
  let current: StoreHarness | undefined;
  beforeEach(async () => {
    current = await options.create();
  });
  afterEach(async () => {
    const harness = current;
    current = undefined;
    if (harness === undefined) return;
    if (harness.cleanup) await harness.cleanup();
    else await harness.store.close();
  });
  return () => {
    if (current === undefined) throw new Error('store harness used outside a test');
    return current;
  };
}

/**
 * A comparable form of a record: Dates become `{ $date: ms }` (so a string or number where a Date is due
 * fails), objects are rebuilt as plain objects, and `undefined` properties are dropped (so a missing
 * field never equals `null`).
 */
export function comparable(value: unknown): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map(comparable);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = comparable(v);
    return out;
  }
  return value;
}

/** Asserts that `actual` holds exactly the fields of `expected` (Dates by time, JSON deep, nulls kept). */
export function expectSameRecord(actual: unknown, expected: unknown): void {
  expect(actual, 'record should exist').toBeDefined();
  expect(comparable(actual)).toStrictEqual(comparable(expected));
}

export function ids(rows: readonly { id: string }[]): string[] {
  return rows.map((row) => row.id);
}

export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}

/** Captures a rejection (failing when the promise resolves) so that the error can be inspected. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

export interface Tracked<T> {
  readonly promise: Promise<T>;
  readonly settled: boolean;
  readonly value: T | undefined;
}

/** Observes a promise without awaiting it (rejections are left to whoever awaits `promise`). */
export function track<T>(promise: Promise<T>): Tracked<T> {
  const state = { promise, settled: false, value: undefined as T | undefined };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

/** Waits until `predicate` holds or `ms` elapse; returns whether it held. Never fails on its own. */
export async function waitBounded(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (let turn = 0; !predicate(); turn++) {
    if (Date.now() >= deadline) return false;
    if (turn < 20) await new Promise<void>((resolve) => setImmediate(resolve));
    else await new Promise<void>((resolve) => setTimeout(resolve, 2));
  }
  return true;
}

/** The completion argument of `reviews.complete` (derived from the port, not imported by name). */
export type ReviewCompletion = Parameters<Repositories['reviews']['complete']>[1];

export function completion(
  respondedBy: string,
  completedAt: Date,
  response: Record<string, unknown>,
): ReviewCompletion {
  return { response, respondedBy, completedAt, feedback: null, modifiedFileIds: null };
}

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
export const at = (offsetMs: number): Date => new Date(T0 + offsetMs);

export async function seedUser(store: Store, overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
  const user = makeUser(overrides);
  await store.users.insert(user);
  return user;
}

export async function seedChannel(
  store: Store,
  ownerId: string,
  overrides: Partial<ChannelRecord> = {},
): Promise<ChannelRecord> {
  const channel = makeChannel(ownerId, overrides);
  await store.channels.insert(channel);
  return channel;
}

/** A new user with one channel. */
export async function seedOwnerChannel(store: Store): Promise<{ owner: UserRecord; channel: ChannelRecord }> {
  const owner = await seedUser(store);
  const channel = await seedChannel(store, owner.id);
  return { owner, channel };
}

export async function seedMessage(
  store: Store,
  channel: ChannelRecord,
  overrides: Partial<MessageRecord> = {},
): Promise<MessageRecord> {
  const message = makeMessage(channel, overrides);
  await store.messages.insert(message);
  return message;
}

/** A message with a review on it. */
export async function seedReview(
  store: Store,
  channel: ChannelRecord,
  overrides: Partial<ReviewRecord> = {},
): Promise<{ message: MessageRecord; review: ReviewRecord }> {
  const message = await seedMessage(
    store,
    channel,
    overrides.createdAt ? { createdAt: overrides.createdAt } : {},
  );
  const review = makeReview(message, overrides);
  await store.reviews.insert(review);
  return { message, review };
}
