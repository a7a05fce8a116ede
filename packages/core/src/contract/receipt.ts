import { z } from 'zod';
import { Id, IsoDateTime, JsonObject } from './common.js';
import { POLICY_MODES, ProposalEdits, ReviewOutcome, ReviewVote } from './policy.js';

/** The JWS `typ` header of a review receipt. */
export const RECEIPT_TYP = 'placet-receipt+jwt';

/** The only signature algorithm of receipts (Ed25519). */
export const RECEIPT_ALG = 'EdDSA';

/**
 * What a review receipt signs (the JWS payload, a JWT claims set): which review, bound to exactly what
 * the human saw (`reviewHash`), what they answered, who, and when. `votes` and `policy` are null for a
 * review without an approval policy; `edits` is null unless the deciding answer edited a proposal.
 */
export const ReceiptClaims = z.object({
  /** The review's message id. */
  reviewId: Id,
  /** sha256 (base64url) of the canonical JSON of what the human saw: see `reviewHash()`. */
  reviewHash: z.string().min(1),
  /** The chosen option (`response.selectedOption`) when the response has one, else null. */
  decision: z.string().nullable(),
  /** The human's response, as stored. */
  response: JsonObject,
  /** What the deciding human edited in the review's proposal (`{ value, diff }`), else null. */
  edits: ProposalEdits.nullable(),
  /** Every vote, for a review with a policy; else null. */
  votes: z.array(ReviewVote).nullable(),
  /** The human who answered (or cast the deciding vote); null when the policy's default decided. */
  answeredBy: Id.nullable(),
  answeredAt: IsoDateTime,
  /** The policy that decided, for a review with one; else null. */
  policy: z
    .object({
      assigneeIds: z.array(Id),
      mode: z.enum(POLICY_MODES),
      required: z.number().int(),
      veto: z.boolean(),
      outcome: ReviewOutcome.nullable(),
    })
    .nullable(),
  iss: z.string().optional(),
  /** Issued at, in seconds since the epoch. */
  iat: z.number().int(),
});
export type ReceiptClaims = z.infer<typeof ReceiptClaims>;

/** `GET /reviews/:id/receipt`: the signed receipt of a review a human completed. */
export const ReviewReceipt = z.object({
  /** A compact JWS (`header.payload.signature`), alg EdDSA, `typ` {@link RECEIPT_TYP}, with `kid`. */
  receipt: z.string(),
  reviewHash: z.string(),
  /** The id of the key that signed it (in the JWKS). */
  kid: z.string(),
});
export type ReviewReceipt = z.infer<typeof ReviewReceipt>;

/** A public receipt-signing key (an Ed25519 JWK): never a private member. */
export const ReceiptPublicKey = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string(),
  kid: z.string(),
  alg: z.literal(RECEIPT_ALG),
  use: z.literal('sig'),
});
export type ReceiptPublicKey = z.infer<typeof ReceiptPublicKey>;

/** `GET /receipts/jwks.json`: every receipt-signing public key, current and rotated. */
export const ReceiptJwks = z.object({ keys: z.array(ReceiptPublicKey) });
export type ReceiptJwks = z.infer<typeof ReceiptJwks>;

/** `POST /receipts/keys/rotate`: the id of the new current key. */
export const ReceiptKeyRotation = z.object({ kid: z.string() });
export type ReceiptKeyRotation = z.infer<typeof ReceiptKeyRotation>;
