import { inject, injectable } from 'tsyringe';
import { type PublicApiKey, presentApiKey } from '../domain/present.js';
import type { AgentPrincipal } from '../domain/principal.js';
import type { ApiKeyRecord } from '../domain/records.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import { ApiKeyCreate, type ApiKeyCreateInput } from '../host-inputs.js';
import type { ResolvedPlacetOptions } from '../placet-options.js';
import type { Clock } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { newId } from '../util/ids.js';
import { API_KEY_PATTERN, generateApiKey, hashApiKey } from '../util/secrets.js';
import { ReadCache } from './read-cache.js';
import { emitRevoked } from './sessions-service.js';
import { UnitOfWork } from './unit-of-work.js';

/** Events after which no remembered key may be trusted: a key, session or user ended; a channel changed. */
const INVALIDATING = new Set(['access:revoked', 'channel:updated']);

/** Agent API keys: `hp_` + 48 hex, SHA-256 at rest, the raw key returned once (create, rotate). */
@injectable()
export class ApiKeysService {
  /**
   * The keys found lately, by hash (a single-process store only): a revoked key is refused as soon as
   * the revocation is committed, as without the cache.
   */
  readonly #keys: ReadCache<ApiKeyRecord>;

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.Logger) private readonly logger: Logger,
    @inject(TOKENS.Options) private readonly options: ResolvedPlacetOptions,
    @inject(UnitOfWork) private readonly uow: UnitOfWork,
  ) {
    this.#keys = new ReadCache(store, uow, clock, {
      size: 1_000,
      ttlMs: 30_000,
      invalidatedBy: INVALIDATING,
    });
  }

  async create(
    userId: string,
    input: ApiKeyCreateInput = {},
  ): Promise<{ key: string; apiKey: PublicApiKey }> {
    const data = parseOrThrow(ApiKeyCreate, input);
    if (!(await this.store.users.findById(userId))) throw new PlacetError('NOT_FOUND', 'User not found');
    if (data.channelId) {
      const channel = await this.store.channels.findById(data.channelId);
      if (!channel || channel.ownerId !== userId) throw new PlacetError('NOT_FOUND', 'Channel not found');
    }
    const generated = data.key
      ? { key: data.key, hash: hashApiKey(data.key), prefix: data.key.slice(0, 11) }
      : generateApiKey();
    const record: ApiKeyRecord = {
      id: newId(),
      userId,
      label: data.label,
      keyHash: generated.hash,
      keyPrefix: generated.prefix,
      channelId: data.channelId ?? null,
      lastUsedAt: null,
      createdAt: this.clock.now(),
    };
    await this.store.apiKeys.insert(record);
    return { key: generated.key, apiKey: presentApiKey(record) };
  }

  async list(userId: string): Promise<PublicApiKey[]> {
    return (await this.store.apiKeys.listByUser(userId)).map(presentApiKey);
  }

  /** Deletes the key: requests with it fail at once, and sockets opened with it close in every process. */
  async revoke(userId: string, id: string): Promise<void> {
    await this.uow.run(async (tx, emit) => {
      const key = await tx.apiKeys.findById(id);
      if (!key || key.userId !== userId || !(await tx.apiKeys.delete(id)))
        throw new PlacetError('NOT_FOUND', 'API key not found');
      await emitRevoked(emit, { userId, apiKeyId: id, reason: 'api_key_revoked' });
    });
  }

  /** Same row, new secret: the old key stops working at once, and what it opened closes. */
  async rotate(userId: string, id: string): Promise<{ key: string; apiKey: PublicApiKey }> {
    const generated = generateApiKey();
    const updated = await this.uow.run(async (tx, emit) => {
      const key = await tx.apiKeys.findById(id);
      if (!key || key.userId !== userId) throw new PlacetError('NOT_FOUND', 'API key not found');
      const row = await tx.apiKeys.update(id, {
        keyHash: generated.hash,
        keyPrefix: generated.prefix,
        lastUsedAt: null,
      });
      if (!row) throw new PlacetError('NOT_FOUND', 'API key not found');
      await emitRevoked(emit, { userId, apiKeyId: id, reason: 'api_key_rotated' });
      return row;
    });
    return { key: generated.key, apiKey: presentApiKey(updated) };
  }

  /** The agent behind a raw key, or null. `lastUsedAt` is persisted at most once per interval. */
  async authenticate(rawKey: string): Promise<AgentPrincipal | null> {
    if (typeof rawKey !== 'string' || !API_KEY_PATTERN.test(rawKey)) return null;
    const hash = hashApiKey(rawKey);
    const key = await this.#keys.get(hash, () => this.store.apiKeys.findByHash(hash));
    if (!key) return null;
    const now = this.clock.now();
    const stale =
      !key.lastUsedAt || key.lastUsedAt.getTime() <= now.getTime() - this.options.apiKeyTouchIntervalMs;
    if (stale) {
      try {
        await this.store.apiKeys.touch(key.id, now, this.options.apiKeyTouchIntervalMs);
        // The remembered copy too, so that it is not touched again before the interval.
        key.lastUsedAt = now;
      } catch (error) {
        this.logger.warn('could not record API key use', { apiKeyId: key.id, error: String(error) });
      }
    }
    return { kind: 'agent', userId: key.userId, apiKeyId: key.id, channelId: key.channelId };
  }
}
