import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@placet/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AUTH_ATTACKERS,
  AUTH_TENANCY_CASES,
  type AuthAttacker,
  type AuthOutcome,
  type AuthVariant,
  type SessionAttacker,
} from './auth-tenancy-cases.js';
import { figure } from './figures.js';
import { type SessionWorld, startSessionWorld, type Victim } from './session-world.js';
import { cookieHeaders } from './sign-in.js';
import { type NativeClient, nativeClient } from './ws-client.js';

/**
 * The tenancy matrix of the sign-in routes and the session store (cases: `auth-tenancy-cases.ts`), against
 * the example server's full app: every route of `auth-routes.ts` is called by another owner (its session
 * by cookie and by Bearer, its API key) with the victim's email, password and session, and a ticket or a
 * session of one user never opens a socket as another. Registered by `test/tenancy.rel.ts`.
 */

const AUTH_ROUTES_SOURCE = fileURLToPath(
  new URL('../../../examples/server/src/auth-routes.ts', import.meta.url),
);

/** The routes `auth-routes.ts` registers on its router, as `METHOD /api/auth/<path>`. */
export function authRoutes(): string[] {
  const source = readFileSync(AUTH_ROUTES_SOURCE, 'utf8');
  return [...source.matchAll(/\brouter\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)].map(
    ([, method, path]) => `${method!.toUpperCase()} /api/auth${path}`,
  );
}

interface Result {
  route: string;
  variant: string;
  attacker: AuthAttacker | 'control';
  kind: 'refused' | 'asUnknown' | 'allowed' | 'control';
  status: number;
  problems: string[];
}

function headersOf(attacker: AuthAttacker, token: string, apiKey: string): Record<string, string> {
  if (attacker === 'foreignCookie') return cookieHeaders(token);
  if (attacker === 'foreignBearer') return { authorization: `Bearer ${token}` };
  return { 'x-api-key': apiKey };
}

/** A value nobody has, of the same shape as the victim's (an email, a 128-bit session id). */
function unknownLike(field: 'email' | 'sessionId', value: string): string {
  if (field === 'email') return `unknown-${randomBytes(6).toString('hex')}@tenancy.test`;
  return randomBytes(Buffer.from(value, 'base64url').length).toString('base64url');
}

const kindOf = (outcome: AuthOutcome): Result['kind'] =>
  'asUnknown' in outcome ? 'asUnknown' : 'allowed' in outcome ? 'allowed' : 'refused';

/** Refused at the handshake (401), or the reason it was not. */
async function refusedUpgrade(
  origin: string,
  options: Parameters<typeof nativeClient>[1],
): Promise<string | undefined> {
  try {
    const socket = await nativeClient(origin, options);
    await socket.close();
    return 'opened';
  } catch (error) {
    return (error as Error).message === 'HTTP 401' ? undefined : (error as Error).message;
  }
}

/** Subscribes `socket` to `channelId`: the answer frame's event (`subscribed` or `error`). */
async function subscribe(socket: NativeClient, channelId: string): Promise<string> {
  const seen = socket.frames.length;
  socket.send('subscribe:channel', channelId);
  let event = '';
  await waitFor(
    () => {
      event =
        socket.frames.slice(seen).find((f) => f.event === 'subscribed' || f.event === 'error')?.event ?? '';
      return event !== '';
    },
    { timeoutMs: 10_000, message: 'an answer to subscribe:channel' },
  );
  return event;
}

