import type { z } from 'zod';
import type { Principal, UserPrincipal } from '../domain/principal.js';
import type { ErrorCode } from '../errors/codes.js';
import type { Placet } from '../placet.js';
import type { WaitSlots } from './wait-slots.js';

/**
 * An HTTP operation, defined once and framework-free (the idea of tRPC's procedures): method, path, who may
 * call it, the zod schemas of its input and output, its status code, the error codes it may answer, and
 * its handler over the facade. The Express router, the OpenAPI document and the test endpoint matrix are
 * all made from the table of these (`OPERATIONS`); an HTTP adapter only maps requests and replies.
 */

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call: `apiKey` an agent's key (`x-api-key` or `Authorization: Bearer hp_…`), `user` a signed-in
 * human (the host's authentication, e.g. a session cookie), `either` both, `public` anyone.
 */
export type Auth = 'apiKey' | 'user' | 'either' | 'public';

/** A schema of the contract under the name it gets in the OpenAPI document's `components.schemas`. */
export interface NamedSchema<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
}

export const named = <S extends z.ZodType>(name: string, schema: S): NamedSchema<S> => ({ name, schema });

/** What the operation answers when it succeeds. */
export type Success<S extends z.ZodType = z.ZodType> =
  | {
      readonly kind: 'json';
      readonly status: 200 | 201;
      readonly description: string;
      readonly schema: NamedSchema<S>;
      /** The body is an array of `schema`. */
      readonly list?: boolean;
      /** Capped bare-array lists send `Link: <…>; rel="next"` when there is more. */
      readonly linkHeader?: boolean;
    }
  | {
      /** The file's bytes, with `Range` support (200, 206 and 416) unless `ranges` is false. */
      readonly kind: 'binary';
      readonly description: string;
      /** `false`: the whole body only (200), no `Range`. Default `true`. */
      readonly ranges?: boolean;
      /** The media types the body may have (`image/png`, …); `application/octet-stream` when omitted. */
      readonly mediaTypes?: readonly string[];
    }
  | {
      /** JavaScript source (an ES module). */
      readonly kind: 'script';
      readonly description: string;
    }
  | {
      /** Text in one of `mediaTypes` (an export: NDJSON, CSV), sent as a download. */
      readonly kind: 'text';
      readonly description: string;
      /** Each media type the operation may answer with, and what it holds. */
      readonly mediaTypes: Readonly<Record<string, string>>;
      /** A capped export sends `Link: <…>; rel="next"` when there is more. */
      readonly linkHeader?: boolean;
    }
  | {
      /** A web page (`htmlPage()`): a confirmation page a link in an e-mail opens, for example. */
      readonly kind: 'html';
      readonly description: string;
    }
  | {
      /** Validated, then always refused: the operation exists in the original API only. */
      readonly kind: 'notImplemented';
      readonly description: string;
    };

/**
 * The request body: JSON, `multipart/form-data` with text fields and one binary `file`, or `raw`: the
 * body's bytes exactly as sent, unparsed (a request whose signature covers its bytes, such as a Slack
 * interactivity request or a provider's webhook), in one of `mediaTypes`, at most `maxBytes` long.
 */
export type RequestBody<S extends z.ZodType = z.ZodType> =
  | { readonly kind: 'json'; readonly schema: NamedSchema<S>; readonly required?: boolean }
  | {
      readonly kind: 'multipart';
      readonly fields: z.ZodObject;
      readonly file: string;
      /** The path parameter that names the file's channel (`id` of `/agents/:id/avatar`), instead of a `channelId` field. */
      readonly channelParam?: string;
    }
  | {
      readonly kind: 'raw';
      /** Each media type the operation takes (`application/x-www-form-urlencoded`), and what it holds. */
      readonly mediaTypes: Readonly<Record<string, string>>;
      /** The largest body taken (bytes), below the adapter's own limit; 1 MiB when omitted. */
      readonly maxBytes?: number;
    };

/** The body of a `raw` operation as the handler gets it: the bytes as sent, and their media type. */
export interface RawBody {
  /** The body exactly as received (empty without one). */
  readonly bytes: Uint8Array;
  /** The `Content-Type` without parameters, lower-case (`application/x-www-form-urlencoded`). */
  readonly mediaType: string;
  /** The bytes as UTF-8 text. */
  text(): string;
}

/** The largest raw body when an operation names no `maxBytes`: 1 MiB. */
export const DEFAULT_RAW_BODY_BYTES = 1024 * 1024;

/** One uploaded file of a multipart operation, handed over as soon as its channel is known. */
export interface UploadInput {
  channelId: string;
  filename: string;
  mimeType: string;
  body: AsyncIterable<Uint8Array>;
  /** The size limit the FileStore enforces while it reads `body`. */
  maxBytes: number;
  /** The `text` field, when the client sent it. */
  text?: string;
}

/** What an HTTP adapter knows of a request, in framework-free terms. */
export interface OperationRequest {
  /** The authenticated caller (`undefined` only for public operations). */
  readonly principal: Principal | undefined;
  /** The values of the path's `:params`, decoded. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string as parsed by the adapter (string values, arrays for repeated keys). */
  readonly query: unknown;
  /**
   * The JSON body (undefined without one), the file of a multipart operation, or the bytes of a `raw`
   * one (a `Uint8Array`, undefined without a body): the adapter never parses a raw body.
   */
  readonly body: unknown;
  /** A request header, by lower-case name. */
  header(name: string): string | undefined;
  /** Where the API is mounted (`/api/v1`): links and the OpenAPI server URL are made from it. */
  readonly baseUrl: string;
  /** Aborted when the client goes away (a long-poll then stops waiting). */
  readonly signal: AbortSignal;
}

