import type { Frame } from './types.js';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/**
 * The native WebSocket protocol (`attachRealtime`), authenticated by the session cookie. Every event
 * carries a `seq`; after a reconnect the client sends `resume { fromSeq }` and the server replays what it
 * missed, then continues live. No polling: if a reconnect finds no seq to resume from, `resync` asks the
 * app to reload over REST once.
 */
export class Realtime extends EventTarget {
  #socket: WebSocket | undefined;
  #lastSeq: number | undefined;
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

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'bye');
    this.#socket = undefined;
    this.#setState('closed');
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
    const socket = new WebSocket(`${scheme}//${location.host}${this.path}`);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      this.#attempt = 0;
      this.#setState('open');
      if (this.#lastSeq !== undefined) this.send('resume', { fromSeq: this.#lastSeq });
      else if (this.#everOpened) this.dispatchEvent(new Event('resync'));
      this.#everOpened = true;
    });
    socket.addEventListener('message', (message) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(message.data)) as Frame;
      } catch {
        return;
      }
      if (typeof frame.seq === 'number') {
        if (this.#lastSeq !== undefined && frame.seq <= this.#lastSeq) return; // replayed twice
        this.#lastSeq = frame.seq;
      }
      this.dispatchEvent(new CustomEvent(frame.event, { detail: frame }));
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
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
