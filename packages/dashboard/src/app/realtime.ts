import type { Frame } from './types.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The native WebSocket protocol (`attachRealtime`), authenticated by the session cookie. Every event
 * carries a `seq`; a reconnect opens the socket with `?fromSeq=<last seq>`, so the server replays what
 * was missed before any live event (in order, once), then continues live. No polling: if a reconnect
 * finds no seq to resume from, `resync` asks the app to reload over REST once.
 */
export class Realtime extends EventTarget {
  #socket: WebSocket | undefined;
  #lastSeq: number | undefined;
  /** The server's outbox epoch (its `welcome` frame): sent back on reconnect with the last seq. */
  #epoch = '';
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #everOpened = false;
  state: ConnectionState = 'closed';

  constructor(private readonly path: string) {
    super();
  }

  get lastSeq(): number | undefined {
    return this.#lastSeq;
  }

  /** Connects (once: a second call while connected or connecting does nothing). */
  start(): void {
    if (this.#socket || (!this.#stopped && this.#timer !== undefined)) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Disconnects and forgets the position: the next `start()` is a fresh session (e.g. another person). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(1000, 'bye');
    this.#lastSeq = undefined;
    this.#epoch = '';
    this.#everOpened = false;
    this.#attempt = 0;
    this.#setState('closed');
  }

  /** Resolves once the socket is open (the server then delivers every later event), or after `ms`. */
  opened(ms = 3000): Promise<void> {
    if (this.state === 'open') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.removeEventListener('connection', onChange);
        resolve();
      };
      const onChange = () => this.state === 'open' && done();
      const timer = setTimeout(done, ms);
      this.addEventListener('connection', onChange);
    });
  }

  /** Calls `listener` with the data of each `event` frame; returns the unsubscribe function. */
  on<T = unknown>(event: string, listener: (data: T, frame: Frame) => void): () => void {
    const handler = (e: Event) => {
      const frame = (e as CustomEvent<Frame>).detail;
      listener(frame.data as T, frame);
    };
    this.addEventListener(event, handler);
    return () => this.removeEventListener(event, handler);
  }

  send(event: string, data?: unknown): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify({ event, data }));
  }

  #connect(): void {
    this.#setState('connecting');
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const resume = this.#lastSeq !== undefined ? `&fromSeq=${this.#lastSeq}` : '';
    this.#timer = undefined;
    const query = `?epoch=${encodeURIComponent(this.#epoch)}${resume}`;
    const socket = new WebSocket(`${scheme}//${location.host}${this.path}${query}`);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      this.#setState('open');
      if (!resume && this.#everOpened) this.dispatchEvent(new Event('resync'));
      this.#everOpened = true;
    });
    socket.addEventListener('message', (message) => {
      if (this.#socket !== socket) return; // a socket this client already let go of
      let frame: Frame;
      try {
        frame = JSON.parse(String(message.data)) as Frame;
      } catch {
        return;
      }
      if (frame.event === 'welcome') {
        this.#epoch = String((frame.data as { epoch?: unknown } | null)?.epoch ?? '');
        return;
      }
      // The server cannot replay from our position (retention, a restored database): everything shown
      // is reloaded, and numbering starts over from what arrives next.
      if (frame.event === 'resync') this.#lastSeq = undefined;
      if (typeof frame.seq === 'number') {
        if (this.#lastSeq !== undefined && frame.seq <= this.#lastSeq) return; // replayed twice
        this.#lastSeq = frame.seq;
      }
      this.dispatchEvent(new CustomEvent(frame.event, { detail: frame }));
      // A review assigned to this user in someone else's channel: its events arrive wrapped
      // (`review:assigned` { event, payload }) and are handed to the same listeners as one's own.
      if (frame.event === 'review:assigned') {
        const inner = frame.data as { event?: unknown; payload?: unknown } | null;
        if (typeof inner?.event === 'string')
          this.dispatchEvent(
            new CustomEvent(inner.event, { detail: { ...frame, event: inner.event, data: inner.payload } }),
          );
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.#socket !== socket) return;
      // 1008: the server ended what this socket's credential opened (logout elsewhere, password change).
      if (event.code === 1008) this.dispatchEvent(new Event('revoked'));
      this.#socket = undefined;
      this.#setState('closed');
      if (this.#stopped) return;
      // Back off 0.5 s, 1 s, 2 s … up to 15 s, with jitter, so a restarted server is not stampeded.
      const delay = Math.min(15_000, 500 * 2 ** this.#attempt) * (0.75 + Math.random() / 2);
      this.#attempt++;
      this.#timer = setTimeout(() => this.#connect(), delay);
    });
  }

  #setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.dispatchEvent(new CustomEvent('connection', { detail: { event: 'connection', data: state } }));
  }
}
