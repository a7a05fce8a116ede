import type { IncomingMessage } from 'node:http';
import { isPlacetError, type Placet, PlacetError, toErrorBody, type UserPrincipal, z } from '@placet/core';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { readCookie, SESSION_COOKIE, SESSION_TTL_MS, type SessionSigner } from './sessions.js';

const Login = z.object({ email: z.email(), password: z.string().min(1).max(1024) });
const ChangePassword = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(8).max(1024),
});

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface HumanAuth {
  /** The signed-in human of a WebSocket upgrade (session cookie; no CSRF header there: upgrades are GETs). */
  authenticateUpgrade(req: IncomingMessage): Promise<UserPrincipal | null>;
  /** Redeems a WebSocket ticket (single use): the user id, or undefined. */
  redeemTicket(ticket: string): string | undefined;
  /** The signed-in human of a request (session cookie), for `placetRouter`'s `authenticateUser`. */
  authenticateUser(req: Request): Promise<UserPrincipal | null>;
  /** `/api/auth/*`: login, logout, me, change-password. */
  router: Router;
}

/**
 * The example server's sign-in, compatible with the original: `POST /api/auth/login` sets an HttpOnly
 * `access_token` cookie. Cookie-authenticated mutations must carry a non-empty `X-Requested-With` header
 * (a cross-site form cannot set it): that is the CSRF defence. Login is exempt.
 */
export function humanAuth(
  placet: Placet,
  signer: SessionSigner,
  options: { secureCookies: boolean; allowedOrigins: readonly string[] },
): HumanAuth {
  const attempts = new LoginThrottle();
  const passwordHashOf = async (userId: string) =>
    (await placet.options.store.users.findById(userId))?.passwordHash;

  async function sessionUser(req: Request) {
    const token = readCookie(req.get('cookie'), SESSION_COOKIE);
    if (!token) return undefined;
    const userId = await signer.verify(token, passwordHashOf);
    return userId ? placet.users.get(userId) : undefined;
  }

  function csrf(req: Request) {
    if (!SAFE_METHODS.has(req.method) && !req.get('x-requested-with')) {
      throw new PlacetError(
        'FORBIDDEN',
        'Cookie-authenticated requests that change state need an X-Requested-With header',
      );
    }
  }

  // Secure when the request came over HTTPS (directly, or through a trusted proxy), or when forced.
  const setCookie = (res: Response, token: string, maxAge: number) =>
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: options.secureCookies || res.req.secure,
      path: '/',
      maxAge,
    });

  const tickets = signer.tickets();
  const router = express.Router();
  router.use(express.json({ limit: 64 * 1024 }));

  router.post('/login', async (req, res) => {
    const parsed = Login.safeParse(req.body);
    if (!parsed.success) throw new PlacetError('UNAUTHORIZED', 'Invalid credentials');
    // Password guessing (and scrypt's cost) is bounded per client address and per account.
    const retryAfter = attempts.hit([`ip:${req.ip}`, `email:${parsed.data.email.toLowerCase()}`]);
    if (retryAfter > 0) {
      res.set('Retry-After', String(retryAfter));
      throw new PlacetError('RATE_LIMITED', `Too many sign-in attempts; retry in ${retryAfter} s`);
    }
    const user = await placet.users.verifyCredentials(parsed.data.email, parsed.data.password);
    if (!user) throw new PlacetError('UNAUTHORIZED', 'Invalid credentials');
    setCookie(res, signer.issue(user.id, (await passwordHashOf(user.id)) ?? null), SESSION_TTL_MS);
    res.json({ user: publicUser(user) });
  });

  router.post('/logout', (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.json({ message: 'Logged out' });
  });

  router.get('/me', async (req, res) => {
    const user = await sessionUser(req);
    if (!user) throw new PlacetError('UNAUTHORIZED', 'Not signed in');
    res.json({ user: publicUser(user) });
  });

  router.post('/change-password', async (req, res) => {
    const user = await sessionUser(req);
    if (!user) throw new PlacetError('UNAUTHORIZED', 'Not signed in');
    csrf(req);
    const body = ChangePassword.safeParse(req.body);
    if (!body.success) {
      throw new PlacetError('VALIDATION_FAILED', 'newPassword must be at least 8 characters', {
        issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    await placet.users.changePassword(user.id, body.data.currentPassword, body.data.newPassword);
    // The signature covers the password hash: the old cookie is dead, issue a new one.
    setCookie(res, signer.issue(user.id, (await passwordHashOf(user.id)) ?? null), SESSION_TTL_MS);
    res.json({ message: 'Password changed successfully' });
  });

  // A 30-second, single-use ticket for the WebSocket handshake (browsers cannot set headers there).
  router.post('/ws-ticket', async (req, res) => {
    const user = await sessionUser(req);
    if (!user) throw new PlacetError('UNAUTHORIZED', 'Not signed in');
    csrf(req);
    res.json({ ticket: tickets.issue(user.id) });
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const e = error as { type?: string };
    const err = isPlacetError(error)
      ? error
      : e?.type === 'entity.parse.failed'
        ? new PlacetError('VALIDATION_FAILED', 'Invalid JSON body')
        : error;
    const body = toErrorBody(err);
    if (body.statusCode >= 500) placet.options.logger.error('auth request failed', { error: String(error) });
    res.status(body.statusCode).json(body);
  });

  return {
    router,
    redeemTicket: (ticket) => tickets.redeem(ticket),
    async authenticateUpgrade(req) {
      // Browsers send cookies on cross-site WebSocket upgrades: only the server's own pages (or listed
      // origins) may use the session there. API keys and tickets are not affected.
      const origin = req.headers.origin;
      if (origin && !sameOrigin(origin, req.headers.host) && !options.allowedOrigins.includes(origin))
        return null;
      const token = readCookie(req.headers.cookie, SESSION_COOKIE);
      const userId = token ? await signer.verify(token, passwordHashOf) : undefined;
      const user = userId ? await placet.users.get(userId) : undefined;
      return user ? placet.userPrincipal(user) : null;
    },
    async authenticateUser(req) {
      const user = await sessionUser(req);
      if (!user) return null;
      csrf(req);
      if (user.mustChangePassword) {
        throw new PlacetError(
          'PASSWORD_CHANGE_REQUIRED',
          'Change the generated password first: POST /api/auth/change-password',
        );
      }
      return placet.userPrincipal(user);
    },
  };
}

function publicUser(user: {
  id: string;
  email: string;
  displayName: string;
  role: string;
  mustChangePassword: boolean;
}) {
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

/** Fixed windows of 10 sign-in attempts per minute per key (client address, account). */
class LoginThrottle {
  readonly #windows = new Map<string, { start: number; count: number }>();

  /** Counts an attempt; returns the seconds to wait when any key is over its limit, else 0. */
  hit(keys: string[], now = Date.now()): number {
    if (this.#windows.size > 10_000) {
      for (const [key, w] of this.#windows) if (now - w.start >= 60_000) this.#windows.delete(key);
    }
    let wait = 0;
    for (const key of keys) {
      let w = this.#windows.get(key);
      if (!w || now - w.start >= 60_000) {
        w = { start: now, count: 0 };
        this.#windows.set(key, w);
      }
      w.count++;
      if (w.count > 10) wait = Math.max(wait, Math.ceil((w.start + 60_000 - now) / 1000));
    }
    return wait;
  }
}
