import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TimerHandle } from '@placet/core/adapter';
import type { WebSocket } from 'ws';
import { EIO, type EngineOptions, ERRORS, refuse, SEPARATOR } from './engine-io.js';
import { Heartbeat } from './heartbeat.js';

/** How long a client has to complete an upgrade (`2probe` … `5`) before the WebSocket is dropped. */
const UPGRADE_TIMEOUT_MS = 10_000;

/**
 * One Engine.IO v4 session — what a Socket.IO connection rides on — over HTTP long-polling (GET receives
 * a payload of packets, POST sends one) or a WebSocket, and the upgrade from the first to the second
 * (`2probe` → `3probe`, pending polls released with a `6` noop, `5` switches). The server pings every
 * `pingIntervalMs` on the injected clock; a client that stops answering is closed.
 */
export class EngineSession {
  readonly id = randomBytes(15).toString('base64url');
  /** Engine.IO messages (the part after the `4`), in order. */
  onMessage: (message: string) => void = () => {};
  /** Once, when the session ends (the reason, for logs). */
  onClose: (reason: string) => void = () => {};

  #transport: 'polling' | 'websocket';
  #ws: WebSocket | undefined;
  #poll: ServerResponse | undefined;
  #posting = false;
  #probe: WebSocket | undefined;
  #probed = false;
  #upgradeTimer: TimerHandle | undefined;
  #closeTimer: TimerHandle | undefined;
  #closeReason = 'server close';
  readonly #buffer: string[] = [];
  #bufferedBytes = 0;
  #state: 'open' | 'closing' | 'closed' = 'open';
  readonly #heartbeat: Heartbeat;

