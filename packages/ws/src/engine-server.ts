import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { type EngineOptions, ERRORS, refuse, rejectUpgrade } from './engine-io.js';
import { EngineSession } from './engine-session.js';

/**
 * Engine.IO v4 sessions of one path: the handshake (a GET, or a WebSocket without `sid`), polls, posts
 * and upgrades routed by `sid`. Sessions live in this process (a load balancer keeps a client on it).
 */
export class EngineServer {
  readonly #sessions = new Map<string, EngineSession>();

  constructor(
    private readonly options: EngineOptions,
    private readonly wss: WebSocketServer,
    /** A new session: the Socket.IO layer takes it from here. */
    private readonly onConnection: (session: EngineSession) => void,
  ) {}

  get size(): number {
    return this.#sessions.size;
  }

  /** A plain HTTP request to the Engine.IO path: long-polling. */
  handleRequest(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const error = this.#verify(req.method, url, false);
    if (error) {
      refuse(res, error);
      return;
    }
    const sid = url.searchParams.get('sid');
    if (!sid) {
      const session = this.#add(new EngineSession(this.options, { polling: true }, (s) => this.#remove(s)));
      session.handlePoll(req, res);
      return;
    }
    const session = this.#sessions.get(sid)!;
    if (req.method === 'GET') session.handlePoll(req, res);
    else if (req.method === 'POST') session.handleData(req, res);
    else refuse(res, ERRORS.badRequest);
  }

  /** An upgrade request to the Engine.IO path: a WebSocket session, or the upgrade of a polling one. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    const error = this.#verify(req.method, url, true);
    if (error) {
      rejectUpgrade(socket, error);
      return;
    }
    const sid = url.searchParams.get('sid');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!sid) {
        this.#add(new EngineSession(this.options, { websocket: ws }, (s) => this.#remove(s)));
        return;
      }
      const session = this.#sessions.get(sid);
      if (!session) ws.close(1008, 'session ID unknown');
      else session.handleUpgrade(ws);
    });
  }

  /** Closes every session so that clients reconnect (1012 "service restart" for WebSockets). */
  closeAll(reason: string, code: number): number {
    const sessions = [...this.#sessions.values()];
    for (const session of sessions) session.close(reason, code);
    return sessions.length;
  }

  terminateAll(reason: string): void {
    for (const session of [...this.#sessions.values()]) session.terminate(reason);
  }

  #add(session: EngineSession): EngineSession {
    this.#sessions.set(session.id, session);
    this.onConnection(session);
    return session;
  }

  #remove(session: EngineSession): void {
    if (this.#sessions.get(session.id) === session) this.#sessions.delete(session.id);
  }

  #verify(
    method: string | undefined,
    url: URL,
    upgrade: boolean,
  ): (typeof ERRORS)[keyof typeof ERRORS] | undefined {
    if (url.searchParams.get('EIO') !== '4') return ERRORS.unsupportedProtocol;
    const transport = url.searchParams.get('transport');
    if (transport !== 'polling' && transport !== 'websocket') return ERRORS.unknownTransport;
    if (upgrade !== (transport === 'websocket')) return ERRORS.badRequest;
    const sid = url.searchParams.get('sid');
    if (sid === null) return method === 'GET' ? undefined : ERRORS.badHandshakeMethod;
    const session = this.#sessions.get(sid);
    if (!session) return ERRORS.unknownSid;
    // Polls and posts of a session that moved to a WebSocket are refused.
    if (!upgrade && session.transport !== 'polling') return ERRORS.badRequest;
    return undefined;
  }
}