export function sessionMatrix(
  label: string,
  postgres: () => Promise<{ url?: string; drop?: () => Promise<void> }>,
) {
  let world: SessionWorld;
  let drop: (() => Promise<void>) | undefined;
  const results: Result[] = [];
  const skipped: string[] = [];
  const socketChecks: { what: string; problem: string | undefined }[] = [];

  beforeAll(async () => {
    const chosen = await postgres();
    drop = chosen.drop;
    world = await startSessionWorld(chosen.url);
  });
  afterAll(async () => {
    await world?.close();
    await drop?.();
  });

  function leaksOf(v: Victim, text: string, requestText: string): string[] {
    return Object.entries(v.markers)
      .filter(([, value]) => value.length >= 6 && text.includes(value) && !requestText.includes(value))
      .map(([name]) => `shows the victim's ${name}`);
  }

  async function attack(route: string, variant: AuthVariant, v: Victim, attacker: AuthAttacker) {
    const outcome = variant.expect[attacker];
    if ('skip' in outcome) {
      skipped.push(`${route} (${variant.name}) by ${attacker}: ${outcome.skip}`);
      return;
    }
    const [method, path] = route.split(' ') as [string, string];
    const session: SessionAttacker = await world.attackerSession();
    const apiKey = world.attacker.apiKey;
    const req = variant.request(v, session);
    const before = await world.snapshot(v);
    const res = await world.send(
      method,
      path,
      headersOf(attacker, req.token ?? session.token, apiKey),
      req.body,
    );
    const problems: string[] = [];
    if (res.status !== outcome.status) problems.push(`answered ${res.status}, expected ${outcome.status}`);
    if ('asUnknown' in outcome) {
      const real = v[outcome.field];
      const fake = unknownLike(outcome.field, real);
      const ref = variant.request({ ...v, [outcome.field]: fake }, session);
      const reference = await world.send(
        method,
        path,
        headersOf(attacker, ref.token ?? session.token, apiKey),
        ref.body,
      );
      const normalise = (body: string, value: string) => body.split(value).join('<value>');
      if (res.status !== reference.status || normalise(res.body, real) !== normalise(reference.body, fake))
        problems.push(
          `answered ${res.status} ${res.body.slice(0, 200)}, but ${reference.status} ${reference.body.slice(0, 200)} for a ${outcome.field} nobody has`,
        );
    }
    const requestText = `${path}\n${JSON.stringify(req.body ?? null)}\n${req.token ?? ''}`;
    problems.push(...leaksOf(v, `${JSON.stringify(res.headers)}\n${res.body}`, requestText));
    if (route === 'POST /api/auth/ws-ticket' && res.status === 201) {
      // The ticket is the caller's: it names the caller's session, and opens a socket that cannot
      // subscribe to the victim's channel.
      const ticket = (JSON.parse(res.body) as { ticket: string }).ticket;
      if (ticket.split('.')[0] !== session.sessionId)
        problems.push("the ticket names another session than the caller's");
      const socket = await nativeClient(world.server.origin, {
        query: `?ticket=${encodeURIComponent(ticket)}`,
      });
      const answer = await subscribe(socket, v.channelId);
      await socket.close();
      if (answer !== 'error')
        problems.push(`the ticket's socket subscribed to the victim's channel (${answer})`);
    }
    const after = await world.snapshot(v);
    if (before !== after) problems.push(`changed the victim's state: ${before} → ${after}`);
    results.push({
      route,
      variant: variant.name,
      attacker,
      kind: kindOf(outcome),
      status: res.status,
      problems,
    });
  }

  async function closeVictim(v: Victim) {
    for (const socket of Object.values(v.sockets)) await socket.close();
  }

  describe(`tenancy matrix of sign-in and sessions (${label}, the example server)`, () => {
    it('every route of auth-routes.ts has a case, and every case a route', () => {
      const routes = authRoutes();
      expect(routes.length).toBeGreaterThanOrEqual(5);
      expect(
        routes.filter((route) => !AUTH_TENANCY_CASES[route]),
        'sign-in routes without a tenancy case',
      ).toEqual([]);
      expect(
        Object.keys(AUTH_TENANCY_CASES).filter((route) => !routes.includes(route)),
        'cases without a route',
      ).toEqual([]);
    });

    it("the checks see a leak, a change and a closed socket when there is one (the victim's own /me and logout)", async () => {
      const v = await world.makeVictim();
      const me = await world.send('GET', '/api/auth/me', cookieHeaders(v.token));
      expect(leaksOf(v, me.body, '/api/auth/me')).toEqual(
        expect.arrayContaining(["shows the victim's email"]),
      );
      const before = await world.snapshot(v);
      expect((await world.send('POST', '/api/auth/logout', cookieHeaders(v.token))).status).toBe(200);
      await waitFor(
        () => v.sockets.ticket.closedWith() !== undefined && v.sockets.cookie.closedWith() !== undefined,
        {
          timeoutMs: 10_000,
          message: "the victim's session sockets close at its logout",
        },
      );
      expect(await world.snapshot(v)).not.toBe(before);
      expect([v.sockets.ticket.closedWith()?.code, v.sockets.cookie.closedWith()?.code]).toEqual([
        1008, 1008,
      ]);
      expect(v.sockets.key.closedWith(), 'the API key socket stays').toBeUndefined();
      await closeVictim(v);
    });

    for (const route of Object.keys(AUTH_TENANCY_CASES)) {
      it(route, async () => {
        const entry = AUTH_TENANCY_CASES[route]!;
        const v = await world.makeVictim();
        for (const variant of entry.variants)
          for (const attacker of AUTH_ATTACKERS) await attack(route, variant, v, attacker);
        // The victim's own request, last: some end its session.
        const [method, path] = route.split(' ') as [string, string];
        const req = entry.control.request(v);
        const res = await world.send(method, path, cookieHeaders(v.token), req.body);
        results.push({
          route,
          variant: 'control',
          attacker: 'control',
          kind: 'control',
          status: res.status,
          problems:
            res.status === entry.control.status
              ? []
              : [
                  `the victim's own request answered ${res.status}, expected ${entry.control.status}: ${res.body.slice(0, 300)}`,
                ],
        });
        await closeVictim(v);
        const failed = results.filter((r) => r.route === route && r.problems.length > 0);
        expect(
          failed.map((r) => `${r.variant} / ${r.attacker}: ${r.problems.join('; ')}`),
          'refusals, leaks and controls',
        ).toEqual([]);
      });
    }

    it("sockets: a ticket or a session opens its own user's socket only, a ticket once; the attacker sees none of the victim's events", async () => {
      const v = await world.makeVictim();
      const before = await world.snapshot(v);
      const a = await world.attackerSession();
      const { origin } = world.server;
      const ticketAnswer = await world.send('POST', '/api/auth/ws-ticket', cookieHeaders(a.token));
      expect(ticketAnswer.status).toBe(201);
      const ticket = (JSON.parse(ticketAnswer.body) as { ticket: string }).ticket;
      const [, tExpires, tNonce, tSignature] = ticket.split('.') as [string, string, string, string];
      const [, vExpires, vNonce, vSignature] = v.ticket.split('.') as [string, string, string, string];
      const q = (t: string) => ({ query: `?ticket=${encodeURIComponent(t)}` });
      for (const [what, options] of [
        ["the victim's ticket again (single use)", q(v.ticket)],
        [
          "the attacker's ticket naming the victim's session",
          q(`${v.sessionId}.${tExpires}.${tNonce}.${tSignature}`),
        ],
        [
          "the victim's ticket naming the attacker's session",
          q(`${a.sessionId}.${vExpires}.${vNonce}.${vSignature}`),
        ],
        ["the victim's bare session id as a ticket", q(v.sessionId)],
        ["the victim's bare session id as a cookie", { headers: { cookie: `access_token=${v.sessionId}` } }],
        [
          "the victim's bare session id as a Bearer token",
          { headers: { authorization: `Bearer ${v.sessionId}` } },
        ],
        [
          "the victim's session id under the attacker's signature (cookie)",
          { headers: { cookie: `access_token=${v.sessionId}.${a.expires}.${a.signature}` } },
        ],
        [
          "the victim's session id under the attacker's signature (Bearer)",
          { headers: { authorization: `Bearer ${v.sessionId}.${a.expires}.${a.signature}` } },
        ],
      ] as const) {
        socketChecks.push({ what, problem: await refusedUpgrade(origin, options) });
      }
      // The attacker's own sockets (by its ticket, cookie, Bearer token): the victim's channel is refused.
      const mine = [
        await nativeClient(origin, q(ticket)),
        await nativeClient(origin, { headers: { cookie: `access_token=${a.token}` } }),
        await nativeClient(origin, { headers: { authorization: `Bearer ${a.token}` } }),
      ];
      // What each socket had received up to its refusal (which names the channel the attacker asked for).
      const answered: number[] = [];
      for (const [i, socket] of mine.entries()) {
        const answer = await subscribe(socket, v.channelId);
        answered.push(socket.raw.length);
        socketChecks.push({
          what: `the attacker's socket #${i + 1} subscribing to the victim's channel`,
          problem: answer === 'error' ? undefined : answer,
        });
      }
      // The victim's agent writes: the victim's sockets see it, the attacker's never.
      const text = `victim-secret-${randomBytes(6).toString('hex')}`;
      const sent = await world.send(
        'POST',
        '/api/v1/messages',
        { 'x-api-key': v.apiKey },
        { channelId: v.channelId, text },
      );
      expect(sent.status).toBe(201);
      const sawIt = (s: NativeClient) => s.raw.some((frame) => frame.includes(text));
      await waitFor(() => Object.values(v.sockets).every(sawIt), {
        timeoutMs: 10_000,
        message: "the victim's sockets see the victim's message",
      });
      // The attacker's sockets are in the same process and see the same dispatch: one more event of the
      // attacker's own makes sure they have had their turn.
      const own = await world.send(
        'POST',
        '/api/v1/agents',
        { 'x-api-key': world.attacker.apiKey },
        { name: `attacker-${randomBytes(4).toString('hex')}` },
      );
      expect(own.status).toBe(201);
      await waitFor(() => mine.every((s) => s.raw.some((f) => f.includes(JSON.parse(own.body).id))), {
        timeoutMs: 10_000,
        message: "the attacker's sockets see the attacker's own event",
      });
      for (const [i, socket] of mine.entries()) {
        const markers = [text, ...Object.values(v.markers).filter((m) => m.length >= 6)];
        const seen = socket.raw
          .filter((_, at) => at >= answered[i]!)
          .filter((frame) => markers.some((marker) => frame.includes(marker)));
        socketChecks.push({
          what: `the attacker's socket #${i + 1} receiving the victim's events`,
          problem: seen.length > 0 ? `received ${seen.length} frames of the victim` : undefined,
        });
        await socket.close();
      }
      expect(await world.snapshot(v)).toBe(before);
      await closeVictim(v);
      expect(socketChecks.filter((c) => c.problem).map((c) => `${c.what}: ${c.problem}`)).toEqual([]);
    });

    it('figure', () => {
      const attacks = results.filter((r) => r.attacker !== 'control');
      const leaks = attacks.filter((r) => r.problems.length > 0);
      const controls = results.filter((r) => r.attacker === 'control');
      const count = (kind: Result['kind']) => attacks.filter((r) => r.kind === kind).length;
      const covered = Object.keys(AUTH_TENANCY_CASES).filter((route) =>
        results.some((r) => r.route === route),
      );
      const socketProblems = socketChecks.filter((c) => c.problem);
      figure(
        `sign-in tenancy (${label})`,
        `routes covered ${covered.length}/${authRoutes().length}, attacks ${attacks.length} by another owner's ` +
          `session cookie, Bearer token and API key (${count('refused')} refused, ${count('asUnknown')} answered as ` +
          `for an unknown email or session, ${count('allowed')} acting on the caller only), leaks ${leaks.length}; ` +
          `socket checks ${socketChecks.length} (forged and replayed tickets and tokens refused, the victim's ` +
          `channel and events out of reach), failures ${socketProblems.length}; victim controls ` +
          `${controls.filter((c) => c.problems.length === 0).length}/${controls.length} succeeded; ` +
          `${skipped.length} not sent (an API key presents no session token)`,
      );
      expect(covered.length).toBe(authRoutes().length);
      expect(leaks).toEqual([]);
      expect(socketChecks.length).toBeGreaterThan(0);
      expect(socketProblems).toEqual([]);
      expect(controls.filter((c) => c.problems.length > 0)).toEqual([]);
    });
  });
}
