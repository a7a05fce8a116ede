import { type AskOptions, type AskResult, ask, MAX_POLL_MS, type WaitOptions, waitForAnswer } from './ask.js';
import { type FileApi, fileApi } from './files.js';
import {
  defaultSocketUrl,
  RealtimeLink,
  type RealtimeOptions,
  type WebSocketConstructor,
} from './realtime.js';
import { type ReceiptApi, receiptApi } from './receipts.js';
import { type RetryOptions, retryPolicy } from './retry.js';
import type { ResponseOf, ReviewRequest, ReviewResponse } from './review-builders.js';
import {
  type InputOf,
  type LocalShapes,
  type OperationId,
  type ResultOf,
  ROUTES,
  type RouteSpec,
  type Wire,
  type WireInput,
} from './routes.js';
import { openStream, type PlacetStream, type StreamOptions } from './stream.js';
import { type RetryMode, type SendInput, Transport } from './transport.js';

type Message = Wire<'Message'>;
type Channel = Wire<'Channel'>;

export interface ClientOptions {
  /**
   * Where the API is: a server's origin (`https://placet.example.com`, the API is then at `/api/v1`), or
   * the full base URL of an API mounted elsewhere (`https://app.example.com/hitl/api/v1`).
   */
  url: string;
  /** The agent's API key (`hp_…`), sent as `x-api-key`. */
  apiKey: string;
  /** Default: the global `fetch` (Node >= 20, browsers). Pass one for a proxy, custom agent or tests. */
  fetch?: typeof fetch;
  /** Headers sent with every request (never overriding `x-api-key`). */
  headers?: Record<string, string>;
  /** Retries of transient failures (no answer, 429, 502/503/504): see {@link RetryOptions}. */
  retry?: RetryOptions;
  /** The longest single long-poll of a wait, in ms (1000–30000, default 30000: the server's maximum). */
  pollTimeoutMs?: number;
  /**
   * Waits are woken over the server's WebSocket (`@placet/ws`), with the long-poll as the fallback while
   * the socket is down. Default: on where a global `WebSocket` exists (browsers, Node ≥ 22); on Node 20
   * pass the `ws` package's: `realtime: { WebSocket }`. `false`: long-poll only. A server without a
   * WebSocket endpoint costs three failed attempts, then the client long-polls.
   */
  realtime?: false | RealtimeOptions;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Whether a transient failure is retried: `safe` (the default for GET, PUT, PATCH and DELETE) tries up
   * to `retry.attempts` times; `never` (the default for POST, which may not be idempotent) tries once.
   */
  retry?: RetryMode;
  headers?: Record<string, string>;
}

type CallArgs<K extends OperationId> =
  object extends InputOf<K>
    ? [input?: InputOf<K>, options?: CallOptions]
    : [input: InputOf<K>, options?: CallOptions];

/** A list capped by the server, with the cursor of the next page (`null` at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PlacetClient {
  /** The API's base URL requests go to. */
  readonly baseUrl: string;
  /** Any agent operation by its `operationId`, typed from the contract (`call('getAgent', { params: { id } })`). */
  call<K extends OperationId>(operation: K, ...args: CallArgs<K>): Promise<ResultOf<K>>;
  /** Asks a human and waits for the answer; see {@link AskOptions}. */
  ask<V extends ReviewRequest>(channelId: string, options: AskOptions<V>): Promise<AskResult<ResponseOf<V>>>;
  /** A reply that grows in place (append, step, finish, abort). */
  stream(channelId: string, options?: StreamOptions): PlacetStream;
  /** Reports the agent's status (`POST /status/ping`): the heartbeat that keeps a channel from going offline. */
  heartbeat(
    channelId: string,
    status?: Wire<'AgentStatus'>,
    options?: { message?: string } & CallOptions,
  ): Promise<Channel>;
  readonly channels: ChannelApi;
  readonly messages: MessageApi;
  readonly reviews: ReviewApi;
  readonly files: FileApi;
  readonly receipts: ReceiptApi;
  readonly plugins: {
    list(options?: CallOptions): Promise<Wire<'PluginManifest'>[]>;
    get(name: string, options?: CallOptions): Promise<Wire<'PluginManifest'>>;
  };
  /** Closes the WebSocket if one is open (it also closes by itself a few seconds after the last wait). */
  close(): void;
}

