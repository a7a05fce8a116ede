import { isPlacetError } from '@placet/core/adapter';
import { makeChannel, makeMessage, makeUser } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { postgresStore } from '../src/index.js';
import { freshStore, pgEnabled } from './pg-env.js';

/**
 * U+0000 in a value: Postgres `text` and `jsonb` cannot hold it, and the driver's errors used to become
 * 500s (a NUL in a message text, a metadata key, or an id in a URL path). The store refuses it as the
 * client's error; the literal characters `\u0000` (a backslash and "u0000") are ordinary text.
 */
describe.skipIf(!pgEnabled)('NUL characters (Postgres)', () => {
  let store: ReturnType<typeof postgresStore>;
  let cleanup: () => Promise<void>;
  let channelId: string;
  let ownerId: string;

  beforeAll(async () => {
    ({ store, cleanup } = await freshStore());
    const user = makeUser();
    await store.users.insert(user);
    const channel = makeChannel(user.id);
    await store.channels.insert(channel);
    channelId = channel.id;
    ownerId = user.id;
  });
  afterAll(async () => {
    await cleanup?.();
  });

  const refused = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPlacetError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
  };

  it('refuses NUL in text, in JSON (values and keys) and in lookups, as a validation error', async () => {
    const channel = (await store.channels.findById(channelId))!;
    await refused(store.messages.insert(makeMessage(channel, { text: 'a\u0000b' })));
    await refused(store.messages.insert(makeMessage(channel, { metadata: { note: 'a\u0000b' } })));
    await refused(store.messages.insert(makeMessage(channel, { metadata: { 'k\u0000': 1 } })));
    await refused(store.messages.findById('id\u0000'));
    await refused(store.users.findByEmail('a\u0000@example.test'));
    expect(await store.inspect().count('messages')).toBe(0);
  });

  it('keeps the literal characters \\u0000 (no NUL) in text and JSON', async () => {
    const channel = (await store.channels.findById(channelId))!;
    const literal = 'a \\u0000 b \\\\u0000';
    const message = makeMessage(channel, { text: literal, metadata: { [literal]: literal } });
    await store.messages.insert(message);
    expect(await store.inspect().message(message.id)).toMatchObject({
      text: literal,
      metadata: { [literal]: literal },
      ownerId,
    });
  });
});
