import type * as Contract from '@placet/core/contract';
import type { z } from '@placet/core/contract';

/**
 * The agent operations of the `/api/v1` API: method, path, and the names of the contract schemas
 * (`@placet/core/contract`) of their query, body and success answer. The client's request and answer
 * types are derived from those schemas (`z.input` of what is sent, `z.output` of what comes back);
 * nothing here restates a wire shape. Only the names are kept at run time, so the browser bundle carries
 * no schema. `test/routes.test.ts` checks every entry against the core's operation table (`OPERATIONS`:
 * same method, path and — by identity — the same schemas), so a change of the table fails the client's
 * tests instead of drifting.
 */

/** The contract's schemas, by export name. */
type Schemas = {
  [K in keyof typeof Contract as (typeof Contract)[K] extends z.ZodType ? K : never]: (typeof Contract)[K];
};
/** The name of a schema of `@placet/core/contract`. */
export type SchemaName = keyof Schemas & string;

/**
 * Three queries and multipart field sets of the table are declared next to it, not in the contract:
 * their types are here, and the test checks their keys against the table. (Moving them into the contract
 * would let this list go: see the package README.)
 */
export interface LocalShapes {
  /** `GET /reviews/pending`. */
  PendingQuery: { channel?: string; cursor?: string };
  /** `GET /files`. */
  FileListQuery: { channel: string; cursor?: string; limit?: string | number };
  /** `POST /files/store` (multipart). */
  FileStoreFields: { channelId: string };
  /** `GET /agents/:id/avatar`: the avatar version of its URL (any value is taken). */
  AvatarQuery: { v?: string };
}
type LocalName = keyof LocalShapes;

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec {
  readonly method: HttpMethod;
  /** Relative to the API's base URL, `:name` for parameters. */
  readonly path: string;
  readonly query?: SchemaName | LocalName;
  /** A JSON body. */
  readonly body?: SchemaName;
  /** The text fields of a `multipart/form-data` body with one `file`. */
  readonly fields?: SchemaName | LocalName;
  /** The JSON answer; absent for a binary one. */
  readonly result?: SchemaName;
  /** The answer is an array of `result` (capped lists send `Link: rel="next"`). */
  readonly list?: boolean;
  /** The answer is bytes (a file download). */
  readonly binary?: boolean;
}

