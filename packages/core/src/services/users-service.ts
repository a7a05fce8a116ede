import { inject, injectable } from 'tsyringe';
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, UserCreate, type UserCreateInput } from '../contract/account.js';
import { type PublicUser, presentUser } from '../domain/present.js';
import type { UserPrincipal } from '../domain/principal.js';
import type { UserRecord, UserRole } from '../domain/records.js';
import { CONSTRAINTS, isUniqueViolation } from '../domain/unique-violation.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { HostIdentity } from '../host-inputs.js';
import type { Clock } from '../ports/clock.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '../util/secrets.js';
import { PREFERENCES_NAMESPACE } from './notification-policy.js';
import { emitRevoked } from './sessions-service.js';
import { UnitOfWork } from './unit-of-work.js';

export { MIN_PASSWORD_LENGTH, UserCreate, type UserCreateInput } from '../contract/account.js';

/** Humans: created with a scrypt-hashed password, or host-managed through `ensure({ externalId })`. */
@injectable()
export class UsersService {
  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {}

  async create(input: UserCreateInput): Promise<PublicUser> {
    const data = parseOrThrow(UserCreate, input);
    const user: UserRecord = {
      id: newId(),
      email: data.email.toLowerCase(),
      displayName: data.displayName,
      role: data.role,
      passwordHash: data.password ? await hashPassword(data.password) : null,
      externalId: null,
      mustChangePassword: data.mustChangePassword,
      createdAt: this.clock.now(),
    };
    try {
      await this.store.users.insert(user);
    } catch (error) {
      if (isUniqueViolation(error, CONSTRAINTS.userEmail)) {
        throw new PlacetError('CONFLICT', 'Email already in use', {
          issues: [{ path: 'email', message: 'already in use' }],
        });
      }
      throw error;
    }
    return presentUser(user);
  }

  /** Finds or creates the user a host authenticated, by the host's own id; keeps email and name current. */
  async ensure(input: HostIdentity): Promise<PublicUser> {
    const data = parseOrThrow(HostIdentity, input);
    for (let attempt = 0; attempt < 3; attempt++) {
      const existing = await this.store.users.findByExternalId(data.externalId);
      if (existing) {
        const email = data.email.toLowerCase();
        if (
          existing.email === email &&
          existing.displayName === data.displayName &&
          (!data.role || data.role === existing.role)
        ) {
          return presentUser(existing);
        }
        const updated = await this.store.users.update(existing.id, {
          email,
          displayName: data.displayName,
          ...(data.role ? { role: data.role } : {}),
        });
        return presentUser(updated ?? existing);
      }
      try {
        const user: UserRecord = {
          id: newId(),
          email: data.email.toLowerCase(),
          displayName: data.displayName,
          role: data.role ?? 'member',
          passwordHash: null,
          externalId: data.externalId,
          mustChangePassword: false,
          createdAt: this.clock.now(),
        };
        await this.store.users.insert(user);
        return presentUser(user);
      } catch (error) {
        // A concurrent ensure() of the same external id won: read it on the next round.
        if (isUniqueViolation(error, CONSTRAINTS.userExternalId)) continue;
        // Which unique key a racing insert trips first is up to the store: check which one it was.
        if (
          isUniqueViolation(error, CONSTRAINTS.userEmail) &&
          (await this.store.users.findByExternalId(data.externalId))
        )
          continue;
        if (isUniqueViolation(error, CONSTRAINTS.userEmail)) {
          throw new PlacetError('CONFLICT', 'Email already in use by another user');
        }
        throw error;
      }
    }
    throw new PlacetError('CONFLICT', 'Could not ensure the user; retry');
  }

  async get(id: string): Promise<PublicUser | undefined> {
    const user = await this.store.users.findById(id);
    return user ? presentUser(user) : undefined;
  }

  async list(): Promise<PublicUser[]> {
    return (await this.store.users.list()).map(presentUser);
  }

  /**
   * The user whose email and password match, or undefined (same answer for both failures). An unknown
   * email, or a user without a password, is checked against a dummy hash: every failure costs one scrypt,
   * so response times do not tell which emails have accounts.
   */
  async verifyCredentials(email: string, password: string): Promise<PublicUser | undefined> {
    const user = await this.store.users.findByEmail(email.toLowerCase());
    if (!user?.passwordHash) {
      await verifyPassword(password, DUMMY_PASSWORD_HASH);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash)) ? presentUser(user) : undefined;
  }

  /**
   * Changes the password and ends every session of the user (their sockets close in every process); the
   * caller signs the human in again with a new session if it wants to keep them signed in.
   */
  async changePassword(userId: string, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.store.users.findById(userId);
    if (!user) throw new PlacetError('NOT_FOUND', 'User not found');
    if (!user.passwordHash || !(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new PlacetError('UNAUTHORIZED', 'Current password is incorrect');
    }
    const next = parseOrThrow(z.string().min(MIN_PASSWORD_LENGTH).max(1024), newPassword, {
      prefix: 'newPassword',
    });
    const passwordHash = await hashPassword(next);
    await this.uow.run(async (tx, emit) => {
      await tx.users.update(userId, { passwordHash, mustChangePassword: false });
      await tx.sessions.deleteByUser(userId);
      await emitRevoked(emit, { userId, allSessions: true, reason: 'password_changed' });
    });
  }

  /**
   * Deletes a user with their sessions, keys and channels; whatever they had open closes in every
   * process. Owners only; never oneself.
   */
  async delete(actor: UserPrincipal, id: string): Promise<void> {
    if (actor.role !== 'owner') throw new PlacetError('FORBIDDEN', 'Owner access required');
    if (actor.userId === id) throw new PlacetError('FORBIDDEN', 'Cannot delete your own account');
    await this.uow.run(async (tx, emit) => {
      if (!(await tx.users.delete(id))) throw new PlacetError('NOT_FOUND', 'User not found');
      await tx.kv.delete(PREFERENCES_NAMESPACE, id);
      await emitRevoked(emit, { userId: id, reason: 'user_deleted' });
    });
  }

  /** The principal of a user the host authenticated. */
  principal(user: Pick<PublicUser, 'id' | 'role'>): UserPrincipal {
    return { kind: 'user', userId: user.id, role: user.role as UserRole };
  }
}