  constructor(
    private readonly options: EngineOptions,
    transport: { polling: true } | { websocket: WebSocket },
    private readonly onFinished: (session: EngineSession) => void,
  ) {
    this.#transport = 'websocket' in transport ? 'websocket' : 'polling';
    if ('websocket' in transport) this.#attachWebSocket(transport.websocket);
    this.#heartbeat = new Heartbeat(
      options.clock,
      options.pingIntervalMs,
      () => this.send(EIO.ping),
      () => this.terminate('ping timeout'),
    );
    this.send(
      EIO.open +
        JSON.stringify({
          sid: this.id,
          upgrades: this.#transport === 'polling' ? ['websocket'] : [],
          pingInterval: options.pingIntervalMs,
          pingTimeout: options.pingTimeoutMs,
          maxPayload: options.maxPayloadBytes,
        }),
    );
  }

  get transport(): 'polling' | 'websocket' {
    return this.#transport;
  }

  get open(): boolean {
    return this.#state === 'open';
  }

  /** Queues one packet (`4…` for a message) and flushes; false when the session is closing or closed. */
  send(packet: string): boolean {
    if (this.#state !== 'open') return false;
    if (this.#transport === 'websocket' && this.#ws) {
      if (this.#ws.readyState !== this.#ws.OPEN) return false;
      if (this.#ws.bufferedAmount > this.options.maxBufferedBytes) {
        this.close('send buffer limit exceeded: reading too slowly', 1013);
        return false;
      }
      this.#ws.send(packet);
      return true;
    }
    this.#buffer.push(packet);
    this.#bufferedBytes += Buffer.byteLength(packet);
    if (this.#bufferedBytes > this.options.maxBufferedBytes) {
      this.terminate('send buffer limit exceeded: not polling');
      return false;
    }
    this.#flush();
    return true;
  }

  /**
   * Ends the session from the server: the client sees its transport close and reconnects (socket.io-client
   * does, with backoff). A WebSocket closes with `code`; long-polling gets a `1` close packet.
   */
  close(reason: string, code = 1000): void {
    if (this.#state !== 'open') return;
    if (this.#transport === 'websocket' && this.#ws) {
      const ws = this.#ws;
      this.#finish(reason);
      ws.close(code, reason.slice(0, 120));
      // A peer that does not complete the closing handshake is cut off.
      this.options.clock.setTimer(() => ws.terminate(), 5_000);
      return;
    }
    // Long-polling: what waits is delivered first, and the close packet on a poll of its own —
    // socket.io-client handles a message a tick after its payload, so a `1` in the same payload would
    // overtake it (a DISCONNECT would read as a lost transport, and be retried).
    this.#state = 'closing';
    this.#closeReason = reason;
    this.#flush();
    // A client that never polls again is let go.
    if (this.#state === 'closing')
      this.#closeTimer = this.options.clock.setTimer(() => this.#finish(reason), this.options.pingTimeoutMs);
  }

  /** Ends the session now (shutdown, a dead or misbehaving peer). */
  terminate(reason: string): void {
    if (this.#state === 'closed') return;
    this.#ws?.terminate();
    if (this.#poll) this.#respond(this.#poll, EIO.close);
    this.#finish(reason);
  }

  /** A long-polling GET: answered at once when packets wait, else held until one is sent. */
  handlePoll(req: IncomingMessage, res: ServerResponse): void {
    if (this.#state === 'closed') return void this.#respond(res, EIO.close);
    if (this.#poll) {
      refuse(res, ERRORS.badRequest);
      this.terminate('overlapping polls');
      return;
    }
    this.#poll = res;
    res.once('close', () => {
      if (this.#poll !== res) return;
      this.#poll = undefined;
      this.terminate('poll connection closed prematurely');
    });
    req.resume();
    // While the client upgrades, a poll is answered at once so that it can pause polling.
    if (this.#probed && this.#buffer.length === 0) this.#buffer.push(EIO.noop);
    this.#flush();
  }

  /** A long-polling POST: a payload of packets from the client. */
  handleData(req: IncomingMessage, res: ServerResponse): void {
    if (this.#posting) {
      refuse(res, ERRORS.badRequest);
      this.terminate('overlapping data requests');
      return;
    }
    this.#posting = true;
    let body = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (size > this.options.maxPayloadBytes) return;
      size += Buffer.byteLength(chunk);
      if (size > this.options.maxPayloadBytes) {
        res.writeHead(413, { Connection: 'close' }).end();
        this.terminate('payload too large');
        return;
      }
      body += chunk;
    });
    req.once('end', () => {
      this.#posting = false;
      if (size > this.options.maxPayloadBytes) return;
      // text/html, as the reference server: some user agents offer text/plain answers as downloads.
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': '2', 'Cache-Control': 'no-store' });
      res.end('ok');
      for (const packet of body.split(SEPARATOR)) {
        if (this.#state === 'closed') break;
        this.#onPacket(packet);
      }
    });
    req.once('close', () => {
      this.#posting = false;
    });
  }

  /** A WebSocket opened with this session's `sid`: a candidate for the upgrade from long-polling. */
  handleUpgrade(ws: WebSocket): void {
    if (this.#state !== 'open' || this.#transport !== 'polling' || this.#probe) {
      ws.close(1008, 'upgrade refused');
      return;
    }
    this.#probe = ws;
    const abandon = () => {
      if (this.#probe !== ws) return;
      this.#probe = undefined;
      this.#probed = false;
      if (this.#upgradeTimer) this.options.clock.clearTimer(this.#upgradeTimer);
    };
    this.#upgradeTimer = this.options.clock.setTimer(() => {
      abandon();
      ws.terminate();
    }, UPGRADE_TIMEOUT_MS);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      if (this.#probe === ws) abandon();
      else if (this.#ws === ws) this.#finish('transport close');
    });
    ws.on('message', (raw, isBinary) => {
      if (this.#ws === ws) {
        if (!isBinary) this.#onPacket(raw.toString());
        return;
      }
      if (this.#probe !== ws) return;
      const text = isBinary ? '' : raw.toString();
      if (text === `${EIO.ping}probe`) {
        ws.send(`${EIO.pong}probe`);
        this.#probed = true;
        // Release a held poll, so that the client can pause polling and send `5`.
        if (this.#poll && this.#buffer.length === 0) this.#buffer.push(EIO.noop);
        this.#flush();
      } else if (text === EIO.upgrade && this.#probed && this.#state === 'open') {
        abandon();
        this.#transport = 'websocket';
        this.#ws = ws;
        if (this.#poll) this.#respond(this.#poll, EIO.noop);
        const waiting = this.#buffer.splice(0);
        this.#bufferedBytes = 0;
        for (const packet of waiting) this.send(packet);
      } else {
        abandon();
        ws.terminate();
      }
    });
  }

  #attachWebSocket(ws: WebSocket): void {
    this.#ws = ws;
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.#finish('transport close'));
    ws.on('message', (raw, isBinary) => {
      if (!isBinary) this.#onPacket(raw.toString());
      else this.#heartbeat.alive();
    });
  }

  #onPacket(packet: string): void {
    // Closing (a revoked credential, a shutdown): nothing the client still sends is acted on.
    if (this.#state !== 'open') return;
    this.#heartbeat.alive();
    switch (packet[0]) {
      case EIO.message:
        this.onMessage(packet.slice(1));
        return;
      case EIO.pong:
      case EIO.noop:
        return;
      case EIO.ping:
        // Engine.IO v4 clients answer pings rather than send them; answering costs nothing.
        this.send(EIO.pong + packet.slice(1));
        return;
      case EIO.close:
        this.#ws?.close(1000, 'client closed');
        this.#finish('client close');
        return;
      default:
        this.terminate('parse error');
    }
  }

  #flush(): void {
    if (!this.#poll) return;
    if (this.#buffer.length > 0) {
      const payload = this.#buffer.splice(0).join(SEPARATOR);
      this.#bufferedBytes = 0;
      this.#respond(this.#poll, payload);
    } else if (this.#state === 'closing') {
      this.#respond(this.#poll, EIO.close);
      this.#finish(this.#closeReason);
    }
  }

  #respond(res: ServerResponse, payload: string): void {
    if (this.#poll === res) this.#poll = undefined;
    if (res.headersSent || res.destroyed) return;
    res.writeHead(200, {
      'Content-Type': 'text/plain; charset=UTF-8',
      'Content-Length': String(Buffer.byteLength(payload)),
      'Cache-Control': 'no-store',
    });
    res.end(payload);
  }

  #finish(reason: string): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#heartbeat.stop();
    if (this.#closeTimer) this.options.clock.clearTimer(this.#closeTimer);
    if (this.#upgradeTimer) this.options.clock.clearTimer(this.#upgradeTimer);
    this.#probe?.terminate();
    this.#probe = undefined;
    if (this.#poll) this.#respond(this.#poll, EIO.close);
    this.#buffer.length = 0;
    this.onFinished(this);
    this.onClose(reason);
  }
}
