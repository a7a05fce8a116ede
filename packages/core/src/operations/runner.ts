import type { Principal } from '../domain/principal.js';
import { PlacetError } from '../errors/placet-error.js';
import { parseOrThrow } from '../errors/zod-issues.js';
import type { Placet } from '../placet.js';
import {
  type AnyOperation,
  DEFAULT_RAW_BODY_BYTES,
  isReply,
  type OperationEnv,
  type OperationRequest,
  type RawBody,
  type Reply,
  type RequestBody,
  reply,
} from './operation.js';
import { type ConcurrentWaits, waitSlots } from './wait-slots.js';

/** The limits an HTTP adapter applies to every operation it serves. */
export interface OperationEnvOptions {
  /** Most items in a bare-array list; more → the reply's `next`. */
  listCap: number;
  /** Long-polls held open at once, per API key and per user; `false`: no cap. */
  concurrentWaits: ConcurrentWaits;
  /** Largest uploaded file (bytes), when the adapter sets a limit below the engine's `maxFileBytes`. */
  fileBytes?: number;
}

/** The per-mount state of an adapter (one per router: its own wait slots). */
export function createOperationEnv(options: OperationEnvOptions): OperationEnv {
  return {
    listCap: options.listCap,
    waits: waitSlots(options.concurrentWaits),
    ...(options.fileBytes !== undefined ? { fileBytes: options.fileBytes } : {}),
  };
}

/** The caller the operation admits, or the refusal (401 without one, 403 for the wrong kind or role). */
function admit(op: AnyOperation, principal: Principal | undefined): Principal | undefined {
  if (op.auth === 'public') return principal;
  // The original's message for a request without credentials.
  if (!principal) throw new PlacetError('UNAUTHORIZED', 'Missing or invalid API key');
  if (op.auth === 'user' && principal.kind !== 'user')
    throw new PlacetError('FORBIDDEN', 'This endpoint is for signed-in humans, not API keys');
  if (op.auth === 'apiKey' && principal.kind !== 'agent')
    throw new PlacetError('FORBIDDEN', 'This endpoint is for API keys, not signed-in humans');
  if (op.role === 'owner' && (principal.kind !== 'user' || principal.role !== 'owner'))
    throw new PlacetError('FORBIDDEN', 'Owner access required');
  return principal;
}

/** The bytes of a `raw` operation's body, in one of its media types and within its size limit. */
function rawBody(spec: Extract<RequestBody, { kind: 'raw' }>, request: OperationRequest): RawBody {
  const bytes = request.body instanceof Uint8Array ? request.body : new Uint8Array();
  const mediaType = (request.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const accepted = Object.keys(spec.mediaTypes).map((type) => type.toLowerCase());
  if (!accepted.includes(mediaType)) {
    throw new PlacetError('VALIDATION_FAILED', `Expected a body of type ${accepted.join(' or ')}`, {
      issues: [{ path: '', message: `the Content-Type must be ${accepted.join(' or ')}` }],
    });
  }
  if (bytes.byteLength > (spec.maxBytes ?? DEFAULT_RAW_BODY_BYTES))
    throw new PlacetError('PAYLOAD_TOO_LARGE', 'Request body too large');
  return { bytes, mediaType, text: () => new TextDecoder().decode(bytes) };
}

/**
 * Runs one operation for an adapter: admits the caller, parses the query and a JSON body with the
 * operation's schemas (400 with issue paths), calls the handler and returns its reply (a plain result
 * becomes a JSON reply with the operation's success status). Errors are thrown as `PlacetError`s; the
 * adapter writes them with `toErrorBody`.
 */
export async function runOperation(
  placet: Placet,
  op: AnyOperation,
  env: OperationEnv,
  request: OperationRequest,
): Promise<Reply> {
  const principal = admit(op, request.principal);
  const query = op.query ? parseOrThrow(op.query, request.query ?? {}) : undefined;
  const body =
    op.body?.kind === 'json'
      ? parseOrThrow(
          op.body.schema.schema,
          request.body === undefined && op.body.required === false ? {} : request.body,
        )
      : op.body?.kind === 'raw'
        ? rawBody(op.body, request)
        : request.body;
  const result = await op.handler({ placet, principal, params: request.params, query, body, request, env });
  if (isReply(result)) return result;
  if (op.success.kind !== 'json') {
    throw new Error(`${op.operationId}: a ${op.success.kind} operation must return a reply()`);
  }
  return reply({ status: op.success.status, json: result });
}
