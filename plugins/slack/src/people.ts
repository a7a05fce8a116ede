import { createHash } from 'node:crypto';
import type { PublicUser } from '@placet/core/contract';
import type { PluginContext } from '@placet/core/plugin';
import type { WebClient } from '@slack/web-api';
import type { SlackOptions } from './options.js';
import { call, SlackCallError } from './slack-api.js';

/** How long "no Slack user has this e-mail" is kept: an hour (the person may join). */
const NOT_FOUND_CACHE_MS = 3600_000;

/** The cache key of an e-mail address (hashed: the store's keys are not a list of addresses). */
const emailKey = (email: string) =>
  `email/${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url')}`;
const slackUserKey = (slackUserId: string) => `slack-user/${slackUserId}`;

/**
 * Placet users and their Slack accounts: the manual mapping of the options first (by user id or e-mail),
 * then `users.lookupByEmail`, whose answers are kept in the plugin's key-value store (shared by every
 * process) for `lookupCacheMs`, and the reverse (Slack user → Placet user) for the same time.
 */
export class People {
  readonly #byPlacet = new Map<string, string>();

  constructor(
    private readonly ctx: PluginContext<SlackOptions>,
    private readonly client: WebClient,
  ) {
    for (const [who, slackId] of Object.entries(ctx.options.users))
      this.#byPlacet.set(who.toLowerCase(), slackId);
  }

  /** The Slack user id of `user`, or null when Slack knows no one with their e-mail. */
  async slackIdOf(user: Pick<PublicUser, 'id' | 'email'>): Promise<string | null> {
    const manual = this.#byPlacet.get(user.id.toLowerCase()) ?? this.#byPlacet.get(user.email.toLowerCase());
    if (manual) return manual;
    if (!user.email.includes('@')) return null;
    const key = emailKey(user.email);
    const cached = await this.ctx.kv.get<{ id: string | null }>(key);
    if (cached) return cached.id;
    let id: string | null;
    try {
      const found = await call('users.lookupByEmail', () =>
        this.client.users.lookupByEmail({ email: user.email }),
      );
      id = found.user?.id ?? null;
    } catch (error) {
      if (!(error instanceof SlackCallError) || error.reason !== 'users_not_found') throw error;
      id = null;
    }
    await this.ctx.kv.set(key, { id }, { ttlMs: id ? this.ctx.options.lookupCacheMs : NOT_FOUND_CACHE_MS });
    if (id) await this.ctx.kv.set(slackUserKey(id), user.id, { ttlMs: this.ctx.options.lookupCacheMs });
    return id;
  }

  /**
   * The Placet user behind a Slack user: by the manual mapping, by an earlier lookup, or among
   * `candidates` (who may answer the review at hand: each is looked up by e-mail). Undefined when none.
   */
  async placetUserOf(slackUserId: string, candidates: readonly string[]): Promise<PublicUser | undefined> {
    const users = this.ctx.placet.users;
    for (const [who, slackId] of this.#byPlacet) {
      if (slackId !== slackUserId) continue;
      const user = who.includes('@')
        ? (await users.list()).find((candidate) => candidate.email.toLowerCase() === who)
        : await users.get(who);
      if (user) return user;
    }
    const known = await this.ctx.kv.get<string>(slackUserKey(slackUserId));
    if (known) {
      const user = await users.get(known);
      if (user && (await this.slackIdOf(user)) === slackUserId) return user;
    }
    for (const id of candidates) {
      const user = await users.get(id);
      if (user && (await this.slackIdOf(user)) === slackUserId) return user;
    }
    return undefined;
  }
}
