import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SESSION_COOKIE = 'access_token';
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
export const TICKET_TTL_MS = 30_000;

/**
 * Signs the tokens that name server-side sessions: `<sessionId>.<expiresAt>.<signature>`. The session
 * itself is a row in Placet's store (`placet.sessions`), so logout, a password change or deleting the
 * user ends it in every process at once; the signature only lets a forged or mangled token be refused
 * without a database read. The key lives in the data directory (mode 0600) unless PLACET_SESSION_SECRET
 * is set (several processes behind one load balancer must share it).
 */
export class SessionSigner {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  static fromDataDir(dataDir: string, secret?: string): SessionSigner {
    if (secret) return new SessionSigner(Buffer.from(secret, 'utf8'));
    const file = join(dataDir, 'session.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
      try {
        writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        // Another process starting on the same data dir wrote it first: use theirs.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return new SessionSigner(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  /** The token of a session. */
  session(sessionId: string, expiresAt: Date): string {
    const expires = expiresAt.getTime();
    return `${sessionId}.${expires}.${this.#sign('session', sessionId, String(expires))}`;
  }

  /** The session id of a well-formed, correctly signed, unexpired token; else undefined. */
  verifySession(token: string, now = Date.now()): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [sessionId, expires, signature] = parts as [string, string, string];
    return this.#valid(['session', sessionId, expires], signature, expires, now) ? sessionId : undefined;
  }

  /**
   * A 30-second WebSocket ticket of a session (`POST /api/auth/ws-ticket`):
   * `<sessionId>.<expiresAt>.<nonce>.<signature>`. Single use is enforced by the caller, in the store.
   */
  ticket(sessionId: string, now = Date.now()): string {
    const expires = String(now + TICKET_TTL_MS);
    const nonce = randomBytes(12).toString('base64url');
    return `${sessionId}.${expires}.${nonce}.${this.#sign('ticket', sessionId, expires, nonce)}`;
  }

  /** The session and nonce of a well-formed, correctly signed, unexpired ticket; else undefined. */
  verifyTicket(
    ticket: string,
    now = Date.now(),
  ): { sessionId: string; nonce: string; expiresAt: Date } | undefined {
    const parts = ticket.split('.');
    if (parts.length !== 4) return undefined;
    const [sessionId, expires, nonce, signature] = parts as [string, string, string, string];
    if (!this.#valid(['ticket', sessionId, expires, nonce], signature, expires, now)) return undefined;
    return { sessionId, nonce, expiresAt: new Date(Number(expires)) };
  }

  #valid(fields: string[], signature: string, expires: string, now: number): boolean {
    const at = Number(expires);
    if (fields.some((f) => f === '') || !Number.isSafeInteger(at) || at <= now) return false;
    const expected = Buffer.from(this.#sign(...fields));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  #sign(...fields: string[]): string {
    return createHmac('sha256', this.#key).update(fields.join('.')).digest('base64url');
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
