import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../src/index.js';
import { codeOf, type World, world } from './fixtures.js';

let w: World;
afterEach(async () => w?.placet.stop());

describe('users', () => {
  it('hashes passwords with scrypt and never returns the hash; emails are unique, case-insensitively', async () => {
    const store = memoryStore();
    w = await world({ store });
    const user = await w.placet.users.create({
      email: 'Ada@Example.test',
      displayName: 'Ada',
      password: 'analytical-engine',
    });
    expect(user).toEqual({
      id: user.id,
      email: 'ada@example.test',
      displayName: 'Ada',
      role: 'member',
      externalId: null,
      mustChangePassword: false,
      createdAt: expect.any(String),
    });
    const raw = await store.inspect().user(user.id);
    expect(raw?.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(raw?.passwordHash).not.toContain('analytical-engine');
    expect(await w.placet.users.verifyCredentials('ADA@example.test', 'analytical-engine')).toMatchObject({
      id: user.id,
    });
    expect(await w.placet.users.verifyCredentials('ada@example.test', 'wrong-password')).toBeUndefined();
    expect(
      await codeOf(
        w.placet.users.create({ email: 'ada@example.TEST', displayName: 'Ada 2', password: 'another-one' }),
      ),
    ).toBe('CONFLICT');
    expect(
      await codeOf(
        w.placet.users.create({ email: 'short@example.test', displayName: 'S', password: 'short' }),
      ),
    ).toBe('VALIDATION_FAILED');
  });

  it('ensures host-managed users by external id, once, also concurrently', async () => {
    w = await world();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        w.placet.users.ensure({
          externalId: 'host-user-42',
          email: 'h42@example.test',
          displayName: 'Host 42',
        }),
      ),
    );
    expect(new Set(results.map((u) => u.id)).size).toBe(1);
    const renamed = await w.placet.users.ensure({
      externalId: 'host-user-42',
      email: 'h42@example.test',
      displayName: 'Renamed',
    });
    expect(renamed).toMatchObject({ id: results[0]!.id, displayName: 'Renamed', externalId: 'host-user-42' });
  });

  it('only owners delete users, never themselves', async () => {
    w = await world();
    const member = await w.placet.users.create({
      email: 'm@example.test',
      displayName: 'M',
      password: 'member-pass',
    });
    expect(await codeOf(w.placet.users.delete(w.placet.userPrincipal(member), w.owner.id))).toBe('FORBIDDEN');
    expect(await codeOf(w.placet.users.delete(w.user, w.owner.id))).toBe('FORBIDDEN');
    await w.placet.users.delete(w.user, member.id);
    expect(await w.placet.users.get(member.id)).toBeUndefined();
  });
});

describe('API keys', () => {
  it('are hp_ + 48 hex, stored as SHA-256 with an 11-character prefix, listed without secrets', async () => {
    const store = memoryStore();
    w = await world({ store });
    const { key, apiKey } = await w.placet.apiKeys.create(w.owner.id, { label: 'deploy' });
    expect(key).toMatch(/^hp_[0-9a-f]{48}$/);
    expect(apiKey.keyPrefix).toBe(key.slice(0, 11));
    const raw = await store.inspect().apiKey(apiKey.id);
    expect(raw?.keyHash).toBe(createHash('sha256').update(key).digest('hex'));
    const listed = await w.placet.apiKeys.list(w.owner.id);
    expect(listed.map((k) => k.label)).toEqual(['deploy', 'ci']);
    expect(JSON.stringify(listed)).not.toContain(key);
    expect(JSON.stringify(listed)).not.toContain(raw!.keyHash);
  });

  it('authenticate accepts the key, rejects malformed and unknown ones; revoke and rotate take effect at once', async () => {
    w = await world();
    const { key, apiKey } = await w.placet.apiKeys.create(w.owner.id);
    expect(await w.placet.authenticate({ apiKey: key })).toEqual({
      kind: 'agent',
      userId: w.owner.id,
      apiKeyId: apiKey.id,
      channelId: null,
    });
    expect(await w.placet.authenticate({ apiKey: 'hp_nope' })).toBeNull();
    expect(await w.placet.authenticate({ apiKey: `hp_${'0'.repeat(48)}` })).toBeNull();
    const rotated = await w.placet.apiKeys.rotate(w.owner.id, apiKey.id);
    expect(rotated.apiKey.id).toBe(apiKey.id);
    expect(await w.placet.authenticate({ apiKey: key })).toBeNull();
    expect(await w.placet.authenticate({ apiKey: rotated.key })).not.toBeNull();
    await w.placet.apiKeys.revoke(w.owner.id, apiKey.id);
    expect(await w.placet.authenticate({ apiKey: rotated.key })).toBeNull();
    expect(await codeOf(w.placet.apiKeys.revoke(w.owner.id, apiKey.id))).toBe('NOT_FOUND');
  });

  it('persists lastUsedAt at most once a minute', async () => {
    const store = memoryStore();
    w = await world({ store });
    const { key, apiKey } = await w.placet.apiKeys.create(w.owner.id);
    await w.placet.authenticate({ apiKey: key });
    const first = (await store.inspect().apiKey(apiKey.id))?.lastUsedAt;
    expect(first?.toISOString()).toBe(w.clock.now().toISOString());
    await w.clock.advance(30_000);
    await w.placet.authenticate({ apiKey: key });
    expect((await store.inspect().apiKey(apiKey.id))?.lastUsedAt).toEqual(first);
    await w.clock.advance(30_000);
    await w.placet.authenticate({ apiKey: key });
    expect((await store.inspect().apiKey(apiKey.id))?.lastUsedAt?.getTime()).toBe(first!.getTime() + 60_000);
  });

  it('a channel-scoped key reaches only its channel', async () => {
    w = await world();
    const other = await w.placet.channels.create(w.agent, { name: 'other-bot' });
    const { key } = await w.placet.apiKeys.create(w.owner.id, { channelId: w.channelId });
    const scoped = (await w.placet.authenticate({ apiKey: key }))!;
    expect((await w.placet.channels.list(scoped)).map((c) => c.id)).toEqual([w.channelId]);
    expect(await codeOf(w.placet.messages.create(scoped, { channelId: other.id, text: 'x' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(w.placet.channels.create(scoped, { name: 'nope' }))).toBe('FORBIDDEN');
  });
});
