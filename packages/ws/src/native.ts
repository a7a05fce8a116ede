import type { Placet, Principal, Resync } from '@placet/core';
import type { WebSocket } from 'ws';
import { Heartbeat } from './heartbeat.js';
import type { LocalRelay } from './local-relay.js';
import type { ResolvedRealtimeOptions } from './options.js';
import { RELAYED, Session } from './session.js';

/**
 * The native protocol at `/ws`: JSON frames `{ event, data, seq? }` both ways.
 * Client → server: `subscribe:channel` / `unsubscribe:channel` (data: channel id), `resume`
 * (`{ fromSeq }`: replay missed outbox events, then live, no duplicates), `channel:read`, `ping`,
 * and the relayed `message:delta`, `message:progress`, `agent:commands` (`{ channelId, … }`).
 * `subscribe`, `unsubscribe` and `resume` take effect in the order they were sent, without waiting for
 * answers: a resume point (`resume` or `?fromSeq=`) holds for channels subscribed before and after it.
 * Server → client: every outbox event with its `seq`; `subscribed`, `error` frames answer requests (a
 * refusal is never silent); `pong`.
 */
export function serveNative(
  placet: Placet,
  principal: Principal,
  socket: WebSocket,
  relay: LocalRelay,
  options: ResolvedRealtimeOptions,
  /** The committed seq read before the credential was checked (see `Session`). */
  credentialCheckedAt: number,
  start: {
    /** The client's resume point (`?fromSeq=`), already checked against the outbox's epoch. */
    fromSeq: number | undefined;
    /** Sent first, to a client that asked for the epoch (`?epoch=`). */
    welcome?: { epoch: string };
    /** Sent first instead of a replay: the client's resume point is not in this outbox. */
    resync?: Resync;
  },
): void {
  // Before the session exists, so that nothing it replays or relays can come first.
  if (start.welcome) socket.send(JSON.stringify({ event: 'welcome', data: start.welcome }));
  if (start.resync) socket.send(JSON.stringify({ event: 'resync', data: start.resync }));
  const fromSeq = start.fromSeq;
  const session = new Session(
    placet,
    principal,
    {
      send(event, data, seq) {
        if (socket.readyState !== socket.OPEN) return false;
        if (socket.bufferedAmount > options.maxBufferedBytes) {
          session.close(1013, 'send buffer limit exceeded: reading too slowly');
          return false;
        }
        socket.send(JSON.stringify(seq === undefined ? { event, data } : { event, data, seq }));
        return true;
      },
      close(code, reason) {
        socket.close(code, reason);
        // A peer that does not complete the closing handshake is cut off.
        options.clock.setTimer(() => socket.terminate(), 5_000);
      },
    },
    relay,
    options,
    { fromSeq, catchUpSubscriptions: true },
    credentialCheckedAt,
  );
  const heartbeat = new Heartbeat(
    options.clock,
    options.pingIntervalMs,
    () => socket.ping(),
    () => {
      session.dispose();
      socket.terminate();
    },
  );
  socket.on('pong', () => heartbeat.alive());
  socket.on('close', () => {
    heartbeat.stop();
    session.dispose();
  });
  socket.on('error', () => socket.terminate());
  socket.on('message', (raw, isBinary) => {
    heartbeat.alive();
    handle(isBinary ? null : raw.toString()).catch((error: unknown) => {
      // A frame must never take the process down (an unhandled rejection would): refuse it instead.
      placet.options.logger.error('realtime: a frame could not be handled', { error: String(error) });
      reply('error', { message: 'the frame could not be handled' });
    });
  });

  const reply = (event: string, data: unknown) => session.outlet.send(event, data);

  async function handle(text: string | null): Promise<void> {
    let frame: { event?: unknown; data?: unknown };
    try {
      frame = text === null ? {} : (JSON.parse(text) as typeof frame);
    } catch {
      reply('error', { message: 'frames are JSON objects { event, data }' });
      return;
    }
    const event = typeof frame?.event === 'string' ? frame.event : '';
    switch (event) {
      case 'subscribe:channel': {
        const result = await session.subscribe(frame.data);
        reply(
          result.ok ? 'subscribed' : 'error',
          result.ok
            ? { channelId: result.channelId }
            : { event, message: result.error, channelId: typeof frame.data === 'string' ? frame.data : null },
        );
        return;
      }
      case 'unsubscribe:channel':
        await session.unsubscribe(frame.data);
        reply('unsubscribed', { channelId: frame.data });
        return;
      case 'resume': {
        const data = frame.data as { fromSeq?: unknown; epoch?: unknown } | null;
        const ok = session.resume(data?.fromSeq, data?.epoch);
        if (!ok)
          reply('error', {
            event,
            message: 'resume needs { fromSeq: a non-negative integer, epoch?: a string }',
          });
        return;
      }
      case 'channel:read': {
        const result = await session.markRead(frame.data);
        if (!result.ok) reply('error', { event, message: result.error });
        return;
      }
      case 'ping':
        reply('pong', null);
        return;
      default:
        if (RELAYED.has(event)) {
          const result = await session.relayEvent(event, frame.data);
          if (!result.ok) reply('error', { event, message: result.error });
          return;
        }
        reply('error', { event, message: `unknown event "${event}"` });
    }
  }
}
