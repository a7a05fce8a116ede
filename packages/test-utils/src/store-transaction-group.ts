import { CONSTRAINTS, isUniqueViolation } from '@placet/core/adapter';
import { describe, expect, it } from 'vitest';
import {
  deferred,
  makeApiKey,
  makeAttachment,
  makeChannel,
  makeEvent,
  makeMessage,
  makeReview,
  makeStatusHistory,
  makeStatusStep,
  makeUser,
  randomId,
} from './helpers.js';
import type { StoreSuiteOptions, StoreTable } from './store-conformance.js';
import {
  at,
  completion,
  expectSameRecord,
  rejectionOf,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  seedUser,
  track,
  useStoreHarness,
  waitBounded,
} from './store-harness.js';

const TABLES: readonly StoreTable[] = [
  'users',
  'api_keys',
  'channels',
  'messages',
  'reviews',
  'attachments',
  'status_steps',
  'status_history',
  'events',
  'sessions',
  'kv',
];

/** `transaction(fn)`: atomic commit and rollback, own writes visible inside, invisible outside. */
export function storeTransactionGroup(options: StoreSuiteOptions): void {
  describe(`Store transactions: ${options.name}`, () => {
    const h = useStoreHarness(options);

    async function counts(): Promise<Record<string, number>> {
      const { inspect } = h();
      const out: Record<string, number> = {};
      for (const table of TABLES) out[table] = await inspect.count(table);
      return out;
    }

    it('commits every write together and returns the value of fn', async () => {
      const { store, inspect } = h();
      const user = makeUser();
      const channel = makeChannel(user.id);
      const message = makeMessage(channel);
      const review = makeReview(message);
      const result = await store.transaction(async (tx) => {
        await tx.users.insert(user);
        await tx.channels.insert(channel);
        await tx.messages.insert(message);
        await tx.reviews.insert(review);
        const event = await tx.events.append(makeEvent({ ownerId: user.id, channelId: channel.id }));
        return { seq: event.seq };
      });
      expectSameRecord(await inspect.user(user.id), user);
      expectSameRecord(await inspect.channel(channel.id), channel);
      expectSameRecord(await inspect.message(message.id), message);
      expectSameRecord(await inspect.review(message.id), review);
      expect((await inspect.events()).map((e) => e.seq)).toEqual([result.seq]);
      expect(await store.events.lastSeq()).toBe(result.seq);
    });

    it('a throw inside fn rolls back every write (events included) and rethrows the same error', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { message: pendingMessage, review: pending } = await seedReview(store, channel);
      const key = makeApiKey(owner.id);
      await store.apiKeys.insert(key);
      const silent = await store.channels.update(channel.id, { lastActiveAt: at(5) });
      const before = await counts();
      const newUser = makeUser();
      const newChannel = makeChannel(owner.id);
      const newMessage = makeMessage(channel, { clientId: randomId('c') });
      const newAttachment = makeAttachment(channel);
      const failure = new Error('boom inside the transaction');

      const error = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.users.insert(newUser);
          await tx.channels.insert(newChannel);
          await tx.messages.insert(newMessage);
          await tx.reviews.insert(makeReview(newMessage));
          await tx.attachments.insert(newAttachment);
          await tx.apiKeys.insert(makeApiKey(owner.id));
          await tx.events.append(makeEvent({ ownerId: owner.id }));
          await tx.statusSteps.append(makeStatusStep(channel));
          await tx.statusHistory.insert(makeStatusHistory(channel, { status: 'busy' }));
          expect(await tx.channels.markOffline(channel.id, at(5), at(9))).toBeDefined();
          await tx.users.update(owner.id, { displayName: 'changed in a failed tx' });
          await tx.messages.update(pendingMessage.id, { text: 'changed in a failed tx' });
          expect(
            await tx.reviews.complete(pending.messageId, completion(owner.id, at(1), { ok: 1 })),
          ).toBeDefined();
          expect(await tx.apiKeys.delete(key.id)).toBe(true);
          throw failure;
        }),
      );
      expect(error).toBe(failure);
      expect(await counts()).toEqual(before);
      expect(await inspect.user(newUser.id)).toBeUndefined();
      expect(await inspect.channel(newChannel.id)).toBeUndefined();
      expect(await inspect.message(newMessage.id)).toBeUndefined();
      expect(await inspect.attachment(newAttachment.id)).toBeUndefined();
      expectSameRecord(await inspect.user(owner.id), owner);
      expectSameRecord(await inspect.message(pendingMessage.id), pendingMessage);
      expectSameRecord(await inspect.review(pending.messageId), pending);
      expectSameRecord(await inspect.apiKey(key.id), key);
      expectSameRecord(await inspect.channel(channel.id), silent);
      expect(await inspect.events()).toEqual([]);
      expect(await store.events.lastSeq()).toBe(0);
      expect(await store.messages.findByClientId(channel.id, newMessage.clientId ?? '')).toBeUndefined();
    });

    it('a UniqueViolation inside fn rolls back the earlier writes, and the store stays usable', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const existing = await seedMessage(store, channel, { clientId: randomId('c') });
      const user = makeUser();
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.users.insert(user);
          await tx.events.append(makeEvent({ ownerId: user.id }));
          await tx.messages.insert(makeMessage(channel, { clientId: existing.clientId }));
        }),
      );
      expect(isUniqueViolation(error, CONSTRAINTS.messageClient), String(error)).toBe(true);
      expect(await inspect.user(user.id)).toBeUndefined();
      expect(await inspect.count('messages')).toBe(1);
      expect(await inspect.events()).toEqual([]);
      const later = await seedUser(store);
      expectSameRecord(await inspect.user(later.id), later);
    });

    it('rolled-back appends leave no visible event; later seqs still increase', async () => {
      const { store } = h();
      const { owner } = await seedOwnerChannel(store);
      const first = await store.events.append(makeEvent({ ownerId: owner.id }));
      await rejectionOf(
        store.transaction(async (tx) => {
          await tx.events.append(makeEvent({ ownerId: owner.id }));
          throw new Error('roll back');
        }),
      );
      expect(await store.events.lastSeq()).toBe(first.seq);
      const third = await store.events.append(makeEvent({ ownerId: owner.id }));
      expect(third.seq).toBeGreaterThan(first.seq);
      expect((await store.events.after(0, 100)).map((e) => e.seq)).toEqual([first.seq, third.seq]);
    });

    it('reads inside the transaction see its own writes', async () => {
      const { store } = h();
      const user = makeUser();
      const channel = makeChannel(user.id);
      const message = makeMessage(channel, { clientId: randomId('c') });
      await store.transaction(async (tx) => {
        await tx.users.insert(user);
        expectSameRecord(await tx.users.findById(user.id), user);
        expect((await tx.users.findByEmail(user.email.toUpperCase()))?.id).toBe(user.id);
        await tx.channels.insert(channel);
        expect((await tx.channels.listByOwner(user.id)).map((c) => c.id)).toEqual([channel.id]);
        await tx.messages.insert(message);
        expect((await tx.messages.findByClientId(channel.id, message.clientId ?? ''))?.id).toBe(message.id);
        expect((await tx.messages.list({ channelId: channel.id, limit: 10 })).map((m) => m.id)).toEqual([
          message.id,
        ]);
        await tx.messages.update(message.id, { text: 'edited' });
        expect((await tx.messages.findById(message.id))?.text).toBe('edited');
        await tx.reviews.insert(makeReview(message, { expiresAt: at(60_000) }));
        expect(await tx.reviews.complete(message.id, completion(user.id, at(1), { ok: true }))).toBeDefined();
        expect((await tx.reviews.findByMessageId(message.id))?.status).toBe('completed');
        expect(
          await tx.reviews.complete(message.id, completion(user.id, at(2), { ok: false })),
        ).toBeUndefined();
      });
      expect((await store.reviews.findByMessageId(message.id))?.response).toEqual({ ok: true });
    });

    it('a reader outside never sees uncommitted writes', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const user = makeUser();
      const message = makeMessage(channel);
      const written = deferred();
      const release = deferred();
      const tx = store.transaction(async (t) => {
        await t.users.insert(user);
        await t.messages.insert(message);
        await t.events.append(makeEvent({ ownerId: owner.id, channelId: channel.id }));
        written.resolve();
        await release.promise;
      });
      tx.catch((error: unknown) => written.reject(error));
      await written.promise;

      // Reads are started but not awaited: an adapter may legitimately make them wait for the commit,
      // and then they see committed data. Whatever answers while the transaction is open must not see it.
      const reads = [
        track(store.users.findById(user.id).then((row) => row === undefined)),
        track(store.messages.findById(message.id).then((row) => row === undefined)),
        track(store.messages.list({ channelId: channel.id, limit: 10 }).then((rows) => rows.length === 0)),
        track(store.events.after(0, 100).then((rows) => rows.length === 0)),
        track(store.events.lastSeq().then((seq) => seq === 0)),
        track(inspect.user(user.id).then((row) => row === undefined)),
        track(inspect.count('messages').then((n) => n === 0)),
      ];
      await waitBounded(() => reads.every((r) => r.settled), 1000);
      const answeredWhileOpen = reads.map((r) => (r.settled ? r.value : 'pending'));
      release.resolve();
      await tx;
      await Promise.all(reads.map((r) => r.promise));
      expect(answeredWhileOpen.filter((v) => v === false)).toEqual([]);

      expectSameRecord(await store.users.findById(user.id), user);
      expectSameRecord(await inspect.message(message.id), message);
      expect(await inspect.events()).toHaveLength(1);
    });
  });
}