export const ROUTES = {
  // Channels ("agents")
  listAgents: { method: 'get', path: '/agents', result: 'AgentListItem', list: true },
  createAgent: { method: 'post', path: '/agents', body: 'ChannelCreate', result: 'Channel' },
  getAgent: { method: 'get', path: '/agents/:id', result: 'Channel' },
  updateAgent: { method: 'patch', path: '/agents/:id', body: 'ChannelUpdate', result: 'Channel' },
  getAgentAvatar: { method: 'get', path: '/agents/:id/avatar', query: 'AvatarQuery', binary: true },
  deleteAgent: { method: 'delete', path: '/agents/:id', result: 'DeleteResult' },
  setWebhook: { method: 'post', path: '/agents/setWebhook', body: 'SetWebhook', result: 'ChannelWithSecret' },
  deleteWebhook: { method: 'post', path: '/agents/deleteWebhook', body: 'DeleteWebhook', result: 'Channel' },
  setTag: { method: 'post', path: '/agents/setTag', body: 'SetTag', result: 'Channel' },
  setSubagent: { method: 'post', path: '/agents/setSubagent', body: 'SetSubagent', result: 'Channel' },
  rotateWebhookSecret: { method: 'post', path: '/agents/:id/webhook-secret/rotate', result: 'WebhookSecret' },
  setAgentCommands: {
    method: 'put',
    path: '/agents/:id/commands',
    body: 'ChannelCommands',
    result: 'Channel',
  },
  getAgentStatusHistory: {
    method: 'get',
    path: '/agents/:id/status-history',
    query: 'StatusHistoryQuery',
    result: 'StatusHistoryEntry',
    list: true,
  },
  // Messages
  createMessage: { method: 'post', path: '/messages', body: 'MessageCreate', result: 'Message' },
  listMessages: { method: 'get', path: '/messages', query: 'MessageListQuery', result: 'MessagePage' },
  getMessageIterations: {
    method: 'get',
    path: '/messages/iterations/:id',
    query: 'ChannelQuery',
    result: 'IterationChain',
  },
  getMessage: { method: 'get', path: '/messages/:id', query: 'ChannelQuery', result: 'Message' },
  deleteMessage: { method: 'delete', path: '/messages/:id', query: 'ChannelQuery', result: 'DeleteResult' },
  ackMessage: { method: 'post', path: '/messages/:id/ack', query: 'ChannelQuery', result: 'AckResult' },
  // Streams
  patchStream: {
    method: 'patch',
    path: '/messages/streams/:streamId',
    body: 'StreamPatch',
    result: 'Message',
  },
  addStreamStatus: {
    method: 'post',
    path: '/messages/streams/:streamId/status',
    body: 'StatusStepCreate',
    result: 'StatusEvent',
  },
  // Reviews
  listPendingReviews: {
    method: 'get',
    path: '/reviews/pending',
    query: 'PendingQuery',
    result: 'Message',
    list: true,
  },
  waitForReview: { method: 'get', path: '/reviews/:id/wait', query: 'WaitQuery', result: 'WaitResult' },
  getReview: { method: 'get', path: '/reviews/:id', query: 'ReviewQuery', result: 'Message' },
  // Receipts
  getReviewReceipt: {
    method: 'get',
    path: '/reviews/:id/receipt',
    query: 'ChannelQuery',
    result: 'ReviewReceipt',
  },
  getReceiptJwks: { method: 'get', path: '/receipts/jwks.json', result: 'ReceiptJwks' },
  // Files
  listFiles: { method: 'get', path: '/files', query: 'FileListQuery', result: 'Attachment', list: true },
  uploadFile: { method: 'post', path: '/files/upload', fields: 'FileUploadFields', result: 'Attachment' },
  storeFile: { method: 'post', path: '/files/store', fields: 'FileStoreFields', result: 'Attachment' },
  storeTextFile: { method: 'post', path: '/files/store-text', body: 'StoreText', result: 'Attachment' },
  downloadFile: { method: 'get', path: '/files/:id/download', binary: true },
  // Status
  statusPing: { method: 'post', path: '/status/ping', body: 'StatusPing', result: 'Channel' },
  // Plugins
  listPlugins: { method: 'get', path: '/plugins', result: 'PluginManifest', list: true },
  getPlugin: { method: 'get', path: '/plugins/:name', result: 'PluginManifest' },
} as const satisfies Record<string, RouteSpec>;

export type Routes = typeof ROUTES;
/** The `operationId` of an agent operation. */
export type OperationId = keyof Routes;

type InputOfName<N> = N extends SchemaName
  ? z.input<Schemas[N]>
  : N extends LocalName
    ? LocalShapes[N]
    : never;
type OutputOfName<N> = N extends SchemaName ? z.output<Schemas[N]> : never;

/** `{ id: string }` for `/agents/:id`. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : unknown;

type Part<K extends string, T> = [T] extends [never]
  ? unknown
  : Partial<T> extends T
    ? { [P in K]?: T }
    : { [P in K]: T };

/** What `call(operation, input)` takes: `params` of the path, `query`, a JSON `body`, or `fields` and a `file`. */
export type InputOf<K extends OperationId> = (Routes[K]['path'] extends `${string}:${string}`
  ? { params: PathParams<Routes[K]['path']> }
  : unknown) &
  Part<'query', Routes[K] extends { query: infer Q } ? InputOfName<Q> : never> &
  Part<'body', Routes[K] extends { body: infer B } ? InputOfName<B> : never> &
  (Routes[K] extends { fields: infer F }
    ? { fields: InputOfName<F>; file: FileInput; filename?: string }
    : unknown);

/** What a successful `call(operation)` resolves to: the output of its success schema, or the `Response` of a download. */
export type ResultOf<K extends OperationId> = Routes[K] extends { binary: true }
  ? Response
  : Routes[K] extends { result: infer R; list: true }
    ? OutputOfName<R>[]
    : Routes[K] extends { result: infer R }
      ? OutputOfName<R>
      : never;

/** A file to upload: a `Blob`/`File`, bytes, or text. */
export type FileInput = Blob | ArrayBuffer | ArrayBufferView | string;

/** The JSON output type of contract schema `N` (`Wire<'Message'>`). */
export type Wire<N extends SchemaName> = z.output<Schemas[N]>;
/** The JSON input type of contract schema `N` (`WireInput<'MessageCreate'>`). */
export type WireInput<N extends SchemaName> = z.input<Schemas[N]>;
