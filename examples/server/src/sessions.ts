import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SESSION_COOKIE = 'access_token';
export const SESSION_TTL_MS = 7 * 24 * 3600_000;

/**
 * Stateless signed sessions: `<userId>.<expiresAt>.<signature>`. The signature covers the user's password
 * hash, so a password change ends every session of that user. The key lives in the data directory
 * (mode 0600) unless PLACET_SESSION_SECRET is set (several processes behind one load balancer).
 */
export class SessionSigner {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  /** A ticket book keyed from the same secret (a different HMAC domain). */
  tickets(): TicketBook {
    return new TicketBook(this.#key);
  }

  static fromDataDir(dataDir: string, secret?: string): SessionSigner {
    if (secret) return new SessionSigner(Buffer.from(secret, 'utf8'));
    const file = join(dataDir, 'session.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    }
    return new SessionSigner(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  issue(userId: string, passwordHash: string | null, now = Date.now()): string {
    const expires = now + SESSION_TTL_MS;
    return `${userId}.${expires}.${this.#sign(userId, expires, passwordHash)}`;
  }

  /** The user id of a valid, unexpired token whose password hash still matches; else undefined. */
  async verify(
    token: string,
    lookupHash: (userId: string) => Promise<string | null | undefined>,
    now = Date.now(),
  ): Promise<string | undefined> {
    const [userId, expiresText, signature] = token.split('.');
    const expires = Number(expiresText);
    if (!userId || !signature || !Number.isSafeInteger(expires) || expires < now) return undefined;
    const hash = await lookupHash(userId);
    if (hash === undefined) return undefined;
    const expected = Buffer.from(this.#sign(userId, expires, hash));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? userId : undefined;
  }

  #sign(userId: string, expires: number, passwordHash: string | null): string {
    return createHmac('sha256', this.#key)
      .update(`${userId}.${expires}.${passwordHash ?? ''}`)
      .digest('base64url');
  }
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export const TICKET_TTL_MS = 30_000;

/**
 * Single-use WebSocket tickets (`POST /api/auth/ws-ticket`): `<userId>.<expiresAt>.<nonce>.<signature>`,
 * valid 30 s, consumed on first use. Consumed nonces are remembered in this process until they expire.
 */
export class TicketBook {
  readonly #key: Buffer;
  readonly #used = new Map<string, number>();

  constructor(key: Buffer) {
    this.#key = key;
  }

  issue(userId: string, now = Date.now()): string {
    const expires = now + TICKET_TTL_MS;
    const nonce = randomBytes(12).toString('base64url');
    return `${userId}.${expires}.${nonce}.${this.#sign(userId, expires, nonce)}`;
  }

  /** The user id of a valid ticket, consuming it; undefined when invalid, expired or already used. */
  redeem(ticket: string, now = Date.now()): string | undefined {
    for (const [nonce, expires] of this.#used) if (expires < now) this.#used.delete(nonce);
    const [userId, expiresText, nonce, signature] = ticket.split('.');
    const expires = Number(expiresText);
    if (!userId || !nonce || !signature || !Number.isSafeInteger(expires) || expires < now) return undefined;
    const expected = Buffer.from(this.#sign(userId, expires, nonce));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given) || this.#used.has(nonce))
      return undefined;
    this.#used.set(nonce, expires);
    return userId;
  }

  #sign(userId: string, expires: number, nonce: string): string {
    return createHmac('sha256', this.#key).update(`ticket.${userId}.${expires}.${nonce}`).digest('base64url');
  }
}
