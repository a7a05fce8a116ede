import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { inject, injectable } from 'tsyringe';
import {
  RECEIPT_ALG,
  RECEIPT_TYP,
  type ReceiptClaims,
  type ReceiptJwks,
  type ReceiptPublicKey,
  type ReviewReceipt,
} from '../contract/receipt.js';
import { presentVote } from '../domain/present.js';
import type { Principal } from '../domain/principal.js';
import { RECEIPT_KEYS_NAMESPACE, RECEIPTS_NAMESPACE, type StoredReceipt } from '../domain/receipts.js';
import type { MessageRecord, ReviewRecord, ReviewVoteRecord } from '../domain/records.js';
import { shownHash } from '../domain/shown.js';
import { PlacetError } from '../errors/placet-error.js';
import type { Clock } from '../ports/clock.js';
import type { Repositories, Store } from '../ports/store.js';
import { TOKENS } from '../tokens.js';
import { ReviewAccess } from './review-access.js';

/** One signing key of the ring. The private JWK never leaves the store and this service. */
interface RingKey {
  kid: string;
  createdAt: string;
  publicJwk: JWK;
  privateJwk: JWK;
}

/** Generation `n` of the key ring: every key so far, and which one signs. Written once, never changed. */
interface KeyRing {
  generation: number;
  current: string;
  keys: RingKey[];
}

/** The current key, ready to sign. */
export interface ReceiptSigner {
  kid: string;
  key: CryptoKey;
}

const ringKey = (generation: number) => `generation:${generation}`;

/**
 * Signed receipts of completed reviews. The key ring lives in the store's key-value table as a chain of
 * immutable generations (`generation:1`, `generation:2`, …), each written with `insertIfAbsent`: every
 * process sharing the store agrees on the first key, and of two concurrent rotations exactly one makes
 * the next generation. Rotation keeps every older public key in the JWKS, so old receipts still verify
 * by `kid`. A receipt is written with the answer, in its transaction (`issue`).
 */
@injectable()
export class ReceiptsService {
  #ring: KeyRing | undefined;
  readonly #privateKeys = new Map<string, Promise<CryptoKey>>();

  constructor(
    @inject(TOKENS.Store) private readonly store: Store,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(ReviewAccess) private readonly access: ReviewAccess,
  ) {}

  /**
   * `GET /reviews/:id/receipt`: the receipt of a completed review, to whoever may see the review (its
   * owner, its assignees).
   */
  async get(principal: Principal, messageId: string, channelId?: string): Promise<ReviewReceipt> {
    const { message } = await this.access.require(principal, messageId, channelId);
    const stored = await this.store.kv.get(RECEIPTS_NAMESPACE, message.id, this.clock.now());
    if (!stored)
      throw new PlacetError(
        'RECEIPT_NOT_ISSUED',
        'This review has no receipt: it has not been answered by a human (or was answered before receipts existed)',
      );
    const { receipt, reviewHash: hash, kid } = stored.value as StoredReceipt;
    return { receipt, reviewHash: hash, kid };
  }

  /** The public keys of every generation's keys (never a private member). */
  async jwks(): Promise<ReceiptJwks> {
    const ring = await this.#latest();
    return { keys: ring.keys.map(publicKeyOf) };
  }

