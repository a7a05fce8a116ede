/**
 * Wake-ups over the WebSocket: the native protocol of `@placet/ws` (`/ws`, JSON frames `{ event, data,
 * seq }`). One socket per client, opened while a wait needs it and shared by every wait; each wait's
 * channel is subscribed, and the events that end a review (`review:responded`, `review:expired`,
 * `message:deleted`) wake the waits of that message. The socket only says *when* to look: the answer is
 * always read over HTTP, so a duplicated frame cannot change what `ask()` returns, and a missed one only
 * delays it: a wait reads the review again after a long-poll's time of silence, and on `resync`.
 */

/** The part of a WebSocket the client uses: the browser's (and Node ≥ 22's) global, or the `ws` package's. */
// biome-ignore-start lint/suspicious/noExplicitAny: each implementation types its events its own way.
export interface WebSocketLike {
  onopen: ((event: any) => void) | null;
  onmessage: ((event: any) => void) | null;
  onclose: ((event: any) => void) | null;
  onerror: ((event: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: `globalThis.WebSocket`, or `WebSocket` of the `ws` package (Node 20). */
export type WebSocketConstructor = new (...args: any[]) => WebSocketLike;
// biome-ignore-end lint/suspicious/noExplicitAny: each implementation types its events its own way.

/** How the client reaches the server's WebSocket (`createClient({ realtime })`). */
export interface RealtimeOptions {
  /**
   * The constructor. Default: the global `WebSocket` (browsers, Node ≥ 22). On Node 20 pass the `ws`
   * package's (`import WebSocket from 'ws'`). In Node the key goes in the `x-api-key` header; a browser's
   * WebSocket cannot send headers, so there it goes in the URL (`?apiKey=`, which the server's logs redact).
   */
  WebSocket?: WebSocketConstructor;
  /** The native endpoint. Default: `/ws` beside the API (`https://host/api/v1` → `wss://host/ws`). */
  url?: string;
}

/** What ends a wait on the socket: a frame about its message, or the socket going away. */
export type Wake = 'event' | 'down';

const WAKING = new Set(['review:responded', 'review:expired', 'message:deleted']);
/** Time to open the socket and subscribe before the wait falls back to the long-poll. */
const READY_TIMEOUT_MS = 10_000;
/** A ping this often; a socket silent for two of them is dead. */
const PING_MS = 25_000;
/** An idle socket (no wait) stays open this long, for the next `ask()`. */
const LINGER_MS = 5_000;
/** Failed opens in a row, without ever opening, after which the client stops trying (no `/ws` there). */
const MAX_FAILED_OPENS = 3;

/** The default WebSocket URL of an API base URL: `/ws` beside `/api/v1`. */
export function defaultSocketUrl(apiBase: string): string {
  const url = new URL(apiBase);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/api\/v1\/?$/, '').replace(/\/+$/, '')}/ws`;
  return url.href;
}

interface Watcher {
  messageId: string;
  channelId: string;
  wake: (why: Wake) => void;
  ready: (subscribed: boolean) => void;
}

/** A wait's hold on the socket. */
export interface Watch {
  /** True once the channel is subscribed; false when the socket cannot be used now (long-poll instead). */
  readonly ready: Promise<boolean>;
  /** Resolves with the first wake-up after `ready`. */
  readonly woken: Promise<Wake>;
  /** Releases the hold (the socket closes a moment after the last one). */
  stop(): void;
}

export class RealtimeLink {
  #socket: WebSocketLike | undefined;
  #open = false;
  #everOpened = false;
  #failedOpens = 0;
  readonly #watchers = new Set<Watcher>();
  /** Channels asked for on this socket, and those the server confirmed. */
  readonly #subscribed = new Set<string>();
  readonly #confirmed = new Set<string>();
  #ping: ReturnType<typeof setInterval> | undefined;
  #linger: ReturnType<typeof setTimeout> | undefined;
  #lastFrame = 0;

  constructor(
    private readonly config: {
      url: string;
      apiKey: string;
      WebSocket: WebSocketConstructor;
      /** The key in the URL: a browser's WebSocket cannot send headers. */
      keyInUrl: boolean;
    },
  ) {}

  /** Whether the socket may still be tried (it opened once, or has not failed too often). */
  get usable(): boolean {
    return this.#everOpened || this.#failedOpens < MAX_FAILED_OPENS;
  }

  watch(channelId: string, messageId: string): Watch {
    let ready!: (subscribed: boolean) => void;
    let wake!: (why: Wake) => void;
    const readyP = new Promise<boolean>((resolve) => {
      ready = resolve;
    });
    const wokenP = new Promise<Wake>((resolve) => {
      wake = resolve;
    });
    const watcher: Watcher = { messageId, channelId, wake, ready };
    const timer = setTimeout(() => {
      // Not open in time (a proxy that swallows upgrades): a failed open, and the wait long-polls.
      if (this.#socket && !this.#open) this.#abandon();
      ready(false);
    }, READY_TIMEOUT_MS);
    readyP.then(() => clearTimeout(timer));
    if (!this.usable) ready(false);
    else {
      this.#watchers.add(watcher);
      if (this.#linger) clearTimeout(this.#linger);
      this.#linger = undefined;
      this.#ensure(channelId, watcher);
    }
    return {
      ready: readyP,
      woken: wokenP,
      stop: () => {
        clearTimeout(timer);
        this.#watchers.delete(watcher);
        if (this.#watchers.size === 0 && this.#socket && !this.#linger) {
          this.#linger = setTimeout(() => this.close(), LINGER_MS);
          (this.#linger as { unref?: () => void }).unref?.();
        }
      },
    };
  }

  /** Closes the socket; waits on it fall back to the long-poll. */
  close(): void {
    if (this.#linger) clearTimeout(this.#linger);
    this.#linger = undefined;
    const socket = this.#socket;
    if (!socket) return;
    if (!this.#open) this.#failedOpens++;
    this.#detach();
    socket.close(1000, 'done');
    for (const watcher of this.#watchers) {
      watcher.ready(false);
      watcher.wake('down');
    }
  }

  /** Gives up on a socket that did not open in time: counted as a failed open. */
  #abandon(): void {
    const socket = this.#socket;
    this.#failedOpens++;
    this.#detach();
    socket?.close();
    for (const watcher of this.#watchers) watcher.ready(false);
  }

  #ensure(channelId: string, watcher: Watcher): void {
    if (!this.#socket) this.#connect();
    else if (this.#open) this.#subscribe(channelId, watcher);
  }

  #subscribe(channelId: string, watcher?: Watcher): void {
    if (this.#confirmed.has(channelId)) watcher?.ready(true);
    // Asked for already: its `subscribed` frame readies this watcher too.
    if (this.#subscribed.has(channelId)) return;
    this.#subscribed.add(channelId);
    this.#socket?.send(JSON.stringify({ event: 'subscribe:channel', data: channelId }));
  }

  #connect(): void {
    const { url, apiKey, keyInUrl } = this.config;
    let socket: WebSocketLike;
    try {
      socket = keyInUrl
        ? new this.config.WebSocket(
            `${url}${url.includes('?') ? '&' : '?'}apiKey=${encodeURIComponent(apiKey)}`,
          )
        : new this.config.WebSocket(url, { headers: { 'x-api-key': apiKey } });
    } catch {
      this.#failedOpens++;
      for (const watcher of this.#watchers) watcher.ready(false);
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      this.#open = true;
      this.#everOpened = true;
      this.#failedOpens = 0;
      this.#lastFrame = Date.now();
      this.#ping = setInterval(() => this.#keepAlive(), PING_MS);
      (this.#ping as { unref?: () => void }).unref?.();
      for (const channelId of new Set([...this.#watchers].map((w) => w.channelId)))
        this.#subscribe(channelId);
    };
    socket.onmessage = (event: { data: unknown }) => this.#frame(event.data);
    socket.onerror = () => {
      // The close that follows tells the waits.
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      if (!this.#open) this.#failedOpens++;
      this.#detach();
      for (const watcher of this.#watchers) {
        watcher.ready(false);
        watcher.wake('down');
      }
    };
  }

  #keepAlive(): void {
    if (Date.now() - this.#lastFrame > 2 * PING_MS) {
      // No pong for two pings: a dead connection that never closed.
      this.#socket?.close(4000, 'no pong');
      this.#socket?.onclose?.({});
      return;
    }
    this.#socket?.send(JSON.stringify({ event: 'ping', data: null }));
  }

  #frame(raw: unknown): void {
    this.#lastFrame = Date.now();
    let frame: { event?: unknown; data?: Record<string, unknown> | null };
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : String(raw));
    } catch {
      return;
    }
    const event = typeof frame.event === 'string' ? frame.event : '';
    const data = frame.data ?? {};
    if (event === 'subscribed' || (event === 'error' && data.event === 'subscribe:channel')) {
      const ok = event === 'subscribed';
      if (ok) this.#confirmed.add(String(data.channelId));
      else this.#subscribed.delete(String(data.channelId));
      for (const watcher of this.#watchers) if (watcher.channelId === data.channelId) watcher.ready(ok);
      return;
    }
    if (event === 'resync') {
      // The server could not replay what this socket missed: any review may have changed. Read again.
      for (const watcher of this.#watchers) watcher.wake('event');
      return;
    }
    if (!WAKING.has(event)) return;
    // A review event carries its message (`id`); a deletion `{ messageId, channelId }`.
    const messageId =
      event === 'message:deleted' ? (data.messageId ?? data.id) : (data.id ?? data.message_id);
    for (const watcher of this.#watchers) if (watcher.messageId === messageId) watcher.wake('event');
  }

  #detach(): void {
    if (this.#ping) clearInterval(this.#ping);
    this.#ping = undefined;
    this.#socket = undefined;
    this.#open = false;
    this.#subscribed.clear();
    this.#confirmed.clear();
  }
}
