import { randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';

/** The host's session cookie. Placet never reads it: the host's `authenticateUser` does. */
export const HOST_SESSION_COOKIE = 'host_session';
const SESSION_TTL_MS = 8 * 3600_000;

/** What the host knows about a signed-in person. */
export interface HostSession {
  username: string;
  expiresAt: number;
}

/**
 * The host application's own, deliberately tiny session store: an in-memory map from a random cookie
 * value to a username. A real host has its own (express-session, a JWT, an SSO proxy, …); Placet only
 * sees what `authenticateUser` derives from it.
 */
export class HostSessions {
  readonly #sessions = new Map<string, HostSession>();

  /** Starts a session and sets the `host_session` cookie (HttpOnly, SameSite=Lax). */
  signIn(res: Response, username: string): void {
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(id, { username, expiresAt: Date.now() + SESSION_TTL_MS });
    res.cookie(HOST_SESSION_COOKIE, id, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      maxAge: SESSION_TTL_MS,
    });
  }

  signOut(req: Request, res: Response): void {
    const id = readCookie(req.get('cookie'), HOST_SESSION_COOKIE);
    if (id) this.#sessions.delete(id);
    res.clearCookie(HOST_SESSION_COOKIE, { path: '/' });
  }

  /** The session of a request, or undefined (no cookie, unknown or expired). */
  get(req: Request): HostSession | undefined {
    return this.fromCookieHeader(req.get('cookie'));
  }

  /** The session named by a `Cookie` header (also of a WebSocket upgrade request), or undefined. */
  fromCookieHeader(header: string | undefined): HostSession | undefined {
    const id = readCookie(header, HOST_SESSION_COOKIE);
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= Date.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }
}

/** One cookie of a `Cookie` header, or undefined. */
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
