/**
 * The tenancy matrix of the example server's sign-in routes and of the session store: one entry per route
 * of `examples/server/src/auth-routes.ts`, keyed `METHOD /api/auth/<route>` (the runner fails when a route
 * has no entry, or an entry names no route — a new sign-in route needs a row here).
 *
 * The victim is an owner signed in: a session (its cookie), an API key, a channel, and three sockets — one
 * opened by a single-use ticket, one by the session cookie, one by the API key. The attacker is another
 * owner, with a fresh session of its own for every request, presented three ways:
 *   - `foreignCookie`: its session cookie (with the CSRF header `X-Requested-With`),
 *   - `foreignBearer`: its session token as `Authorization: Bearer`,
 *   - `foreignKey`:    its API key (the sign-in routes take none).
 * A variant may present a token made from the victim's instead (`token`): the victim's bare session id (as
 * the store keeps it), or the victim's session id under the attacker's own expiry and signature. Whatever
 * the status, the answer must show nothing of the victim that the request did not contain, and the
 * victim's sessions, user row, keys and sockets must be unchanged afterwards. `control`: the victim's own
 * request (by its cookie), sent after the attacks, must succeed.
 */

export type AuthAttacker = 'foreignCookie' | 'foreignBearer' | 'foreignKey';
export const AUTH_ATTACKERS: readonly AuthAttacker[] = ['foreignCookie', 'foreignBearer', 'foreignKey'];

/** The victim of one entry, made fresh for it. */
export interface SessionVictim {
  userId: string;
  email: string;
  password: string;
  /** Its session token (`<sessionId>.<expires>.<signature>`) and the session id the store keeps. */
  token: string;
  sessionId: string;
  apiKey: string;
  keyId: string;
  channelId: string;
}

/** The attacker's session of one request. */
export interface SessionAttacker {
  email: string;
  password: string;
  token: string;
  sessionId: string;
  expires: string;
  signature: string;
}

export interface AuthRequest {
  body?: unknown;
  /** A session token to present instead of the attacker's own (by cookie or Bearer, as the attacker does). */
  token?: string;
}

export type AuthOutcome =
  /** Refused with this status. */
  | { status: number }
  /** Acts on the caller only, with the reason. */
  | { allowed: string; status: number }
  /**
   * Answered exactly as the same request with a random value in place of the victim's `field` (an email
   * nobody has, a session nobody has): the request gives nothing away, with the reason.
   */
  | { asUnknown: string; field: 'email' | 'sessionId'; status: number }
  /** Not sent, with the reason. */
  | { skip: string };

export interface AuthVariant {
  name: string;
  request: (victim: SessionVictim, attacker: SessionAttacker) => AuthRequest;
  expect: Readonly<Record<AuthAttacker, AuthOutcome>>;
}

export interface AuthCase {
  variants: readonly AuthVariant[];
  /** The victim's own request, with its own cookie: the status it must answer. */
  control: { request: (victim: SessionVictim) => AuthRequest; status: number };
}

const NO_TOKEN = { skip: 'an API key presents no session token' } as const;
const UNKNOWN_SESSION = 'a session token that does not check is answered as for a session nobody has';
const sessions = (outcome: AuthOutcome) => ({ foreignCookie: outcome, foreignBearer: outcome });
const everyone = (outcome: AuthOutcome) => ({ ...sessions(outcome), foreignKey: outcome });
const rand = () => Math.random().toString(36).slice(2, 10);

/** The victim's bare session id, and its id under the attacker's expiry and signature. */
const forged = (status: number): AuthVariant[] => [
  {
    name: "the victim's bare session id (as the store keeps it)",
    request: (v) => ({ token: v.sessionId }),
    expect: { ...sessions({ asUnknown: UNKNOWN_SESSION, field: 'sessionId', status }), foreignKey: NO_TOKEN },
  },
  {
    name: "the victim's session id under the attacker's signature",
    request: (v, a) => ({ token: `${v.sessionId}.${a.expires}.${a.signature}` }),
    expect: { ...sessions({ asUnknown: UNKNOWN_SESSION, field: 'sessionId', status }), foreignKey: NO_TOKEN },
  },
];

export const AUTH_TENANCY_CASES: Readonly<Record<string, AuthCase>> = {
  'POST /api/auth/login': {
    variants: [
      {
        name: "the victim's email, a wrong password",
        request: (v) => ({ body: { email: v.email, password: `wrong-${rand()}` } }),
        expect: everyone({
          asUnknown: 'a wrong password for an email that exists answers as for an email nobody has',
          field: 'email',
          status: 401,
        }),
      },
      {
        name: "the victim's email, the attacker's password",
        request: (v, a) => ({ body: { email: v.email, password: a.password } }),
        expect: everyone({
          asUnknown: "the caller's session does not sign anybody else in",
          field: 'email',
          status: 401,
        }),
      },
    ],
    control: { request: (v) => ({ body: { email: v.email, password: v.password } }), status: 200 },
  },
  'POST /api/auth/logout': {
    variants: [
      {
        name: "the attacker's own session",
        request: () => ({}),
        expect: {
          ...sessions({ allowed: "ends the caller's own session", status: 200 }),
          foreignKey: { allowed: 'no session: nothing to end (logout always answers 200)', status: 200 },
        },
      },
      ...forged(200),
    ],
    control: { request: () => ({}), status: 200 },
  },
  'GET /api/auth/me': {
    variants: [
      {
        name: "the attacker's own session",
        request: () => ({}),
        expect: { ...sessions({ allowed: 'answers the caller', status: 200 }), foreignKey: { status: 401 } },
      },
      ...forged(401),
    ],
    control: { request: () => ({}), status: 200 },
  },
  'POST /api/auth/change-password': {
    variants: [
      {
        name: "the victim's current password",
        request: (v) => ({ body: { currentPassword: v.password, newPassword: `attacker-chosen-${rand()}` } }),
        // Checked against the caller's own password: the victim's is just a wrong one.
        expect: everyone({ status: 401 }),
      },
      {
        name: "the attacker's own password",
        request: (_v, a) => ({ body: { currentPassword: a.password, newPassword: a.password } }),
        expect: {
          ...sessions({
            allowed: "changes the caller's password and ends the caller's sessions only",
            status: 200,
          }),
          foreignKey: { status: 401 },
        },
      },
      ...forged(401).map((variant) => ({
        ...variant,
        name: `${variant.name}, with the victim's password`,
        request: (v: SessionVictim, a: SessionAttacker) => ({
          ...variant.request(v, a),
          body: { currentPassword: v.password, newPassword: `attacker-chosen-${rand()}` },
        }),
      })),
    ],
    // The same password again: the victim's sessions end (its sockets close), a new one starts.
    control: {
      request: (v) => ({ body: { currentPassword: v.password, newPassword: v.password } }),
      status: 200,
    },
  },
  'POST /api/auth/ws-ticket': {
    variants: [
      {
        name: "the attacker's own session",
        request: () => ({}),
        // The runner opens a socket with the ticket: it is the attacker's, and cannot subscribe to the
        // victim's channel.
        expect: {
          ...sessions({ allowed: "a ticket of the caller's own session", status: 201 }),
          foreignKey: { status: 401 },
        },
      },
      ...forged(401),
    ],
    control: { request: () => ({}), status: 201 },
  },
};
