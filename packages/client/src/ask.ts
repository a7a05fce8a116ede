import { errorFor } from './errors.js';
import { randomId } from './ids.js';
import { retryDelay } from './retry.js';
import type { ResponseOf, ReviewRequest } from './review-builders.js';
import { ROUTES, type Wire, type WireInput } from './routes.js';
import type { Transport } from './transport.js';

type Message = Wire<'Message'>;

/** The server's longest long-poll, and the default of each wait call (`GET /reviews/:id/wait`). */
export const MAX_POLL_MS = 30_000;
/** The server's shortest long-poll: a `timeout` answered sooner means the wait was cut short. */
const MIN_POLL_MS = 1_000;
/** How long past its timeout a wait call may stay unanswered before the client takes the connection for dead. */
const POLL_GRACE_MS = 15_000;

export interface WaitOptions {
  /** Stops waiting: the pending request is aborted and the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The outcome of a review: answered (or dismissed, when the payload allows it), or expired. */
export type AskResult<R> =
  | { status: 'completed'; dismissed: false; response: R; message: Message }
  | { status: 'completed'; dismissed: true; response: { _dismissed: true }; message: Message }
  | { status: 'expired'; dismissed: false; response: null; message: Message };

/** The message fields `ask()` passes through (besides `channelId`, `text`, `review` and `clientId`). */
export type AskMessageFields = Pick<
  WireInput<'MessageCreate'>,
  'status' | 'metadata' | 'attachmentIds' | 'textAttachments' | 'iterationOf' | 'webhookUrl'
>;

export interface AskOptions<V extends ReviewRequest> extends WaitOptions, AskMessageFields {
  /** What the human reads (markdown). */
  text?: string;
  /** The review: a builder's (`approval({ options })`: the answer is typed) or a plain `{ type, payload }`. */
  review: V;
  /**
   * Makes the ask idempotent: sent as the message's `clientId`, which the server keeps unique per channel.
   * Asking again with the same key (after a crash, a lost answer, an abort) finds the same review and
   * waits for its answer instead of asking twice. Default: a random key, so retries within this call
   * are idempotent too.
   */
  idempotencyKey?: string;
  /** Called once the review exists (with its message), before the wait: store the id, log a link. */
  onCreated?: (message: Message) => void;
}

/** The result of a message whose review is no longer pending; undefined while it is. */
export function outcomeOf<R>(message: Message): AskResult<R> | undefined {
  const review = message.review;
  if (!review || review.status === 'pending') return undefined;
  if (review.status === 'expired') return { status: 'expired', dismissed: false, response: null, message };
  const response = (review.response ?? {}) as Record<string, unknown>;
  if (response._dismissed === true)
    return { status: 'completed', dismissed: true, response: { _dismissed: true }, message };
  return { status: 'completed', dismissed: false, response: response as R, message };
}

/**
 * Waits for the answer to the review of message `messageId`: long-polls `GET /reviews/:id/wait` (each
 * call at most `pollTimeoutMs`), polls again after `timeout`, and rides out network failures, 429 and
 * 502/503/504 with backoff (honouring `Retry-After`) for as long as the review is pending — a restarted
 * server, a dropped connection. Other errors (404: deleted, 401: key revoked) are thrown.
 */
export async function waitForAnswer<R>(
  transport: Transport,
  messageId: string,
  channelId: string,
  options: WaitOptions & { pollTimeoutMs: number },
): Promise<AskResult<R>> {
  const policy = transport.config.retry;
  let early = 0;
  for (;;) {
    const started = Date.now();
    const result = await transport.json<Wire<'WaitResult'>>(
      ROUTES.waitForReview,
      { params: { id: messageId }, query: { channel: channelId, timeout: options.pollTimeoutMs } },
      { signal: options.signal, retry: 'forever', attemptTimeoutMs: options.pollTimeoutMs + POLL_GRACE_MS },
    );
    const outcome = result.message ? outcomeOf<R>(result.message) : undefined;
    if (outcome) return outcome;
    // The server holds a wait for at least a second; a `timeout` sooner (a server draining its waiters, a
    // proxy cutting requests short) is not a reason to poll in a tight loop: back off as for a failure.
    if (Date.now() - started < MIN_POLL_MS) await policy.sleep(retryDelay(policy, ++early), options.signal);
    else early = 0;
  }
}

/** Sends a message with a review (idempotently) and waits for its answer. */
export async function ask<V extends ReviewRequest>(
  transport: Transport,
  channelId: string,
  options: AskOptions<V>,
  pollTimeoutMs: number,
): Promise<AskResult<ResponseOf<V>>> {
  const { signal, idempotencyKey, onCreated, review, ...fields } = options;
  const clientId = idempotencyKey ?? `ask-${randomId()}`;
  const message = await transport.json<Message>(
    ROUTES.createMessage,
    { body: { ...fields, channelId, review, clientId } },
    // The clientId makes a repeated POST return the message the first one created: safe to retry.
    { signal, retry: 'safe' },
  );
  if (!message.review)
    throw errorFor(`The idempotency key "${clientId}" names a message without a review`, {
      status: 409,
      code: 'CONFLICT',
      request: 'POST /messages',
    });
  onCreated?.(message);
  return (
    outcomeOf<ResponseOf<V>>(message) ??
    waitForAnswer<ResponseOf<V>>(transport, message.id, channelId, {
      pollTimeoutMs,
      ...(signal ? { signal } : {}),
    })
  );
}