  /** Makes a new current signing key; older public keys stay in the JWKS. */
  async rotateKey(): Promise<{ kid: string }> {
    for (;;) {
      const ring = await this.#latest();
      const key = await newKey(this.clock.now());
      const next: KeyRing = { generation: ring.generation + 1, current: key.kid, keys: [...ring.keys, key] };
      if (await this.#write(next)) return { kid: key.kid };
      // Another process rotated at the same moment: its key is the new current one.
      const winner = await this.#latest();
      if (winner.generation > ring.generation) return { kid: winner.current };
    }
  }

  /** The current signing key (read before the answer's transaction: one key-value read). */
  async signer(): Promise<ReceiptSigner> {
    const ring = await this.#latest();
    const current = ring.keys.find((k) => k.kid === ring.current);
    if (!current) throw new Error('The receipt key ring names a current key it does not hold');
    let key = this.#privateKeys.get(current.kid);
    if (!key) {
      key = importJWK(current.privateJwk, RECEIPT_ALG) as Promise<CryptoKey>;
      this.#privateKeys.set(current.kid, key);
    }
    return { kid: current.kid, key: await key };
  }

  /**
   * Signs and stores the receipt of a review a human just completed, through `tx` (the answer's own
   * transaction: the receipt commits with the answer or not at all).
   */
  async issue(
    tx: Repositories,
    input: {
      review: ReviewRecord;
      message: MessageRecord;
      signer: ReceiptSigner;
      now: Date;
      /** The votes of a review with a policy (none for a plain review). */
      votes?: readonly ReviewVoteRecord[];
    },
  ): Promise<StoredReceipt> {
    const { review, message, signer, now } = input;
    const policy = review.policy;
    const attachments =
      message.attachmentCount > 0 ? await tx.attachments.listByMessageIds([message.id]) : [];
    const hash = await shownHash(review, message.text, attachments);
    const response = review.response ?? {};
    const claims: Omit<ReceiptClaims, 'iat' | 'iss'> = {
      reviewId: review.messageId,
      reviewHash: hash,
      decision: typeof response.selectedOption === 'string' ? response.selectedOption : null,
      response,
      edits: policy?.edits ?? null,
      votes: policy ? (input.votes ?? []).map(presentVote) : null,
      answeredBy: review.respondedBy,
      answeredAt: (review.completedAt ?? now).toISOString(),
      policy: policy
        ? {
            assigneeIds: policy.assigneeIds,
            mode: policy.mode,
            required: policy.required,
            veto: policy.veto,
            outcome: policy.outcome,
          }
        : null,
    };
    const receipt = await new SignJWT(claims)
      .setProtectedHeader({ alg: RECEIPT_ALG, kid: signer.kid, typ: RECEIPT_TYP })
      .setIssuedAt(now)
      .sign(signer.key);
    const stored: StoredReceipt = { receipt, reviewHash: hash, kid: signer.kid };
    await tx.kv.set({ namespace: RECEIPTS_NAMESPACE, key: message.id, value: stored, expiresAt: null });
    return stored;
  }

  /** The newest generation of the ring (made on first use), following generations other processes wrote. */
  async #latest(): Promise<KeyRing> {
    for (;;) {
      let ring = this.#ring;
      for (;;) {
        const next = await this.store.kv.get(
          RECEIPT_KEYS_NAMESPACE,
          ringKey((ring?.generation ?? 0) + 1),
          this.clock.now(),
        );
        if (!next) break;
        ring = next.value as KeyRing;
      }
      if (ring) {
        if (!this.#ring || ring.generation > this.#ring.generation) this.#ring = ring;
        return this.#ring;
      }
      // First use anywhere: one process's first key wins; the others read it on the next turn.
      const key = await newKey(this.clock.now());
      await this.#write({ generation: 1, current: key.kid, keys: [key] });
    }
  }

  #write(ring: KeyRing): Promise<boolean> {
    return this.store.kv.insertIfAbsent(
      { namespace: RECEIPT_KEYS_NAMESPACE, key: ringKey(ring.generation), value: ring, expiresAt: null },
      this.clock.now(),
    );
  }
}

async function newKey(now: Date): Promise<RingKey> {
  const { publicKey, privateKey } = await generateKeyPair(RECEIPT_ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, createdAt: now.toISOString(), publicJwk, privateJwk };
}

/** The public JWK of a ring key: only the public members, named explicitly (never `d`). */
function publicKeyOf(key: RingKey): ReceiptPublicKey {
  return {
    kty: 'OKP',
    crv: 'Ed25519',
    x: String(key.publicJwk.x),
    kid: key.kid,
    alg: RECEIPT_ALG,
    use: 'sig',
  };
}
