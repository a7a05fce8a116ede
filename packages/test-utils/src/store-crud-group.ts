import { type ChannelRecord, CONSTRAINTS, isUniqueViolation, type MessageRecord } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import {
  makeApiKey,
  makeAttachment,
  makeChannel,
  makeMessage,
  makeReview,
  makeUser,
  randomId,
} from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  expectSameRecord,
  rejectionOf,
  seedChannel,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  seedUser,
  useStoreHarness,
} from './store-harness.js';

const UNKNOWN = 'zzzzzzzzzzzzzzzzzzzzzzzzunknown';

/** Insert/find/update/delete round-trips of every repository, unique keys and cascading deletes. */
export function storeCrudGroup(options: StoreSuiteOptions): void {
  describe(`Store CRUD: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('declares capabilities and migrate() is idempotent', async () => {
      const { store, inspect } = h();
      expect(typeof store.capabilities.dialect).toBe('string');
      expect(store.capabilities.dialect.length).toBeGreaterThan(0);
      expect(typeof store.capabilities.multiProcess).toBe('boolean');
      await store.migrate();
      await store.migrate();
      const user = await seedUser(store);
      expectSameRecord(await inspect.user(user.id), user);
    });

    it('users: insert, find, list, update and delete round-trip every field', async () => {
      const { store, inspect } = h();
      const full = makeUser({
        email: `ada-${randomId()}@example.test`,
        displayName: 'Ada Lovelace — ✓ 日本',
        role: 'owner',
        passwordHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
        externalId: randomId('ext'),
        mustChangePassword: true,
        createdAt: at(123),
      });
      const bare = makeUser({ createdAt: at(456) });
      await store.users.insert(full);
      await store.users.insert(bare);
      expectSameRecord(await inspect.user(full.id), full);
      expectSameRecord(await inspect.user(bare.id), bare);
      expectSameRecord(await store.users.findById(full.id), full);
      expectSameRecord(await store.users.findById(bare.id), bare);
      expectSameRecord(await store.users.findByEmail(full.email), full);
      expectSameRecord(await store.users.findByExternalId(full.externalId ?? ''), full);
      expect(await store.users.findById(UNKNOWN)).toBeUndefined();
      expect(await store.users.findByEmail(`nobody-${randomId()}@example.test`)).toBeUndefined();
      expect(await store.users.findByExternalId(randomId('ext'))).toBeUndefined();
      expect((await store.users.list()).map((u) => u.id).sort()).toEqual([full.id, bare.id].sort());

      const patch = {
        displayName: 'Countess',
        passwordHash: null,
        mustChangePassword: false,
        role: 'member' as const,
      };
      const updated = await store.users.update(full.id, patch);
      expectSameRecord(updated, { ...full, ...patch });
      expectSameRecord(await inspect.user(full.id), { ...full, ...patch });
      const linked = await store.users.update(bare.id, { externalId: 'ext-linked' });
      expectSameRecord(linked, { ...bare, externalId: 'ext-linked' });
      expect(await store.users.update(UNKNOWN, { displayName: 'x' })).toBeUndefined();

      expect(await store.users.delete(full.id)).toBe(true);
      expect(await store.users.delete(full.id)).toBe(false);
      expect(await inspect.user(full.id)).toBeUndefined();
      expect(await store.users.findById(full.id)).toBeUndefined();
      expectSameRecord(await inspect.user(bare.id), { ...bare, externalId: 'ext-linked' });
    });

    it('users: findByEmail is case-insensitive', async () => {
      const { store } = h();
      const user = await seedUser(store, { email: `Grace.Hopper-${randomId()}@Example.TEST` });
      expect((await store.users.findByEmail(user.email.toLowerCase()))?.id).toBe(user.id);
      expect((await store.users.findByEmail(user.email.toUpperCase()))?.id).toBe(user.id);
    });

    it('users: email and externalId are unique (case-insensitive email); null externalIds never conflict', async () => {
      const { store, inspect } = h();
      const local = `dup-${randomId()}`;
      const first = await seedUser(store, { email: `${local}@example.test`, externalId: 'ext-same' });
      const sameEmail = await rejectionOf(
        store.users.insert(makeUser({ email: `${local.toUpperCase()}@EXAMPLE.test` })),
      );
      expect(isUniqueViolation(sameEmail, CONSTRAINTS.userEmail), String(sameEmail)).toBe(true);
      const sameExternal = await rejectionOf(store.users.insert(makeUser({ externalId: first.externalId })));
      expect(isUniqueViolation(sameExternal, CONSTRAINTS.userExternalId), String(sameExternal)).toBe(true);
      const sameId = await rejectionOf(store.users.insert(makeUser({ id: first.id })));
      expect(isUniqueViolation(sameId, CONSTRAINTS.primaryKey), String(sameId)).toBe(true);
      expect(await inspect.count('users')).toBe(1);
      await store.users.insert(makeUser({ externalId: null }));
      await store.users.insert(makeUser({ externalId: null }));
      expect(await inspect.count('users')).toBe(3);
    });

    it('api keys: insert, find, update and delete round-trip every field; keyHash is unique', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const scoped = makeApiKey(owner.id, {
        channelId: channel.id,
        label: 'CI key',
        lastUsedAt: at(5),
        createdAt: at(1),
      });
      const plain = makeApiKey(owner.id, { createdAt: at(2) });
      await store.apiKeys.insert(scoped);
      await store.apiKeys.insert(plain);
      expectSameRecord(await inspect.apiKey(scoped.id), scoped);
      expectSameRecord(await inspect.apiKey(plain.id), plain);
      expectSameRecord(await store.apiKeys.findById(scoped.id), scoped);
      expectSameRecord(await store.apiKeys.findByHash(plain.keyHash), plain);
      expect(await store.apiKeys.findById(UNKNOWN)).toBeUndefined();
      expect(await store.apiKeys.findByHash('0'.repeat(64))).toBeUndefined();

      const dup = await rejectionOf(store.apiKeys.insert(makeApiKey(owner.id, { keyHash: plain.keyHash })));
      expect(isUniqueViolation(dup, CONSTRAINTS.apiKeyHash), String(dup)).toBe(true);
      expect(await inspect.count('api_keys')).toBe(2);

      const patch = {
        label: 'rotated',
        keyHash: 'f'.repeat(64),
        keyPrefix: 'hp_ffffffff',
        lastUsedAt: at(99),
      };
      expectSameRecord(await store.apiKeys.update(plain.id, patch), { ...plain, ...patch });
      expectSameRecord(await inspect.apiKey(plain.id), { ...plain, ...patch });
      expect(await store.apiKeys.findByHash(plain.keyHash)).toBeUndefined();
      expect((await store.apiKeys.findByHash(patch.keyHash))?.id).toBe(plain.id);
      expectSameRecord(await store.apiKeys.update(scoped.id, { lastUsedAt: null }), {
        ...scoped,
        lastUsedAt: null,
      });
      expect(await store.apiKeys.update(UNKNOWN, { label: 'x' })).toBeUndefined();

      expect(await store.apiKeys.delete(plain.id)).toBe(true);
      expect(await store.apiKeys.delete(plain.id)).toBe(false);
      expect(await inspect.apiKey(plain.id)).toBeUndefined();
      expectSameRecord(await inspect.apiKey(scoped.id), { ...scoped, lastUsedAt: null });
    });

    it('channels: insert, find, update and delete round-trip every field (JSON, nulls, dates)', async () => {
      const { store, inspect } = h();
      const owner = await seedUser(store);
      const bare = await seedChannel(store, owner.id, { createdAt: at(10) });
      const full: ChannelRecord = makeChannel(owner.id, {
        name: 'Deploy bot ✓',
        description: 'Ships **things**',
        avatarUrl: 'https://cdn.example.test/a.png',
        webhookUrl: 'https://hooks.example.test/placet?x=1&y=2',
        webhookHeaders: { 'X-Token': 'abc', 'x-unicode': 'héllo' },
        webhookAuth: { username: 'hook', password: 'p@ss:word' },
        webhookSecret: `whsec_${randomId()}`,
        status: 'busy',
        statusMessage: 'Deploying 3/7',
        statusSince: at(20),
        lastActiveAt: at(21),
        commands: [
          { command: '/deploy', description: 'Deploy an env', acceptsArgs: true, argHint: '<env>' },
          { command: '/status', description: 'Show status' },
        ],
        tag: 'prod',
        isSubagent: true,
        parentAgentId: bare.id,
        createdAt: at(30),
        updatedAt: at(31),
      });
      await store.channels.insert(full);
      expectSameRecord(await inspect.channel(full.id), full);
      expectSameRecord(await inspect.channel(bare.id), bare);
      expectSameRecord(await store.channels.findById(full.id), full);
      expectSameRecord(await store.channels.findById(bare.id), bare);
      expect(await store.channels.findById(UNKNOWN)).toBeUndefined();

      const patch = {
        name: 'Renamed',
        webhookHeaders: null,
        commands: [],
        status: 'offline' as const,
        statusMessage: null,
        description: null,
        updatedAt: at(40),
      };
      expectSameRecord(await store.channels.update(full.id, patch), { ...full, ...patch });
      expectSameRecord(await inspect.channel(full.id), { ...full, ...patch });
      expect(await store.channels.update(UNKNOWN, { name: 'x' })).toBeUndefined();

      expect(await store.channels.delete(full.id)).toBe(true);
      expect(await store.channels.delete(full.id)).toBe(false);
      expect(await inspect.channel(full.id)).toBeUndefined();
      expectSameRecord(await inspect.channel(bare.id), bare);
    });

    it('messages: insert, find, update and delete round-trip every field (JSON, nulls, dates)', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const bare = makeMessage(channel, { text: null, status: null, createdAt: at(1) });
      const full: MessageRecord = makeMessage(channel, {
        senderType: 'user',
        senderId: owner.id,
        text: '# Title\n\nSome *markdown* — ✓ 日本語 "quotes" \\ backslash',
        status: 'warning',
        metadata: {
          num: 1.5,
          neg: -3,
          bool: false,
          nil: null,
          unicode: 'héllo ✓',
          nested: { list: [1, 'two', null, true, { deep: 'x' }], empty: {}, emptyList: [] },
        },
        clientId: randomId('client'),
        streamId: randomId('stream'),
        streamState: 'streaming',
        deliveryStatus: 'webhook_delivered',
        iterationGroupId: randomId('group'),
        iteration: 3,
        attachmentCount: 2,
        createdAt: at(2),
        updatedAt: at(3),
      });
      await store.messages.insert(bare);
      await store.messages.insert(full);
      expectSameRecord(await inspect.message(full.id), full);
      expectSameRecord(await inspect.message(bare.id), bare);
      expectSameRecord(await store.messages.findById(full.id), full);
      expectSameRecord(await store.messages.findById(bare.id), bare);
      expectSameRecord(await store.messages.findByClientId(channel.id, full.clientId ?? ''), full);
      expect(await store.messages.findByClientId(channel.id, randomId('client'))).toBeUndefined();
      expect(await store.messages.findById(UNKNOWN)).toBeUndefined();
      const many = await store.messages.findByIds([bare.id, UNKNOWN, full.id]);
      expect(many.map((m) => m.id).sort()).toEqual([bare.id, full.id].sort());
      expectSameRecord(
        many.find((m) => m.id === full.id),
        full,
      );
      expect(await store.messages.findByIds([])).toEqual([]);

      const patch = {
        text: 'final text',
        metadata: { replaced: [1, 2, 3] },
        streamState: 'complete' as const,
        attachmentCount: 0,
        updatedAt: at(50),
      };
      expectSameRecord(await store.messages.update(full.id, patch), { ...full, ...patch });
      expectSameRecord(await inspect.message(full.id), { ...full, ...patch });
      expectSameRecord(await store.messages.update(bare.id, { metadata: null, text: 'now set' }), {
        ...bare,
        text: 'now set',
      });
      expect(await store.messages.update(UNKNOWN, { text: 'x' })).toBeUndefined();

      expect(await store.messages.delete(full.id)).toBe(true);
      expect(await store.messages.delete(full.id)).toBe(false);
      expect(await inspect.message(full.id)).toBeUndefined();
      expect(await store.messages.findById(full.id)).toBeUndefined();
    });

    it('messages: stored rows are not live references to the caller objects', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = makeMessage(channel, { metadata: { list: [1], inner: { v: 'a' } } });
      const expected = structuredClone(message);
      await store.messages.insert(message);
      message.text = 'mutated after insert';
      (message.metadata as { list: number[] }).list.push(2);
      const found = await store.messages.findById(message.id);
      expectSameRecord(found, expected);
      if (found?.metadata) (found.metadata as { inner: { v: string } }).inner.v = 'mutated after read';
      expectSameRecord(await inspect.message(message.id), expected);
      expectSameRecord(await store.messages.findById(message.id), expected);
    });

    it('messages: (channelId, clientId) and (channelId, streamId) are unique; nulls and other channels never conflict', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const first = await seedMessage(store, channel, { clientId: randomId('c'), streamId: randomId('s') });

      const dupClient = await rejectionOf(
        store.messages.insert(makeMessage(channel, { clientId: first.clientId })),
      );
      expect(isUniqueViolation(dupClient, CONSTRAINTS.messageClient), String(dupClient)).toBe(true);
      const dupStream = await rejectionOf(
        store.messages.insert(makeMessage(channel, { streamId: first.streamId })),
      );
      expect(isUniqueViolation(dupStream, CONSTRAINTS.messageStream), String(dupStream)).toBe(true);
      const dupId = await rejectionOf(store.messages.insert(makeMessage(channel, { id: first.id })));
      expect(isUniqueViolation(dupId, CONSTRAINTS.primaryKey), String(dupId)).toBe(true);
      expect(await inspect.count('messages')).toBe(1);

      for (let i = 0; i < 3; i++) await seedMessage(store, channel, { clientId: null, streamId: null });
      await seedMessage(store, other, { clientId: first.clientId, streamId: first.streamId });
      expect(await inspect.count('messages')).toBe(5);
      expect((await store.messages.findByClientId(other.id, first.clientId ?? ''))?.channelId).toBe(other.id);
      expect((await store.messages.findByClientId(channel.id, first.clientId ?? ''))?.id).toBe(first.id);
    });

    it('reviews: insert and find round-trip every field', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review: pending } = await seedReview(store, channel, {
        createdAt: at(1),
        expiresAt: at(86_400_000),
      });
      const message = await seedMessage(store, channel);
      const done = makeReview(message, {
        type: 'selection',
        payload: {
          options: [
            { id: 'a', label: 'A ✓' },
            { id: 'b', label: 'B' },
          ],
          multi: true,
          nested: { x: null },
        },
        status: 'completed',
        response: { selectedOptions: ['a'], note: null },
        respondedBy: owner.id,
        callback: { url: 'https://cb.example.test/x', method: 'POST', headers: { 'X-A': '1' } },
        expiresAt: at(100_000),
        completedAt: at(5_000),
        feedback: 'Looks good',
        modifiedFileIds: { old: 'new' },
        createdAt: at(2),
      });
      await store.reviews.insert(done);
      expectSameRecord(await inspect.review(pending.messageId), pending);
      expectSameRecord(await inspect.review(done.messageId), done);
      expectSameRecord(await store.reviews.findByMessageId(done.messageId), done);
      expectSameRecord(await store.reviews.findByMessageId(pending.messageId), pending);
      expect(await store.reviews.findByMessageId(UNKNOWN)).toBeUndefined();
      const many = await store.reviews.findByMessageIds([done.messageId, UNKNOWN, pending.messageId]);
      expect(many.map((r) => r.messageId).sort()).toEqual([done.messageId, pending.messageId].sort());
      expect(await store.reviews.findByMessageIds([])).toEqual([]);
    });

    it('attachments: insert, find and delete round-trip every field', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel);
      const linked = makeAttachment(channel, {
        messageId: message.id,
        filename: 'Résumé final (v2).pdf',
        mimeType: 'application/pdf',
        size: 987_654,
        createdAt: at(7),
      });
      const orphan = makeAttachment(channel, { createdAt: at(8) });
      await store.attachments.insert(linked);
      await store.attachments.insert(orphan);
      expectSameRecord(await inspect.attachment(linked.id), linked);
      expectSameRecord(await inspect.attachment(orphan.id), orphan);
      expectSameRecord(await store.attachments.findById(linked.id), linked);
      expect(await store.attachments.findById(UNKNOWN)).toBeUndefined();
      const found = await store.attachments.findByIds([orphan.id, UNKNOWN, linked.id]);
      expect(found.map((a) => a.id).sort()).toEqual([linked.id, orphan.id].sort());
      expect(await store.attachments.findByIds([])).toEqual([]);

      expect(await store.attachments.delete(orphan.id)).toBe(true);
      expect(await store.attachments.delete(orphan.id)).toBe(false);
      expect(await inspect.attachment(orphan.id)).toBeUndefined();
      expectSameRecord(await inspect.attachment(linked.id), linked);
    });

    it('deleting a message deletes its review and attachments, nothing else', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const { message, review } = await seedReview(store, channel);
      const { message: keep, review: keepReview } = await seedReview(store, channel);
      const a1 = makeAttachment(channel, { messageId: message.id });
      const a2 = makeAttachment(channel, { messageId: message.id });
      const keepAttachment = makeAttachment(channel, { messageId: keep.id });
      const orphan = makeAttachment(channel);
      for (const a of [a1, a2, keepAttachment, orphan]) await store.attachments.insert(a);

      expect(await store.messages.delete(message.id)).toBe(true);
      expect(await inspect.message(message.id)).toBeUndefined();
      expect(await inspect.review(review.messageId)).toBeUndefined();
      expect(await inspect.attachment(a1.id)).toBeUndefined();
      expect(await inspect.attachment(a2.id)).toBeUndefined();
      expect(await inspect.message(keep.id)).toBeDefined();
      expectSameRecord(await inspect.review(keep.id), keepReview);
      expectSameRecord(await inspect.attachment(keepAttachment.id), keepAttachment);
      expectSameRecord(await inspect.attachment(orphan.id), orphan);
      expect(await inspect.count('reviews')).toBe(1);
      expect(await inspect.count('attachments')).toBe(2);
    });

    it('deleting a channel deletes its messages, reviews and attachments, nothing else', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const other = await seedChannel(store, owner.id);
      const { message } = await seedReview(store, channel);
      await seedMessage(store, channel);
      await store.attachments.insert(makeAttachment(channel, { messageId: message.id }));
      await store.attachments.insert(makeAttachment(channel));
      const { message: keep } = await seedReview(store, other);
      const keepAttachment = makeAttachment(other, { messageId: keep.id });
      await store.attachments.insert(keepAttachment);

      expect(await store.channels.delete(channel.id)).toBe(true);
      expect(await inspect.channel(channel.id)).toBeUndefined();
      expect(await inspect.count('channels')).toBe(1);
      expect(await inspect.count('messages')).toBe(1);
      expect(await inspect.count('reviews')).toBe(1);
      expect(await inspect.count('attachments')).toBe(1);
      expect(await inspect.message(keep.id)).toBeDefined();
      expect(await inspect.review(keep.id)).toBeDefined();
      expectSameRecord(await inspect.attachment(keepAttachment.id), keepAttachment);
      expect(await inspect.user(owner.id)).toBeDefined();
    });

    it('deleting a user deletes their API keys and channels with everything below, nothing else', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      await store.apiKeys.insert(makeApiKey(owner.id));
      await store.apiKeys.insert(makeApiKey(owner.id, { channelId: channel.id }));
      const { message } = await seedReview(store, channel);
      await store.attachments.insert(makeAttachment(channel, { messageId: message.id }));
      const { owner: other, channel: otherChannel } = await seedOwnerChannel(store);
      const otherKey = makeApiKey(other.id);
      await store.apiKeys.insert(otherKey);
      const { message: otherMessage } = await seedReview(store, otherChannel);
      await store.attachments.insert(makeAttachment(otherChannel, { messageId: otherMessage.id }));

      expect(await store.users.delete(owner.id)).toBe(true);
      expect(await inspect.user(owner.id)).toBeUndefined();
      expect(await inspect.channel(channel.id)).toBeUndefined();
      expect(await inspect.count('users')).toBe(1);
      expect(await inspect.count('api_keys')).toBe(1);
      expect(await inspect.count('channels')).toBe(1);
      expect(await inspect.count('messages')).toBe(1);
      expect(await inspect.count('reviews')).toBe(1);
      expect(await inspect.count('attachments')).toBe(1);
      expectSameRecord(await inspect.apiKey(otherKey.id), otherKey);
      expect(await inspect.message(otherMessage.id)).toBeDefined();
    });
  });
}
