import { compactVerify, createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryStore } from '../src/index.js';
import { RECEIPT_TYP, ReceiptVerificationError, reviewHash, verifyReceipt } from '../src/receipts.js';
import { choiceReview, codeOf, type World, world } from './fixtures.js';

const worlds: World[] = [];
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.placet.stop();
});

async function started(options: Parameters<typeof world>[0] = {}): Promise<World> {
  const w = await world(options);
  worlds.push(w);
  return w;
}

/** A review on a message with a text attachment, answered by the owner. */
async function answered(w: World, option = 'approve') {
  const message = await w.placet.messages.create(w.agent, {
    channelId: w.channelId,
    text: 'Deploy v2?',
    review: choiceReview(),
    textAttachments: [{ content: 'diff --git a b', filename: 'change.diff' }],
  });
  await w.placet.reviews.respond(w.user, message.id, { response: { selectedOption: option } });
  return message;
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/**
 * Changes the character of a compact JWS at `index` so that the bytes it encodes change: its 6-bit value's
 * top bit is flipped (the low bits of a segment's last character may be padding that decoders ignore).
 */
function flip(jws: string, index: number): string {
  const value = B64URL.indexOf(jws[index]!);
  return jws.slice(0, index) + B64URL[value ^ 0b100000] + jws.slice(index + 1);
}

describe('signed receipts', () => {
  it('a human answer gets a receipt that verifies with jose against the JWKS', async () => {
    const w = await started();
    const message = await answered(w);
    const { receipt, reviewHash: hash, kid } = await w.placet.receipts.get(w.agent, message.id);
    const jwks = await w.placet.receipts.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([kid]);
    for (const key of jwks.keys) {
      expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    }

    const { payload, protectedHeader } = await jwtVerify(receipt, createLocalJWKSet(jwks), {
      algorithms: ['EdDSA'],
      typ: RECEIPT_TYP,
    });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', kid, typ: RECEIPT_TYP });
    expect(payload).toEqual({
      reviewId: message.id,
      reviewHash: hash,
      decision: 'approve',
      response: { selectedOption: 'approve' },
      edits: null,
      votes: null,
      answeredBy: w.owner.id,
      answeredAt: w.clock.now().toISOString(),
      policy: null,
      iat: Math.floor(w.clock.now().getTime() / 1000),
    });
    await expect(compactVerify(receipt, createLocalJWKSet(jwks))).resolves.toBeDefined();

    // The reviewHash is the function applied to what the human saw: type, payload, text, attachments.
    const shown = await w.placet.reviews.get(w.agent, message.id);
    const records = await w.store.attachments.listByMessageIds([message.id]);
    expect(records).toHaveLength(1);
    expect(
      await reviewHash({
        type: shown.review!.type,
        payload: shown.review!.payload,
        text: shown.text ?? null,
        attachments: records,
      }),
    ).toBe(hash);

    // The helper: verified claims, bound to the review and the hash the agent recomputed.
    await expect(
      verifyReceipt(receipt, jwks, { reviewId: message.id, reviewHash: hash }),
    ).resolves.toMatchObject({ reviewId: message.id, decision: 'approve' });
    await expect(verifyReceipt(receipt, jwks, { reviewHash: 'other' })).rejects.toMatchObject({
      name: 'ReceiptVerificationError',
      reason: 'ERR_REVIEW_HASH',
    });
  });

  it('changing any byte of the receipt makes it fail', async () => {
    const w = await started();
    const message = await answered(w);
    const { receipt } = await w.placet.receipts.get(w.agent, message.id);
    const jwks = await w.placet.receipts.jwks();
    const keySet = createLocalJWKSet(jwks);
    for (let i = 0; i < receipt.length; i++) {
      if (receipt[i] === '.') continue;
      const tampered = flip(receipt, i);
      await expect(compactVerify(tampered, keySet), `byte ${i}`).rejects.toThrow();
      await expect(verifyReceipt(tampered, jwks), `byte ${i}`).rejects.toBeInstanceOf(
        ReceiptVerificationError,
      );
    }
  });

  it('after rotateKey() old receipts verify by kid and new ones carry the new kid', async () => {
    const w = await started();
    const before = await answered(w);
    const old = await w.placet.receipts.get(w.agent, before.id);
    const { kid } = await w.placet.receipts.rotateKey();
    expect(kid).not.toBe(old.kid);
    const after = await answered(w, 'reject');
    const fresh = await w.placet.receipts.get(w.agent, after.id);
    expect(fresh.kid).toBe(kid);
    expect(decodeProtectedHeader(fresh.receipt).kid).toBe(kid);

    const jwks = await w.placet.receipts.jwks();
    expect(jwks.keys.map((k) => k.kid)).toEqual([old.kid, kid]);
    await expect(verifyReceipt(old.receipt, jwks)).resolves.toMatchObject({ reviewId: before.id });
    await expect(verifyReceipt(fresh.receipt, jwks)).resolves.toMatchObject({ decision: 'reject' });
    // Without the old key, the old receipt no longer verifies: it was checked by its kid.
    const onlyNew = { keys: jwks.keys.filter((k) => k.kid === kid) };
    await expect(verifyReceipt(old.receipt, onlyNew)).rejects.toMatchObject({
      reason: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  it('two instances on one store agree on the key, and see each other’s rotation', async () => {
    const store = memoryStore();
    const a = await started({ store });
    const b = await started({ store });
    // Both make the key ring at the same moment: one first key wins.
    const [ja, jb] = await Promise.all([a.placet.receipts.jwks(), b.placet.receipts.jwks()]);
    expect(ja).toEqual(jb);
    expect(ja.keys).toHaveLength(1);
    const message = await answered(a);
    const { receipt } = await a.placet.receipts.get(a.agent, message.id);
    await expect(verifyReceipt(receipt, await b.placet.receipts.jwks())).resolves.toMatchObject({
      reviewId: message.id,
    });
    const { kid } = await b.placet.receipts.rotateKey();
    const next = await answered(a);
    expect((await a.placet.receipts.get(a.agent, next.id)).kid).toBe(kid);
    // Concurrent rotations: exactly one new generation each time, nothing lost.
    const rotated = await Promise.all([a.placet.receipts.rotateKey(), b.placet.receipts.rotateKey()]);
    const keys = (await a.placet.receipts.jwks()).keys.map((k) => k.kid);
    expect(keys.slice(0, 2)).toEqual([ja.keys[0]!.kid, kid]);
    expect(keys).toContain(rotated[0].kid);
    expect(keys).toContain(rotated[1].kid);
    expect(await b.placet.receipts.jwks()).toEqual(await a.placet.receipts.jwks());
  });

  it('no receipt before a human answers, nor after expiry; owner-scoped; gone with the message', async () => {
    const w = await started();
    const pending = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview({ expiresInSeconds: 60 }),
    });
    expect(await codeOf(w.placet.receipts.get(w.agent, pending.id))).toBe('RECEIPT_NOT_ISSUED');
    w.clock.advance(61_000);
    await w.placet.sweep();
    expect(await codeOf(w.placet.receipts.get(w.agent, pending.id))).toBe('RECEIPT_NOT_ISSUED');
    const plain = await w.placet.messages.create(w.agent, { channelId: w.channelId, text: 'hi' });
    expect(await codeOf(w.placet.receipts.get(w.agent, plain.id))).toBe('NOT_FOUND');

    const message = await answered(w);
    expect(await codeOf(w.placet.receipts.get(w.agent, message.id, 'another-channel'))).toBe('NOT_FOUND');
    const stranger = await w.placet.users.create({
      email: `stranger-${Math.random()}@example.test`,
      displayName: 'Stranger',
      role: 'owner',
    });
    expect(await codeOf(w.placet.receipts.get(w.placet.userPrincipal(stranger), message.id))).toBe(
      'NOT_FOUND',
    );

    await w.placet.messages.delete(w.agent, message.id);
    expect(await w.store.kv.get('placet:receipts', message.id, w.clock.now())).toBeUndefined();
  });

  it('receipts go with their channel', async () => {
    const w = await started();
    const message = await answered(w);
    expect(await w.store.kv.get('placet:receipts', message.id, w.clock.now())).toBeDefined();
    await w.placet.channels.delete(w.agent, w.channelId);
    expect(await w.store.kv.get('placet:receipts', message.id, w.clock.now())).toBeUndefined();
  });

  it('the answer on the wire is unchanged: no receipt in the message, the wait result or the event', async () => {
    const w = await started();
    const message = await w.placet.messages.create(w.agent, {
      channelId: w.channelId,
      text: 'Deploy?',
      review: choiceReview(),
    });
    const answer = await w.placet.reviews.respond(w.user, message.id, {
      response: { selectedOption: 'approve' },
    });
    const waited = await w.placet.reviews.wait(w.agent, message.id);
    for (const shown of [answer, waited, await w.placet.reviews.get(w.agent, message.id)]) {
      expect(JSON.stringify(shown)).not.toMatch(/receipt|reviewHash|eyJ/);
    }
  });
});