/** Channels (the API's "agents"). */
export interface ChannelApi {
  list(options?: CallOptions): Promise<Wire<'AgentListItem'>[]>;
  create(body: WireInput<'ChannelCreate'>, options?: CallOptions): Promise<Channel>;
  get(id: string, options?: CallOptions): Promise<Channel>;
  update(id: string, body: WireInput<'ChannelUpdate'>, options?: CallOptions): Promise<Channel>;
  delete(id: string, options?: CallOptions): Promise<Wire<'DeleteResult'>>;
  setWebhook(body: WireInput<'SetWebhook'>, options?: CallOptions): Promise<Wire<'ChannelWithSecret'>>;
  deleteWebhook(channelId: string, options?: CallOptions): Promise<Channel>;
  setTag(channelId: string, tag: string | null, options?: CallOptions): Promise<Channel>;
  setSubagent(body: WireInput<'SetSubagent'>, options?: CallOptions): Promise<Channel>;
  rotateWebhookSecret(id: string, options?: CallOptions): Promise<Wire<'WebhookSecret'>>;
  setCommands(id: string, body: WireInput<'ChannelCommands'>, options?: CallOptions): Promise<Channel>;
  statusHistory(
    id: string,
    query?: WireInput<'StatusHistoryQuery'>,
    options?: CallOptions,
  ): Promise<Wire<'StatusHistoryEntry'>[]>;
}

export interface MessageApi {
  /** `POST /messages`. With a `clientId` it is idempotent, and retried on transient failures. */
  send(body: WireInput<'MessageCreate'>, options?: CallOptions): Promise<Message>;
  list(query: WireInput<'MessageListQuery'>, options?: CallOptions): Promise<Wire<'MessagePage'>>;
  get(id: string, channelId: string, options?: CallOptions): Promise<Message>;
  delete(id: string, channelId: string, options?: CallOptions): Promise<Wire<'DeleteResult'>>;
  /** Marks a human's message as received by the agent. */
  ack(id: string, channelId: string, options?: CallOptions): Promise<Wire<'AckResult'>>;
  iterations(id: string, channelId: string, options?: CallOptions): Promise<Wire<'IterationChain'>>;
}

export interface ReviewApi {
  /** Messages with a pending review (all channels, or `channel`), a capped page at a time. */
  pending(query?: LocalShapes['PendingQuery'], options?: CallOptions): Promise<Page<Message>>;
  /** The message of a review (with `review.status`, `response`, …). */
  get(id: string, channelId: string, options?: CallOptions): Promise<Message>;
  /**
   * Waits for the answer to an existing review (resume an `ask()` from its message id): long-polls until
   * it is answered or expires, through timeouts, restarts and network failures.
   */
  wait<R = ReviewResponse>(id: string, channelId: string, options?: WaitOptions): Promise<AskResult<R>>;
}

