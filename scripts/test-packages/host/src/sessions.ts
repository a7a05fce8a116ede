import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type HostIdentity, PlacetError } from '@placet/core';
import type { Request, Response } from 'express';

/** The host's own session cookie: Placet never reads it, the host's `authenticateUser` hooks do. */
export const SESSION_COOKIE = 'host_sid';

/** Who a signed-in host user is in Placet: a host identity, made a Placet user on first sight. */
export function identityOf(username: string): HostIdentity {
  return { externalId: `host:${username}`, email: `${username}@host.example`, displayName: username };
}

/** The host's session store: a random cookie value → a username (a real host has its own). */
export class Sessions {
  readonly #byId = new Map<string, string>();

  signIn(res: Response, username: string): void {
    const id = randomBytes(24).toString('base64url');
    this.#byId.set(id, username);
    res.cookie(SESSION_COOKIE, id, { httpOnly: true, sameSite: 'lax', path: '/' });
  }

  /** The username of a `Cookie` header (of a request or of a WebSocket upgrade), or undefined. */
  fromCookies(header: string | undefined): string | undefined {
    for (const part of header?.split(';') ?? []) {
      const [name, value] = part.trim().split('=');
      if (name === SESSION_COOKIE && value) return this.#byId.get(value);
    }
    return undefined;
  }

  /** `authenticateUser` of `placetRouter`: a host identity, or null (401); the host's CSRF rule applies. */
  forRouter = (req: Request): HostIdentity | null => {
    const username = this.fromCookies(req.get('cookie'));
    if (username === undefined) return null;
    if (!['GET', 'HEAD', 'OPTIONS'].includes(req.method) && !req.get('x-requested-with'))
      throw new PlacetError(
        'FORBIDDEN',
        'Cookie-authenticated requests that change state need X-Requested-With',
      );
    return identityOf(username);
  };

  /**
   * `authenticateUser` of `attachRealtime`: the same host identity, from the upgrade request. A socket
   * opened by another site's page (its Origin is not this host) is refused: cookies alone do not prove it.
   */
  forUpgrade = (req: IncomingMessage): HostIdentity | null => {
    const { origin, host } = req.headers;
    if (origin !== undefined && hostOf(origin) !== host) return null;
    const username = this.fromCookies(req.headers.cookie);
    return username === undefined ? null : identityOf(username);
  };
}

/** The `host[:port]` of an Origin header, or undefined when it is not a URL (`null`, garbage). */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}
