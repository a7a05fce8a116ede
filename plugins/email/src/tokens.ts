import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from '@placet/core/plugin';

/**
 * Action tokens: what the links in a mail carry. A token names one answer (review, option) for one
 * recipient until an expiry, with a nonce that makes it single-use, and is signed with HMAC-SHA256 under
 * the plugin's secret: `<base64url(JSON claims)>.<base64url(signature)>`. Nothing is stored per token;
 * using one claims its nonce in the plugin's key-value store.
 */

/** What a token says. */
export const ActionClaims = z.strictObject({
  /** Format version. */
  v: z.literal(1),
  /** The review's message id. */
  m: z.string().min(1).max(200),
  /** The option (approval) or item (selection) id the link answers with. */
  o: z.string().min(1).max(500),
  /** The recipient's user id: the answer is theirs. */
  u: z.string().min(1).max(200),
  /** Expiry, epoch milliseconds. */
  e: z.int().positive(),
  /** Nonce: claimed once, when the link is used. */
  n: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
});
export type ActionClaims = z.output<typeof ActionClaims>;

/** The key of the plugin's key-value store that holds the signing secret. */
export const SECRET_KEY = 'secret';
/** Where a used nonce is claimed: `nonce/<n>`. */
export const nonceKey = (nonce: string) => `nonce/${nonce}`;

/** Domain separation: a signature made for something else is never a valid token. */
const CONTEXT = 'placet-email-action.v1.';

const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`${CONTEXT}${body}`).digest();

/** A fresh random secret (256 bits). */
export const newSecret = () => randomBytes(32).toString('base64url');

export function issueToken(
  secret: string,
  input: { messageId: string; optionId: string; userId: string; expiresAt: Date },
): string {
  const claims: ActionClaims = {
    v: 1,
    m: input.messageId,
    o: input.optionId,
    u: input.userId,
    e: input.expiresAt.getTime(),
    n: randomBytes(16).toString('base64url'),
  };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${sign(secret, body).toString('base64url')}`;
}

/** The claims of a token this secret signed, or undefined (malformed, cut off, changed). */
export function verifyToken(secret: string, token: string): ActionClaims | undefined {
  if (token.length > 2048) return undefined;
  const parts = token.split('.');
  if (parts.length !== 2) return undefined;
  const [body, signature] = parts as [string, string];
  if (!/^[A-Za-z0-9_-]+$/.test(body) || !/^[A-Za-z0-9_-]+$/.test(signature)) return undefined;
  const expected = sign(secret, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const parsed = ActionClaims.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