/** Per-mount state and limits an adapter passes to every handler (see `createOperationEnv`). */
export interface OperationEnv {
  /** Most items in a bare-array list (`/reviews/pending`, `/files`). */
  readonly listCap: number;
  /** The long-polls held open at once, per API key and per user. */
  readonly waits: WaitSlots;
  /** Largest uploaded file this mount accepts (bytes); unset: the engine's `maxFileBytes`. */
  readonly fileBytes?: number;
}

/** What a handler gets: the facade, the checked caller and the parsed input. */
export interface OperationCall<P, Q, B> {
  readonly placet: Placet;
  readonly principal: P;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Q;
  readonly body: B;
  readonly request: OperationRequest;
  readonly env: OperationEnv;
}

const REPLY = Symbol.for('@placet/core:Reply');

/**
 * A reply with more than a JSON body of the success status: headers, another status, a byte stream, or
 * the query of the next page (an adapter turns `next` into `Link: <…>; rel="next"` on the same path).
 */
export interface Reply {
  readonly [REPLY]: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON body. */
  readonly json?: unknown;
  /** A body of bytes (a file, a script). */
  readonly stream?: AsyncIterable<Uint8Array>;
  /** The query of the next page of a capped list. */
  readonly next?: Readonly<Record<string, string>>;
}

export function reply(
  init: Omit<Reply, typeof REPLY | 'headers'> & { headers?: Record<string, string> },
): Reply {
  return { [REPLY]: true, headers: {}, ...init };
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[REPLY] === true;
}

/**
 * A page of HTML for an `html` operation: UTF-8, never cached, and locked down: no script runs, nothing
 * is loaded from elsewhere, no other site may frame it, a form posts only back to this server. Styles
 * inline in the page work (`<style>`).
 */
export function htmlPage(
  html: string,
  init: { status?: number; headers?: Record<string, string> } = {},
): Reply {
  const bytes = new TextEncoder().encode(html);
  return reply({
    status: init.status ?? 200,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': String(bytes.byteLength),
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      ...init.headers,
    },
    stream: (async function* () {
      yield bytes;
    })(),
  });
}

/** What an operation's handler gets as `call.principal`: none when public, a human for `user`. */
export type PrincipalOf<A extends Auth> = A extends 'public'
  ? undefined
  : A extends 'user'
    ? UserPrincipal
    : Principal;
/** `call.query`: the parsed query string. */
export type QueryOf<Q> = Q extends z.ZodType ? z.output<Q> : undefined;
/** `call.body`: the parsed JSON body, the upload of a multipart one, or the bytes of a raw one. */
export type BodyOf<B> = B extends { kind: 'json'; schema: NamedSchema<infer S> }
  ? z.output<S>
  : B extends { kind: 'multipart' }
    ? UploadInput
    : B extends { kind: 'raw' }
      ? RawBody
      : undefined;
/** What the handler returns on success: the input of the success schema (an array of it for a list). */
export type OutputOf<S> = S extends { kind: 'json'; schema: NamedSchema<infer O>; list: true }
  ? z.input<O>[]
  : S extends { kind: 'json'; schema: NamedSchema<infer O> }
    ? z.input<O>
    : never;

/** The declaration part of an operation (everything but the handler). */
export interface OperationSpec<
  A extends Auth = Auth,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends RequestBody | undefined = RequestBody | undefined,
  S extends Success = Success,
> {
  readonly method: HttpMethod;
  /** The path relative to where the API is mounted, `:name` for parameters (`/agents/:id`). */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  /** The OpenAPI tag (see `TAGS`, or a plugin's own). */
  readonly tag: string;
  readonly auth: A;
  /** `owner`: only users with role owner (others get 403). */
  readonly role?: 'owner';
  /** Descriptions of the `:params` of `path` (every one is a required string). */
  readonly params?: Readonly<Record<string, string>>;
  /** The query string, as a zod object: parsed before the handler runs (400 with issue paths). */
  readonly query?: Q;
  /** The body: a JSON body is parsed before the handler runs (400 with issue paths). */
  readonly body?: B;
  readonly success: S;
  /**
   * The error codes the operation itself may answer. Every operation may also answer `INTERNAL` and
   * `SERVICE_UNAVAILABLE`; an authenticated one `UNAUTHORIZED` and `RATE_LIMITED`; one with a query or a
   * body `VALIDATION_FAILED`; one with a body `PAYLOAD_TOO_LARGE`; a human one `FORBIDDEN` (see
   * `answerableCodes`).
   */
  readonly errors: readonly (ErrorCode | (string & {}))[];
}

export interface Operation<
  A extends Auth = Auth,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends RequestBody | undefined = RequestBody | undefined,
  S extends Success = Success,
> extends OperationSpec<A, Q, B, S> {
  readonly handler: (
    call: OperationCall<PrincipalOf<A>, QueryOf<Q>, BodyOf<B>>,
  ) => Promise<OutputOf<S> | Reply> | OutputOf<S> | Reply;
}

/** Any operation, whatever its types (the table's element type). */
// biome-ignore lint/suspicious/noExplicitAny: the handler's parameter differs per operation.
export type AnyOperation = Operation<Auth, any, any, any>;

/** Declares an operation; the handler's `principal`, `query`, `body` and return value are typed from it. */
export function defineOperation<
  A extends Auth,
  S extends Success,
  Q extends z.ZodObject | undefined = undefined,
  B extends RequestBody | undefined = undefined,
>(operation: Operation<A, Q, B, S>): Operation<A, Q, B, S> {
  return operation;
}
