import { PlacetError } from '@placet/core';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type World, world } from './harness.js';

/**
 * The host's `authenticateUser` on the upgrade request answers as the router's does: a host identity is
 * made a Placet user; a PlacetError it throws with a 4xx status is a refusal (401), never the
 * retriable 503 of an outage; any other throw (the host's session store is down) stays retriable.
 */

let w: World;
afterEach(async () => w?.close());

/** The status of a refused native handshake, or 101 when it was accepted. */
function handshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers });
    socket.once('error', () => {});
    socket.once('open', () => {
      resolve(101);
      socket.close();
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
  });
}

describe("the host's authenticateUser on the WebSocket", () => {
  it('a host identity is a Placet user, made on first sight', async () => {
    w = await world({
      authenticateUser: (req) =>
        req.headers.cookie === 'sid=alice'
          ? { externalId: 'host:alice', email: 'alice@host.test', displayName: 'alice' }
          : null,
    });
    expect(await handshake(w.url)).toBe(401);
    expect(await handshake(w.url, { cookie: 'sid=alice' })).toBe(101);
    expect((await w.placet.users.list()).map((u) => u.externalId)).toContain('host:alice');
  });

  it('a PlacetError it throws (UNAUTHORIZED, FORBIDDEN) refuses the socket: 401, not an outage', async () => {
    w = await world({
      authenticateUser: (req) => {
        if (req.headers.cookie === 'sid=old')
          throw new PlacetError('UNAUTHORIZED', 'Your session has expired');
        throw new PlacetError('FORBIDDEN', 'Not from this site');
      },
    });
    expect(await handshake(w.url, { cookie: 'sid=old' })).toBe(401);
    expect(await handshake(w.url, { cookie: 'sid=x' })).toBe(401);
  });

  it('anything else it throws is retriable: 503', async () => {
    w = await world({
      authenticateUser: () => {
        throw new Error('session store: connect ECONNREFUSED');
      },
    });
    expect(await handshake(w.url, { cookie: 'sid=alice' })).toBe(503);
  });
});
