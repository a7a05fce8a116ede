import { createHash, randomBytes } from 'node:crypto';
import type { PluginContext, PluginKeyValueStore } from '@placet/core/plugin';

type Clock = PluginContext['clock'];

/**
 * The browser subscriptions, in the plugin's key-value store (shared by every process on the Store):
 * - `sub:<id>`: one subscription (its endpoint and keys are secrets: never answered, never logged);
 * - `user:<userId>`: the ids of a user's subscriptions (an index: records are the truth, and an id
 *   whose record is gone is dropped at the next write);
 * - `endpoint:<sha256(endpoint)>`: which subscription has an endpoint, so that subscribing it again
 *   updates that one, for its user, and a browser profile that another user subscribes moves to them.
 * Writes of one user's subscriptions are serialised: in this process by a queue, across processes by a
 * short lease (`lock:<userId>`, `setIfAbsent` with a TTL).
 */

export interface SubscriptionRecord {
  id: string;
  userId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** When the browser said the subscription ends (ms since the epoch), or null. */
  expirationTime: number | null;
  /** A label the user recognises ("Firefox on laptop"), or null. */
  device: string | null;
  /** The VAPID public key it was made with: after a key change it can no longer be used. */
  serverKey: string;
  createdAt: string;
  updatedAt: string;
}

export interface NewSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  expirationTime: number | null;
  device: string | null;
  serverKey: string;
}

const LEASE_MS = 10_000;
const LEASE_RETRY_MS = 50;
const LEASE_TRIES = 240;

const endpointKey = (endpoint: string) =>
  `endpoint:${createHash('sha256').update(endpoint).digest('base64url')}`;

export class SubscriptionStore {
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly kv: PluginKeyValueStore,
    private readonly clock: Clock,
    private readonly maxPerUser: number,
  ) {}

  /** A user's subscriptions, oldest first. */
  async list(userId: string): Promise<SubscriptionRecord[]> {
    const ids = (await this.kv.get<string[]>(`user:${userId}`)) ?? [];
    return this.#records(userId, ids);
  }

  /** One of a user's subscriptions (undefined for another user's, or none). */
  async get(userId: string, id: string): Promise<SubscriptionRecord | undefined> {
    const record = await this.kv.get<SubscriptionRecord>(`sub:${id}`);
    return record?.userId === userId ? record : undefined;
  }

  /**
   * Adds a subscription, or updates the one with the same endpoint (the same browser subscribing
   * again). Beyond `maxPerUser`, the subscription updated longest ago goes.
   */
  async upsert(userId: string, input: NewSubscription): Promise<SubscriptionRecord> {
    return this.#exclusive(userId, async () => {
      const now = this.clock.now().toISOString();
      const byEndpoint = await this.kv.get<{ id: string; userId: string }>(endpointKey(input.endpoint));
      const existing = byEndpoint ? await this.kv.get<SubscriptionRecord>(`sub:${byEndpoint.id}`) : undefined;
      const ids = (await this.kv.get<string[]>(`user:${userId}`)) ?? [];
      const records = await this.#records(userId, ids);

      let record: SubscriptionRecord;
      if (existing?.userId === userId && existing.endpoint === input.endpoint) {
        record = { ...existing, ...input, updatedAt: now };
      } else {
        // Another user's browser profile is now this user's: it stops receiving the other's pushes.
        if (existing && existing.endpoint === input.endpoint) await this.kv.delete(`sub:${existing.id}`);
        record = {
          id: `wps_${randomBytes(16).toString('hex')}`,
          userId,
          ...input,
          createdAt: now,
          updatedAt: now,
        };
        records.push(record);
        records.sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
        while (records.length > this.maxPerUser) {
          const stalest = records.shift()!;
          await this.#forget(stalest);
        }
      }
      await this.kv.set(`sub:${record.id}`, record);
      await this.kv.set(endpointKey(record.endpoint), { id: record.id, userId });
      const kept = records.map((r) => r.id);
      if (!kept.includes(record.id)) kept.push(record.id);
      if (kept.join() !== ids.join()) await this.kv.set(`user:${userId}`, kept);
      return record;
    });
  }

  /** Removes one of a user's subscriptions; false when the user has none with this id. */
  async remove(userId: string, id: string): Promise<boolean> {
    return this.#exclusive(userId, async () => {
      const record = await this.get(userId, id);
      if (!record) return false;
      await this.#forget(record);
      const ids = (await this.kv.get<string[]>(`user:${userId}`)) ?? [];
      await this.kv.set(
        `user:${userId}`,
        ids.filter((other) => other !== id),
      );
      return true;
    });
  }

  /** Deletes a subscription's record and its endpoint entry (not its id in the user's index). */
  async #forget(record: SubscriptionRecord): Promise<void> {
    await this.kv.delete(`sub:${record.id}`);
    const key = endpointKey(record.endpoint);
    const owner = await this.kv.get<{ id: string }>(key);
    if (owner?.id === record.id) await this.kv.delete(key);
  }

  async #records(userId: string, ids: readonly string[]): Promise<SubscriptionRecord[]> {
    const records = await Promise.all(ids.map((id) => this.kv.get<SubscriptionRecord>(`sub:${id}`)));
    return records
      .filter((record): record is SubscriptionRecord => record?.userId === userId)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Runs `fn` alone among this user's writes: queued in this process, leased across processes. */
  async #exclusive<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(userId) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.#leased(userId, fn));
    this.#queues.set(userId, run);
    try {
      return await run;
    } finally {
      if (this.#queues.get(userId) === run) this.#queues.delete(userId);
    }
  }

  async #leased<T>(userId: string, fn: () => Promise<T>): Promise<T> {
    const key = `lock:${userId}`;
    const token = randomBytes(8).toString('hex');
    for (let attempt = 0; !(await this.kv.setIfAbsent(key, token, { ttlMs: LEASE_MS })); attempt++) {
      // Another process is writing this user's subscriptions (or died doing so: the lease runs out).
      if (attempt >= LEASE_TRIES) throw new Error('webpush: the subscriptions of this user stay locked');
      await new Promise<void>((resolve) => this.clock.setTimer(resolve, LEASE_RETRY_MS));
    }
    try {
      return await fn();
    } finally {
      if ((await this.kv.get<string>(key)) === token) await this.kv.delete(key);
    }
  }
}
