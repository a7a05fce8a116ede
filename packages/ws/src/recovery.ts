import { randomBytes } from 'node:crypto';
import type { Principal } from '@placet/core';
import { type Clock, type KeyValueRepository, OUTBOX_FLOOR } from '@placet/core/adapter';

/** The key-value namespace of Socket.IO connection state (one entry per `pid`). */
export const RECOVERY_NAMESPACE = 'placet-ws:sio';

/**
 * What a reconnecting Socket.IO client needs restored, kept in the store (so that another process, or
 * this one after a restart, can restore it): whose connection it was and the channels it had
 * subscribed, each with the seq its events were delivered after. Nothing in it is secret, and the `pid`
 * that names it is a random key: a client still authenticates on every connection, and a `pid` is only
 * honoured for the same credential.
 */
interface RecoveryRecord {
  v: 1;
  kind: 'agent' | 'user';
  userId: string;
  apiKeyId: string | null;
  /** Where the connection started: a client that never received an event resumes from here. */
  since: number;
  /** The outbox epoch its seqs belong to: after a restored database, another epoch, nothing restored. */
  epoch?: string;
  channels: [string, number][];
}

/** A restored connection: where to replay from, and the channels to restore. */
export interface Restored {
  pid: string;
  /** The seq after which events are owed (users: every channel; agents: at least this for each channel). */
  since: number;
  channels: Map<string, number>;
}

/**
 * Socket.IO connection state recovery over the Store's key-value repository. The offset a client sends
 * back is an outbox seq (each event carries its seq as its last argument), so a restore replays from the
 * durable outbox: it works after a restart and in any process sharing the store.
 */
export class ConnectionRecovery {
  constructor(
    private readonly kv: KeyValueRepository,
    private readonly clock: Clock,
    /** A client reconnecting within this long of losing its connection is restored. */
    readonly maxDisconnectionMs: number,
  ) {}

  newPid(): string {
    return randomBytes(18).toString('base64url');
  }

  /**
   * The state to restore for this CONNECT's `pid` and `offset`, or undefined when there is none to
   * restore (unknown or expired `pid`, another credential, an offset the outbox no longer holds or never
   * reached): then the client starts afresh and `socket.recovered` is false. Rejects when the store fails.
   */
  async restore(
    pid: unknown,
    offset: unknown,
    principal: Principal,
    committedSeq: number,
    epoch: string,
  ): Promise<Restored | undefined> {
    if (typeof pid !== 'string' || !/^[\w-]{1,64}$/.test(pid)) return undefined;
    let from: number | undefined;
    if (offset !== undefined) {
      if (typeof offset !== 'string' || !/^\d{1,16}$/.test(offset)) return undefined;
      from = Number(offset);
      if (!Number.isSafeInteger(from) || from > committedSeq) return undefined;
    }
    const entry = await this.kv.get(RECOVERY_NAMESPACE, pid, this.clock.now());
    const record = entry ? parseRecord(entry.value) : undefined;
    if (!record || !sameCredential(record, principal) || record.epoch !== epoch) return undefined;
    const since = Math.max(from ?? record.since, record.since);
    const channels = new Map(record.channels.map(([id, after]) => [id, Math.max(from ?? after, after)]));
    let oldest = since;
    for (const after of channels.values()) oldest = Math.min(oldest, after);
    const floor = await this.kv.get(OUTBOX_FLOOR.namespace, OUTBOX_FLOOR.key, this.clock.now());
    if (typeof floor?.value === 'number' && oldest < floor.value) return undefined; // deleted by retention
    return { pid, since, channels };
  }

  /** Keeps (or refreshes) a connection's state: it outlives the connection by at least `maxDisconnectionMs`. */
  async save(
    pid: string,
    principal: Principal,
    since: number,
    channels: ReadonlyMap<string, number>,
    epoch: string,
  ): Promise<void> {
    const value: RecoveryRecord = {
      v: 1,
      epoch,
      kind: principal.kind,
      userId: principal.userId,
      apiKeyId: principal.kind === 'agent' ? principal.apiKeyId : null,
      since,
      channels: [...channels],
    };
    // Refreshed every `maxDisconnectionMs` while connected, so at least that much remains after it ends.
    const expiresAt = new Date(this.clock.now().getTime() + 2 * this.maxDisconnectionMs);
    await this.kv.set({ namespace: RECOVERY_NAMESPACE, key: pid, value, expiresAt });
  }

  /** The client disconnected on purpose, or its credential was revoked: nothing to restore. */
  async forget(pid: string): Promise<void> {
    await this.kv.delete(RECOVERY_NAMESPACE, pid);
  }
}

function parseRecord(value: unknown): RecoveryRecord | undefined {
  const r = value as Partial<RecoveryRecord> | null;
  if (r?.v !== 1 || (r.kind !== 'agent' && r.kind !== 'user') || typeof r.userId !== 'string')
    return undefined;
  if (typeof r.since !== 'number' || !Array.isArray(r.channels)) return undefined;
  const channels = r.channels.filter(
    (c): c is [string, number] => Array.isArray(c) && typeof c[0] === 'string' && typeof c[1] === 'number',
  );
  return {
    v: 1,
    kind: r.kind,
    userId: r.userId,
    apiKeyId: r.apiKeyId ?? null,
    since: r.since,
    channels,
    ...(typeof r.epoch === 'string' ? { epoch: r.epoch } : {}),
  };
}

function sameCredential(record: RecoveryRecord, principal: Principal): boolean {
  if (record.kind !== principal.kind || record.userId !== principal.userId) return false;
  return principal.kind === 'user' || record.apiKeyId === principal.apiKeyId;
}
