import type { IncomingMessage } from 'node:http';
import { type Placet, PlacetError, type UserPrincipal } from '@placet/core';
import type { UserRecord } from '@placet/core/adapter';
import { type PublicUser, z } from '@placet/core/contract';
import express, { type Request, type Response, type Router } from 'express';
import { errorResponder } from './errors.js';
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS, type SessionSigner } from './sessions.js';
import { AttemptLimiter, ProgressiveDelay } from './throttle.js';

const Login = z.object({ email: z.email(), password: z.string().min(1).max(1024) });
const ChangePassword = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(8).max(1024),
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Sign-in attempts per client address per minute, and password-change attempts per user per minute. */
export const CREDENTIAL_ATTEMPTS_PER_MINUTE = 10;

export interface HumanAuth {
  /** The signed-in human of a WebSocket upgrade (session cookie or Bearer session token). */
  authenticateUpgrade(req: IncomingMessage): Promise<UserPrincipal | null>;
  /** Redeems a WebSocket ticket (single use, in every process sharing the store): the principal, or null. */
  redeemTicket(ticket: string): Promise<UserPrincipal | null>;
  /** The signed-in human of a request (session cookie or Bearer session token), for `placetRouter`. */
  authenticateUser(req: Request): Promise<UserPrincipal | null>;
  /** `/api/auth/*`: login, logout, me, change-password, ws-ticket. */
  router: Router;
  /** Stops the throttles' sweep timer. */
  close(): void;
}

/** How a request presented its session: by cookie (needs the CSRF header to change state) or by header. */
interface SignedIn {
  user: UserRecord;
  sessionId: string;
  viaHeader: boolean;
}

/**
 * The example server's sign-in, compatible with the original: `POST /api/auth/login` sets an HttpOnly
 * `access_token` cookie naming a server-side session. The token is also accepted as
 * `Authorization: Bearer <token>` (the original's older clients); a request authenticated by header
 * needs no CSRF header, since browsers never attach one by themselves. Cookie-authenticated mutations
 * must carry a non-empty `X-Requested-With` header (a cross-site form cannot set it). Login is exempt.
 */