/** The API's base URL from `url`: an origin gets `/api/v1`; a URL with a path is kept as it is. */
export function apiBaseUrl(url: string): string {
  const parsed = new URL(url);
  const path = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.origin}${path === '' ? '/api/v1' : path}`;
}

const SAFE_METHODS = new Set(['get', 'put', 'patch', 'delete']);

/** The socket the waits of a client share, or undefined when it long-polls only. */
function realtimeLink(options: ClientOptions, apiBase: string): RealtimeLink | undefined {
  if (options.realtime === false) return undefined;
  const global = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  const WebSocket = options.realtime?.WebSocket ?? global;
  if (!WebSocket) return undefined;
  return new RealtimeLink({
    url: options.realtime?.url ?? defaultSocketUrl(apiBase),
    apiKey: options.apiKey,
    WebSocket,
    // Only a browser's WebSocket cannot send headers (Node's global one, undici's, can).
    keyInUrl:
      WebSocket === global &&
      !(globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node,
  });
}

/** A client for one API key: `createClient({ url, apiKey })`. */
export function createClient(options: ClientOptions): PlacetClient {
  if (!options.apiKey) throw new TypeError('createClient: apiKey is required');
  const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!fetchImpl) throw new TypeError('createClient: no global fetch; pass options.fetch');
  const pollTimeoutMs = Math.min(
    MAX_POLL_MS,
    Math.max(1000, Math.floor(options.pollTimeoutMs ?? MAX_POLL_MS)),
  );
  const transport = new Transport({
    baseUrl: apiBaseUrl(options.url),
    apiKey: options.apiKey,
    fetch: fetchImpl,
    headers: { ...options.headers },
    retry: retryPolicy(options.retry),
  });
  const link = realtimeLink(options, transport.config.baseUrl);
  const waitSettings = { pollTimeoutMs, link };

  function call<K extends OperationId>(operation: K, ...args: CallArgs<K>): Promise<ResultOf<K>> {
    const route: RouteSpec = ROUTES[operation];
    const [input = {}, callOptions = {}] = args as [SendInput?, CallOptions?];
    const sendOptions = {
      retry: callOptions.retry ?? (SAFE_METHODS.has(route.method) ? 'safe' : 'never'),
      ...(callOptions.signal ? { signal: callOptions.signal } : {}),
      ...(callOptions.headers ? { headers: callOptions.headers } : {}),
    } as const;
    if (route.binary) return transport.send(route, input, sendOptions) as Promise<ResultOf<K>>;
    return transport.json<ResultOf<K>>(route, input, sendOptions);
  }

  /** A capped bare-array list and the cursor its `Link: rel="next"` names. */
  async function page<T>(
    route: RouteSpec,
    query: Record<string, unknown>,
    o: CallOptions = {},
  ): Promise<Page<T>> {
    const response = await transport.send(
      route,
      { query },
      { retry: o.retry ?? 'safe', ...(o.signal ? { signal: o.signal } : {}) },
    );
    const items = (await response.json()) as T[];
    const link = /<([^>]*)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '');
    const nextCursor = link?.[1]
      ? new URL(link[1], transport.config.baseUrl).searchParams.get('cursor')
      : null;
    return { items, nextCursor };
  }

  const channels: ChannelApi = {
    list: (o) => call('listAgents', {}, o),
    create: (body, o) => call('createAgent', { body }, o),
    get: (id, o) => call('getAgent', { params: { id } }, o),
    update: (id, body, o) => call('updateAgent', { params: { id }, body }, o),
    delete: (id, o) => call('deleteAgent', { params: { id } }, o),
    setWebhook: (body, o) => call('setWebhook', { body }, o),
    deleteWebhook: (channelId, o) => call('deleteWebhook', { body: { channelId } }, o),
    setTag: (channelId, tag, o) => call('setTag', { body: { channelId, tag } }, o),
    setSubagent: (body, o) => call('setSubagent', { body }, o),
    rotateWebhookSecret: (id, o) => call('rotateWebhookSecret', { params: { id } }, o),
    setCommands: (id, body, o) => call('setAgentCommands', { params: { id }, body }, o),
    statusHistory: (id, query = {}, o) => call('getAgentStatusHistory', { params: { id }, query }, o),
  };

  const messages: MessageApi = {
    send: (body, o = {}) =>
      call('createMessage', { body }, { retry: body.clientId || body.streamId ? 'safe' : 'never', ...o }),
    list: (query, o) => call('listMessages', { query }, o),
    get: (id, channel, o) => call('getMessage', { params: { id }, query: { channel } }, o),
    delete: (id, channel, o) => call('deleteMessage', { params: { id }, query: { channel } }, o),
    // Acknowledging twice is harmless: safe to retry.
    ack: (id, channel, o = {}) =>
      call('ackMessage', { params: { id }, query: { channel } }, { retry: 'safe', ...o }),
    iterations: (id, channel, o) => call('getMessageIterations', { params: { id }, query: { channel } }, o),
  };

  const reviews: ReviewApi = {
    pending: (query = {}, o) => page<Message>(ROUTES.listPendingReviews, query, o),
    get: (id, channel, o) => call('getReview', { params: { id }, query: { channel } }, o),
    wait: (id, channelId, o = {}) => waitForAnswer(transport, id, channelId, { ...o, ...waitSettings }),
  };

  return {
    baseUrl: transport.config.baseUrl,
    call,
    ask: (channelId, askOptions) => ask(transport, channelId, askOptions, waitSettings),
    close: () => link?.close(),
    stream: (channelId, streamOptions) => openStream(transport, channelId, streamOptions),
    heartbeat: (channelId, status = 'active', o = {}) => {
      const { message, ...rest } = o;
      const body = { agentId: channelId, status, ...(message === undefined ? {} : { message }) };
      // Reporting the same status again changes nothing: safe to retry.
      return call('statusPing', { body }, { retry: 'safe', ...rest });
    },
    channels,
    messages,
    reviews,
    files: fileApi(call, page),
    receipts: receiptApi(call),
    plugins: {
      list: (o) => call('listPlugins', {}, o),
      get: (name, o) => call('getPlugin', { params: { name } }, o),
    },
  };
}

export type Call = PlacetClient['call'];
export type PageOf = <T>(
  route: RouteSpec,
  query: Record<string, unknown>,
  o?: CallOptions,
) => Promise<Page<T>>;
