import type { IncomingMessage } from 'node:http';
import type { AuthenticateHostUser, Clock, UserPrincipal } from '@placet/core';

/**
 * The host's user auth for upgrade requests, as for the router: a Placet user principal, a host identity
 * (made a Placet user by `placet.users.ensure`), or null for "not signed in".
 */
export type AuthenticateUpgrade = AuthenticateHostUser<IncomingMessage>;

export interface RealtimeOptions {
  /** Native JSON protocol path (default `/ws`). */
  path?: string;
  /** Socket.IO-compatible endpoint path (default `/socket.io/`); `false` turns it off. */
  socketIoPath?: string | false;
  /** Socket.IO namespace agents connect to (the original: `/ws`). */
  namespace?: string;
  /** The host's user auth for upgrade requests (cookie sessions). */
  authenticateUser?: AuthenticateUpgrade;
  /** Redeems a single-use ticket (`?ticket=` or Socket.IO `auth.token`) to a user principal. */
  redeemTicket?: (
    ticket: string,
  ) => UserPrincipal | null | undefined | Promise<UserPrincipal | null | undefined>;
  /** A connection whose unsent data exceeds this is closed (a slow consumer never grows memory). */
  maxBufferedBytes?: number;
  /** Largest client frame accepted. */
  maxPayloadBytes?: number;
  /** Heartbeat: a peer that does not answer within `pingTimeoutMs` after a ping is closed. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Relayed ephemeral events (`message:delta`, …) larger than this are refused. */
  maxRelayBytes?: number;
  /**
   * Socket.IO connection state recovery: a client that reconnects within `maxDisconnectionDurationMs`
   * (default one hour) gets the events it missed and its subscriptions back, also from another process or
   * after a restart (the state lives in the store). `false` turns it off (events then carry no offset).
   */
  connectionStateRecovery?: false | { maxDisconnectionDurationMs?: number };
  /** Defaults to the Placet instance's clock. */
  clock?: Clock;
}

export interface ResolvedRealtimeOptions {
  path: string;
  socketIoPath: string | false;
  namespace: string;
  authenticateUser: AuthenticateUpgrade | undefined;
  redeemTicket: RealtimeOptions['redeemTicket'];
  maxBufferedBytes: number;
  maxPayloadBytes: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  maxRelayBytes: number;
  connectionStateRecovery: false | { maxDisconnectionDurationMs: number };
  clock: Clock;
}

export function resolveOptions(options: RealtimeOptions, clock: Clock): ResolvedRealtimeOptions {
  const positive = (value: number | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`attachRealtime: ${name} must be a positive number`);
    return value;
  };
  return {
    path: options.path ?? '/ws',
    socketIoPath: options.socketIoPath === undefined ? '/socket.io/' : options.socketIoPath,
    namespace: options.namespace ?? '/ws',
    authenticateUser: options.authenticateUser,
    redeemTicket: options.redeemTicket,
    maxBufferedBytes: positive(options.maxBufferedBytes, 4 * 1024 * 1024, 'maxBufferedBytes'),
    maxPayloadBytes: positive(options.maxPayloadBytes, 1024 * 1024, 'maxPayloadBytes'),
    pingIntervalMs: positive(options.pingIntervalMs, 25_000, 'pingIntervalMs'),
    pingTimeoutMs: positive(options.pingTimeoutMs, 20_000, 'pingTimeoutMs'),
    maxRelayBytes: positive(options.maxRelayBytes, 64 * 1024, 'maxRelayBytes'),
    connectionStateRecovery:
      options.connectionStateRecovery === false
        ? false
        : {
            maxDisconnectionDurationMs: positive(
              options.connectionStateRecovery?.maxDisconnectionDurationMs,
              3600_000,
              'connectionStateRecovery.maxDisconnectionDurationMs',
            ),
          },
    clock: options.clock ?? clock,
  };
}