export function humanAuth(
  placet: Placet,
  signer: SessionSigner,
  options: { secureCookies: boolean; allowedOrigins: readonly string[] },
): HumanAuth {
  const perAddress = new AttemptLimiter(CREDENTIAL_ATTEMPTS_PER_MINUTE, 60_000);
  const perAccount = new ProgressiveDelay();
  const passwordChanges = new AttemptLimiter(CREDENTIAL_ATTEMPTS_PER_MINUTE, 60_000);
  const sweep = setInterval(() => {
    const now = Date.now();
    perAddress.sweep(now);
    perAccount.sweep(now);
    passwordChanges.sweep(now);
  }, 60_000);
  sweep.unref();

  /** The live session named by `token`, with its user; undefined when unknown, ended or expired. */
  async function sessionOf(token: string | undefined, viaHeader: boolean): Promise<SignedIn | undefined> {
    const sessionId = token ? signer.verifySession(token) : undefined;
    const found = sessionId ? await placet.sessions.find(sessionId) : undefined;
    return found && { user: found.user, sessionId: found.session.id, viaHeader };
  }

  /** Cookie first (as the original), then `Authorization: Bearer <session token>` (never an API key). */
  async function signedIn(headers: IncomingMessage['headers']): Promise<SignedIn | undefined> {
    const cookie = readCookie(headers.cookie, SESSION_COOKIE);
    const byCookie = await sessionOf(cookie, false);
    if (byCookie) return byCookie;
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '')?.[1];
    return bearer && !bearer.startsWith('hp_') ? sessionOf(bearer, true) : undefined;
  }

  async function requireSignedIn(req: Request): Promise<SignedIn> {
    const found = await signedIn(req.headers);
    if (!found) throw new PlacetError('UNAUTHORIZED', 'Not signed in');
    csrf(req, found);
    return found;
  }

  function csrf(req: Request, found: SignedIn) {
    if (!found.viaHeader && !SAFE_METHODS.has(req.method) && !req.get('x-requested-with')) {
      throw new PlacetError(
        'FORBIDDEN',
        'Cookie-authenticated requests that change state need an X-Requested-With header',
      );
    }
  }

  function unlocked(user: UserRecord) {
    if (user.mustChangePassword) {
      throw new PlacetError(
        'PASSWORD_CHANGE_REQUIRED',
        'Change the generated password first: POST /api/auth/change-password',
      );
    }
  }

  const principalOf = (found: SignedIn): UserPrincipal => ({
    ...placet.userPrincipal(found.user),
    sessionId: found.sessionId,
  });

  // Secure when the request came over HTTPS (directly, or through a trusted proxy), or when forced.
  const setCookie = (res: Response, token: string, maxAge: number) =>
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies || res.req.secure,
      path: '/',
      maxAge,
    });

  async function startSession(res: Response, userId: string): Promise<void> {
    const session = await placet.sessions.create(userId, SESSION_TTL_MS);
    setCookie(res, signer.session(session.id, session.expiresAt), SESSION_TTL_MS);
  }

  const tooMany = (retryAfter: number, what: string) =>
    new PlacetError('RATE_LIMITED', `Too many ${what}; retry in ${retryAfter} s`, {
      retryAfterSeconds: retryAfter,
    });

  const router = express.Router();
  router.use(express.json({ limit: 64 * 1024 }));

  router.post('/login', async (req, res) => {
    const parsed = Login.safeParse(req.body);
    if (!parsed.success) throw new PlacetError('UNAUTHORIZED', 'Invalid credentials');
    // Guessing from one address is capped; guessing one account is slowed down, never locked.
    const retryAfter = perAddress.hit(`ip:${req.ip}`);
    if (retryAfter > 0) throw tooMany(retryAfter, 'sign-in attempts');
    const attempt = perAccount.begin(parsed.data.email.toLowerCase());
    let user: PublicUser | undefined;
    try {
      if (attempt.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, attempt.delayMs));
      user = await placet.users.verifyCredentials(parsed.data.email, parsed.data.password);
    } finally {
      attempt.done(user !== undefined);
    }
    if (!user) throw new PlacetError('UNAUTHORIZED', 'Invalid credentials');
    await startSession(res, user.id);
    res.json({ user: publicUser(user) });
  });

  router.post('/logout', async (req, res) => {
    const found = await signedIn(req.headers);
    if (found) {
      csrf(req, found);
      await placet.sessions.end(found.sessionId);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ message: 'Logged out' });
  });

  router.get('/me', async (req, res) => {
    const { user } = await requireSignedIn(req);
    res.json({ user: publicUser(user) });
  });

  router.post('/change-password', async (req, res) => {
    const { user } = await requireSignedIn(req);
    const retryAfter = passwordChanges.hit(`user:${user.id}`);
    if (retryAfter > 0) throw tooMany(retryAfter, 'password change attempts');
    const body = ChangePassword.safeParse(req.body);
    if (!body.success) {
      throw new PlacetError('VALIDATION_FAILED', 'newPassword must be at least 8 characters', {
        issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    // Ends every session of the user (sockets included, in every process); this one continues anew.
    await placet.users.changePassword(user.id, body.data.currentPassword, body.data.newPassword);
    await startSession(res, user.id);
    res.json({ message: 'Password changed successfully' });
  });

  // A 30-second, single-use ticket for the WebSocket handshake (browsers cannot set headers there).
  router.post('/ws-ticket', async (req, res) => {
    const found = await requireSignedIn(req);
    unlocked(found.user);
    res.status(201).json({ ticket: signer.ticket(found.sessionId) });
  });

  router.use(errorResponder(placet.options.logger, 'auth request failed'));

  return {
    router,
    close: () => clearInterval(sweep),
    async redeemTicket(ticket) {
      const valid = signer.verifyTicket(ticket);
      if (!valid || !(await placet.sessions.claimOnce(valid.nonce, valid.expiresAt))) return null;
      const found = await placet.sessions.find(valid.sessionId);
      if (!found || found.user.mustChangePassword) return null;
      return principalOf({ user: found.user, sessionId: found.session.id, viaHeader: false });
    },
    async authenticateUpgrade(req) {
      const found = await signedIn(req.headers);
      if (!found || found.user.mustChangePassword) return null;
      // Browsers send cookies on cross-site WebSocket upgrades: only the server's own pages (or listed
      // origins) may use the cookie there. A header token, an API key or a ticket is not affected.
      const origin = req.headers.origin;
      if (
        !found.viaHeader &&
        origin &&
        !sameOrigin(origin, req.headers.host) &&
        !options.allowedOrigins.includes(origin)
      )
        return null;
      return principalOf(found);
    },
    async authenticateUser(req) {
      const found = await signedIn(req.headers);
      if (!found) return null;
      csrf(req, found);
      unlocked(found.user);
      return principalOf(found);
    },
  };
}

function publicUser(user: Pick<PublicUser, 'id' | 'email' | 'displayName' | 'role' | 'mustChangePassword'>) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    mustChangePassword: user.mustChangePassword,
  };
}

function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
