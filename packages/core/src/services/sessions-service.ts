import { inject, injectable } from 'tsyringe';
import type { AccessRevoked, SessionRecord, UserRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newSecretId } from '../util/secrets.js';
import { type Emit, UnitOfWork } from './unit-of-work.js';

const TICKETS = 'placet:ws-ticket';

/** Emits `access:revoked` (internal: it closes sockets in every process, never reaches a client). */
export function emitRevoked(emit: Emit, revoked: AccessRevoked): Promise<unknown> {
  return emit({
    type: 'access:revoked',
    ownerId: revoked.userId,
    channelId: null,
    subjectId: revoked.apiKeyId ?? revoked.sessionId ?? revoked.userId,
    payload: revoked,
  });
}

/**
 * Server-side sessions of signed-in humans. A session is a row: ending it (logout, a password change,
 * deleting the user) takes effect for every request in every process at once, and closes the sockets it
 * opened (`access:revoked` through the outbox). The token that names a session is the host's business
 * (the example server signs `<id>.<expires>`); the id itself is 128 random bits.
 */
@injectable()
export class SessionsService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  async create(userId: string, ttlMs: number): Promise<SessionRecord> {
    if (!(await this.store.users.findById(userId))) throw new PlacetError('NOT_FOUND', 'User not found');
    const now = this.clock.now();
    const session: SessionRecord = {
      id: newSecretId(),
      userId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ttlMs),
    };
    await this.store.sessions.insert(session);
    return session;
  }

  /** The live session and its user, or undefined (unknown, ended, expired, or the user is gone). */
  async find(id: string): Promise<{ session: SessionRecord; user: UserRecord } | undefined> {
    const session = await this.store.sessions.findById(id);
    if (!session || session.expiresAt <= this.clock.now()) return undefined;
    const user = await this.store.users.findById(session.userId);
    return user ? { session, user } : undefined;
  }

  /** Ends one session (logout). */
  async end(id: string): Promise<boolean> {
    return this.uow.run(async (tx, emit) => {
      const session = await tx.sessions.findById(id);
      if (!session || !(await tx.sessions.delete(id))) return false;
      await emitRevoked(emit, { userId: session.userId, sessionId: id, reason: 'logout' });
      return true;
    });
  }

  /** Ends every session of a user (e.g. "sign out everywhere"). */
  async endAll(userId: string): Promise<number> {
    return this.uow.run(async (tx, emit) => {
      const ended = await tx.sessions.deleteByUser(userId);
      await emitRevoked(emit, { userId, allSessions: true, reason: 'session_revoked' });
      return ended.length;
    });
  }

  /**
   * Claims a single-use token (a WebSocket ticket's nonce) until `expiresAt`: true for the first claim
   * in any process sharing the store, false for every later one.
   */
  claimOnce(nonce: string, expiresAt: Date): Promise<boolean> {
    return this.store.kv.insertIfAbsent(
      { namespace: TICKETS, key: nonce, value: true, expiresAt },
      this.clock.now(),
    );
  }

  /** Housekeeping: expired sessions and key-value entries (the sweeper calls it). */
  async sweep(limit = 1000): Promise<number> {
    const now = this.clock.now();
    return (
      (await this.store.sessions.deleteExpired(now, limit)) + (await this.store.kv.deleteExpired(now, limit))
    );
  }
}
