import { describe, expect, it } from 'vitest';
import { makeApiKey } from './helpers.js';
import type { StoreSuiteOptions } from './store-conformance.js';
import {
  at,
  completion,
  expectSameRecord,
  type ReviewCompletion,
  seedMessage,
  seedOwnerChannel,
  seedReview,
  useStoreHarness,
} from './store-harness.js';

/** Compare-and-set updates: complete, expire, touch, setDeliveryStatus. */
export function storeConditionalGroup(options: StoreSuiteOptions): void {
  describe(`Store conditional updates: ${options.name}`, () => {
    const h = useStoreHarness(options);

    it('reviews.complete answers a pending review once, and only before it expires', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { createdAt: at(0), expiresAt: at(60_000) });
      const answer: ReviewCompletion = {
        response: { approved: true, nested: { list: [1, 'a'] } },
        respondedBy: owner.id,
        completedAt: at(30_000),
        feedback: 'ship it',
        modifiedFileIds: { a: 'b' },
      };
      const expected = { ...review, ...answer, status: 'completed' as const };
      expectSameRecord(await store.reviews.complete(review.messageId, answer), expected);
      expectSameRecord(await inspect.review(review.messageId), expected);

      const second = await store.reviews.complete(
        review.messageId,
        completion(owner.id, at(31_000), { approved: false }),
      );
      expect(second).toBeUndefined();
      expectSameRecord(await inspect.review(review.messageId), expected);
      expect(await store.reviews.complete('no-such-review', answer)).toBeUndefined();
    });

    it('reviews.complete refuses a review at or past its expiry, and an expired one', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review: atExpiry } = await seedReview(store, channel, { expiresAt: at(60_000) });
      expect(
        await store.reviews.complete(atExpiry.messageId, completion(owner.id, at(60_000), {})),
      ).toBeUndefined();
      expect(
        await store.reviews.complete(atExpiry.messageId, completion(owner.id, at(90_000), {})),
      ).toBeUndefined();
      expectSameRecord(await inspect.review(atExpiry.messageId), atExpiry);
      expect(
        await store.reviews.complete(atExpiry.messageId, completion(owner.id, at(59_999), {})),
      ).toBeDefined();

      const { review: expired } = await seedReview(store, channel, {
        expiresAt: at(60_000),
        status: 'expired',
        expiredAt: at(60_000),
      });
      expect(
        await store.reviews.complete(expired.messageId, completion(owner.id, at(1_000), {})),
      ).toBeUndefined();
      expectSameRecord(await inspect.review(expired.messageId), expired);
    });

    it('reviews.expire expires only pending reviews that are due, once', async () => {
      const { store, inspect } = h();
      const { owner, channel } = await seedOwnerChannel(store);
      const { review } = await seedReview(store, channel, { expiresAt: at(60_000) });
      expect(await store.reviews.expire(review.messageId, at(59_999))).toBeUndefined();
      expectSameRecord(await inspect.review(review.messageId), review);

      const expected = { ...review, status: 'expired' as const, expiredAt: at(60_000) };
      expectSameRecord(await store.reviews.expire(review.messageId, at(60_000)), expected);
      expectSameRecord(await inspect.review(review.messageId), expected);
      expect(await store.reviews.expire(review.messageId, at(70_000))).toBeUndefined();
      expect(await store.reviews.complete(review.messageId, completion(owner.id, at(1), {}))).toBeUndefined();

      const { review: done } = await seedReview(store, channel, { expiresAt: at(60_000) });
      expect(
        await store.reviews.complete(done.messageId, completion(owner.id, at(10_000), { ok: 1 })),
      ).toBeDefined();
      expect(await store.reviews.expire(done.messageId, at(90_000))).toBeUndefined();
      expect((await inspect.review(done.messageId))?.status).toBe('completed');
      expect(await store.reviews.expire('no-such-review', at(90_000))).toBeUndefined();
    });

    it('apiKeys.touch writes when null, not again within the interval, and again after it', async () => {
      const { store, inspect } = h();
      const { owner } = await seedOwnerChannel(store);
      const key = makeApiKey(owner.id, { lastUsedAt: null });
      await store.apiKeys.insert(key);
      expect(await store.apiKeys.touch(key.id, at(0), 60_000)).toBe(true);
      expect((await inspect.apiKey(key.id))?.lastUsedAt?.getTime()).toBe(at(0).getTime());
      expect(await store.apiKeys.touch(key.id, at(30_000), 60_000)).toBe(false);
      expect(await store.apiKeys.touch(key.id, at(59_000), 60_000)).toBe(false);
      expect((await inspect.apiKey(key.id))?.lastUsedAt?.getTime()).toBe(at(0).getTime());
      expect(await store.apiKeys.touch(key.id, at(61_000), 60_000)).toBe(true);
      expectSameRecord(await inspect.apiKey(key.id), { ...key, lastUsedAt: at(61_000) });
      expect(await store.apiKeys.touch('no-such-key', at(0), 60_000)).toBe(false);
    });

    it('messages.setDeliveryStatus sets the status but never downgrades agent_received', async () => {
      const { store, inspect } = h();
      const { channel } = await seedOwnerChannel(store);
      const message = await seedMessage(store, channel, { deliveryStatus: 'sent' });
      expect(
        (await store.messages.setDeliveryStatus(message.id, 'webhook_failed', at(1)))?.deliveryStatus,
      ).toBe('webhook_failed');
      expect((await inspect.message(message.id))?.deliveryStatus).toBe('webhook_failed');
      expect(
        (await store.messages.setDeliveryStatus(message.id, 'webhook_delivered', at(2)))?.deliveryStatus,
      ).toBe('webhook_delivered');
      const acked = await store.messages.setDeliveryStatus(message.id, 'agent_received', at(3));
      expect(acked?.deliveryStatus).toBe('agent_received');
      expect(acked?.id).toBe(message.id);
      expect(acked?.text).toBe(message.text);
      for (const status of ['sent', 'webhook_delivered', 'webhook_failed', 'agent_received'] as const) {
        expect(await store.messages.setDeliveryStatus(message.id, status, at(4))).toBeUndefined();
      }
      expect((await inspect.message(message.id))?.deliveryStatus).toBe('agent_received');
      expect(await store.messages.setDeliveryStatus('no-such-message', 'sent', at(5))).toBeUndefined();
    });
  });
}
